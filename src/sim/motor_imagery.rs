//! EEG during cued left- and right-hand motor imagery, simulated: the second stream the decoding
//! panel and `glia decode simulate --paradigm motor-imagery` decode.
//!
//! Imagining a hand movement desynchronises the mu (8–13 Hz) and beta (15–30 Hz) rhythms over
//! the opposite sensorimotor cortex (event-related desynchronisation, Pfurtscheller & Lopes da
//! Silva 1999): left-hand imagery weakens them over C4, right-hand imagery over C3. The
//! simulation has three rhythmic sources (left and right hand areas with mu and beta, and
//! occipital alpha that no class modulates), each a narrow-band oscillation with a drifting
//! phase and a slowly wandering amplitude, mixed into 16 scalp channels by their distance
//! (volume conduction), plus 1/f-like background and white noise. During imagery the
//! contralateral source's amplitude falls by `erd` (60 % by default), ramped over 0.5 s.
//!
//! Trials: 2 s fixation, 4 s cue (left or right, in shuffled blocks of two), then a 1.5–2.5 s
//! break. Values are microvolts at 250 Hz. Everything follows from a seed.

use std::f64::consts::PI;

use super::SplitMix;

/// Scalp channels and their positions (x right, y front; the unit circle is the 10–20
/// system's outer ring).
pub const CHANNELS: [(&str, f64, f64); 16] = [
    ("Fz", 0.0, 0.6),
    ("FC3", -0.45, 0.3),
    ("FCz", 0.0, 0.3),
    ("FC4", 0.45, 0.3),
    ("C5", -0.75, 0.0),
    ("C3", -0.5, 0.0),
    ("C1", -0.25, 0.0),
    ("Cz", 0.0, 0.0),
    ("C2", 0.25, 0.0),
    ("C4", 0.5, 0.0),
    ("C6", 0.75, 0.0),
    ("CP3", -0.45, -0.3),
    ("CPz", 0.0, -0.3),
    ("CP4", 0.45, -0.3),
    ("Pz", 0.0, -0.6),
    ("Oz", 0.0, -0.95),
];

pub const RATE_HZ: f64 = 250.0;

/// One cued trial.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ImageryTrial {
    pub cue_secs: f64,
    pub end_secs: f64,
    /// 0 = left hand, 1 = right hand.
    pub class: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ImageryParams {
    pub seed: u64,
    pub duration_secs: f64,
    /// Fractional loss of the contralateral rhythm's amplitude during imagery.
    pub erd: f64,
    pub cue_secs: f64,
}

impl Default for ImageryParams {
    fn default() -> Self {
        ImageryParams {
            seed: 1,
            duration_secs: 300.0,
            erd: 0.6,
            cue_secs: 4.0,
        }
    }
}

struct Rhythm {
    freq_hz: f64,
    amp_uv: f64,
    phase: f64,
    envelope: f64,
}

/// The running simulation: call [`MotorImagery::next_row`] for consecutive samples.
pub struct MotorImagery {
    pub params: ImageryParams,
    pub trials: Vec<ImageryTrial>,
    rng: SplitMix,
    /// Per source: rhythms (mu, beta) and the mixing weight into each channel.
    sources: Vec<(Vec<Rhythm>, [f64; 16])>,
    background: [f64; 16],
    k: u64,
}

impl MotorImagery {
    pub fn new(params: ImageryParams) -> MotorImagery {
        let mut rng = SplitMix::new(params.seed ^ 0x4d49);
        let mut trials = Vec::new();
        let mut t = 1.0;
        let mut block: Vec<usize> = Vec::new();
        loop {
            if block.is_empty() {
                block = if rng.uniform() < 0.5 {
                    vec![0, 1]
                } else {
                    vec![1, 0]
                };
            }
            let cue = t + 2.0;
            let end = cue + params.cue_secs;
            if end > params.duration_secs {
                break;
            }
            trials.push(ImageryTrial {
                cue_secs: cue,
                end_secs: end,
                class: block.pop().unwrap_or(0),
            });
            t = end + rng.range(1.5, 2.5);
        }
        let mix = |x: f64, y: f64, width: f64| {
            let mut w = [0.0; 16];
            for (wi, (_, cx, cy)) in w.iter_mut().zip(CHANNELS) {
                *wi = (-((cx - x).powi(2) + (cy - y).powi(2)) / (2.0 * width * width)).exp();
            }
            w
        };
        let rhythm = |f: f64, a: f64, rng: &mut SplitMix| Rhythm {
            freq_hz: f + rng.range(-0.5, 0.5),
            amp_uv: a,
            phase: rng.range(0.0, 2.0 * PI),
            envelope: 1.0,
        };
        let sources = vec![
            // Left hand area (under C4): index 0, modulated by left-hand imagery.
            (
                vec![rhythm(10.5, 9.0, &mut rng), rhythm(21.0, 4.0, &mut rng)],
                mix(0.5, 0.0, 0.25),
            ),
            // Right hand area (under C3).
            (
                vec![rhythm(11.0, 9.0, &mut rng), rhythm(22.0, 4.0, &mut rng)],
                mix(-0.5, 0.0, 0.25),
            ),
            // Occipital alpha, unmodulated.
            (vec![rhythm(10.0, 12.0, &mut rng)], mix(0.0, -0.95, 0.35)),
        ];
        MotorImagery {
            params,
            trials,
            rng,
            sources,
            background: [0.0; 16],
            k: 0,
        }
    }

