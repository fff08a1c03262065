//! Simulations: neural populations and tasks, used by the demo and by live decoding.

pub mod motor_imagery;
pub mod reaching;

pub use reaching::{Reaching, ReachingParams, SplitMix};
