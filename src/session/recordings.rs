//! Recordings in a session: their data and overview pyramids, the defaults a new recording
//! gets, and what the trace browser draws for a window of time (the rows, and the line
//! segments of every visible channel, from raw samples or from the min/max overview).

use std::sync::Arc;

use super::{Session, next_key};
use crate::dsp::pyramid::Pyramid;
use crate::model::{
    ChannelKind, Colormap, ElectrodeValue, LayerId, Recording, RecordingLayer, Reference, Source,
    Theme,
};
use crate::render::TraceVertex;

/// A recording ready to browse.
pub struct RecordingData {
    pub key: u64,
    pub recording: Recording,
}

impl RecordingData {
    pub fn new(recording: Recording) -> Self {
        RecordingData {
            key: next_key(),
            recording,
        }
    }

    /// Builds the min/max overview of every channel (all channels in parallel, each streamed
    /// once from its source), reporting progress as the fraction of samples read.
    pub fn build_pyramids(&self, progress: &(dyn Fn(f32) + Sync)) -> Result<Vec<Pyramid>, String> {
        use std::sync::atomic::{AtomicU64, Ordering};
        let rec = &self.recording;
        let n_samples: Vec<u64> = rec.channels.iter().map(|c| c.n_samples).collect();
        let total = n_samples.iter().sum::<u64>().max(1) as f32;
        let done = AtomicU64::new(0);
        let reported = std::sync::Mutex::new(0.0f32);
        let result = crate::dsp::build_channel_pyramids(
            &n_samples,
            crate::dsp::DEFAULT_BLOCK,
            |c, start, buf| {
                rec.read(c, start, buf)?;
                let fraction = done.load(Ordering::Relaxed) as f32 / total;
                if let Ok(mut last) = reported.try_lock()
                    && fraction - *last >= 0.01
                {
                    *last = fraction;
                    progress(fraction);
                }
                Ok(())
            },
            Some(&done),
        );
        result.map_err(|e| format!("{}: {e}", rec.name))
    }
}

/// Samples per channel up to which a window is drawn from raw samples (filtered and
/// re-referenced as asked); longer windows are drawn from the overview pyramid, as recorded.
pub const RAW_WINDOW_SAMPLES: u64 = 400_000;

/// One row of the trace browser.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    pub label: String,
    pub kind: ChannelKind,
    pub bad: bool,
    /// The channel (or, for a bipolar pair, its first channel).
    pub channel: usize,
    /// The second channel of a bipolar pair.
    pub minus: Option<usize>,
    /// Vertical centre of the row, in view pixels.
    pub y_px: f32,
}

/// What the trace browser draws for a window.
#[derive(Default)]
pub struct TraceScreen {
    pub rows: Vec<TraceRow>,
    pub segments: Vec<TraceVertex>,
    /// Said under the traces when something could not be drawn as asked.
    pub note: Option<String>,
}

impl Session {
    pub fn recording_data(&self, id: LayerId) -> Option<&Arc<RecordingData>> {
        self.recordings.get(&id)
    }

    /// The overview pyramids of a recording, one per channel, once built.
    pub fn pyramids(&self, id: LayerId) -> Option<&Arc<Vec<Pyramid>>> {
        self.pyramids.get(&id)
    }

    /// Stores the overview pyramids built in the background.
    pub fn set_pyramids(&mut self, id: LayerId, key: u64, pyramids: Vec<Pyramid>) {
        if self.recordings.get(&id).is_some_and(|d| d.key == key) {
            self.pyramids.insert(id, Arc::new(pyramids));
            self.touch();
        }
    }

    /// Whether electrodes would be drawn on nothing: a recording with positions, no surfaces.
    pub fn needs_template_brain(&self) -> bool {
        self.scene.surfaces.is_empty()
            && self.scene.recordings.iter().any(|r| {
                self.recordings
                    .get(&r.id)
                    .is_some_and(|d| !d.recording.electrodes.is_empty())
            })
    }

