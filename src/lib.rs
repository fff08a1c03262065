//! Glia: a native brain-activity visualizer.
//!
//! Data flows one way: files → [`formats`] → [`model`] → [`model::Scene`] → [`render`] → the
//! window ([`ui`]) or a PNG ([`cli`]). See `../shared/docs/ARCHITECTURE.md` in the project notes
//! and the README for the user's view.

pub mod cli;
pub mod decode;
pub mod demo;
pub mod dsp;
pub mod formats;
pub mod geometry;
pub mod model;
pub mod render;
pub mod session;
pub mod sim;
pub mod ui;
