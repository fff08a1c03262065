//! Spectra of the recording in the trace browser, over the window it shows: the Welch power
//! spectral density of every shown channel (as `scipy.signal.welch`, two-second Hann segments
//! with half overlap), the spectrogram of the selected channel, and that channel's power in
//! editable frequency bands over time. Computed in the background; the panel never waits.

use std::sync::Arc;

use crossbeam_channel::{Receiver, TryRecvError};
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Vec2};

use crate::dsp::{self, FreqBand};
use crate::model::{Colormap, LayerId, RecordingLayer};
use crate::session::TraceRow;
use crate::ui::app::AppState;

/// The most seconds of signal a spectrum is computed over (the start of longer windows).
const MAX_SECS: f64 = 120.0;
/// The most channels whose PSD is drawn.
const MAX_CHANNELS: usize = 256;

/// What the spectra were computed for: the layer's settings (window, filters, reference …),
/// the selected row, the bands, and the recording's data key (not the session's generation,
/// which moves with the time cursor and animations: spectra were recomputed without end
/// during playback).
type SpectraKey = (RecordingLayer, usize, Vec<FreqBand>, u64);

/// The panel's state: editable bands, the last result and the computation in flight.
pub struct SpectraState {
    pub bands: Vec<FreqBand>,
    /// Upper frequency shown, Hz (`None`: up to Nyquist, at most 100 Hz).
    pub max_hz: Option<f64>,
    result: Option<(SpectraKey, Arc<Result<Spectra, String>>)>,
    pending: Option<(SpectraKey, Receiver<Result<Spectra, String>>)>,
    spectrogram_texture: Option<(usize, egui::TextureHandle)>,
}

impl Default for SpectraState {
    fn default() -> Self {
        SpectraState {
            bands: dsp::standard_bands(),
            max_hz: None,
            result: None,
            pending: None,
            spectrogram_texture: None,
        }
    }
}

impl SpectraState {
    /// Whether spectra are shown and none is being computed.
    pub fn is_ready(&self) -> bool {
        self.pending.is_none() && self.result.as_ref().is_some_and(|(_, r)| r.is_ok())
    }
}

/// Spectra of one window of a recording.
pub struct Spectra {
    /// Row labels and their PSDs (V²/Hz for voltages), on `freqs`.
    pub freqs: Vec<f64>,
    pub psd: Vec<(String, Vec<f64>)>,
    /// The selected row: its label, spectrogram and band powers per spectrogram segment.
    pub label: String,
    pub spectrogram: dsp::Spectrogram,
    pub band_power: Vec<Vec<f64>>,
    /// Seconds of the window start (the spectrogram's times are relative to it).
    pub start_secs: f64,
    pub fs: f64,
    /// Multiplier to show power in µV² (1e12 for voltages).
    pub to_display: f64,
    /// Set when the window was longer than [`MAX_SECS`] or had too many channels.
    pub note: Option<String>,
    /// A distinct number for this result (texture caching).
    pub serial: usize,
}

pub fn spectra_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(id) = super::traces::current_recording(state) else {
        ui.centered_and_justified(|ui| {
            ui.weak("Open a recording (EDF, BDF, BrainVision) to see its spectra")
        });
        return;
    };
    let Some(layer) = state.session.scene.recording(id).cloned() else {
        return;
    };
    let rows = state.session.trace_rows(&layer);
    if rows.is_empty() {
        ui.weak("No channels to analyse");
        return;
    }
    let selected = state
        .trace_view
        .selected_row
        .unwrap_or(0)
        .min(rows.len() - 1);
    bands_ui(ui, state, &rows[selected].label);
    let key: SpectraKey = (
        layer.clone(),
        selected,
        state.spectra.bands.clone(),
        state.session.recording_data(id).map_or(0, |d| d.key),
    );
    poll(state, id, &key, rows, selected);

    let spectra = &state.spectra;
    let Some((_, result)) = &spectra.result else {
        ui.centered_and_justified(|ui| ui.spinner());
        return;
    };
    let result = result.clone();
    let spectra = match &*result {
        Ok(s) => s,
        Err(e) => {
            ui.colored_label(Color32::from_rgb(230, 120, 80), e);
            return;
        }
    };
    if state.spectra.pending.is_some() {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(50));
    }
    let text = crate::ui::panels::view3d::text_color_for(state.session.scene.theme);
    let full = ui.available_rect_before_wrap();
    ui.allocate_rect(full, Sense::hover());
    let gap = 8.0;
    let w = (full.width() - 2.0 * gap) / 3.0;
    let psd_rect = Rect::from_min_size(full.min, Vec2::new(w, full.height()));
    let sg_rect = Rect::from_min_size(
        full.min + Vec2::new(w + gap, 0.0),
        Vec2::new(w, full.height()),
    );
    let bp_rect = Rect::from_min_size(
        full.min + Vec2::new(2.0 * (w + gap), 0.0),
        Vec2::new(w, full.height()),
    );
    let max_hz = state
        .spectra
        .max_hz
        .unwrap_or((spectra.fs / 2.0).min(100.0));
    let painter = ui.painter_at(full);
    draw_psd(&painter, psd_rect, spectra, max_hz, text);
    draw_spectrogram(
        ui,
        &painter,
        sg_rect,
        spectra,
        max_hz,
        text,
        &mut state.spectra.spectrogram_texture,
    );
    draw_band_power(&painter, bp_rect, spectra, &state.spectra.bands, text);
    if let Some(note) = &spectra.note {
        painter.text(
            full.left_bottom() + Vec2::new(4.0, -2.0),
            Align2::LEFT_BOTTOM,
            note,
            FontId::proportional(11.0),
            Color32::from_rgb(230, 160, 60),
        );
    }
}