    /// Adds the MNI152 template hemispheres (the demo's brain, without its activation) for
    /// electrodes to sit on.
    pub fn add_template_brain(
        &mut self,
        left: Arc<super::SurfaceData>,
        right: Arc<super::SurfaceData>,
    ) {
        use crate::model::{Hemisphere, SurfaceLayer, UnderlayShading};
        for (data, hemisphere, name) in [
            (left, Hemisphere::Left, crate::demo::LEFT),
            (right, Hemisphere::Right, crate::demo::RIGHT),
        ] {
            let id = self.scene.new_id();
            let side = if hemisphere == Hemisphere::Left {
                "left"
            } else {
                "right"
            };
            self.scene.surfaces.push(SurfaceLayer {
                id,
                name: format!("MNI152 {side} (template)"),
                source: Source::Demo { name: name.into() },
                visible: true,
                opacity: 1.0,
                color: [0.52, 0.50, 0.48],
                underlay: UnderlayShading::Curvature,
                overlays: Vec::new(),
                hemisphere: Some(hemisphere),
            });
            self.surfaces.insert(id, data);
        }
        self.touch();
    }

    /// Adds a recording layer with its data (as loaded by a session file, or for a worker).
    pub fn insert_recording(&mut self, layer: RecordingLayer, data: Arc<RecordingData>) {
        self.recordings.insert(layer.id, data);
        self.scene.recordings.push(layer);
        self.touch();
    }

    /// Adds a recording with defaults that suit it; returns its id.
    pub fn add_recording(&mut self, source: Source, data: Arc<RecordingData>) -> LayerId {
        let id = self.scene.new_id();
        let layer = default_layer(id, source, &data.recording);
        self.scene.recordings.push(layer);
        self.recordings.insert(id, data);
        self.touch();
        id
    }

