//! Spike-train statistics: event-aligned histograms (PSTHs), Gaussian smoothing, inter-spike
//! interval histograms, autocorrelograms and rates over time.
//!
//! Conventions (those of `numpy.histogram` for the fixtures in the tests): a window
//! `[w0, w1)` is cut into `floor((w1 - w0) / bin)` whole bins with edges `w0 + k·bin`; a spike at
//! relative time `d` counts in bin `floor((d - w0) / bin)`. Rates are counts divided by the
//! number of events and the bin width (spikes per second).

use rayon::prelude::*;

use crate::model::SpikeSet;

/// Number of bins of width `bin` in `[w0, w1)`.
pub fn n_bins(window: (f64, f64), bin: f64) -> usize {
    if !(bin > 0.0 && window.1 > window.0) {
        return 0;
    }
    // Whole bins only (the last may not stick out of the window); 1e-9 forgives the rounding
    // of windows that are whole multiples (1.5 / 0.05 = 29.999…).
    (((window.1 - window.0) / bin + 1e-9).floor() as usize).max(1)
}

/// Spike counts per bin summed over events, for spikes within `[e + w0, e + w1)` of each event
/// time `e`. `times` must be ascending.
pub fn aligned_counts(times: &[f64], events: &[f64], window: (f64, f64), bin: f64) -> Vec<f64> {
    let n = n_bins(window, bin);
    let mut counts = vec![0.0; n];
    for &e in events {
        let lo = e + window.0;
        let hi = e + window.1;
        let a = times.partition_point(|&t| t < lo);
        for &t in &times[a..] {
            if t >= hi {
                break;
            }
            let k = ((t - e - window.0) / bin).floor();
            if k >= 0.0 && (k as usize) < n {
                counts[k as usize] += 1.0;
            }
        }
    }
    counts
}

/// The PSTH of one unit: spikes per second per bin.
pub fn psth(times: &[f64], events: &[f64], window: (f64, f64), bin: f64) -> Vec<f64> {
    let mut c = aligned_counts(times, events, window, bin);
    let norm = events.len() as f64 * bin;
    if norm > 0.0 {
        c.iter_mut().for_each(|v| *v /= norm);
    }
    c
}

/// PSTHs of many units at once (units × bins, spikes per second), in parallel over units.
pub fn psth_matrix(
    set: &SpikeSet,
    units: &[usize],
    events: &[f64],
    window: (f64, f64),
    bin: f64,
) -> Vec<Vec<f64>> {
    units
        .par_iter()
        .map(|&u| psth(set.unit_times(u), events, window, bin))
        .collect()
}

/// Spike times relative to each event within the window: one row per event (for aligned
/// rasters).
pub fn aligned_rows(times: &[f64], events: &[f64], window: (f64, f64)) -> Vec<Vec<f64>> {
    events
        .iter()
        .map(|&e| {
            let a = times.partition_point(|&t| t < e + window.0);
            let b = a + times[a..].partition_point(|&t| t < e + window.1);
            times[a..b].iter().map(|&t| t - e).collect()
        })
        .collect()
}

/// `scipy.ndimage.gaussian_filter1d(x, sigma, mode='reflect', truncate=4.0)`: a Gaussian of
/// `sigma` samples, radius `int(4·sigma + 0.5)`, edges reflected about the half-sample
/// (`d c b a | a b c d | d c b a`).
pub fn gaussian_filter1d(x: &[f64], sigma: f64) -> Vec<f64> {
    let n = x.len();
    if n == 0 || sigma.is_nan() || sigma <= 0.0 {
        return x.to_vec();
    }
    let radius = (4.0 * sigma + 0.5) as isize;
    let mut w: Vec<f64> = (-radius..=radius)
        .map(|k| (-0.5 * (k as f64 / sigma).powi(2)).exp())
        .collect();
    let sum: f64 = w.iter().sum();
    w.iter_mut().for_each(|v| *v /= sum);
    let reflect = |mut i: isize| -> usize {
        let n = n as isize;
        let period = 2 * n;
        i = i.rem_euclid(period);
        if i >= n {
            (period - 1 - i) as usize
        } else {
            i as usize
        }
    };
    (0..n as isize)
        .map(|i| {
            w.iter()
                .enumerate()
                .map(|(k, &wk)| wk * x[reflect(i + k as isize - radius)])
                .sum()
        })
        .collect()
}

/// Histogram of inter-spike intervals in `[0, max_secs)`, bins of `bin` seconds.
pub fn isi_histogram(times: &[f64], max_secs: f64, bin: f64) -> Vec<f64> {
    let n = n_bins((0.0, max_secs), bin);
    let mut counts = vec![0.0; n];
    for w in times.windows(2) {
        let d = w[1] - w[0];
        let k = (d / bin).floor();
        if k >= 0.0 && (k as usize) < n {
            counts[k as usize] += 1.0;
        }
    }
    counts
}