/// Starts a computation when the key changed, and takes in a finished one.
fn poll(state: &mut AppState, id: LayerId, key: &SpectraKey, rows: Vec<TraceRow>, selected: usize) {
    if let Some((pending_key, rx)) = &state.spectra.pending {
        match rx.try_recv() {
            Ok(result) => {
                state.spectra.result = Some((pending_key.clone(), Arc::new(result)));
                state.spectra.pending = None;
            }
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => state.spectra.pending = None,
        }
    }
    let current = |k: Option<&SpectraKey>| k == Some(key);
    if current(state.spectra.result.as_ref().map(|r| &r.0))
        || current(state.spectra.pending.as_ref().map(|p| &p.0))
    {
        return;
    }
    if state.spectra.pending.is_some() {
        // One at a time; the newest key is asked for when this one finishes.
        return;
    }
    let Some(data) = state.session.recording_data(id).cloned() else {
        return;
    };
    // A session snapshot for the worker: the recording data and the layer settings.
    let mut worker = crate::session::Session::default();
    worker.insert_recording(key.0.clone(), data);
    let (tx, rx) = crossbeam_channel::bounded(1);
    let bands = key.2.clone();
    let layer = key.0.clone();
    let ctx = state.ctx.clone();
    std::thread::spawn(move || {
        let result = compute(&worker, &layer, &rows, selected, &bands);
        let _ = tx.send(result);
        ctx.request_repaint();
    });
    state.spectra.pending = Some((key.clone(), rx));
}

static SERIAL: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

