//! The decoding panel: pick a stream (a simulator, a loaded recording or spike set replayed, an
//! LSL stream), then 1 Calibrate (record with the simulator's or the file's targets), 2 Train
//! (k-fold cross-validated, plotted), 3 Run live: the decoded cursor against the true one on
//! the centre-out target display, or the class probabilities against the cue, with the latency
//! from sample to decoded output to screen.
//!
//! The stream, the features and the decoder run on the engine's thread
//! ([`crate::decode::engine::Engine`]); training runs on its own thread. The UI thread only
//! reads the engine's shared state, so a stalled stream cannot stall the window.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, Vec2};

use crate::decode::engine::{Engine, LiveState, Opener, latency_ms};
use crate::decode::model::{Calibration, Method, Trained};
use crate::decode::paradigm::{IMAGERY_CLASSES, Paradigm};
use crate::decode::sources::{
    ImagerySource, Paced, ReachingSource, RecordingReplay, SpikeReplay, generate,
};
use crate::decode::stream::Source;
use crate::decode::{FeatureSpec, Model};
use crate::model::LayerId;
use crate::ui::app::AppState;

/// Where the stream comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamChoice {
    Reaching,
    Imagery,
    Recording(LayerId),
    Spikes(LayerId),
    Lsl,
}

impl StreamChoice {
    fn label(&self, state: &AppState) -> String {
        match self {
            StreamChoice::Reaching => "Simulated reaching (spikes)".into(),
            StreamChoice::Imagery => "Simulated motor imagery (EEG)".into(),
            StreamChoice::Recording(id) | StreamChoice::Spikes(id) => format!(
                "Replay {}",
                state
                    .session
                    .scene
                    .recordings
                    .iter()
                    .find(|l| l.id == *id)
                    .map(|l| l.name.clone())
                    .or_else(|| state.session.scene.spike_layer(*id).map(|l| l.name.clone()))
                    .unwrap_or_default()
            ),
            StreamChoice::Lsl => "Lab Streaming Layer…".into(),
        }
    }

    /// Regression of a cursor, or classes.
    fn paradigm(&self) -> Paradigm {
        match self {
            StreamChoice::Reaching | StreamChoice::Spikes(_) => Paradigm::Reaching,
            _ => Paradigm::MotorImagery,
        }
    }
}

/// The panel's settings and what it is running.
pub struct DecodingState {
    pub choice: StreamChoice,
    pub lsl_name: String,
    pub speed: f64,
    pub calibrate_secs: f64,
    pub method: Method,
    pub folds: usize,
    pub engine: Option<Engine>,
    /// The paradigm of the running stream.
    pub paradigm: Paradigm,
    pub calibration: Option<Arc<Calibration>>,
    training: Option<Receiver<Result<Trained, String>>>,
    pub trained: Option<Trained>,
    pub running: bool,
    /// Colour the units or electrodes by the decoder's weights.
    pub show_weights: bool,
    /// The demo: calibrate, train and run without being asked.
    pub auto: bool,
    pub wants_pane: bool,
    /// The demo's decoding starts once the demo is on screen (not during start-up).
    pub demo_pending: bool,
    /// Bumped when a model is trained; the weights shown belong to this generation.
    generation: u64,
    /// The engine's errors already reported (they are numbered).
    errors_seen: u64,
    weights_shown: Option<u64>,
}

impl Default for DecodingState {
    fn default() -> Self {
        DecodingState {
            choice: StreamChoice::Reaching,
            lsl_name: String::new(),
            speed: 1.0,
            calibrate_secs: 60.0,
            method: Method::Kalman {
                steady_state: false,
            },
            folds: 5,
            engine: None,
            paradigm: Paradigm::Reaching,
            calibration: None,
            training: None,
            trained: None,
            running: false,
            show_weights: false,
            auto: false,
            wants_pane: false,
            demo_pending: false,
            generation: 0,
            errors_seen: 0,
            weights_shown: None,
        }
    }
}

const METHODS: [Method; 4] = [
    Method::Ridge { alpha: 1.0 },
    Method::Kalman {
        steady_state: false,
    },
    Method::Kalman { steady_state: true },
    Method::Lda,
];

fn method_label(m: Method) -> &'static str {
    match m {
        Method::Ridge { .. } => "Ridge / Wiener",
        Method::Kalman {
            steady_state: false,
        } => "Kalman",
        Method::Kalman { steady_state: true } => "Kalman (steady state)",
        Method::Lda => "Shrinkage LDA (+CSP)",
    }
}

/// The demo's population: the same simulated units as the demo's raster (same seed), so the
/// weights shown on its units in 3D are the weights of the units decoded.
fn demo_reaching() -> ReachingSource {
    ReachingSource::with_params(crate::demo::reaching_params())
}