    /// The trial whose cue is showing at `t`.
    pub fn trial_at(&self, t: f64) -> Option<&ImageryTrial> {
        let i = self.trials.partition_point(|tr| tr.cue_secs <= t);
        let tr = &self.trials[i.checked_sub(1)?];
        (t < tr.end_secs).then_some(tr)
    }

    /// How far the imagery of `class` has desynchronised its rhythm at `t` (0 to 1).
    fn imagery(&self, class: usize, t: f64) -> f64 {
        let Some(tr) = self.trial_at(t).or_else(|| {
            // The ramp down after the cue ends.
            let i = self.trials.partition_point(|tr| tr.cue_secs <= t);
            i.checked_sub(1).map(|i| &self.trials[i])
        }) else {
            return 0.0;
        };
        if tr.class != class {
            return 0.0;
        }
        let on = ((t - tr.cue_secs - 0.3) / 0.5).clamp(0.0, 1.0);
        let off = 1.0 - ((t - tr.end_secs) / 0.5).clamp(0.0, 1.0);
        on.min(off)
    }

    /// The next sample of every channel, µV; its time is `k / RATE_HZ` for the `k`th call.
    pub fn next_row(&mut self, row: &mut [f32]) {
        let t = self.k as f64 / RATE_HZ;
        self.k += 1;
        let dt = 1.0 / RATE_HZ;
        let mut out = [0.0f64; 16];
        let gains = [
            1.0 - self.params.erd * self.imagery(0, t),
            1.0 - self.params.erd * self.imagery(1, t),
            1.0,
        ];
        for ((rhythms, weights), gain) in self.sources.iter_mut().zip(gains) {
            let mut s = 0.0;
            for r in rhythms.iter_mut() {
                r.phase += 2.0 * PI * r.freq_hz * dt + 0.04 * self.rng.normal();
                r.envelope += 0.5 * dt * (1.0 - r.envelope) + 0.03 * self.rng.normal();
                r.envelope = r.envelope.clamp(0.2, 2.0);
                s += r.amp_uv * r.envelope * r.phase.sin();
            }
            for (o, w) in out.iter_mut().zip(weights.iter()) {
                *o += gain * s * w;
            }
        }
        for (j, o) in out.iter_mut().enumerate() {
            self.background[j] = 0.98 * self.background[j] + 1.5 * self.rng.normal();
            *o += self.background[j] + 2.0 * self.rng.normal();
        }
        for (r, o) in row.iter_mut().zip(out) {
            *r = o as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Right-hand imagery lowers the mu power at C3 (not at C4), left-hand imagery at C4.
    #[test]
    fn imagery_desynchronises_the_opposite_hemisphere() {
        let mut sim = MotorImagery::new(ImageryParams {
            duration_secs: 120.0,
            ..Default::default()
        });
        let n = (120.0 * RATE_HZ) as usize;
        let mut rows = vec![0.0f32; n * 16];
        for r in rows.chunks_exact_mut(16) {
            sim.next_row(r);
        }
        let sos =
            crate::dsp::butter::butter(4, crate::dsp::butter::Band::Bandpass(8.0, 13.0), RATE_HZ)
                .unwrap();
        let power = |ch: usize, class: Option<usize>| {
            let x: Vec<f64> = rows.chunks_exact(16).map(|r| r[ch] as f64).collect();
            let y = crate::dsp::filter::sosfilt(&sos, &x).unwrap();
            let (mut s, mut m) = (0.0, 0);
            for (i, v) in y.iter().enumerate().skip(250) {
                let t = i as f64 / RATE_HZ;
                let c = sim
                    .trial_at(t)
                    .filter(|tr| t > tr.cue_secs + 1.0)
                    .map(|tr| tr.class);
                if c == class {
                    s += v * v;
                    m += 1;
                }
            }
            s / m as f64
        };
        let (c3, c4) = (5, 9);
        assert!(power(c3, Some(1)) < 0.6 * power(c3, Some(0)));
        assert!(power(c4, Some(0)) < 0.6 * power(c4, Some(1)));
    }
}
