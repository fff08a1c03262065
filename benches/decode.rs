//! The decoders and the online feature extractor, on the data `benches/compare/decode.py
//! --prepare` writes (X 60000 × 384 and y 60000 × 2, float64, in benches/compare/out/ridge_x.npy
//! and ridge_y.npy). `decode.py` compares these with scikit-learn and NumPy and writes
//! BENCHMARKS.md; it reads target/criterion/decode/<id>/new/estimates.json.
//!
//! - `decode/ridge_fit_60000x384`: `Ridge::fit(X, y, n, 1.0)` on all of it (sklearn's
//!   `Ridge(alpha=1.0).fit(X, y)`).
//! - `decode/step_ridge_384`: one `predict_one` of a ridge fitted on the first 5000 rows,
//!   cycling through those rows.
//! - `decode/step_kalman_384`: one full information-form Kalman step (`Kalman::step`, the
//!   covariance updated every step), states = y and features = X on the first 10,000 rows,
//!   cycling through those rows; `decode/step_kalman_steady_384`: the same with the
//!   steady-state gain.
//! - `decode/step_lda_384`: one `predict_proba_one` of a shrinkage LDA fitted on the first
//!   10,000 rows with the tertiles of y's first column as the 3 classes (NumPy's
//!   `digitize(v, quantile(v, [1/3, 2/3]))`), cycling through those rows.
//! - `decode/features_binned_96x10`: `Features::push` of one chunk of 10 rows × 96 spike-count
//!   channels at 1 kHz into 50 ms bins (a bin closes every fifth chunk); needs no data.
//!
//! Without the data files the data-based benchmarks are skipped with a message.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use glia::decode::stream::{Chunk, StreamInfo};
use glia::decode::{FeatureRow, FeatureSpec, Features, Kalman, Lda, Ridge};
use glia::formats::npy::Npy;

/// Rows the step benchmarks' models are fitted on (and cycle through).
const RIDGE_ROWS: usize = 5000;
const STEP_ROWS: usize = 10_000;

fn out(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/compare/out")
        .join(name)
}

/// X (`n × p`) and y (`n × q`), row-major, or `None` (with a message) when they are missing.
struct Data {
    n: usize,
    p: usize,
    q: usize,
    x: Vec<f64>,
    y: Vec<f64>,
}

fn load() -> Option<Data> {
    let read = |name: &str| -> Option<(usize, usize, Vec<f64>)> {
        let path = out(name);
        if !path.exists() {
            eprintln!(
                "skipping the decoder benchmarks: {} is missing \
                 (run `.venv/bin/python benches/compare/decode.py --prepare` first)",
                path.display()
            );
            return None;
        }
        match Npy::open(&path) {
            Ok(npy) => Some(npy.matrix_f64()),
            Err(e) => {
                eprintln!("skipping the decoder benchmarks: {}: {e}", path.display());
                None
            }
        }
    };
    let (n, p, x) = read("ridge_x.npy")?;
    let (ny, q, y) = read("ridge_y.npy")?;
    if ny != n || n < STEP_ROWS || p == 0 || q == 0 {
        eprintln!(
            "skipping the decoder benchmarks: X is {n} × {p} and y {ny} × {q}; \
             expected the same rows, at least {STEP_ROWS}"
        );
        return None;
    }
    Some(Data { n, p, q, x, y })
}

/// NumPy's default (linear) quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (pos - lo as f64) * (sorted[hi] - sorted[lo])
}

fn decoders(c: &mut Criterion) {
    let Some(Data { n, p, q, x, y }) = load() else {
        return;
    };
    eprintln!("X {n} × {p}, y {n} × {q}");
    let mut group = c.benchmark_group("decode");

    group.sample_size(10);
    group.bench_function(format!("ridge_fit_{n}x{p}"), |b| {
        b.iter(|| Ridge::fit(black_box(&x), black_box(&y), n, 1.0).expect("ridge fit"))
    });
    group.sample_size(100);

    let ridge =
        Ridge::fit(&x[..RIDGE_ROWS * p], &y[..RIDGE_ROWS * q], RIDGE_ROWS, 1.0).expect("ridge fit");
    let mut out = vec![0.0; q];
    let mut i = 0;
    group.bench_function(format!("step_ridge_{p}"), |b| {
        b.iter(|| {
            let row = &x[i * p..(i + 1) * p];
            i = (i + 1) % RIDGE_ROWS;
            ridge.predict_one(black_box(row), &mut out);
            black_box(&out);
        })
    });

    let (xs, zs) = (&y[..STEP_ROWS * q], &x[..STEP_ROWS * p]);
    for (id, steady) in [("step_kalman", false), ("step_kalman_steady", true)] {
        let mut k = Kalman::fit(xs, zs, STEP_ROWS, steady).expect("Kalman fit");
        let mut out = vec![0.0; k.n_states()];
        let mut i = 0;
        group.bench_function(format!("{id}_{p}"), |b| {
            b.iter(|| {
                let row = &zs[i * p..(i + 1) * p];
                i = (i + 1) % STEP_ROWS;
                k.step(black_box(row), &mut out).expect("Kalman step");
                black_box(&out);
            })
        });
    }

    let first: Vec<f64> = (0..STEP_ROWS).map(|r| y[r * q]).collect();
    let mut sorted = first.clone();
    sorted.sort_by(f64::total_cmp);
    let (t1, t2) = (quantile(&sorted, 1.0 / 3.0), quantile(&sorted, 2.0 / 3.0));
    let labels: Vec<i64> = first
        .iter()
        .map(|&v| i64::from(v >= t1) + i64::from(v >= t2))
        .collect();
    let lda = Lda::fit(&x[..STEP_ROWS * p], &labels, p).expect("LDA fit");
    let mut proba = vec![0.0; lda.classes.len()];
    let mut i = 0;
    group.bench_function(format!("step_lda_{p}"), |b| {
        b.iter(|| {
            let row = &x[i * p..(i + 1) * p];
            i = (i + 1) % STEP_ROWS;
            lda.predict_proba_one(black_box(row), &mut proba);
            black_box(&proba);
        })
    });
    group.finish();
}

fn features(c: &mut Criterion) {
    const CHANNELS: usize = 96;
    const CHUNK: usize = 10;
    const RATE: f64 = 1000.0;
    let info = StreamInfo {
        name: "bench".into(),
        kind: "spikes".into(),
        channels: (0..CHANNELS).map(|j| format!("unit{j}")).collect(),
        rate_hz: RATE,
    };
    let spec = FeatureSpec::BinnedCounts {
        bin_secs: 0.05,
        history: 0,
    };
    let mut features = Features::new(&spec, &info).expect("binned-count features");
    // Sparse counts, as 1 ms ticks of spiking units give.
    let data: Vec<f32> = (0..CHUNK * CHANNELS)
        .map(|k| if (k * 7919) % 23 == 0 { 1.0 } else { 0.0 })
        .collect();
    let mut chunk = Chunk {
        timestamps: vec![0.0; CHUNK],
        data,
    };
    let mut rows: Vec<FeatureRow> = Vec::new();
    let mut tick = 0u64;
    let mut group = c.benchmark_group("decode");
    group.bench_function(format!("features_binned_{CHANNELS}x{CHUNK}"), |b| {
        b.iter(|| {
            for t in chunk.timestamps.iter_mut() {
                *t = tick as f64 / RATE;
                tick += 1;
            }
            rows.clear();
            features.push(black_box(&chunk), &mut rows);
            black_box(&rows);
        })
    });
    group.finish();
}

criterion_group!(benches, decoders, features);
criterion_main!(benches);