    /// The rows of a recording's browser, in display order (hidden channels left out; bipolar
    /// pairs instead of channels under a bipolar reference).
    pub fn trace_rows(&self, layer: &RecordingLayer) -> Vec<TraceRow> {
        let Some(data) = self.recordings.get(&layer.id) else {
            return Vec::new();
        };
        let channels = &data.recording.channels;
        let index = |name: &str| {
            channels
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name))
        };
        let is_bad = |i: usize| {
            channels[i].bad
                || layer
                    .bad
                    .iter()
                    .any(|b| b.eq_ignore_ascii_case(&channels[i].name))
        };
        let mut rows: Vec<TraceRow> = match &layer.reference {
            Reference::Bipolar { pairs } => pairs
                .iter()
                .filter_map(|(a, b)| {
                    let (ia, ib) = (index(a)?, index(b)?);
                    Some(TraceRow {
                        label: format!("{}-{}", channels[ia].name, channels[ib].name),
                        kind: channels[ia].kind,
                        bad: is_bad(ia) || is_bad(ib),
                        channel: ia,
                        minus: Some(ib),
                        y_px: 0.0,
                    })
                })
                .collect(),
            _ => (0..channels.len())
                .filter(|&i| {
                    !layer
                        .hidden
                        .iter()
                        .any(|h| h.eq_ignore_ascii_case(&channels[i].name))
                })
                .map(|i| TraceRow {
                    label: channels[i].name.clone(),
                    kind: channels[i].kind,
                    bad: is_bad(i),
                    channel: i,
                    minus: None,
                    y_px: 0.0,
                })
                .collect(),
        };
        if layer.group_by_kind {
            rows.sort_by_key(|r| kind_order(r.kind));
        }
        rows
    }

    /// The channels the average reference averages: good EEG/iEEG channels.
    fn average_reference_channels(&self, layer: &RecordingLayer) -> Vec<usize> {
        let Some(data) = self.recordings.get(&layer.id) else {
            return Vec::new();
        };
        data.recording
            .channels
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                c.kind.is_neural()
                    && !c.bad
                    && !layer.bad.iter().any(|b| b.eq_ignore_ascii_case(&c.name))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// A stretch of a row's signal as the browser shows it (referenced and filtered), in the
    /// channel's unit, from sample `start` of its channel, `n` samples. Filters are applied
    /// over a margin on either side so that the stretch is what a filter over the whole
    /// recording gives (to within the filters' settling).
    pub fn row_signal(
        &self,
        layer: &RecordingLayer,
        row: &TraceRow,
        start: u64,
        n: usize,
    ) -> Result<Vec<f64>, String> {
        self.row_signal_with(layer, row, start, n, true)
    }

    /// [`Session::row_signal`]; with `settle: false` the filters see exactly the stretch
    /// asked for, padded as `scipy.signal.sosfiltfilt` pads it (what `glia export` writes, so
    /// that it equals `sosfiltfilt(sos, x[start:start + n])`).
    pub fn row_signal_with(
        &self,
        layer: &RecordingLayer,
        row: &TraceRow,
        start: u64,
        n: usize,
        settle: bool,
    ) -> Result<Vec<f64>, String> {
        let data = self
            .recordings
            .get(&layer.id)
            .ok_or("the recording is gone")?;
        let rec = &data.recording;
        let fs = rec.channels[row.channel].sample_rate_hz;
        let margin = if layer.filter.is_active() && settle {
            filter_margin(&layer.filter, fs)
        } else {
            0
        };
        let from = start.saturating_sub(margin as u64);
        let lead = (start - from) as usize;
        let total = lead + n + margin;
        let mut x = vec![0.0; total];
        rec.read(row.channel, from, &mut x)?;
        if let Some(minus) = row.minus {
            let mut y = vec![0.0; total];
            rec.read(minus, from, &mut y)?;
            x.iter_mut().zip(&y).for_each(|(a, b)| *a -= b);
        } else if layer.reference == Reference::Average
            && rec.channels[row.channel].kind.is_neural()
        {
            let members = self.average_reference_channels(layer);
            let same_rate = |c: &usize| rec.channels[*c].sample_rate_hz == fs;
            let members: Vec<usize> = members.into_iter().filter(same_rate).collect();
            if !members.is_empty() {
                let mut sum = vec![0.0; total];
                let mut y = vec![0.0; total];
                for &c in &members {
                    rec.read(c, from, &mut y)?;
                    sum.iter_mut().zip(&y).for_each(|(s, v)| *s += v);
                }
                let k = members.len() as f64;
                x.iter_mut().zip(&sum).for_each(|(a, s)| *a -= s / k);
            }
        }
        if layer.filter.is_active() {
            super::filters::apply(&layer.filter, fs, &mut x)?;
        }
        Ok(x[lead..lead + n].to_vec())
    }

    /// The browser's picture of a recording's window in a view of `size` pixels: one row per
    /// visible channel, line segments from raw samples (zoomed in) or min/max envelopes.
    pub fn trace_screen(
        &self,
        layer: &RecordingLayer,
        size: [u32; 2],
        theme: Theme,
        selected_row: Option<usize>,
    ) -> TraceScreen {
        let Some(data) = self.recordings.get(&layer.id) else {
            return TraceScreen::default();
        };
        let rec = &data.recording;
        let mut rows = self.trace_rows(layer);
        let shown = layer.rows.max(1);
        let first = layer.first_row.min(rows.len().saturating_sub(1));
        let row_height = size[1] as f32 / shown as f32;
        let (width, t0, window) = (
            size[0].max(1) as f64,
            layer.view_start_secs,
            layer.view_secs.max(1e-6),
        );
        let mut screen = TraceScreen::default();
        for (i, row) in rows.iter_mut().enumerate().skip(first).take(shown) {
            row.y_px = ((i - first) as f32 + 0.5) * row_height;
            let channel = &rec.channels[row.channel];
            let fs = channel.sample_rate_hz;
            let to_display = display_factor(channel, layer) * row_height as f64;
            let color = trace_color(row, theme, selected_row == Some(i));
            let start = (t0 * fs).floor().max(0.0) as u64;
            let end = (((t0 + window) * fs).ceil().max(0.0) as u64).min(channel.n_samples);
            if end <= start {
                continue;
            }
            let n = end - start;
            let x_of = |sample: f64| ((sample / fs - t0) / window * width) as f32;
            let y_of = |v: f64| row.y_px - (v * to_display) as f32;
            if n <= RAW_WINDOW_SAMPLES {
                match self.row_signal(layer, row, start, n as usize) {
                    Ok(values) if (n as f64) <= width * 2.0 => {
                        polyline(
                            &mut screen.segments,
                            &values,
                            |k| x_of((start + k as u64) as f64),
                            y_of,
                            color,
                        );
                    }
                    Ok(values) => {
                        let columns = envelope_of(&values, start, fs, t0, window, width as usize);
                        envelope(&mut screen.segments, &columns, y_of, color);
                    }
                    Err(e) => screen.note = Some(format!("{}: {e}", row.label)),
                }
            } else if let Some(pyramid) = self
                .pyramids
                .get(&layer.id)
                .and_then(|p| p.get(row.channel))
            {
                let columns = pyramid_columns(pyramid, t0, window, fs, width as usize);
                envelope(&mut screen.segments, &columns, y_of, color);
                if layer.filter.is_active() || layer.reference != Reference::AsRecorded {
                    screen.note = Some(format!(
                        "Windows over {} samples are drawn from the overview, unfiltered and as recorded",
                        RAW_WINDOW_SAMPLES
                    ));
                }
            } else {
                screen.note = Some("Building the overview of this recording…".into());
            }
        }
        screen.rows = rows.into_iter().skip(first).take(shown).collect();
        screen
    }
}