/// The spectra of the browser's window (at most [`MAX_SECS`] of it).
pub fn compute(
    session: &crate::session::Session,
    layer: &RecordingLayer,
    rows: &[TraceRow],
    selected: usize,
    bands: &[FreqBand],
) -> Result<Spectra, String> {
    let data = session
        .recording_data(layer.id)
        .ok_or("the recording is gone")?;
    let rec = &data.recording;
    let row = &rows[selected];
    let channel = &rec.channels[row.channel];
    let fs = channel.sample_rate_hz;
    let mut note = None;
    let secs = if layer.view_secs > MAX_SECS {
        note = Some(format!(
            "Spectra of the first {MAX_SECS:.0} s of the window"
        ));
        MAX_SECS
    } else {
        layer.view_secs
    };
    let start = (layer.view_start_secs * fs).floor().max(0.0) as u64;
    let n = ((secs * fs).round() as u64).min(channel.n_samples.saturating_sub(start)) as usize;
    if n < 16 {
        return Err("The window is too short for a spectrum".into());
    }
    let to_display = if channel.unit == "V" { 1e12 } else { 1.0 };
    // Two-second segments (a power of two near it), SciPy's Hann window and half overlap.
    let nperseg = (2.0 * fs).round().max(16.0) as usize;
    let welch_params = dsp::WelchParams {
        nperseg: nperseg.min(n),
        ..Default::default()
    };
    let mut freqs = Vec::new();
    let mut psd = Vec::new();
    let same_rate: Vec<&TraceRow> = rows
        .iter()
        .filter(|r| rec.channels[r.channel].sample_rate_hz == fs)
        .collect();
    if same_rate.len() > MAX_CHANNELS {
        note = Some(format!("PSD of the first {MAX_CHANNELS} channels"));
    }
    for r in same_rate.into_iter().take(MAX_CHANNELS) {
        let x = session.row_signal(layer, r, start, n)?;
        if x.iter().any(|v| !v.is_finite()) {
            continue;
        }
        let (f, p) = dsp::welch(&x, fs, &welch_params).map_err(|e| e.to_string())?;
        freqs = f;
        psd.push((r.label.clone(), p));
    }
    let x = session.row_signal(layer, row, start, n)?;
    let x: Vec<f64> = x
        .into_iter()
        .map(|v| if v.is_finite() { v } else { 0.0 })
        .collect();
    // Half-second segments with 7/8 overlap: a smooth picture of a few seconds.
    let seg = ((0.5 * fs).round() as usize).clamp(16, n);
    let sg_params = dsp::SpectrogramParams {
        nperseg: seg,
        noverlap: Some(seg * 7 / 8),
        ..Default::default()
    };
    let spectrogram = dsp::spectrogram(&x, fs, &sg_params).map_err(|e| e.to_string())?;
    let mut band_power = vec![Vec::new(); bands.len()];
    for t in 0..spectrogram.times_secs.len() {
        let Some(segment) = spectrogram.segment(t) else {
            continue;
        };
        let powers =
            dsp::band_powers(&spectrogram.freqs, segment, bands).map_err(|e| e.to_string())?;
        for (b, p) in powers.into_iter().enumerate() {
            band_power[b].push(p);
        }
    }
    Ok(Spectra {
        freqs,
        psd,
        label: row.label.clone(),
        spectrogram,
        band_power,
        start_secs: start as f64 / fs,
        fs,
        to_display,
        note,
        serial: SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    })
}

fn bands_ui(ui: &mut egui::Ui, state: &mut AppState, label: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.strong(label);
        ui.weak("(click a channel label in Traces to choose)");
        ui.separator();
        let mut remove = None;
        for (i, band) in state.spectra.bands.iter_mut().enumerate() {
            ui.label(&band.name);
            ui.add(
                egui::DragValue::new(&mut band.lo_hz)
                    .range(0.0..=band.hi_hz)
                    .speed(0.1)
                    .max_decimals(1),
            );
            ui.label("–");
            ui.add(
                egui::DragValue::new(&mut band.hi_hz)
                    .range(band.lo_hz..=10_000.0)
                    .speed(0.1)
                    .max_decimals(1)
                    .suffix(" Hz"),
            );
            if ui
                .small_button("×")
                .on_hover_text("Remove this band")
                .clicked()
            {
                remove = Some(i);
            }
        }
        if let Some(i) = remove {
            state.spectra.bands.remove(i);
        }
        if ui.button("+ band").clicked() {
            state.spectra.bands.push(FreqBand {
                name: format!("band {}", state.spectra.bands.len() + 1),
                lo_hz: 8.0,
                hi_hz: 12.0,
            });
        }
        if ui.button("Standard bands").clicked() {
            state.spectra.bands = dsp::standard_bands();
        }
    });
}

/// Plot frame with axes labels; returns the inner plotting rectangle.
fn frame(painter: &egui::Painter, rect: Rect, title: &str, x_label: &str, text: Color32) -> Rect {
    let inner = Rect::from_min_max(
        rect.min + Vec2::new(44.0, 18.0),
        rect.max - Vec2::new(6.0, 30.0),
    );
    painter.text(
        rect.center_top(),
        Align2::CENTER_TOP,
        title,
        FontId::proportional(12.0),
        text,
    );
    painter.rect_stroke(
        inner,
        0.0,
        Stroke::new(1.0, text.gamma_multiply(0.4)),
        egui::StrokeKind::Inside,
    );
    painter.text(
        Pos2::new(inner.center().x, rect.max.y - 2.0),
        Align2::CENTER_BOTTOM,
        x_label,
        FontId::proportional(11.0),
        text,
    );
    inner
}

fn x_ticks(painter: &egui::Painter, inner: Rect, lo: f64, hi: f64, text: Color32, suffix: &str) {
    let step = crate::session::nice_ceil((hi - lo) / 5.0);
    let mut v = (lo / step).ceil() * step;
    while v <= hi + 1e-9 {
        let x = inner.min.x + ((v - lo) / (hi - lo)) as f32 * inner.width();
        painter.line_segment(
            [Pos2::new(x, inner.max.y), Pos2::new(x, inner.max.y + 3.0)],
            Stroke::new(1.0, text),
        );
        painter.text(
            Pos2::new(x, inner.max.y + 4.0),
            Align2::CENTER_TOP,
            format!("{v}{suffix}"),
            FontId::proportional(10.0),
            text,
        );
        v += step;
    }
}

