//! Built-in sources: the two simulators and replay of a loaded recording or spike set, each a
//! [`Generator`] of rows at a fixed rate, paced against the wall clock by [`Paced`] (in real
//! time or ×N), or run as fast as it computes by [`generate`] for offline calibration.

use std::sync::Arc;
use std::time::Instant;

use super::stream::{Chunk, Source, StreamError, StreamInfo, Truth};
use crate::model::{Recording, SpikeSet};
use crate::sim::motor_imagery::{self, ImageryParams, MotorImagery};
use crate::sim::{Reaching, ReachingParams, SplitMix, reaching};

/// Rows at a fixed rate, computed on demand in order.
pub trait Generator: Send {
    fn info(&self) -> &StreamInfo;
    /// Writes the next row (time `k / rate` for the `k`th call). `false` when the generator has
    /// nothing more (a replay at its end).
    fn next_row(&mut self, row: &mut [f32]) -> bool;
    fn truth(&self, _t: f64) -> Option<Truth> {
        None
    }
    /// Names of the classes in [`Truth::class`].
    fn class_names(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Runs a generator offline for `secs` seconds (or until it ends).
pub fn generate(g: &mut dyn Generator, secs: f64) -> Chunk {
    let (c, rate) = (g.info().n_channels(), g.info().rate_hz);
    let n = (secs * rate).round() as usize;
    let mut chunk = Chunk {
        timestamps: Vec::with_capacity(n),
        data: vec![0.0; n * c],
    };
    for k in 0..n {
        if !g.next_row(&mut chunk.data[k * c..(k + 1) * c]) {
            chunk.data.truncate(k * c);
            break;
        }
        chunk.timestamps.push(k as f64 / rate);
    }
    chunk
}

/// A generator paced by the wall clock: rows become available when their time comes.
pub struct Paced {
    generator: Box<dyn Generator>,
    start: Instant,
    speed: f64,
    next: u64,
    ended: bool,
}

impl Paced {
    pub fn new(generator: Box<dyn Generator>, speed: f64) -> Paced {
        Paced {
            generator,
            start: Instant::now(),
            speed: speed.clamp(0.01, 1000.0),
            next: 0,
            ended: false,
        }
    }
}

impl Source for Paced {
    fn info(&self) -> &StreamInfo {
        self.generator.info()
    }

    fn clock(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * self.speed
    }

    fn pull(&mut self, chunk: &mut Chunk, timeout_secs: f64) -> Result<(), StreamError> {
        if self.ended {
            return Err(StreamError::Ended(format!(
                "{} reached its end",
                self.generator.info().name
            )));
        }
        let rate = self.generator.info().rate_hz;
        let c = self.generator.info().n_channels();
        let due = |s: &Self| (s.clock() * rate).floor() as u64;
        let mut now = due(self);
        if now < self.next {
            let wait = ((self.next - now) as f64 / rate / self.speed).min(timeout_secs.max(0.0));
            std::thread::sleep(std::time::Duration::from_secs_f64(wait));
            now = due(self);
        }
        // Never more than five seconds at once (after a stall, the old rows are skipped, as an
        // LSL inlet with a short buffer would).
        let max_rows = (5.0 * rate) as u64;
        let mut row = vec![0.0f32; c];
        if now >= self.next + max_rows {
            // The skipped rows are still computed (and dropped), so the data stay in step
            // with the generator's own time and its ground truth.
            let skip_to = now + 1 - max_rows;
            while self.next < skip_to {
                if !self.generator.next_row(&mut row) {
                    self.ended = true;
                    return Ok(());
                }
                self.next += 1;
            }
        }
        while self.next <= now {
            if !self.generator.next_row(&mut row) {
                self.ended = true;
                break;
            }
            chunk.timestamps.push(self.next as f64 / rate);
            chunk.data.extend_from_slice(&row);
            self.next += 1;
        }
        Ok(())
    }

    fn truth(&self, t: f64) -> Option<Truth> {
        self.generator.truth(t)
    }

    fn class_names(&self) -> Vec<String> {
        self.generator.class_names()
    }

    fn time_scale(&self) -> f64 {
        self.speed
    }
}

/// The centre-out reaching population: spike counts per 1 ms tick, one column per unit.
pub struct ReachingSource {
    pub sim: Reaching,
    info: StreamInfo,
    rng: SplitMix,
    last_spike: Vec<f64>,
    rates: Vec<f64>,
    k: u64,
}

impl ReachingSource {
    pub const RATE_HZ: f64 = 1000.0;

    /// A population of `n_units` performing the task for `duration_secs`, then again.
    pub fn new(n_units: usize, seed: u64, duration_secs: f64) -> ReachingSource {
        Self::with_params(ReachingParams {
            n_units,
            seed,
            duration_secs,
            ..Default::default()
        })
    }

    pub fn with_params(params: ReachingParams) -> ReachingSource {
        let (n_units, seed) = (params.n_units, params.seed);
        let sim = Reaching::new(params);
        ReachingSource {
            info: StreamInfo {
                name: format!("Simulated reaching ({n_units} units)"),
                kind: "spikes".into(),
                channels: (0..n_units).map(|i| format!("unit {i}")).collect(),
                rate_hz: Self::RATE_HZ,
            },
            rng: SplitMix::new(seed ^ 0x5eed),
            last_spike: vec![f64::NEG_INFINITY; n_units],
            rates: vec![0.0; n_units],
            sim,
            k: 0,
        }
    }
}

impl Generator for ReachingSource {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_row(&mut self, row: &mut [f32]) -> bool {
        // The task repeats after its duration (the live panel streams for as long as it runs);
        // the refractory period runs on the stream's own, unwrapped time.
        let now = self.k as f64 / Self::RATE_HZ;
        let t = now % self.sim.params.duration_secs;
        self.k += 1;
        let dt = 1.0 / Self::RATE_HZ;
        let refractory = self.sim.params.refractory_secs;
        self.sim.rates_hz(t, &mut self.rates);
        for (i, r) in row.iter_mut().enumerate() {
            let p = self.rates[i] * dt;
            let fire = now - self.last_spike[i] >= refractory && self.rng.uniform() < p;
            if fire {
                self.last_spike[i] = now;
            }
            *r = fire as u8 as f32;
        }
        true
    }

    fn truth(&self, t: f64) -> Option<Truth> {
        let t = t.rem_euclid(self.sim.params.duration_secs);
        let (p, v) = self.sim.kinematics(t);
        let target = self.sim.target_at(t).map(|k| {
            let a = reaching::target_angle(k);
            [
                a.cos() * self.sim.params.reach_m,
                a.sin() * self.sim.params.reach_m,
            ]
        });
        Some(Truth {
            position: Some([p.x, p.y]),
            velocity: Some([v.x, v.y]),
            target,
            class: None,
        })
    }
}

/// Motor-imagery EEG (µV, 250 Hz, 16 channels).
pub struct ImagerySource {
    pub sim: MotorImagery,
    info: StreamInfo,
}

impl ImagerySource {
    pub fn new(seed: u64, duration_secs: f64) -> ImagerySource {
        ImagerySource {
            sim: MotorImagery::new(ImageryParams {
                seed,
                duration_secs,
                ..Default::default()
            }),
            info: StreamInfo {
                name: "Simulated motor imagery (EEG)".into(),
                kind: "EEG".into(),
                channels: motor_imagery::CHANNELS
                    .iter()
                    .map(|c| c.0.to_string())
                    .collect(),
                rate_hz: motor_imagery::RATE_HZ,
            },
        }
    }
}

impl Generator for ImagerySource {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_row(&mut self, row: &mut [f32]) -> bool {
        self.sim.next_row(row);
        true
    }

    fn truth(&self, t: f64) -> Option<Truth> {
        Some(Truth {
            class: self.sim.trial_at(t).map(|tr| tr.class),
            ..Default::default()
        })
    }

    fn class_names(&self) -> Vec<String> {
        crate::decode::paradigm::IMAGERY_CLASSES
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
}

/// Replay of a loaded recording's channels at the most common sample rate (in microvolts for
/// voltage channels), with the cue classes taken from its annotations: each distinct
/// annotation text is a class, active for the annotation's duration (4 s when it has none).
pub struct RecordingReplay<T> {
    data: Arc<T>,
    channels: Vec<usize>,
    scale: Vec<f32>,
    info: StreamInfo,
    n_samples: u64,
    block: Vec<Vec<f64>>,
    block_start: u64,
    k: u64,
    pub classes: Vec<String>,
}

impl<T: AsRef<Recording> + Send + Sync> RecordingReplay<T> {
    pub fn new(data: Arc<T>) -> Result<Self, String> {
        let rec = (*data).as_ref();
        let mut rates: Vec<(f64, usize)> = Vec::new();
        for ch in &rec.channels {
            match rates.iter_mut().find(|r| r.0 == ch.sample_rate_hz) {
                Some(r) => r.1 += 1,
                None => rates.push((ch.sample_rate_hz, 1)),
            }
        }
        let Some(&(rate, _)) = rates.iter().max_by_key(|r| r.1) else {
            return Err(format!("{} has no channels to replay", rec.name));
        };
        let channels: Vec<usize> = (0..rec.channels.len())
            .filter(|&i| rec.channels[i].sample_rate_hz == rate)
            .collect();
        let scale = channels
            .iter()
            .map(|&i| {
                if rec.channels[i].unit == "V" {
                    1e6
                } else {
                    1.0
                }
            })
            .collect();
        let n_samples = channels
            .iter()
            .map(|&i| rec.channels[i].n_samples)
            .min()
            .unwrap_or(0);
        let mut classes: Vec<String> = rec.annotations.iter().map(|a| a.text.clone()).collect();
        classes.sort();
        classes.dedup();
        let info = StreamInfo {
            name: format!("Replay of {}", rec.name),
            kind: "EEG".into(),
            channels: channels
                .iter()
                .map(|&i| rec.channels[i].name.clone())
                .collect(),
            rate_hz: rate,
        };
        Ok(RecordingReplay {
            block: vec![Vec::new(); channels.len()],
            data,
            channels,
            scale,
            info,
            n_samples,
            block_start: 0,
            k: 0,
            classes,
        })
    }
}

impl<T: AsRef<Recording> + Send + Sync> Generator for RecordingReplay<T> {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_row(&mut self, row: &mut [f32]) -> bool {
        if self.k >= self.n_samples {
            return false;
        }
        let have = self.block.first().map_or(0, |b| b.len()) as u64;
        if self.k >= self.block_start + have || self.k < self.block_start {
            let len = ((self.info.rate_hz * 0.5) as u64)
                .max(1)
                .min(self.n_samples - self.k) as usize;
            let rec = (*self.data).as_ref();
            for (b, &ch) in self.block.iter_mut().zip(&self.channels) {
                b.resize(len, 0.0);
                if rec.read(ch, self.k, b).is_err() {
                    b.iter_mut().for_each(|v| *v = f64::NAN);
                }
            }
            self.block_start = self.k;
        }
        let i = (self.k - self.block_start) as usize;
        for ((r, b), s) in row.iter_mut().zip(&self.block).zip(&self.scale) {
            *r = b[i] as f32 * s;
        }
        self.k += 1;
        true
    }

    fn truth(&self, t: f64) -> Option<Truth> {
        let rec = (*self.data).as_ref();
        let class = rec.annotations.iter().rev().find_map(|a| {
            let len = if a.duration_secs > 0.0 {
                a.duration_secs
            } else {
                4.0
            };
            (t >= a.onset_secs && t < a.onset_secs + len)
                .then(|| self.classes.iter().position(|c| *c == a.text))
                .flatten()
        });
        Some(Truth {
            class,
            ..Default::default()
        })
    }

    fn class_names(&self) -> Vec<String> {
        self.classes.clone()
    }
}

/// Replay of a loaded spike set: counts per 1 ms tick per unit.
pub struct SpikeReplay<T> {
    data: Arc<T>,
    cursor: Vec<usize>,
    info: StreamInfo,
    k: u64,
    t0: f64,
}

impl<T: AsRef<SpikeSet> + Send + Sync> SpikeReplay<T> {
    pub fn new(data: Arc<T>, name: &str) -> Result<Self, String> {
        let set = (*data).as_ref();
        if set.n_units() == 0 {
            return Err(format!("{name} has no units to replay"));
        }
        let info = StreamInfo {
            name: format!("Replay of {name}"),
            kind: "spikes".into(),
            channels: set.units.iter().map(|u| format!("unit {}", u.id)).collect(),
            rate_hz: 1000.0,
        };
        Ok(SpikeReplay {
            cursor: (0..set.n_units()).map(|i| set.offsets[i]).collect(),
            t0: set.start_secs,
            data,
            info,
            k: 0,
        })
    }
}

impl<T: AsRef<SpikeSet> + Send + Sync> Generator for SpikeReplay<T> {
    fn info(&self) -> &StreamInfo {
        &self.info
    }

    fn next_row(&mut self, row: &mut [f32]) -> bool {
        let set = (*self.data).as_ref();
        let end = self.t0 + (self.k + 1) as f64 / 1000.0;
        if end - 1e-3 > set.end_secs {
            return false;
        }
        for (i, r) in row.iter_mut().enumerate() {
            let stop = set.offsets[i + 1];
            let mut n = 0u32;
            while self.cursor[i] < stop && set.times_secs[self.cursor[i]] < end {
                self.cursor[i] += 1;
                n += 1;
            }
            *r = n as f32;
        }
        self.k += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaching_source_fires_at_the_simulated_rates() {
        let mut g = ReachingSource::new(8, 2, 60.0);
        let chunk = generate(&mut g, 60.0);
        assert_eq!(chunk.len(), 60000);
        for i in 0..8 {
            let count: f32 = chunk.data.iter().skip(i).step_by(8).sum();
            let expected: f64 = (0..60000)
                .map(|k| g.sim.rate_hz(i, k as f64 / 1e3) / 1e3)
                .sum();
            assert!(
                (count as f64 - expected).abs() < 5.0 * expected.sqrt() + 5.0,
                "unit {i}: {count} spikes, expected {expected:.0}"
            );
        }
    }

    /// The task repeats after its duration, and the units keep firing through the wrap.
    #[test]
    fn reaching_source_keeps_firing_after_the_task_repeats() {
        let mut g = ReachingSource::new(8, 3, 10.0);
        let chunk = generate(&mut g, 30.0);
        let count = |from: usize, to: usize| -> f32 { chunk.data[from * 8..to * 8].iter().sum() };
        let (first, last) = (count(0, 10_000), count(20_000, 30_000));
        assert!(first > 100.0);
        assert!((last - first).abs() < 0.3 * first, "{first} then {last}");
    }

    struct Set(SpikeSet);
    impl AsRef<SpikeSet> for Set {
        fn as_ref(&self) -> &SpikeSet {
            &self.0
        }
    }

    /// Every spike lands in its 1 ms tick, none twice, none lost.
    #[test]
    fn spike_replay_counts_every_spike_in_its_tick() {
        use crate::model::Unit;
        let trains = vec![vec![0.0005, 0.0015, 0.0019, 0.0101], vec![0.003, 0.0031]];
        let set = SpikeSet::from_trains(vec![Unit::new(4), Unit::new(9)], trains);
        let start = set.start_secs;
        let mut replay = SpikeReplay::new(Arc::new(Set(set)), "test").unwrap();
        assert_eq!(replay.info().channels, vec!["unit 4", "unit 9"]);
        let chunk = generate(&mut replay, 1.0);
        let total: f32 = chunk.data.iter().sum();
        assert_eq!(total, 6.0);
        // Ticks are 1 ms from the set's first spike.
        let tick = |t: f64| ((t - start) * 1000.0).floor() as usize;
        assert_eq!(chunk.data[tick(0.0015) * 2], 2.0);
        assert_eq!(chunk.data[tick(0.003) * 2 + 1], 2.0);
    }

    #[test]
    fn paced_source_keeps_time() {
        let mut p = Paced::new(Box::new(ImagerySource::new(1, 100.0)), 10.0);
        let mut chunk = Chunk::default();
        let t = Instant::now();
        while t.elapsed().as_secs_f64() < 0.2 {
            p.pull(&mut chunk, 0.01).unwrap();
        }
        // 0.2 s at ×10 is 2 s of signal: about 500 rows.
        assert!((400..=560).contains(&chunk.len()), "{}", chunk.len());
        assert!(chunk.timestamps.windows(2).all(|w| w[1] > w[0]));
    }
}
