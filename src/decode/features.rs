//! Features computed online from a stream, chunk by chunk, with all state (filter memories,
//! partial bins, power windows, history taps) carried between chunks, so that feeding a
//! recording in one piece or in chunks of any size gives the same features.
//!
//! - [`FeatureSpec::Raw`]: each row of the stream is a feature vector (a stream of features
//!   computed elsewhere, or a model trained with `glia decode train` on `.npy` features).
//! - [`FeatureSpec::BinnedCounts`]: spike counts per unit summed over bins of a chosen width.
//! - [`FeatureSpec::BandPower`]: each channel band-passed (Butterworth, as SciPy's `butter`,
//!   streaming `sosfilt`), optionally projected by CSP filters, squared and averaged over a
//!   sliding window, and logged; emitted every `step_secs`.
//!
//! Any of these can carry `history` taps: the previous `history` feature vectors are appended,
//! newest first, which turns a ridge decoder into a Wiener filter.

use std::collections::VecDeque;

use super::lda::Csp;
use super::stream::{Chunk, StreamInfo};
use crate::dsp::butter::{Band, butter};
use crate::dsp::filter::SosFilter;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FeatureSpec {
    Raw {
        #[serde(default)]
        history: usize,
    },
    BinnedCounts {
        bin_secs: f64,
        #[serde(default)]
        history: usize,
    },
    BandPower {
        low_hz: f64,
        high_hz: f64,
        window_secs: f64,
        step_secs: f64,
        #[serde(default)]
        csp: Option<Csp>,
        #[serde(default)]
        history: usize,
    },
}

impl Default for FeatureSpec {
    fn default() -> Self {
        FeatureSpec::Raw { history: 0 }
    }
}

impl FeatureSpec {
    pub fn history(&self) -> usize {
        match self {
            FeatureSpec::Raw { history }
            | FeatureSpec::BinnedCounts { history, .. }
            | FeatureSpec::BandPower { history, .. } => *history,
        }
    }

    /// Checks a spec read from a file.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            FeatureSpec::Raw { .. } => Ok(()),
            FeatureSpec::BinnedCounts { bin_secs, .. } => {
                if bin_secs.is_finite() && *bin_secs >= 1e-4 && *bin_secs <= 60.0 {
                    Ok(())
                } else {
                    Err(format!("bin width {bin_secs} s: between 0.1 ms and 60 s"))
                }
            }
            FeatureSpec::BandPower {
                low_hz,
                high_hz,
                window_secs,
                step_secs,
                csp,
                ..
            } => {
                let ok = low_hz.is_finite()
                    && high_hz.is_finite()
                    && 0.0 < *low_hz
                    && low_hz < high_hz
                    && (1e-3..=60.0).contains(window_secs)
                    && (1e-3..=60.0).contains(step_secs);
                if !ok {
                    return Err(format!(
                        "band power {low_hz}–{high_hz} Hz over {window_secs} s every {step_secs} s \
                         is not a usable setting"
                    ));
                }
                if let Some(c) = csp
                    && (c.n_channels == 0
                        || c.filters.is_empty()
                        || !c.filters.len().is_multiple_of(c.n_channels)
                        || c.filters.iter().any(|v| !v.is_finite()))
                {
                    return Err("the CSP filters are not components × channels".into());
                }
                Ok(())
            }
        }
    }

    /// Features per step before history taps, for a stream of `channels`.
    pub fn base_len(&self, channels: usize) -> usize {
        match self {
            FeatureSpec::BandPower { csp: Some(c), .. } => c.n_components(),
            _ => channels,
        }
    }

    /// Features per step, history taps included.
    pub fn len(&self, channels: usize) -> usize {
        self.base_len(channels) * (1 + self.history())
    }

    /// One line for the panel.
    pub fn describe(&self) -> String {
        let h = match self.history() {
            0 => String::new(),
            n => format!(", {n} history taps"),
        };
        match self {
            FeatureSpec::Raw { .. } => format!("raw samples{h}"),
            FeatureSpec::BinnedCounts { bin_secs, .. } => {
                format!("spike counts in {:.0} ms bins{h}", bin_secs * 1e3)
            }
            FeatureSpec::BandPower {
                low_hz,
                high_hz,
                window_secs,
                csp,
                ..
            } => format!(
                "log power {low_hz:.0}–{high_hz:.0} Hz over {:.1} s{}{h}",
                window_secs,
                if let Some(c) = csp {
                    format!(" of {} CSP components", c.n_components())
                } else {
                    String::new()
                }
            ),
        }
    }
}

