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

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{0}")]
    Shape(String),
    #[error("the system is singular or not finite: {0}")]
    Singular(String),
}
