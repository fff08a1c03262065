//! The decoding loop: source → [`Guard`] → features → decoder → (LSL outlet), with the latency
//! of every output measured on the source's clock (for LSL, `lsl_local_clock`: the time from
//! the newest sample's timestamp to the moment its decoded output exists).
//!
//! [`Runner`] is the loop itself, driven by whoever owns it (`glia decode live` drives it on
//! the main thread). [`Engine`] runs a `Runner` on a background thread for the window, records
//! calibration data on request, and publishes what the panel draws through a shared
//! [`LiveState`], so the UI thread never waits on a stream.

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use super::features::{FeatureRow, Features};
use super::lsl::Outlet;
use super::model::{Calibration, Model, calibrate};
use super::stream::{Chunk, Faults, Guard, Source, StreamError, StreamInfo, Truth};
use super::{Decoder, FeatureSpec};

/// One decoded output.
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// Timestamp of the newest sample the output used (source clock).
    pub t: f64,
    /// Targets, or class probabilities.
    pub values: Vec<f64>,
    /// From `t` to the output existing, seconds.
    pub latency_secs: f64,
}

/// Source → features → decoder, one poll at a time.
pub struct Runner {
    pub source: Box<dyn Source>,
    pub guard: Guard,
    features: Option<Features>,
    decoder: Option<Decoder>,
    pub outlet: Option<Outlet>,
    chunk: Chunk,
    rows: Vec<FeatureRow>,
    pub n_samples: u64,
}

impl Runner {
    pub fn new(source: Box<dyn Source>) -> Runner {
        Runner {
            guard: Guard::new(source.info()),
            source,
            features: None,
            decoder: None,
            outlet: None,
            chunk: Chunk::default(),
            rows: Vec::new(),
            n_samples: 0,
        }
    }

    pub fn info(&self) -> &StreamInfo {
        self.source.info()
    }

    /// Decode with this model from now on (its features restart).
    pub fn set_model(&mut self, model: &Model) -> Result<(), String> {
        model.accepts(self.source.info())?;
        self.features = Some(Features::new(&model.features, self.source.info())?);
        let mut d = model.decoder.clone();
        d.reset();
        self.decoder = Some(d);
        Ok(())
    }

    pub fn clear_model(&mut self) {
        self.features = None;
        self.decoder = None;
    }

    /// Pulls what arrived (waiting at most `timeout_secs`), cleans it, and decodes it. The
    /// cleaned rows stay in [`Runner::chunk`] until the next poll.
    pub fn poll(
        &mut self,
        timeout_secs: f64,
        outputs: &mut Vec<Output>,
    ) -> Result<(), StreamError> {
        self.chunk.clear();
        let pulled = self.source.pull(&mut self.chunk, timeout_secs);
        if let Err(StreamError::Lost(why)) = &pulled {
            self.guard.lost(why);
        }
        pulled?;
        self.guard.clean(&mut self.chunk);
        self.n_samples += self.chunk.len() as u64;
        let (Some(features), Some(decoder)) = (&mut self.features, &mut self.decoder) else {
            return Ok(());
        };
        self.rows.clear();
        features.push(&self.chunk, &mut self.rows);
        for row in &self.rows {
            let mut values = vec![0.0; decoder.n_outputs()];
            if decoder.step(&row.values, &mut values).is_err() {
                decoder.reset();
                continue;
            }
            let now = self.source.clock();
            if let Some(outlet) = &mut self.outlet {
                let v: Vec<f32> = values.iter().map(|&v| v as f32).collect();
                outlet.push(&v, row.t);
            }
            outputs.push(Output {
                t: row.t,
                values,
                latency_secs: now - row.t,
            });
        }
        Ok(())
    }

    /// The rows the last poll delivered (cleaned).
    pub fn chunk(&self) -> &Chunk {
        &self.chunk
    }
}

/// Median and 99th percentile (nearest rank) of latencies, milliseconds.
pub fn latency_ms(latencies_secs: &[f64]) -> (f64, f64) {
    if latencies_secs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mut v: Vec<f64> = latencies_secs.iter().map(|s| s * 1e3).collect();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    let median = if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        0.5 * (v[v.len() / 2 - 1] + v[v.len() / 2])
    };
    (median, at(0.99))
}

/// What the window draws, updated by the engine thread.
#[derive(Clone, Debug, Default)]
pub struct LiveState {
    pub info: Option<StreamInfo>,
    pub status: String,
    pub error: Option<String>,
    /// Stream time of the newest sample.
    pub now: f64,
    pub n_samples: u64,
    pub faults: Faults,
    /// Recent decoded outputs (the last 10 s or so), oldest first.
    pub outputs: VecDeque<Output>,
    /// The truth at each recent output's time (plus the model's lag).
    pub truth: VecDeque<Truth>,
    /// The truth now.
    pub truth_now: Option<Truth>,
    /// Recent latencies, seconds (the last 2000).
    pub latencies: VecDeque<f64>,
    /// Calibration progress 0–1 while recording.
    pub calibrating: Option<f32>,
    /// The model running, if any.
    pub model: Option<Arc<Model>>,
    /// The source's clock and the instant it was read, to extrapolate the clock at paint time
    /// (the on-screen latency).
    pub clock_sync: Option<(f64, std::time::Instant)>,
    /// Set when the engine thread has ended.
    pub stopped: bool,
}

enum Command {
    Calibrate {
        secs: f64,
        spec: FeatureSpec,
        lag_secs: f64,
    },
    Run(Arc<Model>),
    StopDecoding,
    Quit,
}

