//! Sorted spikes: units, their spike times, and the events and trials they are aligned to.
//!
//! All spike times are kept in one array grouped by unit (unit `i` owns
//! `times_secs[offsets[i]..offsets[i + 1]]`, ascending), which is what every view wants: a unit's
//! spikes in a time window are one binary search away, counts per unit are differences of
//! offsets, and ten million spikes cost 80 MB.

use glam::Vec3;

/// One sorted unit (a Kilosort/phy cluster, an NWB units row, a line of a text file).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Unit {
    /// The file's id (phy cluster id, NWB units `id`, the text file's unit column or line index).
    pub id: i64,
    /// Curation label (`good`, `mua`, `noise` …) when the file has one.
    pub label: Option<String>,
    /// Depth along the probe, micrometres (phy `cluster_info.tsv` `depth`, or the y of its
    /// channel in `channel_positions.npy`).
    pub depth_um: Option<f32>,
    /// The channel with the largest waveform, when known.
    pub channel: Option<u32>,
    /// Position on the probe (x, y), micrometres, when known.
    pub probe_um: Option<[f32; 2]>,
    /// Position in the brain, world RAS+ millimetres, when known (NWB electrode x, y, z; a
    /// placed probe; the simulator).
    pub position_mm: Option<Vec3>,
}

impl Unit {
    pub fn new(id: i64) -> Self {
        Unit {
            id,
            label: None,
            depth_um: None,
            channel: None,
            probe_um: None,
            position_mm: None,
        }
    }
}

/// Something that happened at one moment: a stimulus, a go cue, a trial start.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    pub time_secs: f64,
    /// The event type aligned to (`go_cue`, `stimulus`, an annotation's text …).
    pub kind: String,
    /// The condition the trial belongs to (target direction, stimulus class), for grouping.
    pub condition: Option<String>,
}

/// A trial: its span and condition (NWB `trials`, the simulator).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Trial {
    pub start_secs: f64,
    pub stop_secs: f64,
    pub condition: Option<String>,
}

/// Units, their spikes, events and trials.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SpikeSet {
    pub units: Vec<Unit>,
    /// All spike times, seconds, grouped by unit and ascending within each unit.
    pub times_secs: Vec<f64>,
    /// `units.len() + 1` offsets into `times_secs`.
    pub offsets: Vec<usize>,
    /// Events, ascending in time.
    pub events: Vec<Event>,
    pub trials: Vec<Trial>,
    /// The recording's sampling rate, when spike times came as sample indices.
    pub sample_rate_hz: Option<f64>,
    /// Where the times start and end (seconds): spikes, events and trials all lie within.
    pub start_secs: f64,
    pub end_secs: f64,
    /// The unit the file gave times in (`s`, `ms`, `us`, `samples`), and whether Glia guessed it
    /// (text spike trains carry no unit).
    pub time_unit: Option<(String, bool)>,
}

impl SpikeSet {
    /// Builds a set from per-unit spike trains (each sorted here), computing the time span.
    pub fn from_trains(units: Vec<Unit>, trains: Vec<Vec<f64>>) -> Self {
        debug_assert_eq!(units.len(), trains.len());
        let mut offsets = Vec::with_capacity(trains.len() + 1);
        offsets.push(0);
        let total = trains.iter().map(Vec::len).sum();
        let mut times_secs = Vec::with_capacity(total);
        for mut t in trains {
            t.sort_by(f64::total_cmp);
            times_secs.extend_from_slice(&t);
            offsets.push(times_secs.len());
        }
        let mut set = SpikeSet {
            units,
            times_secs,
            offsets,
            ..Default::default()
        };
        set.update_span();
        set
    }

    pub fn n_units(&self) -> usize {
        self.units.len()
    }

    pub fn n_spikes(&self) -> usize {
        self.times_secs.len()
    }

    /// The spike times of unit `i` (an index into `units`, not its id), ascending.
    pub fn unit_times(&self, i: usize) -> &[f64] {
        &self.times_secs[self.offsets[i]..self.offsets[i + 1]]
    }

    pub fn unit_count(&self, i: usize) -> usize {
        self.offsets[i + 1] - self.offsets[i]
    }

    /// Spike times of unit `i` within `[t0, t1)`.
    pub fn unit_window(&self, i: usize, t0: f64, t1: f64) -> &[f64] {
        let t = self.unit_times(i);
        let a = t.partition_point(|&x| x < t0);
        let b = a + t[a..].partition_point(|&x| x < t1);
        &t[a..b]
    }

    pub fn duration_secs(&self) -> f64 {
        (self.end_secs - self.start_secs).max(0.0)
    }

    /// Mean rate of unit `i` over the whole span, spikes per second.
    pub fn mean_rate_hz(&self, i: usize) -> f64 {
        let d = self.duration_secs();
        if d > 0.0 {
            self.unit_count(i) as f64 / d
        } else {
            0.0
        }
    }

    /// Distinct event types, in order of first appearance.
    pub fn event_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for e in &self.events {
            if !kinds.contains(&e.kind) {
                kinds.push(e.kind.clone());
            }
        }
        kinds
    }

    /// Sets `start_secs`/`end_secs` to cover every spike, event and trial. Spikes of a file
    /// start at 0 unless they (or events) come earlier.
    pub fn update_span(&mut self) {
        let mut lo = 0.0f64;
        let mut hi = 0.0f64;
        for i in 0..self.units.len() {
            let t = self.unit_times(i);
            if let (Some(&a), Some(&b)) = (t.first(), t.last()) {
                lo = lo.min(a);
                hi = hi.max(b);
            }
        }
        for e in &self.events {
            lo = lo.min(e.time_secs);
            hi = hi.max(e.time_secs);
        }
        for t in &self.trials {
            lo = lo.min(t.start_secs);
            hi = hi.max(t.stop_secs);
        }
        self.start_secs = lo;
        self.end_secs = hi;
    }

    /// Sorts events by time (stable, so simultaneous events keep their order).
    pub fn sort_events(&mut self) {
        self.events
            .sort_by(|a, b| a.time_secs.total_cmp(&b.time_secs));
    }
}
