//! Decoding neural signals into commands, live: stream sources ([`stream`], [`sources`],
//! [`lsl`]), features computed online ([`features`]), decoders fitted from calibration data
//! ([`Ridge`], [`Kalman`], [`Lda`] with [`Csp`]), models as JSON and cross-validated training
//! ([`model`]), and the loop that runs them ([`engine`]).

pub mod engine;
pub mod features;
pub mod kalman;
pub mod lda;
pub mod lsl;
pub mod model;
pub mod paradigm;
pub mod ridge;
pub mod sources;
pub mod stream;

pub use features::{FeatureRow, FeatureSpec, Features};
pub use kalman::Kalman;
pub use lda::{Csp, Lda};
pub use model::{Decoder, Method, Model};
pub use ridge::Ridge;

/// The column means of `m` (row-major, `k` columns), summed in blocks of rows on all cores
/// (the blocks fix the order of summation, so the result does not depend on the thread
/// count).
pub fn column_means(m: &[f64], k: usize) -> Vec<f64> {
    use rayon::prelude::*;
    let n = m.len() / k.max(1);
    let blocks: Vec<Vec<f64>> = m
        .par_chunks(k.max(1) * 4096)
        .map(|block| {
            let mut s = vec![0.0; k];
            for row in block.chunks_exact(k.max(1)) {
                for (a, v) in s.iter_mut().zip(row) {
                    *a += v;
                }
            }
            s
        })
        .collect();
    let mut s = vec![0.0; k];
    for b in blocks {
        for (a, v) in s.iter_mut().zip(b) {
            *a += v;
        }
    }
    s.iter().map(|v| v / n.max(1) as f64).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{0}")]
    Shape(String),
    #[error("the system is singular or not finite: {0}")]
    Singular(String),
}