/// One feature vector and the timestamp of the newest sample it used.
#[derive(Clone, Debug, PartialEq)]
pub struct FeatureRow {
    pub t: f64,
    pub values: Vec<f64>,
}

enum Stage {
    Raw,
    Bins {
        bin_secs: f64,
        /// Half a sample period: a sample this close before a bin edge belongs after it
        /// (timestamps `k / rate` are not exact multiples of the bin width).
        half: f64,
        sum: Vec<f64>,
        /// The first bin's start, and the index of the bin being filled: bin `n` covers
        /// `[t0 + n·w, t0 + (n+1)·w)`, computed from `n`, so edges do not drift.
        t0: Option<f64>,
        n: u64,
    },
    Power {
        filters: Vec<SosFilter>,
        csp: Option<Csp>,
        window: usize,
        step: usize,
        ring: VecDeque<Vec<f64>>,
        sum: Vec<f64>,
        since: usize,
        scratch: Vec<f64>,
        /// Samples since the running sum was last recomputed from the window.
        fresh: usize,
    },
}

/// The online feature extractor for one stream.
pub struct Features {
    stage: Stage,
    channels: usize,
    base: usize,
    history: usize,
    past: VecDeque<Vec<f64>>,
}

impl Features {
    pub fn new(spec: &FeatureSpec, info: &StreamInfo) -> Result<Features, String> {
        let channels = info.n_channels();
        let stage = match spec {
            FeatureSpec::Raw { .. } => Stage::Raw,
            FeatureSpec::BinnedCounts { bin_secs, .. } => {
                let period = if info.rate_hz > 0.0 {
                    1.0 / info.rate_hz
                } else {
                    0.0
                };
                if !(bin_secs.is_finite() && *bin_secs > 0.0 && *bin_secs >= period) {
                    return Err(format!(
                        "bin width {bin_secs} s must be at least one sample ({period} s)"
                    ));
                }
                Stage::Bins {
                    bin_secs: *bin_secs,
                    half: 0.5 * period,
                    sum: vec![0.0; channels],
                    t0: None,
                    n: 0,
                }
            }
            FeatureSpec::BandPower {
                low_hz,
                high_hz,
                window_secs,
                step_secs,
                csp,
                ..
            } => {
                let fs = info.rate_hz;
                if fs <= 0.0 {
                    return Err("band power needs a regularly sampled stream".into());
                }
                let sos = butter(4, Band::Bandpass(*low_hz, *high_hz), fs)
                    .map_err(|e| format!("band {low_hz}–{high_hz} Hz at {fs} Hz: {e}"))?;
                let filters = (0..channels)
                    .map(|_| SosFilter::new(sos.clone()).map_err(|e| e.to_string()))
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some(c) = csp
                    && c.n_channels != channels
                {
                    return Err(format!(
                        "the CSP filters take {} channels but the stream has {channels}",
                        c.n_channels
                    ));
                }
                let comps = csp.as_ref().map_or(channels, |c| c.n_components());
                Stage::Power {
                    filters,
                    csp: csp.clone(),
                    window: ((window_secs * fs).round() as usize).max(1),
                    step: ((step_secs * fs).round() as usize).max(1),
                    ring: VecDeque::new(),
                    sum: vec![0.0; comps],
                    since: 0,
                    scratch: vec![0.0; channels],
                    fresh: 0,
                }
            }
        };
        Ok(Features {
            base: spec.base_len(channels),
            stage,
            channels,
            history: spec.history(),
            past: VecDeque::new(),
        })
    }