impl DecodingState {
    /// Starts the chosen stream (stopping any other). The source opens on the engine's
    /// thread: resolving an LSL stream can take seconds, and the window does not wait.
    pub fn start(&mut self, state_session: &crate::session::Session) -> Result<(), String> {
        self.stop();
        let speed = self.speed;
        let (what, opener): (String, Opener) = match &self.choice {
            StreamChoice::Reaching => (
                "the simulated reaching population".into(),
                Box::new(move || {
                    Ok(Box::new(Paced::new(Box::new(demo_reaching()), speed)) as Box<dyn Source>)
                }),
            ),
            StreamChoice::Imagery => (
                "the simulated motor imagery".into(),
                Box::new(move || {
                    Ok(Box::new(Paced::new(
                        Box::new(ImagerySource::new(7, 6.0 * 3600.0)),
                        speed,
                    )) as Box<dyn Source>)
                }),
            ),
            StreamChoice::Recording(id) => {
                let data = state_session
                    .recording_data(*id)
                    .cloned()
                    .ok_or("the recording is no longer open")?;
                (
                    data.recording.name.clone(),
                    Box::new(move || {
                        Ok(
                            Box::new(Paced::new(Box::new(RecordingReplay::new(data)?), speed))
                                as Box<dyn Source>,
                        )
                    }),
                )
            }
            StreamChoice::Spikes(id) => {
                let data = state_session
                    .spike_data(*id)
                    .cloned()
                    .ok_or("the spike set is no longer open")?;
                let name = state_session
                    .scene
                    .spike_layer(*id)
                    .map(|l| l.name.clone())
                    .unwrap_or_default();
                (
                    name.clone(),
                    Box::new(move || {
                        Ok(
                            Box::new(Paced::new(Box::new(SpikeReplay::new(data, &name)?), speed))
                                as Box<dyn Source>,
                        )
                    }),
                )
            }
            StreamChoice::Lsl => {
                let name = self.lsl_name.trim().to_string();
                let (prop, value) = if name.is_empty() {
                    ("type", "EEG".to_string())
                } else {
                    ("name", name)
                };
                (
                    format!("the LSL stream {prop}={value}"),
                    Box::new(move || {
                        let lsl = crate::decode::lsl::Lsl::load()?;
                        let inlet = lsl
                            .open_inlet(prop, &value, 5.0)
                            .map_err(|e| e.message().to_string())?;
                        Ok(Box::new(inlet) as Box<dyn Source>)
                    }),
                )
            }
        };
        self.paradigm = self.choice.paradigm();
        if self.paradigm == Paradigm::MotorImagery {
            self.method = Method::Lda;
        } else if self.method == Method::Lda {
            self.method = Method::Kalman {
                steady_state: false,
            };
        }
        self.engine = Some(Engine::open(what, opener));
        self.errors_seen = 0;
        Ok(())
    }

