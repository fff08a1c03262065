//! A centre-out reaching task recorded by a 96-channel array in the arm area of the left
//! primary motor cortex, simulated: the population the demo shows and live decoding decodes.
//!
//! The task: each trial holds at the centre, a target appears at one of eight directions
//! 10 cm away, a go cue follows after a random delay, the hand moves after a reaction time with
//! a minimum-jerk profile, holds at the target, and returns during the inter-trial interval.
//!
//! The units are cosine-tuned to hand velocity (Georgopoulos et al. 1982; Moran & Schwartz
//! 1999): `rate(t) = b + m · (v(t + lag) · d) / v_max + s · |v(t + lag)| / v_max`, clipped at
//! zero, with a preferred direction `d`, a baseline `b`, a depth of modulation `m`, a speed
//! gain `s` and a 100 ms lead of the neurons over the movement. Spikes are an inhomogeneous
//! Poisson process, drawn by thinning (Lewis & Shedler 1979). Everything follows from a seed.

use std::f64::consts::PI;

use glam::{DVec2, Vec3};

use crate::model::{Event, SpikeSet, Trial, Unit};

/// Task and population settings.
#[derive(Clone, Debug, PartialEq)]
pub struct ReachingParams {
    pub n_units: usize,
    pub duration_secs: f64,
    pub seed: u64,
    /// Target distance from the centre, metres.
    pub reach_m: f64,
    /// Movement time of the minimum-jerk reach, seconds.
    pub move_secs: f64,
    /// Neural lead over the movement, seconds.
    pub lag_secs: f64,
    /// Absolute refractory period: no two spikes of a unit closer than this, seconds.
    pub refractory_secs: f64,
}

impl Default for ReachingParams {
    fn default() -> Self {
        ReachingParams {
            n_units: 96,
            duration_secs: 300.0,
            seed: 1,
            reach_m: 0.10,
            move_secs: 0.5,
            lag_secs: 0.1,
            refractory_secs: 0.002,
        }
    }
}

/// One reach.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    pub start_secs: f64,
    pub target_on_secs: f64,
    pub go_secs: f64,
    pub move_secs: f64,
    /// Movement end (the hand is on the target).
    pub arrive_secs: f64,
    pub reward_secs: f64,
    /// Return to the centre starts here and lasts as long as the reach.
    pub return_secs: f64,
    pub stop_secs: f64,
    /// Which of the eight targets (0 = rightwards, counter-clockwise in 45° steps).
    pub target: usize,
}

/// A cosine-tuned unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TunedUnit {
    /// Preferred direction, radians.
    pub preferred_rad: f64,
    pub baseline_hz: f64,
    pub modulation_hz: f64,
    pub speed_hz: f64,
}

/// The simulated session: trials, units and the hand's path.
#[derive(Clone, Debug)]
pub struct Reaching {
    pub params: ReachingParams,
    pub reaches: Vec<Reach>,
    pub units: Vec<TunedUnit>,
    /// Peak speed of a reach, m/s (minimum jerk: 1.875 · distance / duration).
    pub peak_speed: f64,
}

/// Direction of target `k` of eight, radians.
pub fn target_angle(k: usize) -> f64 {
    k as f64 * PI / 4.0
}

/// A small, fast, seedable generator (SplitMix64), so simulations are the same everywhere.
#[derive(Clone, Debug)]
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> Self {
        SplitMix(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Exponential with rate `lambda`.
    pub fn exponential(&mut self, lambda: f64) -> f64 {
        -(1.0 - self.uniform()).ln() / lambda
    }

    /// Standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (2.0 * PI * u2).cos()
    }
}

/// Minimum-jerk position fraction and its time derivative (per second) at `s` ∈ [0, 1] of a
/// movement lasting `dur` seconds.
fn min_jerk(s: f64, dur: f64) -> (f64, f64) {
    let s = s.clamp(0.0, 1.0);
    let pos = 10.0 * s.powi(3) - 15.0 * s.powi(4) + 6.0 * s.powi(5);
    let vel = (30.0 * s.powi(2) - 60.0 * s.powi(3) + 30.0 * s.powi(4)) / dur;
    (pos, vel)
}

