//! One file per panel; each exposes a `…_ui(ui, state)` function.

pub mod inspector;
pub mod layers;
pub mod menu;
pub mod slices;
pub mod view3d;
pub mod volume_layers;