    /// Loads a saved model (from this panel or `glia decode train`) and runs it on the stream.
    pub fn load_model(&mut self, path: &std::path::Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let model = Model::from_json(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        self.paradigm = if model.is_classifier() {
            Paradigm::MotorImagery
        } else {
            Paradigm::Reaching
        };
        self.method = match &model.decoder {
            crate::decode::Decoder::Ridge(r) => Method::Ridge { alpha: r.alpha },
            crate::decode::Decoder::Kalman(k) => Method::Kalman {
                steady_state: k.steady_gain.is_some(),
            },
            crate::decode::Decoder::Lda(_) => Method::Lda,
        };
        self.trained = Some(Trained {
            model,
            report: Default::default(),
        });
        self.generation += 1;
        self.run();
        Ok(())
    }

    pub fn stop(&mut self) {
        self.engine = None;
        self.running = false;
        self.calibration = None;
        self.trained = None;
        self.training = None;
    }

    fn spec(&self) -> FeatureSpec {
        self.paradigm.features(self.method)
    }

    fn calibrate(&self) {
        if let Some(e) = &self.engine {
            e.calibrate(self.calibrate_secs, self.spec(), self.paradigm.lag_secs());
        }
    }

    fn train(&mut self, ctx: &egui::Context) {
        let Some(cal) = self.calibration.clone() else {
            return;
        };
        let (tx, rx) = channel();
        let (paradigm, method, folds) = (self.paradigm, self.method, self.folds);
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(paradigm.train(&cal, method, folds));
            ctx.request_repaint();
        });
        self.training = Some(rx);
    }

    fn run(&mut self) {
        if let (Some(e), Some(t)) = (&self.engine, &self.trained) {
            e.run(Arc::new(t.model.clone()));
            self.running = true;
        }
    }

    /// The demo: stream the simulated population, calibrate on two minutes of it simulated
    /// ahead of time (in the background, a fraction of a second), train a Kalman filter and
    /// run it live.
    pub fn start_demo(&mut self, session: &crate::session::Session, ctx: &egui::Context) {
        self.choice = StreamChoice::Reaching;
        self.method = Method::Kalman {
            steady_state: false,
        };
        self.auto = true;
        self.wants_pane = true;
        if self.start(session).is_err() {
            return;
        }
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        let (method, folds) = (self.method, self.folds);
        std::thread::spawn(move || {
            let mut g = demo_reaching();
            let samples = generate(&mut g, 120.0);
            let info = crate::decode::sources::Generator::info(&g).clone();
            let p = Paradigm::Reaching;
            let result = crate::decode::model::calibrate(
                &info,
                &p.features(method),
                samples,
                &|t| crate::decode::sources::Generator::truth(&g, t),
                p.lag_secs(),
                Vec::new(),
            )
            .and_then(|cal| p.train(&cal, method, folds));
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        self.training = Some(rx);
    }

    /// Per-channel decoder weights by channel name (spike units are `unit {id}`), scaled to
    /// 0–1, while "show weights" is on.
    pub fn weights_by_channel(&self) -> Option<Vec<(String, f32)>> {
        if !self.show_weights {
            return None;
        }
        let t = self.trained.as_ref()?;
        let w = t.model.decoder.feature_weights();
        let channels = &t.model.channels;
        if channels.is_empty() {
            return None;
        }
        // Features are channels × history taps (or CSP components: mapped back through the
        // filters' absolute weights).
        let mut per = vec![0.0f64; channels.len()];
        match &t.model.features {
            FeatureSpec::BandPower { csp: Some(csp), .. } => {
                for (k, wk) in w.iter().enumerate().take(csp.n_components()) {
                    for (j, p) in per.iter_mut().enumerate() {
                        *p += wk * csp.filters[k * csp.n_channels + j].abs();
                    }
                }
            }
            _ => {
                for (i, wi) in w.iter().enumerate() {
                    per[i % channels.len()] += wi.abs();
                }
            }
        }
        let top = per.iter().copied().fold(0.0, f64::max);
        if top <= 0.0 {
            return None;
        }
        Some(
            channels
                .iter()
                .zip(per)
                .map(|(c, v)| (c.clone(), (v / top) as f32))
                .collect(),
        )
    }

    /// Whether the panel has decoded `secs` seconds of output, or has nothing of its own to
    /// show (not started by the demo, stopped, or failed): for headless figures of the window.
    pub fn has_shown_decoding(&self, secs: f64) -> bool {
        if self.demo_pending {
            return false;
        }
        if !self.auto {
            return true;
        }
        let Some(e) = &self.engine else {
            return true;
        };
        let live = e.snapshot();
        if live.stopped || live.error.is_some() {
            return true;
        }
        match (live.outputs.front(), live.outputs.back()) {
            (Some(a), Some(b)) => b.t - a.t >= secs,
            _ => false,
        }
    }

    /// Puts the decoder's weights on the units and electrodes (or takes them off) when the
    /// model or the checkbox changed.
    pub fn sync_weights(&mut self, session: &mut crate::session::Session) {
        let want = (self.show_weights && self.trained.is_some()).then_some(self.generation);
        if want == self.weights_shown {
            return;
        }
        self.weights_shown = want;
        session.decoder_weights = self
            .weights_by_channel()
            .map(|w| (crate::session::next_key(), Arc::new(w)));
        session.touch();
    }

    /// Each frame: collects finished calibrations and trainings (the demo chains them), and
    /// returns the engine's state for the frame to draw (one copy per frame).
    pub fn poll(&mut self, ctx: &egui::Context) -> (Vec<String>, Option<LiveState>) {
        let mut errors = Vec::new();
        let mut snapshot = None;
        if let Some(e) = &self.engine {
            while let Ok(cal) = e.calibrations.try_recv() {
                match cal {
                    Ok(c) => self.calibration = Some(Arc::new(c)),
                    Err(err) => errors.push(format!("Calibration failed: {err}")),
                }
            }
            let live = e.snapshot();
            if let Some((n, err)) = live.error.clone()
                && n > self.errors_seen
            {
                self.errors_seen = n;
                errors.push(err);
                if live.model.is_none() {
                    self.running = false;
                }
            }
            if live.stopped {
                if live.error.is_none() && !live.status.is_empty() {
                    // A replay at its end: say so once.
                    errors.push(live.status.clone());
                }
                self.engine = None;
                self.running = false;
            } else {
                // The stream moves: keep painting while it is on screen.
                ctx.request_repaint_after(std::time::Duration::from_millis(33));
                snapshot = Some(live);
            }
        }
        if let Some(rx) = &self.training
            && let Ok(result) = rx.try_recv()
        {
            self.training = None;
            match result {
                Ok(t) => {
                    self.trained = Some(t);
                    self.generation += 1;
                    if self.auto || self.running {
                        self.run();
                    }
                }
                Err(e) => errors.push(format!("Training failed: {e}")),
            }
        }
        (errors, snapshot)
    }
}

const DECODED: Color32 = Color32::from_rgb(255, 140, 40);
const TRUE: Color32 = Color32::from_rgb(90, 200, 255);

pub fn decoding_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let (errors, snapshot) = state.decoding.poll(ui.ctx());
    for e in errors {
        state.report_error(e);
    }
    state.decoding.sync_weights(&mut state.session);
    toolbar_ui(ui, state, snapshot.as_ref());
    ui.separator();
    for e in steps_ui(ui, state, snapshot.as_ref()) {
        state.report_error(e);
    }
    ui.separator();
    let live = snapshot.unwrap_or_default();
    let full = ui.available_rect_before_wrap();
    ui.allocate_rect(full, egui::Sense::hover());
    if state.decoding.engine.is_none() {
        ui.painter().text(
            full.center(),
            Align2::CENTER_CENTER,
            "Start a stream to calibrate, train and run a decoder",
            FontId::proportional(14.0),
            ui.visuals().weak_text_color(),
        );
        return;
    }
    let wide = full.width() > full.height() * 1.3;
    let (display, side) = if wide {
        let w = full.height().min(full.width() * 0.55);
        let (a, b) = full.split_left_right_at_x(full.left() + w);
        (a, b.shrink2(Vec2::new(8.0, 0.0)))
    } else {
        let h = full.width().min(full.height() * 0.55);
        full.split_top_bottom_at_y(full.top() + h)
    };
    let painter = ui.painter_at(full);
    match state.decoding.paradigm {
        Paradigm::Reaching => cursor_display(&painter, display, &live, ui.visuals().dark_mode),
        Paradigm::MotorImagery => class_display(&painter, display, &live, ui.visuals()),
    }
    let (latency, rest) = side.split_top_bottom_at_y(side.top() + 62.0);
    let (strip, cv) = rest.split_top_bottom_at_y(rest.top() + rest.height() * 0.45);
    latency_readout(&painter, latency, &live, ui.visuals());
    live_strip(&painter, strip, &live, ui.visuals());
    if let Some(t) = &state.decoding.trained
        && !t.report.folds.is_empty()
    {
        cv_plot(&painter, cv, t, ui.visuals());
    }
}