impl Reaching {
    pub fn new(params: ReachingParams) -> Self {
        let mut rng = SplitMix::new(params.seed);
        let mut reaches = Vec::new();
        let mut t = 0.5;
        // Targets in blocks of eight, each block a random order (as in most centre-out tasks).
        let mut block: Vec<usize> = Vec::new();
        loop {
            if block.is_empty() {
                block = (0..8).collect();
                for i in (1..8).rev() {
                    let j = (rng.uniform() * (i + 1) as f64) as usize;
                    block.swap(i, j.min(i));
                }
            }
            let start = t;
            let target_on = start + 0.3;
            let go = target_on + rng.range(0.4, 0.8);
            let mv = go + rng.range(0.2, 0.3);
            let arrive = mv + params.move_secs;
            let reward = arrive + 0.3;
            let ret = reward + 0.1;
            let stop = ret + params.move_secs + 0.2;
            if stop > params.duration_secs {
                break;
            }
            reaches.push(Reach {
                start_secs: start,
                target_on_secs: target_on,
                go_secs: go,
                move_secs: mv,
                arrive_secs: arrive,
                reward_secs: reward,
                return_secs: ret,
                stop_secs: stop,
                target: block.pop().unwrap_or(0),
            });
            t = stop;
        }
        let mut units: Vec<TunedUnit> = (0..params.n_units)
            .map(|_| TunedUnit {
                preferred_rad: rng.range(-PI, PI),
                baseline_hz: rng.range(3.0, 15.0),
                modulation_hz: rng.range(10.0, 40.0),
                speed_hz: rng.range(0.0, 6.0),
            })
            .collect();
        // Numbered by preferred direction, so a raster sorted by id shows the population's
        // tuning as a sweep across units with each reach (a teaching choice: a real array's
        // channel numbers say nothing about tuning).
        units.sort_by(|a, b| a.preferred_rad.total_cmp(&b.preferred_rad));
        Reaching {
            peak_speed: 1.875 * params.reach_m / params.move_secs,
            params,
            reaches,
            units,
        }
    }

    /// The reach under way (or the last one begun) at `t`.
    fn reach_at(&self, t: f64) -> Option<&Reach> {
        let i = self.reaches.partition_point(|r| r.start_secs <= t);
        i.checked_sub(1).map(|i| &self.reaches[i])
    }

    /// The target shown at `t` (from target onset until the return begins), if any.
    pub fn target_at(&self, t: f64) -> Option<usize> {
        self.reach_at(t)
            .filter(|r| t >= r.target_on_secs && t < r.return_secs)
            .map(|r| r.target)
    }

    /// Hand position (metres from the centre) and velocity (m/s) at `t`.
    pub fn kinematics(&self, t: f64) -> (DVec2, DVec2) {
        let Some(r) = self.reach_at(t) else {
            return (DVec2::ZERO, DVec2::ZERO);
        };
        let a = target_angle(r.target);
        let goal = DVec2::new(a.cos(), a.sin()) * self.params.reach_m;
        let dur = self.params.move_secs;
        if t < r.move_secs {
            (DVec2::ZERO, DVec2::ZERO)
        } else if t < r.arrive_secs {
            let (p, v) = min_jerk((t - r.move_secs) / dur, dur);
            (goal * p, goal * v)
        } else if t < r.return_secs {
            (goal, DVec2::ZERO)
        } else {
            let (p, v) = min_jerk((t - r.return_secs) / dur, dur);
            (goal * (1.0 - p), -goal * v)
        }
    }

    /// Unit `i`'s firing rate at `t`, spikes per second.
    pub fn rate_hz(&self, i: usize, t: f64) -> f64 {
        let u = &self.units[i];
        let (_, v) = self.kinematics(t + self.params.lag_secs);
        let d = DVec2::new(u.preferred_rad.cos(), u.preferred_rad.sin());
        let vmax = self.peak_speed;
        (u.baseline_hz + u.modulation_hz * v.dot(d) / vmax + u.speed_hz * v.length() / vmax)
            .max(0.0)
    }

    /// Every unit's firing rate at `t` (the kinematics computed once).
    pub fn rates_hz(&self, t: f64, out: &mut [f64]) {
        let (_, v) = self.kinematics(t + self.params.lag_secs);
        let vmax = self.peak_speed;
        for (o, u) in out.iter_mut().zip(&self.units) {
            let d = DVec2::new(u.preferred_rad.cos(), u.preferred_rad.sin());
            *o = (u.baseline_hz
                + u.modulation_hz * v.dot(d) / vmax
                + u.speed_hz * v.length() / vmax)
                .max(0.0);
        }
    }

    fn max_rate_hz(&self, i: usize) -> f64 {
        let u = &self.units[i];
        u.baseline_hz + u.modulation_hz + u.speed_hz
    }