/// Samples of margin that let zero-phase filters settle: ten time constants of the lowest
/// corner, between one second and thirty.
fn filter_margin(filter: &crate::model::DisplayFilter, fs: f64) -> usize {
    let lowest = [filter.highpass_hz, filter.lowpass_hz, filter.notch_hz]
        .into_iter()
        .flatten()
        .map(f64::from)
        .fold(f64::INFINITY, f64::min);
    let secs: f64 = if lowest.is_finite() && lowest > 0.0 {
        (10.0 / lowest).clamp(1.0, 30.0)
    } else {
        1.0
    };
    (secs * fs).ceil() as usize
}

/// Display pixels per unit of signal, as a fraction of the row height: voltages are shown in
/// µV against the layer's scale (µV per row); other units against their own scale.
fn display_factor(channel: &crate::model::Channel, layer: &RecordingLayer) -> f64 {
    let gain = layer
        .gains
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(&channel.name))
        .map_or(1.0, |(_, g)| f64::from(*g));
    let per_unit = if channel.unit == "V" { 1e6 } else { 1.0 };
    per_unit * gain / f64::from(layer.scale.max(1e-9))
}

fn kind_order(kind: ChannelKind) -> u8 {
    match kind {
        ChannelKind::Eeg => 0,
        ChannelKind::Seeg => 1,
        ChannelKind::Ecog => 2,
        ChannelKind::Eog => 3,
        ChannelKind::Emg => 4,
        ChannelKind::Ecg => 5,
        ChannelKind::Misc => 6,
        ChannelKind::Trig => 7,
    }
}

/// Trace colours: calm greys for EEG, hues for other kinds, red for bad channels.
pub fn trace_color(row: &TraceRow, theme: Theme, selected: bool) -> [u8; 4] {
    if row.bad {
        return [200, 70, 60, 200];
    }
    if selected {
        return [40, 170, 255, 255];
    }
    let dark = theme == Theme::Dark;
    match row.kind {
        ChannelKind::Eeg | ChannelKind::Seeg | ChannelKind::Ecog => {
            if dark {
                [215, 218, 222, 255]
            } else {
                [30, 32, 36, 255]
            }
        }
        ChannelKind::Eog => [70, 140, 230, 255],
        ChannelKind::Ecg => [220, 80, 120, 255],
        ChannelKind::Emg => [60, 170, 110, 255],
        ChannelKind::Trig => [220, 160, 40, 255],
        ChannelKind::Misc => [150, 150, 160, 255],
    }
}

/// Segments between consecutive finite samples.
fn polyline(
    out: &mut Vec<TraceVertex>,
    values: &[f64],
    x_of: impl Fn(usize) -> f32,
    y_of: impl Fn(f64) -> f32,
    color: [u8; 4],
) {
    for (k, w) in values.windows(2).enumerate() {
        if w[0].is_finite() && w[1].is_finite() {
            out.push(TraceVertex {
                position: [x_of(k), y_of(w[0])],
                color,
            });
            out.push(TraceVertex {
                position: [x_of(k + 1), y_of(w[1])],
                color,
            });
        }
    }
}

/// Per-column (min, max) of raw samples: column c covers the samples whose time falls in it.
fn envelope_of(
    values: &[f64],
    start: u64,
    fs: f64,
    t0: f64,
    window: f64,
    width: usize,
) -> Vec<(f32, f32)> {
    let mut columns = vec![(f32::INFINITY, f32::NEG_INFINITY); width.max(1)];
    for (k, &v) in values.iter().enumerate() {
        if !v.is_finite() {
            continue;
        }
        let t = (start + k as u64) as f64 / fs;
        let c = (((t - t0) / window) * width as f64).floor();
        if c < 0.0 || c >= width as f64 {
            continue;
        }
        let col = &mut columns[c as usize];
        col.0 = col.0.min(v as f32);
        col.1 = col.1.max(v as f32);
    }
    columns
}

