//! Simulations: neural populations and tasks, used by the demo and by live decoding.

pub mod reaching;

pub use reaching::{Reaching, ReachingParams, SplitMix};