fn toolbar_ui(ui: &mut egui::Ui, state: &mut AppState, live: Option<&LiveState>) {
    ui.horizontal_wrapped(|ui| {
        let mut choices = vec![StreamChoice::Reaching, StreamChoice::Imagery];
        choices.extend(
            state
                .session
                .scene
                .recordings
                .iter()
                .map(|l| StreamChoice::Recording(l.id)),
        );
        choices.extend(
            state
                .session
                .scene
                .spikes
                .iter()
                .map(|l| StreamChoice::Spikes(l.id)),
        );
        choices.push(StreamChoice::Lsl);
        let label = ui.label("Stream");
        let mut choice = state.decoding.choice.clone();
        egui::ComboBox::from_id_salt("decode stream")
            .selected_text(choice.label(state))
            .width(220.0)
            .show_ui(ui, |ui| {
                for c in choices {
                    let text = c.label(state);
                    ui.selectable_value(&mut choice, c, text);
                }
            })
            .response
            .labelled_by(label.id);
        state.decoding.choice = choice;
        if state.decoding.choice == StreamChoice::Lsl {
            let l = ui.label("name");
            ui.add(
                egui::TextEdit::singleline(&mut state.decoding.lsl_name)
                    .hint_text("any EEG stream")
                    .desired_width(120.0),
            )
            .labelled_by(l.id);
        } else {
            let l = ui.label("speed ×");
            ui.add(
                egui::DragValue::new(&mut state.decoding.speed)
                    .range(0.25..=10.0)
                    .speed(0.05),
            )
            .labelled_by(l.id);
        }
        if state.decoding.engine.is_none() {
            if ui.button("▶ Start stream").clicked() {
                state.decoding.auto = false;
                if let Err(e) = state.decoding.start(&state.session) {
                    state.report_error(format!("Could not start the stream: {e}"));
                }
            }
        } else if ui.button("■ Stop").clicked() {
            state.decoding.stop();
        }
        if let Some(live) = live {
            ui.separator();
            let info = live.info.as_ref();
            ui.label(format!(
                "{} · {} ch · {:.0} Hz · {:.1} s",
                live.status,
                info.map_or(0, |i| i.n_channels()),
                info.map_or(0.0, |i| i.rate_hz),
                live.now
            ));
            if live.faults.any() {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    format!("⚠ {}", live.faults.summary()),
                )
                .on_hover_text(live.faults.last.clone().unwrap_or_default());
            }
        }
    });
}

