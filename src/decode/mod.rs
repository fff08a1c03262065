//! Decoding neural signals into commands: decoders fitted from calibration data (ridge so far;
//! Kalman and shrinkage LDA with CSP to come), and their models as JSON.

pub mod ridge;

pub use ridge::Ridge;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{0}")]
    Shape(String),
    #[error("the system is singular or not finite: {0}")]
    Singular(String),
}
