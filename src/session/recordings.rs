//! Recordings in a session: their data and overview pyramids, the defaults a new recording
//! gets, and what the trace browser draws for a window of time (the rows, and the line
//! segments of every visible channel, from raw samples or from the min/max overview).

use std::sync::Arc;

use super::{Session, next_key};
use crate::dsp::pyramid::Pyramid;
use crate::formats::montage::site_name;
use crate::model::{
    ChannelKind, Colormap, ElectrodeValue, LayerId, Recording, RecordingLayer, Reference, Source,
    Theme,
};
use crate::render::TraceStrip;

/// A recording ready to browse.
pub struct RecordingData {
    pub key: u64,
    pub recording: Recording,
}

impl AsRef<crate::model::Recording> for RecordingData {
    fn as_ref(&self) -> &crate::model::Recording {
        &self.recording
    }
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
            pyramid_block(n_samples.iter().sum()),
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

    /// [`RecordingData::build_pyramids`], through an on-disk cache for recordings read from
    /// `file`: reopening a long recording finds its overview at once. The cache is keyed by the
    /// file's path, size and modification time; a stale or damaged cache is rebuilt.
    pub fn load_or_build_pyramids(
        &self,
        file: Option<&std::path::Path>,
        progress: &(dyn Fn(f32) + Sync),
    ) -> Result<Vec<Pyramid>, String> {
        let cache = file.and_then(pyramid_cache_path);
        if let Some(path) = &cache
            && let Ok(bytes) = std::fs::read(path)
            && let Some(pyramids) = self.pyramids_from_cache(&bytes)
        {
            return Ok(pyramids);
        }
        let pyramids = self.build_pyramids(progress)?;
        if let Some(path) = cache {
            // A cache that cannot be written only costs the next open a rebuild.
            let _ = write_pyramid_cache(&path, &pyramids);
        }
        Ok(pyramids)
    }

    /// The pyramids in a cache file, if they fit this recording's channels.
    fn pyramids_from_cache(&self, bytes: &[u8]) -> Option<Vec<Pyramid>> {
        let rest = bytes.strip_prefix(PYRAMID_CACHE_MAGIC)?;
        let count = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let channels = &self.recording.channels;
        if count != channels.len() {
            return None;
        }
        let block = pyramid_block(channels.iter().map(|c| c.n_samples).sum());
        let mut at = 4;
        let mut pyramids = Vec::with_capacity(count);
        for channel in channels {
            let len = u64::from_le_bytes(rest.get(at..at + 8)?.try_into().ok()?) as usize;
            at += 8;
            let pyramid = Pyramid::from_bytes(rest.get(at..at.checked_add(len)?)?).ok()?;
            at += len;
            if pyramid.n_samples() != channel.n_samples || pyramid.block() != block {
                return None;
            }
            pyramids.push(pyramid);
        }
        (at == rest.len()).then_some(pyramids)
    }
}

const PYRAMID_CACHE_MAGIC: &[u8; 8] = b"GLIAPYRS";

/// Total overview entries (min, max pairs of `f32`) a recording's pyramids may hold: 16 M, so
/// 128 MB whatever the recording's size.
const PYRAMID_BUDGET_ENTRIES: u64 = 16 << 20;

/// Samples per level-0 block for a recording of `total_samples` (all channels): 16, or more
/// for very long recordings so that the pyramids stay within [`PYRAMID_BUDGET_ENTRIES`]
/// (a pyramid holds about two entries per block).
pub fn pyramid_block(total_samples: u64) -> usize {
    let needed = (2 * total_samples).div_ceil(PYRAMID_BUDGET_ENTRIES).max(1);
    (needed.next_power_of_two() as usize).max(crate::dsp::DEFAULT_BLOCK)
}