/// The three steps; returns errors for the window to report.
fn steps_ui(ui: &mut egui::Ui, state: &mut AppState, live: Option<&LiveState>) -> Vec<String> {
    let mut errors = Vec::new();
    let d = &mut state.decoding;
    let streaming = live.is_some();
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(streaming, |ui| {
            ui.strong("1");
            let l = ui.label("Calibrate for");
            ui.add(
                egui::DragValue::new(&mut d.calibrate_secs)
                    .range(10.0..=1800.0)
                    .suffix(" s"),
            )
            .labelled_by(l.id);
            let recording = live.and_then(|l| l.calibrating);
            if let Some(p) = recording {
                ui.add(
                    egui::ProgressBar::new(p)
                        .desired_width(100.0)
                        .show_percentage(),
                );
            } else if ui
                .button("⏺ Record")
                .on_hover_text(match d.paradigm {
                    Paradigm::Reaching => "Record the stream with the true cursor as targets",
                    Paradigm::MotorImagery => {
                        "Record the stream with the cues (or the file's annotations) as classes"
                    }
                })
                .clicked()
            {
                d.calibrate();
            } else if let Some(c) = &d.calibration {
                ui.weak(format!(
                    "{} steps",
                    c.rows.len().max(c.sample_truth.len() / 25)
                ));
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(d.calibration.is_some() && d.training.is_none(), |ui| {
            ui.strong("2");
            let l = ui.label("Method");
            let mut method = d.method;
            egui::ComboBox::from_id_salt("decode method")
                .selected_text(method_label(method))
                .show_ui(ui, |ui| {
                    for m in METHODS {
                        let fits = (m == Method::Lda) == (d.paradigm == Paradigm::MotorImagery);
                        if fits {
                            ui.selectable_value(&mut method, m, method_label(m));
                        }
                    }
                })
                .response
                .labelled_by(l.id);
            d.method = method;
            if let Method::Ridge { alpha } = &mut d.method {
                let l = ui.label("α");
                ui.add(egui::DragValue::new(alpha).range(0.0..=1e6).speed(0.1))
                    .labelled_by(l.id);
            }
            let l = ui.label("folds");
            ui.add(egui::DragValue::new(&mut d.folds).range(2..=20))
                .labelled_by(l.id);
            if d.training.is_some() {
                ui.spinner();
            } else if ui.button("Train").clicked() {
                // The features depend on the method (Wiener taps): recompute from the samples
                // when they differ.
                let spec = d.spec();
                if let Some(c) = &d.calibration
                    && c.spec != spec
                    && d.paradigm == Paradigm::Reaching
                {
                    state_notice(ui, "recalibrate: the method takes other features");
                    d.calibrate();
                } else {
                    d.train(ui.ctx());
                }
            }
        });
        if let Some(t) = &d.trained
            && t.report.mean.len() >= if t.model.is_classifier() { 1 } else { 4 }
        {
            let score = if t.model.is_classifier() {
                format!("accuracy {:.1} %", t.report.mean[0] * 100.0)
            } else {
                format!(
                    "velocity R² {:.2}",
                    (t.report.mean[2] + t.report.mean[3]) / 2.0
                )
            };
            ui.label(egui::RichText::new(score).strong())
                .on_hover_text(format!(
                    "{}-fold cross-validated, held-out data decoded step by step; features: {}",
                    t.report.folds.len(),
                    t.model.features.describe()
                ));
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(d.trained.is_some(), |ui| {
            ui.strong("3");
            if d.running {
                if ui.button("⏸ Pause decoding").clicked() {
                    if let Some(e) = &d.engine {
                        e.stop_decoding();
                    }
                    d.running = false;
                    d.auto = false;
                }
            } else if ui.button("▶ Run live").clicked() {
                d.run();
            }
            ui.checkbox(&mut d.show_weights, "Weights on brain")
                .on_hover_text("Colour the units or electrodes by how much the decoder uses them");
            if ui
                .button("Save model…")
                .on_hover_text("For glia decode live --model")
                .clicked()
                && let Some(t) = &d.trained
                && let Some(path) = rfd::FileDialog::new()
                    .add_filter("Glia model", &["json"])
                    .set_file_name("decoder.json")
                    .save_file()
                && let Err(e) = std::fs::write(&path, t.model.to_json())
            {
                errors.push(format!("{}: {e}", path.display()));
            }
        });
    });
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(streaming, egui::Button::new("Load model…"))
            .on_hover_text("Run a saved model (from here or glia decode train) on this stream")
            .clicked()
            && let Some(path) = rfd::FileDialog::new()
                .add_filter("Glia model", &["json"])
                .pick_file()
            && let Err(e) = d.load_model(&path)
        {
            errors.push(e);
        }
        if let Some(t) = &d.trained {
            ui.weak(format!(
                "{} on {}",
                method_label(d.method),
                t.model.features.describe()
            ));
        }
    });
    errors
}

