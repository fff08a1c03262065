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
    /// The latency of the last chunk that produced outputs (wall seconds): from its newest
    /// sample's timestamp to the moment its last output existed.
    pub last_latency: Option<f64>,
    lost: bool,
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
            last_latency: None,
            lost: false,
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

    /// Whether the stream is lost (since the last failed poll).
    pub fn is_lost(&self) -> bool {
        self.lost
    }

    /// Pulls what arrived (waiting at most `timeout_secs`), cleans it, and decodes it. The
    /// cleaned rows stay in [`Runner::chunk`] until the next poll. A lost stream is counted
    /// once per loss, not once per poll.
    pub fn poll(
        &mut self,
        timeout_secs: f64,
        outputs: &mut Vec<Output>,
    ) -> Result<(), StreamError> {
        self.chunk.clear();
        self.last_latency = None;
        let pulled = self.source.pull(&mut self.chunk, timeout_secs);
        match &pulled {
            Err(StreamError::Lost(why)) => {
                if !self.lost {
                    self.guard.lost(why);
                }
                self.lost = true;
            }
            Ok(()) => self.lost = false,
            Err(_) => {}
        }
        pulled?;
        self.guard.clean(&mut self.chunk);
        self.n_samples += self.chunk.len() as u64;
        let (Some(features), Some(decoder)) = (&mut self.features, &mut self.decoder) else {
            return Ok(());
        };
        self.rows.clear();
        features.push(&self.chunk, &mut self.rows);
        let scale = self.source.time_scale().max(1e-9);
        let first = outputs.len();
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
                latency_secs: (now - row.t) / scale,
            });
        }
        if outputs.len() > first
            && let Some(newest) = self.chunk.timestamps.last()
        {
            self.last_latency = Some((self.source.clock() - newest) / scale);
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
    /// The last error, numbered so that the window reports each one once.
    pub error: Option<(u64, String)>,
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
    /// Recent latencies, one per chunk that produced outputs, wall seconds (the last 2000).
    pub latencies: VecDeque<f64>,
    /// Calibration progress 0–1 while recording.
    pub calibrating: Option<f32>,
    /// The model running, if any.
    pub model: Option<Arc<Model>>,
    /// The source's clock and the instant it was read, to extrapolate the clock at paint time
    /// (the on-screen latency), and stream seconds per wall second.
    pub clock_sync: Option<(f64, std::time::Instant)>,
    pub time_scale: f64,
    /// Set when the engine thread has ended.
    pub stopped: bool,
}

impl LiveState {
    fn fail(&mut self, message: String) {
        let n = self.error.as_ref().map_or(1, |e| e.0 + 1);
        self.error = Some((n, message));
    }
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

/// Opens a source (on the engine's thread: resolving an LSL stream can take seconds).
pub type Opener = Box<dyn FnOnce() -> Result<Box<dyn Source>, String> + Send>;

/// A [`Runner`] on its own thread.
pub struct Engine {
    pub state: Arc<Mutex<LiveState>>,
    commands: Sender<Command>,
    /// Finished calibrations arrive here.
    pub calibrations: Receiver<Result<Calibration, String>>,
}

/// The shared state, even if a panicking thread poisoned its lock.
fn lock(state: &Mutex<LiveState>) -> std::sync::MutexGuard<'_, LiveState> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl Engine {
    /// Streams from an open source.
    pub fn start(source: Box<dyn Source>) -> Engine {
        let name = source.info().name.clone();
        Self::open(name, Box::new(move || Ok(source)))
    }

    /// Opens the source on the engine's thread ("connecting to `what`" until it is open).
    pub fn open(what: String, opener: Opener) -> Engine {
        let state = Arc::new(Mutex::new(LiveState {
            status: format!("connecting to {what}…"),
            time_scale: 1.0,
            ..Default::default()
        }));
        let (tx, rx) = channel();
        let (cal_tx, cal_rx) = channel();
        let shared = state.clone();
        let spawned = std::thread::Builder::new()
            .name("glia-decode".into())
            .spawn(move || {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run_thread(opener, &shared, rx, cal_tx)
                }));
                let mut s = lock(&shared);
                if let Err(panic) = result {
                    let why = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    s.fail(format!("the decoding thread failed: {why}"));
                }
                s.stopped = true;
            });
        if let Err(e) = spawned {
            let mut s = lock(&state);
            s.fail(format!("could not start the decoding thread: {e}"));
            s.stopped = true;
        }
        Engine {
            state,
            commands: tx,
            calibrations: cal_rx,
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
        lock(&self.state).clone()
    }
}

impl Drop for Engine {
    /// Tells the thread to end and leaves it to (it ends within one poll, ≤ 0.2 s); the window
    /// does not wait for it.
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Quit);
    }
}

/// What a calibration is recording: the samples and the truth at each.
struct Recording {
    secs: f64,
    spec: FeatureSpec,
    lag_secs: f64,
    samples: Chunk,
    truth: Vec<Option<Truth>>,
}

