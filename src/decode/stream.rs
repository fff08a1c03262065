//! Stream sources behind one trait: the simulators, replay of a loaded recording or spike set,
//! and Lab Streaming Layer inlets. Every source delivers regularly sampled `f32` rows (spike
//! sources deliver counts per 1 ms tick, one column per unit) with a timestamp per row, in
//! seconds on the source's clock ([`Source::clock`]).
//!
//! [`Guard`] sits between any source and the decoder: it drops rows whose timestamps go
//! backwards, holds the last good value over NaN samples, notes gaps, and counts all of it so
//! that the panel and `glia decode live` can show the user what the stream did.

/// What a stream carries.
#[derive(Clone, Debug, PartialEq)]
pub struct StreamInfo {
    pub name: String,
    /// `"spikes"` (counts per tick, one column per unit), `"EEG"`, or what an LSL outlet says.
    pub kind: String,
    pub channels: Vec<String>,
    /// Nominal sample rate, Hz (LSL's `nominal_srate`; 0 for irregular streams).
    pub rate_hz: f64,
}

impl StreamInfo {
    pub fn n_channels(&self) -> usize {
        self.channels.len()
    }
}

/// Rows that arrived: `timestamps.len() × n_channels`, row-major.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chunk {
    pub timestamps: Vec<f64>,
    pub data: Vec<f32>,
}

impl Chunk {
    pub fn clear(&mut self) {
        self.timestamps.clear();
        self.data.clear();
    }

    pub fn len(&self) -> usize {
        self.timestamps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.timestamps.is_empty()
    }
}

/// What the subject is doing, known only to simulators (the true cursor and cue).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Truth {
    /// Hand position (m) and velocity (m/s), reaching only.
    pub position: Option<[f64; 2]>,
    pub velocity: Option<[f64; 2]>,
    /// The reach's target position (m), while one is shown.
    pub target: Option<[f64; 2]>,
    /// The cued class (motor imagery: 0 = left hand, 1 = right hand), while a cue is shown.
    pub class: Option<usize>,
}

#[derive(Debug, thiserror::Error, Clone, PartialEq)]
pub enum StreamError {
    /// The source is gone (an LSL outlet vanished, a replay ended). It may come back.
    #[error("stream lost: {0}")]
    Lost(String),
    /// The source has nothing more (a replay at its end).
    #[error("{0}")]
    Ended(String),
    /// The source cannot be used at all.
    #[error("{0}")]
    Fatal(String),
}

impl StreamError {
    /// What went wrong, without the kind (for "the stream could not be opened: …").
    pub fn message(&self) -> &str {
        match self {
            StreamError::Lost(m) | StreamError::Ended(m) | StreamError::Fatal(m) => m,
        }
    }
}

/// A source of rows.
pub trait Source: Send {
    fn info(&self) -> &StreamInfo;
    /// Appends the rows that arrived since the last call, waiting at most `timeout_secs` for the
    /// first one. Rows come in timestamp order as far as the source knows; [`Guard`] checks.
    fn pull(&mut self, chunk: &mut Chunk, timeout_secs: f64) -> Result<(), StreamError>;
    /// Now, on the clock the timestamps use (LSL: `lsl_local_clock`).
    fn clock(&self) -> f64;
    /// The ground truth at `t` (source clock), where the source knows it.
    fn truth(&self, _t: f64) -> Option<Truth> {
        None
    }
    /// Names of the classes in [`Truth::class`] (a replay's annotation texts).
    fn class_names(&self) -> Vec<String> {
        Vec::new()
    }
    /// Seconds of stream per second of wall clock (a replay at ×N runs N times faster).
    fn time_scale(&self) -> f64 {
        1.0
    }
    /// After [`StreamError::Lost`]: tries to get the stream back (an LSL outlet that
    /// restarted). `Err` means not yet.
    fn reconnect(&mut self) -> Result<(), StreamError> {
        Err(StreamError::Lost("it does not come back".into()))
    }
}

/// What a [`Guard`] has seen go wrong, cumulative.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Rows dropped because their timestamp was not after the previous row's.
    pub out_of_order: u64,
    /// NaN or infinite values replaced by the channel's last good value.
    pub non_finite: u64,
    /// Jumps of more than five sample periods between rows.
    pub gaps: u64,
    /// The longest such jump, seconds.
    pub longest_gap_secs: f64,
    /// Times the stream was lost.
    pub lost: u64,
    /// The last thing that went wrong, for the status line.
    pub last: Option<String>,
}

impl Faults {
    pub fn any(&self) -> bool {
        self.out_of_order + self.non_finite + self.gaps + self.lost > 0
    }

    /// One line for the user.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.lost > 0 {
            parts.push(format!("lost {}×", self.lost));
        }
        if self.gaps > 0 {
            parts.push(format!(
                "{} gaps (longest {:.0} ms)",
                self.gaps,
                self.longest_gap_secs * 1e3
            ));
        }
        if self.out_of_order > 0 {
            parts.push(format!("{} rows out of order dropped", self.out_of_order));
        }
        if self.non_finite > 0 {
            parts.push(format!("{} NaN values held", self.non_finite));
        }
        if parts.is_empty() {
            "no faults".into()
        } else {
            parts.join(", ")
        }
    }
}