fn state_notice(ui: &mut egui::Ui, text: &str) {
    ui.weak(text);
}

/// Metres on the target display: ±15 cm.
const HALF_WIDTH_M: f32 = 0.15;

fn cursor_display(painter: &egui::Painter, rect: Rect, live: &LiveState, dark: bool) {
    let side = rect.width().min(rect.height()) - 8.0;
    let square = Rect::from_center_size(rect.center(), Vec2::splat(side.max(10.0)));
    let bg = if dark {
        Color32::from_gray(18)
    } else {
        Color32::from_gray(245)
    };
    let fg = if dark {
        Color32::from_gray(90)
    } else {
        Color32::from_gray(170)
    };
    painter.rect_filled(square, 4.0, bg);
    let to_screen = |p: [f64; 2]| {
        square.center() + Vec2::new(p[0] as f32, -(p[1] as f32)) * (side / 2.0 / HALF_WIDTH_M)
    };
    let reach = 0.10;
    let target_now = live.truth_now.and_then(|t| t.target);
    for k in 0..8 {
        let a = k as f64 * std::f64::consts::FRAC_PI_4;
        let p = [a.cos() * reach, a.sin() * reach];
        let lit = target_now.is_some_and(|t| (t[0] - p[0]).abs() + (t[1] - p[1]).abs() < 1e-6);
        let r = side * 0.035;
        if lit {
            painter.circle_filled(to_screen(p), r, Color32::from_rgb(70, 170, 90));
        } else {
            painter.circle_stroke(to_screen(p), r, Stroke::new(1.5, fg));
        }
    }
    painter.circle_stroke(to_screen([0.0, 0.0]), side * 0.02, Stroke::new(1.0, fg));
    // Trails: the last two seconds.
    let since = live.now - 2.0;
    let trail = |points: Vec<Pos2>, color: Color32| {
        for (i, w) in points.windows(2).enumerate() {
            let a = (i as f32 / points.len() as f32 * 200.0) as u8;
            painter.line_segment(
                [w[0], w[1]],
                Stroke::new(
                    2.0,
                    Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), a),
                ),
            );
        }
    };
    let recent = live
        .outputs
        .iter()
        .zip(&live.truth)
        .filter(|(o, _)| o.t >= since);
    let decoded: Vec<Pos2> = recent
        .clone()
        .filter(|(o, _)| o.values.len() >= 2)
        .map(|(o, _)| to_screen([o.values[0], o.values[1]]))
        .collect();
    let truth: Vec<Pos2> = recent
        .filter_map(|(_, t)| t.position.map(to_screen))
        .collect();
    trail(truth.clone(), TRUE);
    trail(decoded.clone(), DECODED);
    if let Some(p) = truth.last() {
        painter.circle_filled(*p, side * 0.022, TRUE);
    } else if let Some(p) = live.truth_now.and_then(|t| t.position) {
        painter.circle_filled(to_screen(p), side * 0.022, TRUE);
    }
    if let Some(p) = decoded.last() {
        painter.circle_filled(*p, side * 0.022, DECODED);
    }
    let legend = |y: f32, color: Color32, text: &str| {
        painter.circle_filled(square.left_top() + Vec2::new(14.0, y), 5.0, color);
        painter.text(
            square.left_top() + Vec2::new(24.0, y),
            Align2::LEFT_CENTER,
            text,
            FontId::proportional(12.0),
            fg.gamma_multiply(2.0),
        );
    };
    legend(14.0, TRUE, "hand (true)");
    legend(
        30.0,
        DECODED,
        if live.model.is_some() {
            "decoded from the spikes"
        } else {
            "decoder not running"
        },
    );
}