/// The truth at `t` from the truths recorded with each sample (none past the recording).
fn recorded_truth(times: &[f64], truth: &[Option<Truth>], t: f64) -> Option<Truth> {
    let i = times.partition_point(|&x| x <= t);
    let last = *times.last()?;
    let step = if times.len() > 1 {
        (last - times[0]) / (times.len() - 1) as f64
    } else {
        0.0
    };
    if i == 0 || t > last + step {
        return None;
    }
    truth[i - 1]
}

fn run_thread(
    opener: Opener,
    state: &Mutex<LiveState>,
    commands: Receiver<Command>,
    calibrations: Sender<Result<Calibration, String>>,
) {
    let source = match opener() {
        Ok(s) => s,
        Err(e) => {
            lock(state).fail(e);
            return;
        }
    };
    {
        let mut s = lock(state);
        s.info = Some(source.info().clone());
        s.status = format!("streaming {}", source.info().name);
        s.time_scale = source.time_scale();
    }
    let mut runner = Runner::new(source);
    let mut recording: Option<Recording> = None;
    let mut model: Option<Arc<Model>> = None;
    let mut outputs = Vec::new();
    let mut last_retry = std::time::Instant::now();
    loop {
        while let Ok(cmd) = commands.try_recv() {
            match cmd {
                Command::Quit => return,
                Command::Calibrate {
                    secs,
                    spec,
                    lag_secs,
                } => {
                    recording = Some(Recording {
                        secs,
                        spec,
                        lag_secs,
                        samples: Chunk::default(),
                        truth: Vec::new(),
                    })
                }
                Command::Run(m) => {
                    let r = runner.set_model(&m);
                    let mut s = lock(state);
                    match r {
                        Ok(()) => {
                            s.outputs.clear();
                            s.truth.clear();
                            s.latencies.clear();
                            s.model = Some(m.clone());
                            model = Some(m);
                        }
                        Err(e) => s.fail(format!("the model does not fit this stream: {e}")),
                    }
                }
                Command::StopDecoding => {
                    runner.clear_model();
                    model = None;
                    lock(state).model = None;
                }
            }
        }
        outputs.clear();
        match runner.poll(0.02, &mut outputs) {
            Ok(()) => {}
            Err(StreamError::Lost(why)) => {
                {
                    let mut s = lock(state);
                    s.status = format!("stream lost ({why}): trying to get it back");
                    s.faults = runner.guard.faults.clone();
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
                if last_retry.elapsed().as_secs_f64() >= 1.0 {
                    last_retry = std::time::Instant::now();
                    if runner.source.reconnect().is_ok() {
                        lock(state).status = format!("{} is back", runner.info().name);
                    }
                }
                continue;
            }
            Err(StreamError::Ended(why)) => {
                let mut s = lock(state);
                s.status = why;
                s.faults = runner.guard.faults.clone();
                return;
            }
            Err(e @ StreamError::Fatal(_)) => {
                let mut s = lock(state);
                s.fail(e.to_string());
                s.faults = runner.guard.faults.clone();
                return;
            }
        }
        let chunk = runner.chunk();
        let mut finished = None;
        if let Some(rec) = &mut recording {
            rec.samples.timestamps.extend_from_slice(&chunk.timestamps);
            rec.samples.data.extend_from_slice(&chunk.data);
            rec.truth
                .extend(chunk.timestamps.iter().map(|&t| runner.source.truth(t)));
            let got = match (
                rec.samples.timestamps.first(),
                rec.samples.timestamps.last(),
            ) {
                (Some(a), Some(b)) => b - a,
                _ => 0.0,
            };
            lock(state).calibrating = Some((got / rec.secs).clamp(0.0, 1.0) as f32);
            if got >= rec.secs {
                finished = recording.take();
            }
        }
        if let Some(rec) = finished {
            // Features for the calibration on a worker thread: the stream keeps flowing.
            let info = runner.info().clone();
            let classes = runner.source.class_names();
            let tx = calibrations.clone();
            std::thread::spawn(move || {
                let times = rec.samples.timestamps.clone();
                let truth = rec.truth;
                let cal = calibrate(
                    &info,
                    &rec.spec,
                    rec.samples,
                    &|t| recorded_truth(&times, &truth, t),
                    rec.lag_secs,
                    classes,
                );
                let _ = tx.send(cal);
            });
            lock(state).calibrating = None;
        }
        let lag = model.as_ref().map_or(0.0, |m| m.lag_secs);
        let mut s = lock(state);
        if let Some(t) = chunk.timestamps.last() {
            s.now = *t;
            s.truth_now = runner.source.truth(*t);
            s.clock_sync = Some((runner.source.clock(), std::time::Instant::now()));
        }
        s.n_samples = runner.n_samples;
        s.faults = runner.guard.faults.clone();
        if !runner.is_lost() && !chunk.is_empty() {
            s.status = format!("streaming {}", runner.info().name);
        }
        if let Some(l) = runner.last_latency {
            s.latencies.push_back(l);
        }
        for o in outputs.drain(..) {
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