fn draw_psd(painter: &egui::Painter, rect: Rect, s: &Spectra, max_hz: f64, text: Color32) {
    let inner = frame(painter, rect, "Power spectral density (Welch)", "Hz", text);
    let shown: Vec<usize> = (0..s.freqs.len())
        .filter(|&i| s.freqs[i] <= max_hz)
        .collect();
    if shown.len() < 2 {
        return;
    }
    let db = |p: f64| 10.0 * (p * s.to_display).max(1e-30).log10();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (_, p) in &s.psd {
        for &i in &shown[1..] {
            let v = db(p[i]);
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if lo.is_nan() || hi.is_nan() || lo >= hi {
        return;
    }
    // 90 dB of range: what lies far below (filtered-out bands, flat channels) is clipped.
    let lo = lo.max(hi - 90.0);
    let x_of = |f: f64| inner.min.x + (f / max_hz) as f32 * inner.width();
    let y_of = |v: f64| inner.max.y - ((v - lo) / (hi - lo)) as f32 * inner.height();
    for (label, p) in &s.psd {
        let highlighted = *label == s.label;
        let points: Vec<Pos2> = shown[1..]
            .iter()
            .map(|&i| Pos2::new(x_of(s.freqs[i]), y_of(db(p[i]).max(lo))))
            .collect();
        let stroke = if highlighted {
            Stroke::new(2.0, Color32::from_rgb(40, 170, 255))
        } else {
            Stroke::new(1.0, text.gamma_multiply(0.35))
        };
        painter.add(Shape::line(points, stroke));
    }
    x_ticks(painter, inner, 0.0, max_hz, text, "");
    let unit = if s.to_display == 1.0 {
        "unit²/Hz"
    } else {
        "µV²/Hz"
    };
    for v in [lo, (lo + hi) / 2.0, hi] {
        painter.text(
            Pos2::new(inner.min.x - 3.0, y_of(v)),
            Align2::RIGHT_CENTER,
            format!("{v:.0}"),
            FontId::proportional(10.0),
            text,
        );
    }
    painter.text(
        inner.left_top() + Vec2::new(4.0, 2.0),
        Align2::LEFT_TOP,
        format!("dB re 1 {unit}"),
        FontId::proportional(10.0),
        text,
    );
}

fn draw_spectrogram(
    ui: &egui::Ui,
    painter: &egui::Painter,
    rect: Rect,
    s: &Spectra,
    max_hz: f64,
    text: Color32,
    cache: &mut Option<(usize, egui::TextureHandle)>,
) {
    let title = format!("Spectrogram · {}", s.label);
    let inner = frame(painter, rect, &title, "s", text);
    let sg = &s.spectrogram;
    let n_t = sg.times_secs.len();
    let bins: Vec<usize> = (0..sg.freqs.len())
        .filter(|&i| sg.freqs[i] <= max_hz)
        .collect();
    if n_t == 0 || bins.is_empty() {
        return;
    }
    if cache.as_ref().is_none_or(|(serial, _)| *serial != s.serial) {
        let db: Vec<f64> = (0..n_t)
            .flat_map(|t| {
                let seg = sg.segment(t).unwrap_or(&[]);
                bins.iter().map(move |&i| {
                    10.0 * (seg.get(i).copied().unwrap_or(0.0) * s.to_display)
                        .max(1e-30)
                        .log10()
                })
            })
            .collect();
        let mut sorted: Vec<f64> = db.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        let pick = |q: f64| {
            sorted
                .get(((sorted.len() as f64 - 1.0) * q) as usize)
                .copied()
                .unwrap_or(0.0)
        };
        let (lo, hi) = (pick(0.02), pick(0.995));
        let (w, h) = (n_t, bins.len());
        let mut pixels = vec![Color32::BLACK; w * h];
        for t in 0..w {
            for (k, _) in bins.iter().enumerate() {
                let v = ((db[t * h + k] - lo) / (hi - lo).max(1e-9)) as f32;
                let [r, g, b] = Colormap::Viridis.sample(v.clamp(0.0, 1.0));
                // Row 0 of the image is the top: the highest frequency.
                pixels[(h - 1 - k) * w + t] = Color32::from_rgb(r, g, b);
            }
        }
        let image = egui::ColorImage {
            size: [w, h],
            source_size: Vec2::new(w as f32, h as f32),
            pixels,
        };
        let texture = ui
            .ctx()
            .load_texture("spectrogram", image, egui::TextureOptions::LINEAR);
        *cache = Some((s.serial, texture));
    }
    if let Some((_, texture)) = cache {
        painter.image(
            texture.id(),
            inner,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
    }
    // Each image column is one segment and SciPy's times are segment centres: the image spans
    // half a step before the first centre to half a step after the last. Likewise each image
    // row is one frequency bin, centred on its frequency.
    let times = &sg.times_secs;
    let step = if n_t > 1 {
        times[1] - times[0]
    } else {
        2.0 * times[0]
    };
    let ta = s.start_secs + times[0] - step / 2.0;
    let tb = s.start_secs + times[n_t - 1] + step / 2.0;
    x_ticks(painter, inner, ta, tb.max(ta + 1e-3), text, "");
    let df = if sg.freqs.len() > 1 {
        sg.freqs[1] - sg.freqs[0]
    } else {
        1.0
    };
    let f_lo = sg.freqs[bins[0]] - df / 2.0;
    let f_hi = sg.freqs[bins[bins.len() - 1]] + df / 2.0;
    for f in [0.0, max_hz / 2.0, max_hz] {
        // max/min, not clamp: a pane too small for its margins has min.y > max.y.
        let y = (inner.max.y - ((f - f_lo) / (f_hi - f_lo)) as f32 * inner.height())
            .max(inner.min.y)
            .min(inner.max.y);
        painter.text(
            Pos2::new(inner.min.x - 3.0, y),
            Align2::RIGHT_CENTER,
            format!("{f:.0} Hz"),
            FontId::proportional(10.0),
            text,
        );
    }
}

fn draw_band_power(
    painter: &egui::Painter,
    rect: Rect,
    s: &Spectra,
    bands: &[FreqBand],
    text: Color32,
) {
    let inner = frame(
        painter,
        rect,
        &format!("Band power · {}", s.label),
        "s",
        text,
    );
    let sg = &s.spectrogram;
    if sg.times_secs.len() < 2 || s.band_power.is_empty() {
        return;
    }
    let db = |p: f64| 10.0 * (p * s.to_display).max(1e-30).log10();
    let all = s.band_power.iter().flatten().map(|&p| db(p));
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if lo.is_nan() || hi.is_nan() || lo >= hi {
        return;
    }
    let lo = lo.max(hi - 60.0);
    let (t0, t1) = (sg.times_secs[0], sg.times_secs[sg.times_secs.len() - 1]);
    let x_of = |t: f64| inner.min.x + ((t - t0) / (t1 - t0)) as f32 * inner.width();
    let y_of = |v: f64| inner.max.y - ((v - lo) / (hi - lo)) as f32 * inner.height();
    for (b, powers) in s.band_power.iter().enumerate() {
        let [r, g, bl] = Colormap::Turbo.sample((b as f32 + 0.5) / bands.len().max(1) as f32);
        let color = Color32::from_rgb(r, g, bl);
        let points: Vec<Pos2> = powers
            .iter()
            .zip(&sg.times_secs)
            .map(|(&p, &t)| Pos2::new(x_of(t), y_of(db(p).max(lo))))
            .collect();
        painter.add(Shape::line(points, Stroke::new(1.5, color)));
        if let Some(band) = bands.get(b) {
            painter.text(
                inner.left_top() + Vec2::new(4.0, 2.0 + 12.0 * b as f32),
                Align2::LEFT_TOP,
                format!("{} {}–{} Hz", band.name, band.lo_hz, band.hi_hz),
                FontId::proportional(10.0),
                color,
            );
        }
    }
    x_ticks(
        painter,
        inner,
        s.start_secs + t0,
        s.start_secs + t1,
        text,
        "",
    );
    let unit = if s.to_display == 1.0 {
        "unit²"
    } else {
        "µV²"
    };
    for v in [lo, hi] {
        painter.text(
            Pos2::new(inner.min.x - 3.0, y_of(v)),
            Align2::RIGHT_CENTER,
            format!("{v:.0}"),
            FontId::proportional(10.0),
            text,
        );
    }
    painter.text(
        inner.right_top() + Vec2::new(-4.0, 2.0),
        Align2::RIGHT_TOP,
        format!("dB re 1 {unit}"),
        FontId::proportional(10.0),
        text,
    );
}