fn class_display(painter: &egui::Painter, rect: Rect, live: &LiveState, visuals: &egui::Visuals) {
    let text = visuals.text_color();
    let r = rect.shrink(12.0);
    // The cue.
    let cue = live.truth_now.and_then(|t| t.class);
    let cue_text = match cue {
        Some(0) => "◀  imagine the LEFT hand",
        Some(1) => "imagine the RIGHT hand  ▶",
        Some(_) => "cue",
        None => "rest",
    };
    painter.text(
        Pos2::new(r.center().x, r.top() + 16.0),
        Align2::CENTER_CENTER,
        cue_text,
        FontId::proportional(18.0),
        text,
    );
    let names: Vec<String> = live
        .model
        .as_ref()
        .map(|m| m.outputs.clone())
        .unwrap_or_else(|| IMAGERY_CLASSES.iter().map(|s| s.to_string()).collect());
    let probs = live.outputs.back().map(|o| o.values.clone());
    let n = names.len().max(1);
    let bars = Rect::from_min_max(Pos2::new(r.left(), r.top() + 40.0), r.max);
    let w = bars.width() / n as f32;
    for (k, name) in names.iter().enumerate() {
        let p = probs
            .as_ref()
            .and_then(|v| v.get(k))
            .copied()
            .unwrap_or(0.0) as f32;
        let col = Rect::from_min_size(
            Pos2::new(bars.left() + k as f32 * w + w * 0.2, bars.top()),
            Vec2::new(w * 0.6, bars.height() - 20.0),
        );
        painter.rect_stroke(
            col,
            3.0,
            Stroke::new(1.0, visuals.weak_text_color()),
            egui::StrokeKind::Inside,
        );
        let fill = Rect::from_min_max(
            Pos2::new(col.left(), col.bottom() - col.height() * p.clamp(0.0, 1.0)),
            col.max,
        );
        let color = if cue == Some(k) {
            Color32::from_rgb(70, 170, 90)
        } else {
            DECODED
        };
        painter.rect_filled(fill, 3.0, color);
        painter.text(
            Pos2::new(col.center().x, col.bottom() + 10.0),
            Align2::CENTER_CENTER,
            format!("{name} {:.0} %", p * 100.0),
            FontId::proportional(12.0),
            text,
        );
    }
}

fn latency_readout(painter: &egui::Painter, rect: Rect, live: &LiveState, visuals: &egui::Visuals) {
    let lat: Vec<f64> = live.latencies.iter().copied().collect();
    let (median, p99) = latency_ms(&lat);
    // On screen: the newest output's sample time to now (the source clock, extrapolated).
    let screen = match (live.outputs.back(), live.clock_sync) {
        (Some(o), Some((clock, at))) => Some(
            (clock + at.elapsed().as_secs_f64() * live.time_scale - o.t)
                / live.time_scale.max(1e-9)
                * 1e3,
        ),
        _ => None,
    };
    let text = visuals.text_color();
    let weak = visuals.weak_text_color();
    let line = |y: f32, s: String, c: Color32| {
        painter.text(
            Pos2::new(rect.left() + 4.0, rect.top() + y),
            Align2::LEFT_TOP,
            s,
            FontId::monospace(12.0),
            c,
        );
    };
    if lat.is_empty() {
        line(4.0, "Latency: not decoding yet".into(), weak);
        return;
    }
    line(
        4.0,
        format!("sample → decoded   median {median:6.2} ms   p99 {p99:6.2} ms"),
        text,
    );
    if let Some(s) = screen {
        line(22.0, format!("sample → on screen {s:6.1} ms"), text);
    }
    line(
        40.0,
        format!(
            "{} samples · {} outputs shown",
            live.n_samples,
            live.outputs.len()
        ),
        weak,
    );
}

/// The last ten seconds live: decoded against true x velocity, or the last class's
/// probability against its cue.
fn live_strip(painter: &egui::Painter, rect: Rect, live: &LiveState, visuals: &egui::Visuals) {
    let r = rect.shrink(6.0);
    if r.height() < 30.0 || r.width() < 60.0 {
        return;
    }
    let Some(model) = &live.model else {
        return;
    };
    let classifier = model.is_classifier();
    painter.text(
        r.left_top(),
        Align2::LEFT_TOP,
        if classifier {
            format!(
                "Live: P({}) over the last 10 s (its cue shaded)",
                model.outputs.last().map_or("class", |s| s.as_str())
            )
        } else {
            "Live: vx over the last 10 s, decoded (orange) and true (blue)".to_string()
        },
        FontId::proportional(12.0),
        visuals.text_color(),
    );
    let plot = Rect::from_min_max(r.left_top() + Vec2::new(0.0, 18.0), r.right_bottom());
    painter.rect_stroke(
        plot,
        2.0,
        Stroke::new(1.0, visuals.weak_text_color()),
        egui::StrokeKind::Inside,
    );
    let (t0, t1) = (live.now - 10.0, live.now);
    let x = |t: f64| plot.left() + plot.width() * ((t - t0) / (t1 - t0)) as f32;
    let pairs: Vec<_> = live
        .outputs
        .iter()
        .zip(&live.truth)
        .filter(|(o, _)| o.t >= t0)
        .collect();
    if classifier {
        let k = model.outputs.len().saturating_sub(1);
        let y = |p: f64| plot.bottom() - plot.height() * p.clamp(0.0, 1.0) as f32;
        for w in pairs.windows(2) {
            if w[0].1.class == Some(k) {
                painter.rect_filled(
                    Rect::from_min_max(
                        Pos2::new(x(w[0].0.t), plot.top()),
                        Pos2::new(x(w[1].0.t), plot.bottom()),
                    ),
                    0.0,
                    TRUE.gamma_multiply(0.25),
                );
            }
        }
        painter.add(egui::Shape::line(
            pairs
                .iter()
                .filter_map(|(o, _)| o.values.get(k).map(|p| Pos2::new(x(o.t), y(*p))))
                .collect(),
            Stroke::new(1.5, DECODED),
        ));
    } else {
        let dec: Vec<(f64, f64)> = pairs
            .iter()
            .filter_map(|(o, _)| o.values.get(2).map(|v| (o.t, *v)))
            .collect();
        let tru: Vec<(f64, f64)> = pairs
            .iter()
            .filter_map(|(o, t)| t.velocity.map(|v| (o.t, v[0])))
            .collect();
        let span = dec
            .iter()
            .chain(&tru)
            .fold(0.3f64, |m, (_, v)| m.max(v.abs()));
        let y = |v: f64| plot.center().y - plot.height() * 0.5 * (v / span) as f32;
        for (series, color) in [(&tru, TRUE), (&dec, DECODED)] {
            painter.add(egui::Shape::line(
                series
                    .iter()
                    .map(|(t, v)| Pos2::new(x(*t), y(*v)))
                    .collect(),
                Stroke::new(1.5, color),
            ));
        }
    }
}