/// Where the overview of `file` is cached: `$GLIA_CACHE_DIR`, else `$XDG_CACHE_HOME/glia`, else
/// `~/.cache/glia`, under `pyramids/`, named by a hash of the file's path, size and time.
pub fn pyramid_cache_path(file: &std::path::Path) -> Option<std::path::PathBuf> {
    use std::path::PathBuf;
    let meta = std::fs::metadata(file).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let path = std::fs::canonicalize(file).ok()?;
    let dir = if let Some(dir) = std::env::var_os("GLIA_CACHE_DIR") {
        PathBuf::from(dir)
    } else if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        PathBuf::from(dir).join("glia")
    } else {
        PathBuf::from(std::env::var_os("HOME")?)
            .join(".cache")
            .join("glia")
    };
    // FNV-1a: stable across runs and builds (std's hasher is not).
    let key = format!("{}|{}|{modified}", path.display(), meta.len());
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    Some(dir.join("pyramids").join(format!("{hash:016x}.pyr")))
}

fn write_pyramid_cache(path: &std::path::Path, pyramids: &[Pyramid]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        f.write_all(PYRAMID_CACHE_MAGIC)?;
        f.write_all(&(pyramids.len() as u32).to_le_bytes())?;
        for p in pyramids {
            let bytes = p.to_bytes();
            f.write_all(&(bytes.len() as u64).to_le_bytes())?;
            f.write_all(&bytes)?;
        }
        f.flush()?;
    }
    std::fs::rename(&tmp, path)
}

/// Samples per channel up to which a window is drawn from raw samples (filtered and
/// re-referenced as asked); longer windows are drawn from the overview pyramid, as recorded.
pub const RAW_WINDOW_SAMPLES: u64 = 400_000;

/// Samples per pixel column above which an as-recorded window is drawn from the overview
/// pyramid rather than from samples (the picture is the same: per-column min and max).
pub const OVERVIEW_SAMPLES_PER_PIXEL: f64 = 16.0;

/// The last average reference computed, and what for.
pub(crate) type CachedAverage = (AverageKey, Arc<Vec<f64>>);