/// Per-column (min, max) from a channel's overview pyramid.
fn pyramid_columns(
    pyramid: &Pyramid,
    t0: f64,
    window: f64,
    fs: f64,
    width: usize,
) -> Vec<(f32, f32)> {
    let start = (t0 * fs).max(0.0) as u64;
    let end = ((t0 + window) * fs).max(0.0) as u64;
    pyramid.envelope(start, end, width)
}

/// Vertical segments per column, joined to their neighbours so the envelope has no gaps.
fn envelope(
    out: &mut Vec<TraceVertex>,
    columns: &[(f32, f32)],
    y_of: impl Fn(f64) -> f32,
    color: [u8; 4],
) {
    let mut previous: Option<(f32, f32)> = None;
    for (c, &(lo, hi)) in columns.iter().enumerate() {
        if !(lo <= hi) {
            previous = None;
            continue;
        }
        // Reach to the previous column's range, so consecutive columns always touch.
        let (a, b) = match previous {
            Some((plo, phi)) => (lo.min(phi), hi.max(plo)),
            None => (lo, hi),
        };
        let x = c as f32;
        let (y0, y1) = (y_of(f64::from(b)), y_of(f64::from(a)));
        out.push(TraceVertex {
            position: [x, y0],
            color,
        });
        // One pixel at least, so flat stretches still show.
        out.push(TraceVertex {
            position: [x, y1.max(y0 + 1.0)],
            color,
        });
        previous = Some((lo, hi));
    }
}

/// A recording's layer with the defaults that suit it: the first ten seconds, up to 32 rows,
/// 100 µV per row, electrodes in 3D when their positions are known.
pub fn default_layer(id: LayerId, source: Source, rec: &Recording) -> RecordingLayer {
    let name = if rec.name.is_empty() {
        source.display_name()
    } else {
        rec.name.clone()
    };
    RecordingLayer {
        id,
        name,
        source,
        visible: true,
        hidden: Vec::new(),
        bad: Vec::new(),
        scale: auto_scale(rec),
        gains: Vec::new(),
        reference: Reference::AsRecorded,
        filter: Default::default(),
        group_by_kind: false,
        view_start_secs: 0.0,
        view_secs: rec.duration_secs.clamp(0.0, 10.0).max(1e-3),
        first_row: 0,
        rows: rec.channels.len().clamp(1, 32),
        electrodes_in_3d: !rec.electrodes.is_empty(),
        electrode_value: ElectrodeValue::Amplitude,
        on_cortex: false,
        colormap: Colormap::RdBuR,
        range: [-30.0, 30.0],
    }
}

/// A row spacing (µV for voltages) at which a typical channel fills its row: the median over
/// channels of the 2–98 % range of their first ten seconds, rounded up to 1, 2 or 5 × 10ⁿ.
pub fn auto_scale(rec: &Recording) -> f32 {
    let mut ranges: Vec<f64> = rec
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind != ChannelKind::Trig)
        .take(64)
        .filter_map(|(i, c)| {
            let n = ((10.0 * c.sample_rate_hz) as u64)
                .min(c.n_samples)
                .min(100_000) as usize;
            let mut x = vec![0.0; n];
            rec.read(i, 0, &mut x).ok()?;
            let mut x: Vec<f64> = x.into_iter().filter(|v| v.is_finite()).collect();
            if x.len() < 2 {
                return None;
            }
            x.sort_by(f64::total_cmp);
            let q = |p: f64| x[((x.len() - 1) as f64 * p) as usize];
            let per_unit = if c.unit == "V" { 1e6 } else { 1.0 };
            let r = (q(0.98) - q(0.02)) * per_unit;
            (r > 0.0).then_some(r)
        })
        .collect();
    if ranges.is_empty() {
        return 100.0;
    }
    ranges.sort_by(f64::total_cmp);
    let median = ranges[ranges.len() / 2];
    let power = 10f64.powf(median.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= median)
        .unwrap_or(median);
    nice as f32
}