/// Held-out decoding, fold by fold: decoded against true velocity (or class probability
/// against the cue), with each fold's score.
fn cv_plot(painter: &egui::Painter, rect: Rect, t: &Trained, visuals: &egui::Visuals) {
    let r = rect.shrink(6.0);
    if r.height() < 40.0 || r.width() < 60.0 {
        return;
    }
    let text = visuals.text_color();
    let weak = visuals.weak_text_color();
    let report = &t.report;
    let classifier = t.model.is_classifier();
    painter.text(
        r.left_top(),
        Align2::LEFT_TOP,
        if classifier {
            "Cross-validation: P(right hand) on held-out windows (cue shaded)"
        } else {
            "Cross-validation: held-out vx, decoded (orange) and true (blue)"
        },
        FontId::proportional(12.0),
        text,
    );
    let plot = Rect::from_min_max(
        r.left_top() + Vec2::new(0.0, 18.0),
        r.right_bottom() - Vec2::new(0.0, 34.0),
    );
    painter.rect_stroke(plot, 2.0, Stroke::new(1.0, weak), egui::StrokeKind::Inside);
    let q = report.outputs.len().max(1);
    let (col, width) = if classifier {
        (0, 1)
    } else {
        (2.min(q - 1), q)
    };
    let n = report.truth.len() / width;
    // Up to the first 30 s of held-out data (600 steps of 50 ms), so the curves are readable.
    let shown = n.min(if classifier { 400 } else { 600 });
    if shown >= 2 {
        let series = |v: &[f64]| -> Vec<f64> { (0..shown).map(|i| v[i * width + col]).collect() };
        let truth = series(&report.truth);
        let pred: Vec<f64> = if classifier {
            report.predicted[..shown].to_vec()
        } else {
            series(&report.predicted)
        };
        let (lo, hi) = truth
            .iter()
            .chain(&pred)
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let span = (hi - lo).max(1e-9);
        let to = |i: usize, v: f64| {
            Pos2::new(
                plot.left() + plot.width() * i as f32 / (shown - 1) as f32,
                plot.bottom() - plot.height() * ((v - lo) / span) as f32,
            )
        };
        if classifier {
            for (i, v) in truth.iter().enumerate() {
                if *v >= 0.5 {
                    let x = to(i, 0.0).x;
                    painter.line_segment(
                        [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
                        Stroke::new(plot.width() / shown as f32 + 0.5, TRUE.gamma_multiply(0.25)),
                    );
                }
            }
        } else {
            painter.add(egui::Shape::line(
                truth.iter().enumerate().map(|(i, v)| to(i, *v)).collect(),
                Stroke::new(1.5, TRUE),
            ));
        }
        painter.add(egui::Shape::line(
            pred.iter().enumerate().map(|(i, v)| to(i, *v)).collect(),
            Stroke::new(1.5, DECODED),
        ));
    }
    // Per-fold scores.
    let scores: Vec<f64> = report
        .folds
        .iter()
        .map(|f| {
            if classifier {
                f[0]
            } else {
                (f[2] + f[3]) / 2.0
            }
        })
        .collect();
    let label = if classifier {
        "accuracy"
    } else {
        "velocity R²"
    };
    let s = scores
        .iter()
        .map(|v| format!("{v:.2}"))
        .collect::<Vec<_>>()
        .join("  ");
    painter.text(
        Pos2::new(r.left(), r.bottom() - 14.0),
        Align2::LEFT_CENTER,
        format!("{label} per fold: {s}   ({})", t.model.features.describe()),
        FontId::proportional(12.0),
        text,
    );
}