/// What an average reference was computed for.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AverageKey {
    data: u64,
    members: Vec<usize>,
    from: u64,
    total: usize,
}

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
    /// One strip per row in `rows`, as the trace renderer draws it.
    pub strips: Vec<TraceStrip>,
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

    /// Gives the recording `preferred` (else the last one opened) the electrode positions of a
    /// montage file, matched to its channels by name (clinical labels such as `EEG Fp1-REF`
    /// match `Fp1`). Fails, naming the file, when no recording is open or no name matches.
    pub fn apply_montage(
        &mut self,
        source: &Source,
        electrodes: Vec<crate::model::Electrode>,
        preferred: Option<LayerId>,
    ) -> Result<super::Applied, String> {
        let file = source.display_name();
        let id = preferred
            .filter(|id| self.recordings.contains_key(id))
            .or_else(|| self.scene.recordings.last().map(|r| r.id))
            .ok_or_else(|| {
                format!("{file}: electrode positions need a recording; open it first")
            })?;
        let data = self.recordings[&id].clone();
        let mut recording = data.recording.clone();
        // Each channel takes the position of the electrode named like it.
        let placed: Vec<crate::model::Electrode> = recording
            .channels
            .iter()
            .filter_map(|c| {
                let site = site_name(&c.name);
                electrodes
                    .iter()
                    .find(|e| {
                        e.name.eq_ignore_ascii_case(&c.name) || e.name.eq_ignore_ascii_case(site)
                    })
                    .map(|e| crate::model::Electrode {
                        name: c.name.clone(),
                        position_mm: e.position_mm,
                    })
            })
            .collect();
        if placed.is_empty() {
            return Err(format!(
                "{file}: none of its {} electrodes is named like a channel of {}",
                electrodes.len(),
                recording.name
            ));
        }
        recording.electrodes = placed;
        // The samples are the same: the key (and the overview built for it) stays.
        let data = Arc::new(RecordingData {
            key: data.key,
            recording,
        });
        self.recordings.insert(id, data);
        self.electrode_meshes.remove(&id);
        self.electrode_states.remove(&id);
        self.cortex_weights.retain(|(r, _), _| *r != id);
        self.cortex_values.retain(|(r, _), _| *r != id);
        if let Some(layer) = self.scene.recording_mut(id) {
            layer.electrodes_in_3d = true;
            layer.montage = Some(source.clone());
        }
        self.touch();
        Ok(super::Applied::Recording(id))
    }

    /// Whether electrodes would be drawn on nothing: a recording with positions, no surfaces.
    pub fn needs_template_brain(&self) -> bool {
        self.scene.surfaces.is_empty()
            && (self.scene.recordings.iter().any(|r| {
                self.recordings
                    .get(&r.id)
                    .is_some_and(|d| !d.recording.electrodes.is_empty())
            }) || self.scene.spikes.iter().any(|s| {
                self.spike_data(s.id).is_some_and(|d| {
                    !crate::session::unit_positions(&d.set, s.placement.as_ref()).is_empty()
                })
            }))
    }

    /// Adds the MNI152 template hemispheres (the demo's brain, without its activation) for
    /// electrodes to sit on.
    pub fn add_template_brain(
        &mut self,
        left: Arc<super::SurfaceData>,
        right: Arc<super::SurfaceData>,
    ) {
        use crate::model::{Hemisphere, SurfaceLayer, UnderlayShading};
        // Units recorded inside the brain show through a translucent cortex; scalp electrodes
        // sit on an opaque one.
        let scalp = self.scene.recordings.iter().any(|r| {
            self.recordings
                .get(&r.id)
                .is_some_and(|d| !d.recording.electrodes.is_empty())
        });
        let opacity = if scalp { 1.0 } else { 0.35 };
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
                opacity,
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
        // Pairs name sites ("Fp1", "T3"); clinical files label channels "EEG FP1-REF".
        let same_site = |a: &str, b: &str| {
            let (a, b) = (site_name(a), site_name(b));
            a.eq_ignore_ascii_case(b)
                || crate::formats::montage::standard_position(a)
                    .is_some_and(|p| crate::formats::montage::standard_position(b) == Some(p))
        };
        let index = |name: &str| {
            channels
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name))
                .or_else(|| channels.iter().position(|c| same_site(&c.name, name)))
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

    /// The average reference for a channel over samples `from .. from + total`: the mean of
    /// the good channels of its kind and sample rate (as MNE averages one channel type). Every
    /// row of a frame shares it, so it is computed once and kept until asked for another
    /// stretch.
    fn average_signal(
        &self,
        layer: &RecordingLayer,
        channel: usize,
        from: u64,
        total: usize,
    ) -> Result<Option<Arc<Vec<f64>>>, String> {
        let Some(data) = self.recordings.get(&layer.id) else {
            return Ok(None);
        };
        let rec = &data.recording;
        let (kind, fs) = (
            rec.channels[channel].kind,
            rec.channels[channel].sample_rate_hz,
        );
        let members: Vec<usize> = self
            .average_reference_channels(layer)
            .into_iter()
            .filter(|&c| rec.channels[c].kind == kind && rec.channels[c].sample_rate_hz == fs)
            .collect();
        if members.is_empty() {
            return Ok(None);
        }
        let key = AverageKey {
            data: data.key,
            members: members.clone(),
            from,
            total,
        };
        let mut cache = self.average_cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, mean)) = cache.as_ref()
            && *k == key
        {
            return Ok(Some(mean.clone()));
        }
        let mut sum = vec![0.0; total];
        let mut y = vec![0.0; total];
        for &c in &members {
            rec.read(c, from, &mut y)?;
            sum.iter_mut().zip(&y).for_each(|(s, v)| *s += v);
        }
        let k = members.len() as f64;
        sum.iter_mut().for_each(|s| *s /= k);
        let mean = Arc::new(sum);
        *cache = Some((key, mean.clone()));
        Ok(Some(mean))
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
        let n_samples = rec.channels[row.channel].n_samples;
        let from = start.saturating_sub(margin as u64);
        let lead = (start - from) as usize;
        // The trailing margin stops at the end of the channel: samples past it read as NaN,
        // which the filters would spread over the whole stretch (near the end of a recording
        // filtered rows, spectra and electrode values all came out NaN).
        let tail = (margin as u64).min(n_samples.saturating_sub(start.saturating_add(n as u64)));
        let total = lead + n + tail as usize;
        let mut x = vec![0.0; total];
        rec.read(row.channel, from, &mut x)?;
        if let Some(minus) = row.minus {
            let mut y = vec![0.0; total];
            rec.read(minus, from, &mut y)?;
            x.iter_mut().zip(&y).for_each(|(a, b)| *a -= b);
        } else if layer.reference == Reference::Average
            && rec.channels[row.channel].kind.is_neural()
            && let Some(mean) = self.average_signal(layer, row.channel, from, total)?
        {
            x.iter_mut().zip(mean.iter()).for_each(|(a, m)| *a -= m);
        }
        if layer.filter.is_active() {
            // Only the recorded part: a stretch asked for past the end keeps NaN there.
            let recorded = usize::try_from(n_samples.saturating_sub(from))
                .unwrap_or(usize::MAX)
                .min(total);
            super::filters::apply(&layer.filter, fs, &mut x[..recorded])?;
        }
        Ok(x[lead..lead + n].to_vec())
    }

    /// The browser's picture of a recording's window in a view of `size` pixels: one row per
    /// visible channel, drawn from raw samples (zoomed in) or min/max envelopes.
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
        if rows.is_empty() {
            return TraceScreen {
                note: Some(match layer.reference {
                    Reference::Bipolar { .. } => {
                        "No pair of the bipolar montage names channels of this recording".into()
                    }
                    _ => "Every channel is hidden".into(),
                }),
                ..Default::default()
            };
        }
        let shown = layer.rows.max(1);
        let first = layer.first_row.min(rows.len().saturating_sub(1));
        let row_height = size[1] as f32 / shown as f32;
        let (width, t0, window) = (
            size[0].max(1) as f64,
            layer.view_start_secs,
            layer.view_secs.max(1e-6),
        );
        use rayon::prelude::*;
        let mut screen = TraceScreen::default();
        let columns = width as usize;
        for (i, row) in rows.iter_mut().enumerate().skip(first).take(shown) {
            row.y_px = ((i - first) as f32 + 0.5) * row_height;
        }
        // Rows are read, filtered and reduced in parallel.
        let drawn: Vec<(TraceStrip, Option<String>)> = rows
            .par_iter()
            .enumerate()
            .skip(first)
            .take(shown)
            .map(|(i, row)| {
            let mut note = None;
            let channel = &rec.channels[row.channel];
            let fs = channel.sample_rate_hz;
            let to_display = display_factor(channel, layer) * row_height as f64;
            let color = trace_color(row, theme, selected_row == Some(i));
            let mut strip = TraceStrip::empty(color, columns);
            // One sample either side of the window, so the line reaches both edges.
            let start = (t0 * fs).floor().max(0.0) as u64;
            let end = ((((t0 + window) * fs).floor().max(0.0) as u64).saturating_add(2))
                .min(channel.n_samples);
            if end <= start {
                return (strip, None);
            }
            let n = end - start;
            let x_of = |sample: f64| (sample / fs - t0) / window * width;
            let pyramid = self.pyramids.get(&layer.id).and_then(|p| p.get(row.channel));
            // The overview draws long windows fast, but only as recorded: windows with
            // filters or a reference are drawn from samples up to RAW_WINDOW_SAMPLES.
            let as_recorded = !layer.filter.is_active()
                && row.minus.is_none()
                && layer.reference == Reference::AsRecorded;
            let prefer_overview = pyramid.is_some()
                && as_recorded
                && n as f64 > OVERVIEW_SAMPLES_PER_PIXEL * width;
            // As MNE's browser does, each row is drawn about its mean over the window (DC
            // offsets of millivolts would put traces far from their rows); triggers as they are.
            let remove_dc = row.kind != ChannelKind::Trig;
            if n <= RAW_WINDOW_SAMPLES && !prefer_overview {
                match self.row_signal(layer, row, start, n as usize) {
                    Ok(values) => {
                        let dc = if remove_dc { mean_finite(values.iter().copied()) } else { 0.0 };
                        let y_of = |v: f64| (f64::from(row.y_px) - (v - dc) * to_display) as f32;
                        if (n as f64) <= width * 2.0 {
                            polyline_spans(&mut strip, &values, |k| x_of((start + k as u64) as f64), y_of);
                        } else {
                            let env = envelope_of(&values, start, fs, t0, window, columns);
                            envelope_spans(&mut strip, &env, y_of);
                        }
                    }
                    Err(e) => note = Some(format!("{}: {e}", row.label)),
                }
            } else if let Some(pyramid) = pyramid {
                let env = pyramid_columns(pyramid, t0, window, fs, columns);
                let dc = if remove_dc {
                    mean_finite(env.iter().map(|(lo, hi)| (f64::from(*lo) + f64::from(*hi)) / 2.0))
                } else {
                    0.0
                };
                let y_of = |v: f64| (f64::from(row.y_px) - (v - dc) * to_display) as f32;
                envelope_spans(&mut strip, &env, y_of);
                if !as_recorded {
                    note = Some(format!(
                        "Windows over {} samples are drawn from the overview, unfiltered and as recorded",
                        RAW_WINDOW_SAMPLES
                    ));
                }
            } else {
                note = Some("Building the overview of this recording…".into());
            }
            (strip, note)
        })
            .collect();
        for (strip, note) in drawn {
            screen.strips.push(strip);
            if note.is_some() {
                screen.note = note;
            }
        }
        screen.rows = rows.into_iter().skip(first).take(shown).collect();
        screen
    }
}