/// Autocorrelogram: for every ordered pair of distinct spikes less than `half_window` apart,
/// the lag `t_j − t_i` counted in bins of `bin` over `[-half_window, half_window)`.
pub fn autocorrelogram(times: &[f64], half_window: f64, bin: f64) -> Vec<f64> {
    let n = n_bins((-half_window, half_window), bin);
    let mut counts = vec![0.0; n];
    let mut add = |d: f64| {
        let k = ((d + half_window) / bin).floor();
        if k >= 0.0 && (k as usize) < n {
            counts[k as usize] += 1.0;
        }
    };
    for i in 0..times.len() {
        for j in i + 1..times.len() {
            let d = times[j] - times[i];
            if d >= half_window {
                break;
            }
            add(d);
            add(-d);
        }
    }
    counts
}

/// Firing rate in consecutive bins of `bin` seconds over `[t0, t1)`, spikes per second.
pub fn rate_over_time(times: &[f64], t0: f64, t1: f64, bin: f64) -> Vec<f64> {
    let mut c = aligned_counts(times, &[0.0], (t0, t1), bin);
    c.iter_mut().for_each(|v| *v /= bin);
    c
}

/// Spikes per pixel column of every listed unit over `[t0, t1)` in `columns` columns, one row
/// per unit (row-major, `units.len() × columns`), computed in parallel.
///
/// The cost per unit is bounded whatever its number of spikes: a unit with more spikes in the
/// window than a few per column is counted by a binary search at each column edge instead of
/// spike by spike, so an overview of hours of ten million spikes costs about what a
/// millisecond view does.
pub fn raster_counts(
    set: &SpikeSet,
    units: &[usize],
    t0: f64,
    t1: f64,
    columns: usize,
) -> Vec<u32> {
    let mut out = vec![0u32; units.len() * columns];
    if columns == 0 || t1.is_nan() || t0.is_nan() || t1 <= t0 {
        return out;
    }
    let per_col = (t1 - t0) / columns as f64;
    out.par_chunks_mut(columns)
        .zip(units.par_iter())
        .for_each(|(row, &u)| {
            let spikes = set.unit_window(u, t0, t1);
            if spikes.len() <= columns * 8 {
                for &t in spikes {
                    let c = (((t - t0) / per_col) as usize).min(columns - 1);
                    row[c] += 1;
                }
            } else {
                let mut start = 0usize;
                for (c, cell) in row.iter_mut().enumerate() {
                    // The same rounding as spike by spike: column floor((t - t0) / per_col).
                    let next = (c + 1) as f64;
                    let end = if c + 1 == columns {
                        spikes.len()
                    } else {
                        start + gallop(&spikes[start..], |t| (t - t0) / per_col < next)
                    };
                    *cell = (end - start) as u32;
                    start = end;
                }
            }
        });
    out
}

/// `partition_point` searching outwards from the start (1, 2, 4 … then binary): a column's
/// few dozen spikes are found in a few probes of neighbouring memory rather than a binary
/// search over the whole train, which misses the cache at every step.
fn gallop(spikes: &[f64], below: impl Fn(f64) -> bool) -> usize {
    let mut hi = 1usize;
    while hi < spikes.len() && below(spikes[hi - 1]) {
        hi *= 2;
    }
    let lo = hi / 2;
    let hi = hi.min(spikes.len());
    lo + spikes[lo..hi].partition_point(|&t| below(t))
}

/// Per-unit rate in the `window_secs` before `t` (spikes per second).
pub fn rate_at(set: &SpikeSet, unit: usize, t: f64, window_secs: f64) -> f64 {
    set.unit_window(unit, t - window_secs, t).len() as f64 / window_secs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raster_counts_both_paths_agree() {
        // One unit dense enough for the binary-search path, counted both ways.
        let times: Vec<f64> = (0..100_000).map(|i| i as f64 * 1e-3 + 1e-5).collect();
        let set = SpikeSet::from_trains(vec![crate::model::Unit::new(0)], vec![times.clone()]);
        let dense = raster_counts(&set, &[0], 0.0, 100.0, 50);
        let mut brute = vec![0u32; 50];
        for t in times {
            brute[((t / 2.0) as usize).min(49)] += 1;
        }
        assert_eq!(dense, brute);
        assert_eq!(dense.iter().sum::<u32>(), 100_000);
    }

    #[test]
    fn dense_path_rounds_column_edges_as_the_sparse_one() {
        // Spikes on a whole-millisecond grid land on column edges of a 0.3–1.3 s view.
        let times: Vec<f64> = (0..2000).map(|i| i as f64 * 1e-3).collect();
        let set = SpikeSet::from_trains(vec![crate::model::Unit::new(0)], vec![times.clone()]);
        let (t0, t1, columns) = (0.3, 1.3, 100);
        let dense = raster_counts(&set, &[0], t0, t1, columns);
        let per_col = (t1 - t0) / columns as f64;
        let mut brute = vec![0u32; columns];
        for &t in times.iter().filter(|&&t| t >= t0 && t < t1) {
            brute[(((t - t0) / per_col) as usize).min(columns - 1)] += 1;
        }
        assert_eq!(dense, brute);
    }

    #[test]
    fn gaussian_keeps_the_sum_and_reflects() {
        let x = [0.0, 0.0, 10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        let y = gaussian_filter1d(&x, 1.0);
        assert!((y.iter().sum::<f64>() - 10.0).abs() < 1e-9);
        assert!(y[2] > y[1] && y[1] > y[0]);
    }
}
