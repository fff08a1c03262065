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
pub mod layouts;
pub mod raster_renderer;
pub mod row_quads;
pub mod slice_renderer;
pub mod surface_renderer;
pub mod target;
pub mod trace_renderer;
pub mod volume_renderer;

pub use camera::Camera;
pub use context::{GpuContext, RenderError};
pub use raster_renderer::{RasterBand, RasterRenderer};
pub use slice_renderer::{SlicePlane, SliceRenderer, VolumeDraw};
pub use surface_renderer::{Facing, OverlayDraw, OverlayValues, SurfaceDraw, SurfaceRenderer};
pub use target::ViewTarget;
pub use trace_renderer::{TraceRenderer, TraceStrip};
pub use volume_renderer::{RaymarchDraw, VolumeRenderer};

/// Samples per pixel of every 3D view.
pub const MSAA_SAMPLES: u32 = 4;

/// The resolved colour format of views: gamma-encoded RGBA8, what egui's `register_native_texture`
/// expects (the shaders encode sRGB themselves).
pub const COLOR_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;
pub const DEPTH_FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Depth32Float;

/// WGSL sources, for naga validation in tests.
/// The trace pipeline's shader: the shared row vertex stage, then its fragment stage.
pub const TRACES_WGSL: &str = concat!(
    include_str!("../../shaders/rows.wgsl"),
    "\n",
    include_str!("../../shaders/traces.wgsl")
);

/// The raster pipeline's shader: the shared row vertex stage, then its fragment stage.
pub const RASTER_WGSL: &str = concat!(
    include_str!("../../shaders/rows.wgsl"),
    "\n",
    include_str!("../../shaders/raster.wgsl")
);

pub const SHADERS: &[(&str, &str)] = &[
    ("mesh.wgsl", include_str!("../../shaders/mesh.wgsl")),
    ("slice.wgsl", include_str!("../../shaders/slice.wgsl")),
    ("volume.wgsl", include_str!("../../shaders/volume.wgsl")),
    ("rows.wgsl", include_str!("../../shaders/rows.wgsl")),
    ("traces.wgsl", TRACES_WGSL),
    ("raster.wgsl", RASTER_WGSL),
];

/// The renderers of the views: surfaces and volume slices.
pub struct SceneRenderer {
    pub surfaces: SurfaceRenderer,
    pub slices: SliceRenderer,
    pub volumes: VolumeRenderer,
}

impl SceneRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        SceneRenderer {
            surfaces: SurfaceRenderer::new(device, queue),
            slices: SliceRenderer::new(device, queue),
            volumes: VolumeRenderer::new(device, queue),
        }
    }

    /// Draws a 3D view: opaque surfaces, then the slice planes (each volume layer over the one
    /// before, depth-tested against the surfaces), then ray-marched volumes, then translucent
    /// surfaces, in one pass so they share depth and multisampling.
    #[allow(clippy::too_many_arguments)]
    pub fn draw_3d(
        &mut self,
        target: &mut ViewTarget,
        camera: &Camera,
        background: [f32; 4],
        surfaces: &[SurfaceDraw<'_>],
        planes: &[SlicePlane],
        volumes: &[VolumeDraw<'_>],
        raymarched: &[RaymarchDraw<'_>],
        samples: u32,
    ) {
        let samples = self.surfaces.prepare(target, camera, surfaces, samples);
        // A single sample means a software adapter in motion: fewer steps per ray too.
        let steps = if samples > 1 {
            volume_renderer::STEPS_PER_VOXEL
        } else {
            volume_renderer::STEPS_PER_VOXEL_MOVING
        };
        self.volumes.prepare(camera, raymarched, samples, steps);
        let with_planes = !planes.is_empty() && !volumes.is_empty();
        if with_planes {
            self.slices.prepare(volumes, planes, samples, true);
        }
        let mut encoder = self
            .surfaces
            .device()
            .create_command_encoder(&Default::default());
        {
            let mut pass = target.begin_pass(&mut encoder, background, samples);
            self.surfaces.record_opaque(&mut pass, surfaces, samples);
            if with_planes {
                self.slices
                    .record(&mut pass, volumes, planes.len(), samples, true);
            }
            self.volumes.record(&mut pass, raymarched, samples);
            self.surfaces
                .record_translucent(&mut pass, camera, surfaces, samples);
        }
        self.surfaces.queue().submit([encoder.finish()]);
    }
}
