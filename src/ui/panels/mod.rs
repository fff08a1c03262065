//! One file per panel; each exposes a `…_ui(ui, state)` function.

pub mod decoding;
pub mod inspector;
pub mod layers;
pub mod menu;
pub mod psth;
pub mod raster;
pub mod recording_layers;
pub mod slices;
pub mod spectra;
pub mod traces;
pub mod view3d;
pub mod volume_layers;