/// Samples of margin that let zero-phase filters settle: four periods of the lowest corner,
/// between half a second and twenty. (A 1–40 Hz band-pass with a 50 Hz notch over a 10 s window
/// then differs from filtering the whole recording by 4e-5 of the signal's standard deviation,
/// far below a pixel; SciPy on white-plus-Brownian noise.)
fn filter_margin(filter: &crate::model::DisplayFilter, fs: f64) -> usize {
    let lowest = [filter.highpass_hz, filter.lowpass_hz, filter.notch_hz]
        .into_iter()
        .flatten()
        .map(f64::from)
        .fold(f64::INFINITY, f64::min);
    let secs: f64 = if lowest.is_finite() && lowest > 0.0 {
        (4.0 / lowest).clamp(0.5, 20.0)
    } else {
        0.5
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

/// Mean of the finite values (0 when there are none).
fn mean_finite(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values
        .filter(|v| v.is_finite())
        .fold((0.0, 0u64), |(s, k), v| (s + v, k + 1));
    if count > 0 { sum / count as f64 } else { 0.0 }
}

/// Rasterises the line through consecutive finite samples into column spans: in each column
/// the line covers the range of its values over the column's width (what a one-pixel line
/// draws). A sample between missing ones is a point.
fn polyline_spans(
    strip: &mut TraceStrip,
    values: &[f64],
    x_of: impl Fn(usize) -> f64,
    y_of: impl Fn(f64) -> f32,
) {
    let width = strip.spans.len() as f64;
    for k in 0..values.len() {
        let (v0, x0) = (values[k], x_of(k));
        if !v0.is_finite() {
            continue;
        }
        let next = values.get(k + 1).copied().filter(|v| v.is_finite());
        let previous_finite = k > 0 && values[k - 1].is_finite();
        let Some(v1) = next else {
            if !previous_finite {
                let y = y_of(v0);
                strip.extend(x0.floor() as i64, y, y);
            }
            continue;
        };
        let x1 = x_of(k + 1);
        if x1 < 0.0 || x0 >= width {
            continue;
        }
        let (y0, y1) = (y_of(v0), y_of(v1));
        let first = x0.max(0.0).floor() as i64;
        let last = x1.min(width - 1e-9).floor() as i64;
        let at = |x: f64| {
            let t = if x1 > x0 {
                ((x - x0) / (x1 - x0)).clamp(0.0, 1.0)
            } else {
                0.0
            };
            y0 + (y1 - y0) * t as f32
        };
        for c in first..=last {
            let (xa, xb) = (x0.max(c as f64), x1.min((c + 1) as f64));
            strip.extend(c, at(xa), at(xb));
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

/// Column spans of a per-column (min, max) envelope, each reaching to its neighbour's range
/// so that the trace has no gaps.
fn envelope_spans(strip: &mut TraceStrip, columns: &[(f32, f32)], y_of: impl Fn(f64) -> f32) {
    let mut previous: Option<(f32, f32)> = None;
    for (c, &(lo, hi)) in columns.iter().enumerate() {
        if lo.is_nan() || hi.is_nan() || lo > hi {
            previous = None;
            continue;
        }
        let (a, b) = match previous {
            Some((plo, phi)) => (lo.min(phi), hi.max(plo)),
            None => (lo, hi),
        };
        strip.extend(c as i64, y_of(f64::from(b)), y_of(f64::from(a)));
        previous = Some((lo, hi));
    }
}

/// A recording's layer with the defaults that suit it: the first ten seconds, up to 32 rows,
/// 100 µV per row, electrodes in 3D when their positions are known.
pub fn default_layer(id: LayerId, source: Source, rec: &Recording) -> RecordingLayer {
    let scale = auto_scale(rec);
    RecordingLayer {
        gains: auto_gains(rec, scale),
        ..layer_with_scale(id, source, rec, scale)
    }
}

/// [`default_layer`] with a known scale (µV per row) and no per-channel gains: reads no
/// samples (the demo's layer is made on the UI thread at start-up).
pub fn layer_with_scale(
    id: LayerId,
    source: Source,
    rec: &Recording,
    scale: f32,
) -> RecordingLayer {
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
        scale,
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
        montage: None,
        colormap: Colormap::RdBuR,
        range: [-30.0, 30.0],
    }
}

/// The 2–98 % range of a channel's first ten seconds in display units (µV for voltages).
fn display_range(rec: &Recording, channel: usize) -> Option<f64> {
    let c = &rec.channels[channel];
    let n = ((10.0 * c.sample_rate_hz) as u64)
        .min(c.n_samples)
        .min(100_000) as usize;
    let mut x = vec![0.0; n];
    rec.read(channel, 0, &mut x).ok()?;
    let mut x: Vec<f64> = x.into_iter().filter(|v| v.is_finite()).collect();
    if x.len() < 2 {
        return None;
    }
    x.sort_by(f64::total_cmp);
    let q = |p: f64| x[((x.len() - 1) as f64 * p) as usize];
    let per_unit = if c.unit == "V" { 1e6 } else { 1.0 };
    let r = (q(0.98) - q(0.02)) * per_unit;
    (r > 0.0).then_some(r)
}

/// `x` rounded up to 1, 2 or 5 × 10ⁿ (row scales, axis tick steps).
pub fn nice_ceil(x: f64) -> f64 {
    let power = 10f64.powf(x.max(1e-12).log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= x)
        .unwrap_or(x)
}

/// A row spacing (µV for voltages) at which a typical brain channel fills its row: the median
/// over EEG/iEEG channels (all channels when there are none) of the 2–98 % range of their first
/// ten seconds, rounded up to 1, 2 or 5 × 10ⁿ.
pub fn auto_scale(rec: &Recording) -> f32 {
    let neural: Vec<usize> = (0..rec.channels.len())
        .filter(|&i| rec.channels[i].kind.is_neural())
        .collect();
    let candidates = if neural.is_empty() {
        (0..rec.channels.len()).collect()
    } else {
        neural
    };
    let mut ranges: Vec<f64> = candidates
        .into_iter()
        .filter(|&i| rec.channels[i].kind != ChannelKind::Trig)
        .take(64)
        .filter_map(|i| display_range(rec, i))
        .collect();
    if ranges.is_empty() {
        return 100.0;
    }
    ranges.sort_by(f64::total_cmp);
    nice_ceil(ranges[ranges.len() / 2]) as f32
}

/// Gains for the channels that are not EEG/iEEG (EOG, ECG, EMG, triggers, sensors in other
/// units) so that each fills its row at the layer's scale, as MNE scales each channel type
/// apart: ECG in millivolts would otherwise cross every row.
pub fn auto_gains(rec: &Recording, scale: f32) -> Vec<(String, f32)> {
    if !rec.channels.iter().any(|c| c.kind.is_neural()) {
        return Vec::new();
    }
    rec.channels
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.kind.is_neural())
        .take(64)
        .filter_map(|(i, c)| {
            let range = nice_ceil(display_range(rec, i)?);
            Some((c.name.clone(), (f64::from(scale) / range) as f32))
        })
        .filter(|(_, g)| (*g - 1.0).abs() > 1e-3)
        .collect()
}