    pub fn len(&self) -> usize {
        self.base * (1 + self.history)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Consumes a chunk; appends the feature rows it completes to `out`.
    pub fn push(&mut self, chunk: &Chunk, out: &mut Vec<FeatureRow>) {
        let c = self.channels;
        if c == 0 {
            return;
        }
        let mut base_rows: Vec<(f64, Vec<f64>)> = Vec::new();
        for (i, &t) in chunk.timestamps.iter().enumerate() {
            let row = &chunk.data[i * c..(i + 1) * c];
            match &mut self.stage {
                Stage::Raw => base_rows.push((t, row.iter().map(|&v| v as f64).collect())),
                Stage::Bins {
                    bin_secs,
                    half,
                    sum,
                    t0,
                    n,
                } => {
                    let w = *bin_secs;
                    let start = *t0.get_or_insert(t);
                    let k = ((t - start + *half) / w).floor().max(0.0) as u64;
                    if k > *n {
                        // Close this bin, and any a gap skipped (as zeros) up to a second's
                        // worth; after a longer break the bins start again from this sample.
                        base_rows.push((
                            start + (*n + 1) as f64 * w,
                            std::mem::replace(sum, vec![0.0; c]),
                        ));
                        let empty = (k - *n - 1).min((1.0 / w).ceil() as u64);
                        for e in 1..=empty {
                            base_rows.push((start + (*n + 1 + e) as f64 * w, vec![0.0; c]));
                        }
                        if k - *n - 1 > empty {
                            *t0 = Some(t);
                            *n = 0;
                        } else {
                            *n = k;
                        }
                    }
                    for (s, v) in sum.iter_mut().zip(row) {
                        *s += *v as f64;
                    }
                }
                Stage::Power {
                    filters,
                    csp,
                    window,
                    step,
                    ring,
                    sum,
                    since,
                    scratch,
                    fresh,
                } => {
                    for (j, f) in filters.iter_mut().enumerate() {
                        let mut v = [row[j] as f64];
                        f.process(&mut v);
                        scratch[j] = v[0];
                    }
                    let sq: Vec<f64> = match csp {
                        Some(csp) => {
                            let mut comp = vec![0.0; csp.n_components()];
                            csp.apply(scratch, &mut comp);
                            comp.iter().map(|v| v * v).collect()
                        }
                        None => scratch.iter().map(|v| v * v).collect(),
                    };
                    for (s, v) in sum.iter_mut().zip(&sq) {
                        *s += v;
                    }
                    ring.push_back(sq);
                    if ring.len() > *window
                        && let Some(old) = ring.pop_front()
                    {
                        for (s, v) in sum.iter_mut().zip(&old) {
                            *s -= v;
                        }
                    }
                    // Adding and subtracting squares leaves rounding behind (a large artefact
                    // leaving the window can swamp what remains): sum afresh once a window.
                    *fresh += 1;
                    if *fresh >= *window {
                        *fresh = 0;
                        sum.iter_mut().for_each(|s| *s = 0.0);
                        for r in ring.iter() {
                            for (s, v) in sum.iter_mut().zip(r) {
                                *s += v;
                            }
                        }
                    }
                    *since += 1;
                    if ring.len() == *window && *since >= *step {
                        *since = 0;
                        let n = *window as f64;
                        base_rows.push((
                            t,
                            sum.iter().map(|s| (s.max(0.0) / n + 1e-20).ln()).collect(),
                        ));
                    }
                }
            }
        }
        for (t, v) in base_rows {
            let mut values = v.clone();
            for p in &self.past {
                values.extend_from_slice(p);
            }
            // Until enough history has arrived, the missing taps repeat the oldest one.
            while values.len() < self.len() {
                let last = values[values.len() - self.base..].to_vec();
                values.extend(last);
            }
            if self.history > 0 {
                self.past.push_front(v);
                self.past.truncate(self.history);
            }
            out.push(FeatureRow { t, values });
        }
    }

    /// Runs a whole chunk through and returns its rows (offline use).
    pub fn all(&mut self, chunk: &Chunk) -> Vec<FeatureRow> {
        let mut out = Vec::new();
        self.push(chunk, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(c: usize, rate: f64) -> StreamInfo {
        StreamInfo {
            name: "t".into(),
            kind: "x".into(),
            channels: (0..c).map(|i| format!("c{i}")).collect(),
            rate_hz: rate,
        }
    }

    /// Chunking does not change the features.
    #[test]
    fn chunked_equals_whole() {
        let n = 3000;
        let mut rng = crate::sim::SplitMix::new(5);
        let whole = Chunk {
            timestamps: (0..n).map(|i| i as f64 / 250.0).collect(),
            data: (0..n * 3).map(|_| rng.normal() as f32).collect(),
        };
        for spec in [
            FeatureSpec::BinnedCounts {
                bin_secs: 0.05,
                history: 2,
            },
            FeatureSpec::BandPower {
                low_hz: 8.0,
                high_hz: 30.0,
                window_secs: 0.5,
                step_secs: 0.1,
                csp: None,
                history: 1,
            },
        ] {
            let a = Features::new(&spec, &info(3, 250.0)).unwrap().all(&whole);
            let mut f = Features::new(&spec, &info(3, 250.0)).unwrap();
            let mut b = Vec::new();
            for start in (0..n).step_by(7) {
                let end = (start + 7).min(n);
                let c = Chunk {
                    timestamps: whole.timestamps[start..end].to_vec(),
                    data: whole.data[start * 3..end * 3].to_vec(),
                };
                f.push(&c, &mut b);
            }
            assert!(!a.is_empty());
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(&b) {
                assert_eq!(x.t, y.t);
                for (u, v) in x.values.iter().zip(&y.values) {
                    assert!((u - v).abs() < 1e-9);
                }
            }
            assert_eq!(a[0].values.len(), spec.len(3));
        }
    }

    /// Ten minutes at 1 kHz in 50 ms bins: every bin holds exactly 50 samples (edges computed,
    /// not accumulated), and a long break restarts the bins instead of filling it with zeros.
    #[test]
    fn bin_edges_do_not_drift() {
        let spec = FeatureSpec::BinnedCounts {
            bin_secs: 0.05,
            history: 0,
        };
        let mut f = Features::new(&spec, &info(1, 1000.0)).unwrap();
        let n = 600_000;
        let chunk = Chunk {
            timestamps: (0..n).map(|k| k as f64 / 1000.0).collect(),
            data: vec![1.0; n],
        };
        let rows = f.all(&chunk);
        assert_eq!(rows.len(), n / 50 - 1);
        assert!(rows.iter().all(|r| r.values == vec![50.0]));
        let later = Chunk {
            timestamps: vec![3600.0, 3600.001],
            data: vec![1.0, 1.0],
        };
        let rows = f.all(&later);
        assert!(rows.len() <= 21, "{} rows for an hour's break", rows.len());
    }

    #[test]
    fn bins_count_what_fell_in_them() {
        let mut f = Features::new(
            &FeatureSpec::BinnedCounts {
                bin_secs: 0.01,
                history: 0,
            },
            &info(2, 1000.0),
        )
        .unwrap();
        let chunk = Chunk {
            timestamps: (0..25).map(|i| i as f64 * 0.001).collect(),
            data: (0..50).map(|i| (i % 2) as f32).collect(),
        };
        let rows = f.all(&chunk);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].values, vec![0.0, 10.0]);
        assert!((rows[1].t - 0.02).abs() < 1e-12);
    }
}