/// Cleans a source's rows: see the module docs.
#[derive(Clone, Debug)]
pub struct Guard {
    channels: usize,
    period: f64,
    last_time: Option<f64>,
    last_good: Vec<f32>,
    /// Rows in a row that were behind the last good one.
    behind: usize,
    pub faults: Faults,
}

impl Guard {
    pub fn new(info: &StreamInfo) -> Guard {
        Guard {
            channels: info.n_channels(),
            period: if info.rate_hz > 0.0 {
                1.0 / info.rate_hz
            } else {
                0.0
            },
            last_time: None,
            last_good: vec![0.0; info.n_channels()],
            behind: 0,
            faults: Faults::default(),
        }
    }

    /// Notes a lost stream.
    pub fn lost(&mut self, why: &str) {
        self.faults.lost += 1;
        self.faults.last = Some(format!("stream lost: {why}"));
    }

    /// Cleans `chunk` in place.
    pub fn clean(&mut self, chunk: &mut Chunk) {
        let c = self.channels;
        if c == 0 || chunk.data.len() != chunk.timestamps.len() * c {
            chunk.clear();
            return;
        }
        let mut keep = 0;
        for i in 0..chunk.timestamps.len() {
            let t = chunk.timestamps[i];
            if !t.is_finite() {
                self.faults.out_of_order += 1;
                continue;
            }
            if self.last_time.is_some_and(|last| t <= last) {
                // A second of rows all behind is not disorder but a clock that jumped back
                // (a new clock offset): follow it rather than drop everything from now on.
                self.behind += 1;
                let limit = if self.period > 0.0 {
                    (1.0 / self.period) as usize
                } else {
                    100
                };
                if self.behind <= limit.max(10) {
                    self.faults.out_of_order += 1;
                    self.faults.last = Some(format!("timestamp {t:.4} s out of order"));
                    continue;
                }
                self.faults.last = Some("the stream's clock jumped back".into());
                self.last_time = None;
            }
            self.behind = 0;
            if let Some(last) = self.last_time {
                let dt = t - last;
                if self.period > 0.0 && dt > 5.0 * self.period {
                    self.faults.gaps += 1;
                    self.faults.longest_gap_secs = self.faults.longest_gap_secs.max(dt);
                    self.faults.last = Some(format!("gap of {:.0} ms", dt * 1e3));
                }
            }
            self.last_time = Some(t);
            for j in 0..c {
                let v = chunk.data[i * c + j];
                let v = if v.is_finite() {
                    self.last_good[j] = v;
                    v
                } else {
                    self.faults.non_finite += 1;
                    self.faults.last = Some("NaN samples held at their last value".into());
                    self.last_good[j]
                };
                chunk.data[keep * c + j] = v;
            }
            chunk.timestamps[keep] = t;
            keep += 1;
        }
        chunk.timestamps.truncate(keep);
        chunk.data.truncate(keep * c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> StreamInfo {
        StreamInfo {
            name: "t".into(),
            kind: "EEG".into(),
            channels: vec!["a".into(), "b".into()],
            rate_hz: 100.0,
        }
    }

    #[test]
    fn guard_drops_backward_rows_holds_nan_and_notes_gaps() {
        let mut g = Guard::new(&info());
        let mut c = Chunk {
            timestamps: vec![0.0, 0.01, 0.005, 0.02, 0.5],
            data: vec![
                1.0,
                2.0,
                3.0,
                f32::NAN,
                9.0,
                9.0,
                5.0,
                6.0,
                7.0,
                f32::INFINITY,
            ],
        };
        g.clean(&mut c);
        assert_eq!(c.timestamps, vec![0.0, 0.01, 0.02, 0.5]);
        assert_eq!(c.data, vec![1.0, 2.0, 3.0, 2.0, 5.0, 6.0, 7.0, 6.0]);
        assert_eq!(g.faults.out_of_order, 1);
        assert_eq!(g.faults.non_finite, 2);
        assert_eq!(g.faults.gaps, 1);
        assert!((g.faults.longest_gap_secs - 0.48).abs() < 1e-9);
    }

    /// A second of rows all behind the last one is a clock that jumped back: followed, not
    /// dropped for ever.
    #[test]
    fn guard_follows_a_clock_that_jumps_back() {
        let mut g = Guard::new(&info());
        let mut c = Chunk {
            timestamps: vec![100.0],
            data: vec![0.0, 0.0],
        };
        g.clean(&mut c);
        let mut back = Chunk {
            timestamps: (0..300).map(|i| 10.0 + i as f64 / 100.0).collect(),
            data: vec![1.0; 600],
        };
        g.clean(&mut back);
        assert_eq!(g.faults.out_of_order, 100);
        assert_eq!(back.len(), 200);
        assert_eq!(back.timestamps[0], 11.0);
    }
}