    /// Spike trains of every unit (Poisson by thinning), with the task's events and trials,
    /// unit positions on a 10 × 10 array ([`ARRAY_PITCH_MM`] pitch) on the hand knob of left M1, the
    /// array's corners left empty as on a Utah array.
    pub fn spikes(&self) -> SpikeSet {
        use rayon::prelude::*;
        let n = self.units.len();
        let trains: Vec<Vec<f64>> = (0..n)
            .into_par_iter()
            .map(|i| {
                let mut rng = SplitMix::new(
                    self.params
                        .seed
                        .wrapping_mul(7919)
                        .wrapping_add(i as u64 + 1),
                );
                let lmax = self.max_rate_hz(i).max(1e-3);
                let mut t = 0.0;
                let mut last = f64::NEG_INFINITY;
                let mut out = Vec::new();
                loop {
                    t += rng.exponential(lmax);
                    if t >= self.params.duration_secs {
                        break;
                    }
                    if t - last >= self.params.refractory_secs
                        && rng.uniform() * lmax < self.rate_hz(i, t)
                    {
                        out.push(t);
                        last = t;
                    }
                }
                out
            })
            .collect();
        let sites = array_sites(n);
        let units = (0..n)
            .map(|i| {
                let (col, row) = sites[i];
                let mut u = Unit::new(i as i64 + 1);
                u.label = Some(if i % 9 == 4 { "mua" } else { "good" }.to_owned());
                u.channel = Some(i as u32);
                u.probe_um = Some([
                    col as f32 * ARRAY_PITCH_MM * 1e3,
                    row as f32 * ARRAY_PITCH_MM * 1e3,
                ]);
                u.position_mm = Some(array_position_mm(col, row));
                u
            })
            .collect();
        let mut set = SpikeSet::from_trains(units, trains);
        for r in &self.reaches {
            let condition = Some(format!("{}°", r.target * 45));
            set.trials.push(Trial {
                start_secs: r.start_secs,
                stop_secs: r.stop_secs,
                condition: condition.clone(),
            });
            for (kind, time) in [
                ("target_on", r.target_on_secs),
                ("go", r.go_secs),
                ("move", r.move_secs),
                ("reward", r.reward_secs),
            ] {
                set.events.push(Event {
                    time_secs: time,
                    kind: kind.to_owned(),
                    condition: condition.clone(),
                });
            }
        }
        set.sort_events();
        set.update_span();
        set.end_secs = set.end_secs.max(self.params.duration_secs);
        set.time_unit = Some(("s".to_owned(), false));
        set
    }
}

/// Grid sites (column, row) of a 10 × 10 array without its corners, for `n` units.
fn array_sites(n: usize) -> Vec<(usize, usize)> {
    let corners = [(0, 0), (9, 0), (0, 9), (9, 9)];
    let mut sites: Vec<(usize, usize)> = (0..100)
        .map(|k| (k % 10, k / 10))
        .filter(|s| !corners.contains(s))
        .collect();
    // Beyond 96 units, rows of ten past the array's last row.
    let mut k = 100;
    while sites.len() < n {
        sites.push((k % 10, k / 10));
        k += 1;
    }
    sites.truncate(n);
    sites
}

/// Array pitch, millimetres: larger than a Utah array's 0.4 mm so that the array shows in a
/// whole-brain view.
pub const ARRAY_PITCH_MM: f32 = 1.5;

/// Where an array site lies in MNI space: a 10 × 10 grid on the crown of the left precentral
/// gyrus over the hand knob (centre near MNI −42, −24, 71 on the template's surface), tangent
/// to the cortex there and resting on it.
fn array_position_mm(col: usize, row: usize) -> Vec3 {
    // The template's surface there rises medially (about 0.6 mm per mm), flat front to back.
    let normal = Vec3::new(-0.51, 0.0, 0.86).normalize();
    let centre = Vec3::new(-42.0, -24.0, 70.6) + normal * 0.8;
    let across = Vec3::new(0.86, 0.0, 0.51).normalize();
    let along = Vec3::Y;
    centre
        + across * ((col as f32 - 4.5) * ARRAY_PITCH_MM)
        + along * ((row as f32 - 4.5) * ARRAY_PITCH_MM)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reaches_follow_the_task() {
        let sim = Reaching::new(ReachingParams {
            duration_secs: 60.0,
            n_units: 8,
            ..Default::default()
        });
        assert!(sim.reaches.len() > 15);
        for r in &sim.reaches {
            let (p, _) = sim.kinematics(r.arrive_secs + 0.01);
            assert!((p.length() - 0.1).abs() < 1e-9);
            let (p, _) = sim.kinematics(r.stop_secs - 0.01);
            assert!(p.length() < 1e-9);
        }
        let set = sim.spikes();
        assert_eq!(set.n_units(), 8);
        assert_eq!(set.events.len(), 4 * sim.reaches.len());
        // Rates sit near the baseline plus the speed and tuning terms averaged over time.
        for i in 0..8 {
            let r = set.mean_rate_hz(i);
            assert!(r > 1.0 && r < 60.0, "unit {i}: {r} Hz");
        }
    }
}
