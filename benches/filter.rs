//! Filtering and pyramid building on EEG-sized recordings (float64 samples in memory):
//!
//! - `filter/sosfiltfilt_bandpass_64ch_1h`: the zero-phase 4th-order 1–40 Hz Butterworth
//!   band-pass (`butter(4, Band::Bandpass(1.0, 40.0), 512.0)`, 4 sections, forward and
//!   backward with SciPy's odd padding) on 64 channels × 1 h at 512 Hz (1,843,200 samples per
//!   channel, 944 MB of f64) through `sosfiltfilt_channels` (in place, channels in SIMD lanes and
//!   in parallel on every core). Only the filtering is timed, not restoring the input between
//!   runs. The peer is `scipy.signal.sosfiltfilt(sos, x, axis=-1)` on the same float64 array
//!   (`benches/compare/filter.py`); `benches/compare/run.py` times both and writes BENCHMARKS.md.
//! - `pyramid/build_64ch_10min`: min/max pyramids (block `DEFAULT_BLOCK` = 16) of 64 channels ×
//!   10 min at 512 Hz (307,200 samples per channel) through `build_channel_pyramids`, reading
//!   the samples from memory. Throughput is in bytes of f64 samples read (8 bytes per sample,
//!   157 MB per build), as a reader of a float64 recording delivers them.
//!
//! Channel `c` of both inputs (the same formula as `filter.py`):
//! `x_c[n] = (1 + 0.01·c)·(sin(2π·10·n/fs) + 0.5·sin(2π·60·n/fs)) + 0.1·(((7919·n + 104729·c) mod 1000)/1000 − 0.5)`.

use std::f64::consts::PI;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use glia::dsp::{Band, DEFAULT_BLOCK, build_channel_pyramids, butter, sosfiltfilt_channels};
use rayon::prelude::*;

const FS: f64 = 512.0;
const CHANNELS: usize = 64;

fn channel(c: usize, n_samples: usize) -> Vec<f64> {
    let gain = 1.0 + 0.01 * c as f64;
    (0..n_samples)
        .map(|i| {
            let t = i as f64;
            let hash = (i as u64 * 7919 + c as u64 * 104_729) % 1000;
            gain * ((2.0 * PI * 10.0 * t / FS).sin() + 0.5 * (2.0 * PI * 60.0 * t / FS).sin())
                + 0.1 * (hash as f64 / 1000.0 - 0.5)
        })
        .collect()
}

fn channels(n_samples: usize) -> Vec<Vec<f64>> {
    (0..CHANNELS)
        .into_par_iter()
        .map(|c| channel(c, n_samples))
        .collect()
}

fn bandpass_64ch_1h(c: &mut Criterion) {
    let n_samples = 3600 * FS as usize;
    let input = channels(n_samples);
    let mut work = input.clone();
    let sos = butter(4, Band::Bandpass(1.0, 40.0), FS).expect("a valid band-pass");

    let mut group = c.benchmark_group("filter");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .throughput(Throughput::Elements((CHANNELS * n_samples) as u64));
    group.bench_function("sosfiltfilt_bandpass_64ch_1h", |b| {
        b.iter_custom(|iters| {
            let mut filtering = Duration::ZERO;
            for _ in 0..iters {
                // Same input every run (untimed): filtering works in place.
                for (w, x) in work.iter_mut().zip(&input) {
                    w.copy_from_slice(x);
                }
                let start = Instant::now();
                sosfiltfilt_channels(&sos, &mut work).expect("channels longer than the padding");
                filtering += start.elapsed();
            }
            filtering
        })
    });
    group.finish();
}

fn pyramid_64ch_10min(c: &mut Criterion) {
    let n_samples = 600 * FS as usize;
    let input = channels(n_samples);
    let lens = vec![n_samples as u64; CHANNELS];

    let mut group = c.benchmark_group("pyramid");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(
            (CHANNELS * n_samples * std::mem::size_of::<f64>()) as u64,
        ));
    group.bench_function("build_64ch_10min", |b| {
        b.iter(|| {
            build_channel_pyramids(
                &lens,
                DEFAULT_BLOCK,
                |ch, start, buf| {
                    let s = start as usize;
                    buf.copy_from_slice(&input[ch][s..s + buf.len()]);
                    Ok(())
                },
                None,
            )
            .expect("reading from memory cannot fail")
        })
    });
    group.finish();
}

criterion_group!(benches, bandpass_64ch_1h, pyramid_64ch_10min);
criterion_main!(benches);
