//! Everything wgpu: the GPU context, cameras, offscreen view targets, the surface pipeline,
//! colormap textures and PNG readback.
//!
//! The model, as in Rerun's `re_renderer`: a *view* ([`ViewTarget`]) is an offscreen colour +
//! depth target with MSAA that a renderer draws into; the window shows the resolved texture as an
//! egui image (`ui::gpu_bridge`), and `glia render` reads the very same texture back
//! ([`export::read_rgba`]). This module knows nothing of egui, files or the Scene's storage: it
//! draws the plain draw lists it is handed ([`SurfaceDraw`]).

pub mod camera;
pub mod colormap;
pub mod context;
pub mod export;
pub mod surface_renderer;
pub mod target;

pub use camera::Camera;
pub use context::{GpuContext, RenderError};
pub use surface_renderer::{Facing, OverlayDraw, OverlayValues, SurfaceDraw, SurfaceRenderer};
pub use target::ViewTarget;

/// Samples per pixel of every 3D view.
pub const MSAA_SAMPLES: u32 = 4;

/// The resolved colour format of views: gamma-encoded RGBA8, what egui's `register_native_texture`
/// expects (the shaders encode sRGB themselves).
pub const COLOR_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;
pub const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

/// WGSL sources, for naga validation in tests.
pub const SHADERS: &[(&str, &str)] = &[("mesh.wgsl", include_str!("../../shaders/mesh.wgsl"))];
