//! Plain data: what Glia knows about brains, with no files, GPU or UI attached.
//!
//! Every reader in [`crate::formats`] produces these types, every view in [`crate::render`] and
//! [`crate::ui`] consumes them. World space is RAS+ millimetres throughout.
//!
//! The [`Scene`] describes *how* things are shown (layers, colormaps, thresholds, camera); the
//! data itself lives in the types of [`surface`], [`overlay`] and [`volume`].

pub mod colormap;
pub mod overlay;
pub mod recording;
pub mod scene;
pub mod spikes;
pub mod surface;
pub mod volume;

pub use colormap::Colormap;
pub use overlay::{Label, LabelTable, Overlay, OverlayData};
pub use recording::{
    Annotation, Channel, ChannelKind, Electrode, InMemory, Recording, SampleSource,
};
pub use scene::{
    Alignment, CameraState, DisplayFilter, ElectrodeValue, LayerId, OverlayLayer, ProbePlacement,
    RecordingLayer, Reference, Scene, SliceAxis, Source, SpikeLayer, StandardView, SurfaceLayer,
    Theme, Threshold, UnderlayShading, UnitSort, VolumeLayer, VolumeRole,
};
pub use spikes::{Event, SpikeSet, Trial, Unit};
pub use surface::{Hemisphere, Surface};
pub use volume::{Interpolation, Volume, Voxels};