/// A [`Runner`] on its own thread.
pub struct Engine {
    pub state: Arc<Mutex<LiveState>>,
    commands: Sender<Command>,
    /// Finished calibrations arrive here.
    pub calibrations: Receiver<Result<Calibration, String>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Engine {
    pub fn start(source: Box<dyn Source>) -> Engine {
        let state = Arc::new(Mutex::new(LiveState {
            info: Some(source.info().clone()),
            status: format!("streaming {}", source.info().name),
            ..Default::default()
        }));
        let (tx, rx) = channel();
        let (cal_tx, cal_rx) = channel();
        let shared = state.clone();
        let thread = std::thread::Builder::new()
            .name("glia-decode".into())
            .spawn(move || run_thread(source, shared, rx, cal_tx))
            .ok();
        Engine {
            state,
            commands: tx,
            calibrations: cal_rx,
            thread,
        }
    }

    /// Records `secs` of stream, then computes calibration features (arrives on
    /// [`Engine::calibrations`]).
    pub fn calibrate(&self, secs: f64, spec: FeatureSpec, lag_secs: f64) {
        let _ = self.commands.send(Command::Calibrate {
            secs,
            spec,
            lag_secs,
        });
    }

    pub fn run(&self, model: Arc<Model>) {
        let _ = self.commands.send(Command::Run(model));
    }

    pub fn stop_decoding(&self) {
        let _ = self.commands.send(Command::StopDecoding);
    }

    pub fn snapshot(&self) -> LiveState {
        self.state.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Quit);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run_thread(
    source: Box<dyn Source>,
    state: Arc<Mutex<LiveState>>,
    commands: Receiver<Command>,
    calibrations: Sender<Result<Calibration, String>>,
) {
    let mut runner = Runner::new(source);
    let mut recording: Option<(f64, FeatureSpec, f64, Chunk)> = None;
    let mut model: Option<Arc<Model>> = None;
    let mut outputs = Vec::new();
    let mut lost_since: Option<std::time::Instant> = None;
    loop {
        while let Ok(cmd) = commands.try_recv() {
            match cmd {
                Command::Quit => {
                    if let Ok(mut s) = state.lock() {
                        s.stopped = true;
                    }
                    return;
                }
                Command::Calibrate {
                    secs,
                    spec,
                    lag_secs,
                } => recording = Some((secs, spec, lag_secs, Chunk::default())),
                Command::Run(m) => {
                    let r = runner.set_model(&m);
                    if let Ok(mut s) = state.lock() {
                        match r {
                            Ok(()) => {
                                s.error = None;
                                s.outputs.clear();
                                s.truth.clear();
                                s.latencies.clear();
                                s.model = Some(m.clone());
                                model = Some(m);
                            }
                            Err(e) => s.error = Some(e),
                        }
                    }
                }
                Command::StopDecoding => {
                    runner.clear_model();
                    model = None;
                    if let Ok(mut s) = state.lock() {
                        s.model = None;
                    }
                }
            }
        }
        outputs.clear();
        let polled = runner.poll(0.02, &mut outputs);
        if let Err(e) = &polled {
            if let StreamError::Fatal(_) = e {
                if let Ok(mut s) = state.lock() {
                    s.error = Some(e.to_string());
                    s.faults = runner.guard.faults.clone();
                    s.stopped = true;
                }
                return;
            }
            lost_since.get_or_insert_with(std::time::Instant::now);
            if let Ok(mut s) = state.lock() {
                s.status = format!("{e} — waiting for it to come back");
                s.faults = runner.guard.faults.clone();
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
            continue;
        }
        lost_since = None;
        let chunk = runner.chunk();
        let mut finished = None;
        if let Some((secs, _, _, rec)) = &mut recording {
            rec.timestamps.extend_from_slice(&chunk.timestamps);
            rec.data.extend_from_slice(&chunk.data);
            let got = match (rec.timestamps.first(), rec.timestamps.last()) {
                (Some(a), Some(b)) => b - a,
                _ => 0.0,
            };
            if let Ok(mut s) = state.lock() {
                s.calibrating = Some((got / *secs).clamp(0.0, 1.0) as f32);
            }
            if got >= *secs {
                finished = recording.take();
            }
        }
        if let Some((_, spec, lag, samples)) = finished {
            let src = &runner.source;
            let cal = calibrate(runner.info(), &spec, samples, &|t| src.truth(t), lag);
            if let Ok(mut s) = state.lock() {
                s.calibrating = None;
            }
            let _ = calibrations.send(cal);
        }
        let lag = model.as_ref().map_or(0.0, |m| m.lag_secs);
        if let Ok(mut s) = state.lock() {
            if let Some(t) = chunk.timestamps.last() {
                s.now = *t;
                s.clock_sync = Some((runner.source.clock(), std::time::Instant::now()));
                s.truth_now = runner.source.truth(*t);
            }
            s.n_samples = runner.n_samples;
            s.faults = runner.guard.faults.clone();
            if s.error.is_none() || !outputs.is_empty() {
                s.status = format!("streaming {}", runner.info().name);
            }
            for o in outputs.drain(..) {
                s.latencies.push_back(o.latency_secs);
                let tr = runner.source.truth(o.t + lag).unwrap_or_default();
                s.truth.push_back(tr);
                s.outputs.push_back(o);
            }
            while s.latencies.len() > 2000 {
                s.latencies.pop_front();
            }
            let keep_after = s.now - 10.0;
            while s.outputs.front().is_some_and(|o| o.t < keep_after) || s.outputs.len() > 5000 {
                s.outputs.pop_front();
                s.truth.pop_front();
            }
        }
    }
}
