//! The surface pipeline: lit triangle meshes with a binary curvature underlay and up to
//! [`MAX_OVERLAYS`] per-vertex overlays each, opaque or translucent.
//!
//! GPU copies of meshes and overlay values are cached per layer and refreshed only when the
//! caller's keys change, so a frame that changes nothing uploads nothing, and playing a time
//! series uploads one overlay's values per frame.
//!
//! Translucent surfaces are drawn back to front, each with a depth pre-pass so that only its
//! front-most layer is blended: a translucent brain looks like a glass shell, not a tangle of
//! inner folds.

use std::collections::HashMap;

use bytemuck::{Pod, Zeroable};
use glam::Vec3;

use super::layouts::{color_target, depth_state, multisample, texture_entry, uniform_entry};
use super::{Camera, MSAA_SAMPLES, ViewTarget};
use crate::model::{Colormap, LayerId, Threshold};
use wgpu::TextureViewDimension::D2;

/// Overlays drawn per surface; more are ignored (the Layers panel says so).
pub const MAX_OVERLAYS: usize = 8;
/// Width of the overlay value texture, in texels (values).
const OVERLAY_TEXTURE_WIDTH: u32 = 2048;

/// Which faces of a surface are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Facing {
    /// Both sides: open or inconsistently wound meshes.
    TwoSided,
    /// Closed, counter-clockwise outward meshes: back faces are culled (half the work).
    CullBack,
    /// Closed, clockwise outward meshes.
    CullFront,
}

impl Facing {
    fn cull_mode(self) -> Option<wgpu::Face> {
        match self {
            Facing::TwoSided => None,
            Facing::CullBack => Some(wgpu::Face::Back),
            Facing::CullFront => Some(wgpu::Face::Front),
        }
    }
}

/// One surface to draw. Keys identify the data: the renderer re-uploads a buffer only when the
/// key the caller gives differs from the one it uploaded last time.
pub struct SurfaceDraw<'a> {
    pub id: LayerId,
    pub geometry_key: u64,
    pub positions: &'a [Vec3],
    pub normals: &'a [Vec3],
    pub triangles: &'a [[u32; 3]],
    pub facing: Facing,
    /// Per-vertex underlay shading source: values > 0 are drawn dark (sulcal), others light.
    pub shade: Option<(u64, &'a [f32])>,
    /// Light underlay colour, linear RGB.
    pub color: [f32; 3],
    pub opacity: f32,
    pub overlays: Vec<OverlayDraw<'a>>,
}

/// One overlay of a [`SurfaceDraw`], drawn over the ones before it.
pub struct OverlayDraw<'a> {
    pub key: u64,
    pub opacity: f32,
    pub values: OverlayValues<'a>,
}

pub enum OverlayValues<'a> {
    /// One value per vertex, coloured through `colormap` between `range`, hidden where the
    /// threshold says so or where the value is not finite.
    Scalar {
        values: &'a [f32],
        colormap: Colormap,
        range: [f32; 2],
        threshold: Threshold,
    },
    /// One sRGB colour with straight alpha per vertex (label parcellations).
    Rgba(&'a [[u8; 4]]),
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Globals {
    clip_from_world: [[f32; 4]; 4],
    eye_world: [f32; 4],
    light_dir: [f32; 4],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct OverlayParams {
    range_and_thresholds: [f32; 4],
    kind: u32,
    colormap_row: u32,
    threshold_enabled: u32,
    opacity: f32,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct SurfaceParams {
    color: [f32; 4],
    rows_per_overlay: u32,
    n_overlays: u32,
    shade_mode: u32,
    _pad: u32,
    overlays: [OverlayParams; MAX_OVERLAYS],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Vertex {
    position: [f32; 3],
    normal: [f32; 3],
}

/// GPU copy of one surface.
struct GpuSurface {
    geometry_key: u64,
    n_vertices: u32,
    n_indices: u32,
    vertices: wgpu::Buffer,
    indices: wgpu::Buffer,
    shade_key: Option<u64>,
    shade: wgpu::Buffer,
    rows_per_overlay: u32,
    overlay_capacity: u32,
    overlay_texture: wgpu::Texture,
    overlay_keys: Vec<u64>,
    params: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    centroid: Vec3,
}

/// The three pipelines of one sample count.
struct Pipelines {
    opaque: wgpu::RenderPipeline,
    depth_prepass: wgpu::RenderPipeline,
    translucent: wgpu::RenderPipeline,
}

/// Draws brain surfaces into [`ViewTarget`]s.
pub struct SurfaceRenderer {
    device: wgpu::Device,
    queue: wgpu::Queue,
    module: wgpu::ShaderModule,
    layout: wgpu::PipelineLayout,
    globals: wgpu::Buffer,
    globals_bind_group: wgpu::BindGroup,
    surface_layout: wgpu::BindGroupLayout,
    /// Per sample count and facing, made on first use.
    pipelines: HashMap<(u32, Facing), Pipelines>,
    surfaces: HashMap<LayerId, GpuSurface>,
}

impl SurfaceRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("mesh.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/mesh.wgsl").into()),
        });
        let globals = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("globals"),
            size: std::mem::size_of::<Globals>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let globals_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("globals"),
            entries: &[
                uniform_entry(0, wgpu::ShaderStages::VERTEX_FRAGMENT),
                texture_entry(
                    1,
                    wgpu::ShaderStages::FRAGMENT,
                    D2,
                    wgpu::TextureSampleType::Float { filterable: false },
                ),
            ],
        });
        let lut = super::colormap::create_colormap_texture(device, queue);
        let globals_bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("globals"),
            layout: &globals_layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: globals.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(&lut),
                },
            ],
        });
        let surface_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("surface"),
            entries: &[
                uniform_entry(0, wgpu::ShaderStages::VERTEX_FRAGMENT),
                texture_entry(
                    1,
                    wgpu::ShaderStages::VERTEX,
                    D2,
                    wgpu::TextureSampleType::Uint,
                ),
            ],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("surface"),
            bind_group_layouts: &[Some(&globals_layout), Some(&surface_layout)],
            immediate_size: 0,
        });
        let mut renderer = SurfaceRenderer {
            device: device.clone(),
            queue: queue.clone(),
            module,
            layout,
            globals,
            globals_bind_group,
            surface_layout,
            pipelines: HashMap::new(),
            surfaces: HashMap::new(),
        };
        renderer.ensure_pipelines(MSAA_SAMPLES, Facing::TwoSided);
        renderer
    }

    fn ensure_pipelines(&mut self, samples: u32, facing: Facing) {
        if self.pipelines.contains_key(&(samples, facing)) {
            return;
        }
        use wgpu::CompareFunction as C;
        let premultiplied = Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING);
        let all = wgpu::ColorWrites::ALL;
        let pipelines = Pipelines {
            opaque: self.pipeline(
                "surface opaque",
                samples,
                facing,
                "vs_main",
                "fs_main",
                C::Less,
                true,
                None,
                all,
            ),
            depth_prepass: self.pipeline(
                "surface depth",
                samples,
                facing,
                "vs_depth",
                "fs_depth",
                C::Less,
                true,
                None,
                wgpu::ColorWrites::empty(),
            ),
            translucent: self.pipeline(
                "surface translucent",
                samples,
                facing,
                "vs_main",
                "fs_main",
                C::Equal,
                false,
                premultiplied,
                all,
            ),
        };
        self.pipelines.insert((samples, facing), pipelines);
    }

    #[allow(clippy::too_many_arguments)]
    fn pipeline(
        &self,
        label: &str,
        samples: u32,
        facing: Facing,
        vs: &str,
        fs: &str,
        depth: wgpu::CompareFunction,
        write: bool,
        blend: Option<wgpu::BlendState>,
        writes: wgpu::ColorWrites,
    ) -> wgpu::RenderPipeline {
        let vertex_buffers = [
            Some(wgpu::VertexBufferLayout {
                array_stride: std::mem::size_of::<Vertex>() as u64,
                step_mode: wgpu::VertexStepMode::Vertex,
                attributes: &wgpu::vertex_attr_array![0 => Float32x3, 1 => Float32x3],
            }),
            Some(wgpu::VertexBufferLayout {
                array_stride: 4,
                step_mode: wgpu::VertexStepMode::Vertex,
                attributes: &wgpu::vertex_attr_array![2 => Float32],
            }),
        ];
        self.device
            .create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some(label),
                layout: Some(&self.layout),
                vertex: wgpu::VertexState {
                    module: &self.module,
                    entry_point: Some(vs),
                    buffers: &vertex_buffers,
                    compilation_options: Default::default(),
                },
                primitive: wgpu::PrimitiveState {
                    topology: wgpu::PrimitiveTopology::TriangleList,
                    // Culled only for closed, consistently wound meshes: open sheets and meshes
                    // whose files disagree on winding show both sides.
                    cull_mode: facing.cull_mode(),
                    ..Default::default()
                },
                depth_stencil: depth_state(write, depth),
                multisample: multisample(samples),
                fragment: Some(wgpu::FragmentState {
                    module: &self.module,
                    entry_point: Some(fs),
                    targets: &color_target(blend, writes),
                    compilation_options: Default::default(),
                }),
                multiview_mask: None,
                cache: None,
            })
    }

    pub fn device(&self) -> &wgpu::Device {
        &self.device
    }

    pub fn queue(&self) -> &wgpu::Queue {
        &self.queue
    }

    /// Draws `surfaces` as seen by `camera` into `target` with full multisampling.
    pub fn draw(
        &mut self,
        target: &mut ViewTarget,
        camera: &Camera,
        background: [f32; 4],
        surfaces: &[SurfaceDraw<'_>],
    ) {
        self.draw_with_samples(target, camera, background, surfaces, MSAA_SAMPLES);
    }

    /// Draws `surfaces` as seen by `camera` into `target` at `samples` per pixel (1 or
    /// [`MSAA_SAMPLES`]), on a `background` given as premultiplied sRGB RGBA. Uploads only what
    /// changed since the last call and forgets surfaces that are no longer drawn.
    pub fn draw_with_samples(
        &mut self,
        target: &mut ViewTarget,
        camera: &Camera,
        background: [f32; 4],
        surfaces: &[SurfaceDraw<'_>],
        samples: u32,
    ) {
        let samples = self.prepare(target, camera, surfaces, samples);
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = target.begin_pass(&mut encoder, background, samples);
            self.record_opaque(&mut pass, surfaces, samples);
            self.record_translucent(&mut pass, camera, surfaces, samples);
        }
        self.queue.submit([encoder.finish()]);
    }

    /// Uploads what changed (forgetting surfaces no longer drawn) and makes the pipelines for
    /// `samples` exist. Returns the sample count the target really draws at.
    pub fn prepare(
        &mut self,
        target: &mut ViewTarget,
        camera: &Camera,
        surfaces: &[SurfaceDraw<'_>],
        samples: u32,
    ) -> u32 {
        target.prepare(&self.device, samples);
        let samples = target.effective_samples(samples);
        for s in surfaces {
            self.ensure_pipelines(samples, s.facing);
        }
        let globals = Globals {
            clip_from_world: camera.clip_from_world().to_cols_array_2d(),
            eye_world: camera.eye.extend(1.0).to_array(),
            light_dir: camera.light_direction().extend(0.32).to_array(),
        };
        self.queue
            .write_buffer(&self.globals, 0, bytemuck::bytes_of(&globals));
        self.surfaces
            .retain(|id, _| surfaces.iter().any(|s| s.id == *id));
        for s in surfaces {
            self.sync(s);
        }
        samples
    }

    /// Records the opaque surfaces (after [`SurfaceRenderer::prepare`] with the same list).
    pub fn record_opaque(
        &self,
        pass: &mut wgpu::RenderPass<'_>,
        surfaces: &[SurfaceDraw<'_>],
        samples: u32,
    ) {
        pass.set_bind_group(0, &self.globals_bind_group, &[]);
        for s in surfaces
            .iter()
            .filter(|s| s.opacity >= 0.999 && !s.triangles.is_empty())
        {
            let (Some(gpu), Some(pipelines)) = (
                self.surfaces.get(&s.id),
                self.pipelines.get(&(samples, s.facing)),
            ) else {
                continue;
            };
            pass.set_pipeline(&pipelines.opaque);
            gpu.draw(pass);
        }
    }

    /// Records the translucent surfaces, back to front, each with its depth pre-pass.
    pub fn record_translucent(
        &self,
        pass: &mut wgpu::RenderPass<'_>,
        camera: &Camera,
        surfaces: &[SurfaceDraw<'_>],
        samples: u32,
    ) {
        let mut translucent: Vec<&SurfaceDraw> = surfaces
            .iter()
            .filter(|s| {
                s.opacity > 0.0
                    && s.opacity < 0.999
                    && !s.triangles.is_empty()
                    && self.surfaces.contains_key(&s.id)
            })
            .collect();
        translucent.sort_by(|a, b| {
            let d = |s: &SurfaceDraw| (self.surfaces[&s.id].centroid - camera.eye).length_squared();
            d(b).total_cmp(&d(a))
        });
        pass.set_bind_group(0, &self.globals_bind_group, &[]);
        for s in translucent {
            let (Some(gpu), Some(pipelines)) = (
                self.surfaces.get(&s.id),
                self.pipelines.get(&(samples, s.facing)),
            ) else {
                continue;
            };
            pass.set_pipeline(&pipelines.depth_prepass);
            gpu.draw(pass);
            pass.set_pipeline(&pipelines.translucent);
            gpu.draw(pass);
        }
    }

    /// Brings the GPU copy of one surface up to date.
    fn sync(&mut self, s: &SurfaceDraw<'_>) {
        let n_vertices = s.positions.len() as u32;
        let stale = self
            .surfaces
            .get(&s.id)
            .is_none_or(|g| g.geometry_key != s.geometry_key || g.n_vertices != n_vertices);
        if stale {
            let gpu = self.upload_geometry(s);
            self.surfaces.insert(s.id, gpu);
        }
        let max_side = self.device.limits().max_texture_dimension_2d;
        let Some(gpu) = self.surfaces.get_mut(&s.id) else {
            return;
        };

        // Underlay shading.
        let shade_key = s.shade.map(|(k, _)| k);
        if gpu.shade_key != shade_key {
            if let Some((_, values)) = s.shade.filter(|(_, v)| v.len() == s.positions.len()) {
                self.queue
                    .write_buffer(&gpu.shade, 0, bytemuck::cast_slice(values));
            }
            gpu.shade_key = shade_key;
        }

        // Overlays: grow the value texture if needed, then upload the slots whose key changed.
        let max_slots = (max_side / gpu.rows_per_overlay.max(1)).min(MAX_OVERLAYS as u32);
        let overlays: Vec<&OverlayDraw> = s
            .overlays
            .iter()
            .filter(|o| overlay_len(&o.values) == s.positions.len())
            .take(max_slots as usize)
            .collect();
        let needed = overlays.len() as u32;
        if needed > gpu.overlay_capacity {
            let capacity = needed.next_power_of_two().min(max_slots);
            gpu.overlay_texture =
                create_overlay_texture(&self.device, gpu.rows_per_overlay, capacity);
            gpu.overlay_capacity = capacity;
            gpu.overlay_keys.clear();
            gpu.bind_group = create_surface_bind_group(
                &self.device,
                &self.surface_layout,
                &gpu.params,
                &gpu.overlay_texture,
            );
        }
        gpu.overlay_keys.resize(needed as usize, u64::MAX);
        let mut params = SurfaceParams {
            color: [
                s.color[0],
                s.color[1],
                s.color[2],
                s.opacity.clamp(0.0, 1.0),
            ],
            rows_per_overlay: gpu.rows_per_overlay,
            n_overlays: needed,
            shade_mode: u32::from(s.shade.is_some()),
            _pad: 0,
            overlays: [OverlayParams::zeroed(); MAX_OVERLAYS],
        };
        for (slot, o) in overlays.iter().enumerate() {
            if gpu.overlay_keys[slot] != o.key {
                write_overlay_slot(&self.queue, gpu, slot as u32, &o.values);
                gpu.overlay_keys[slot] = o.key;
            }
            params.overlays[slot] = overlay_params(o);
        }
        self.queue
            .write_buffer(&gpu.params, 0, bytemuck::bytes_of(&params));
    }

    fn upload_geometry(&self, s: &SurfaceDraw<'_>) -> GpuSurface {
        use wgpu::util::DeviceExt;
        let vertices: Vec<Vertex> = s
            .positions
            .iter()
            .zip(s.normals.iter().chain(std::iter::repeat(&Vec3::Z)))
            .map(|(p, n)| Vertex {
                position: p.to_array(),
                normal: n.to_array(),
            })
            .collect();
        let n_vertices = s.positions.len() as u32;
        let usage = wgpu::BufferUsages::COPY_DST;
        let vertex_buffer = self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("surface vertices"),
                contents: bytemuck::cast_slice(&nonempty(&vertices, Vertex::zeroed())),
                usage: usage | wgpu::BufferUsages::VERTEX,
            });
        let index_buffer = self
            .device
            .create_buffer_init(&wgpu::util::BufferInitDescriptor {
                label: Some("surface indices"),
                contents: bytemuck::cast_slice(&nonempty(s.triangles, [0u32; 3])),
                usage: usage | wgpu::BufferUsages::INDEX,
            });
        let shade = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("surface shade"),
            size: u64::from(n_vertices.max(1)) * 4,
            usage: usage | wgpu::BufferUsages::VERTEX,
            mapped_at_creation: false,
        });
        let params = self.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("surface params"),
            size: std::mem::size_of::<SurfaceParams>() as u64,
            usage: usage | wgpu::BufferUsages::UNIFORM,
            mapped_at_creation: false,
        });
        let rows_per_overlay = n_vertices.div_ceil(OVERLAY_TEXTURE_WIDTH).max(1);
        let overlay_texture = create_overlay_texture(&self.device, rows_per_overlay, 1);
        let bind_group = create_surface_bind_group(
            &self.device,
            &self.surface_layout,
            &params,
            &overlay_texture,
        );
        let centroid = if s.positions.is_empty() {
            Vec3::ZERO
        } else {
            s.positions.iter().copied().sum::<Vec3>() / s.positions.len() as f32
        };
        GpuSurface {
            geometry_key: s.geometry_key,
            n_vertices,
            n_indices: s.triangles.len() as u32 * 3,
            vertices: vertex_buffer,
            indices: index_buffer,
            shade_key: None,
            shade,
            rows_per_overlay,
            overlay_capacity: 1,
            overlay_texture,
            overlay_keys: Vec::new(),
            params,
            bind_group,
            centroid,
        }
    }
}

impl GpuSurface {
    fn draw(&self, pass: &mut wgpu::RenderPass<'_>) {
        pass.set_bind_group(1, &self.bind_group, &[]);
        pass.set_vertex_buffer(0, self.vertices.slice(..));
        pass.set_vertex_buffer(1, self.shade.slice(..));
        pass.set_index_buffer(self.indices.slice(..), wgpu::IndexFormat::Uint32);
        pass.draw_indexed(0..self.n_indices, 0, 0..1);
    }
}

fn nonempty<T: Copy>(items: &[T], filler: T) -> std::borrow::Cow<'_, [T]> {
    if items.is_empty() {
        std::borrow::Cow::Owned(vec![filler])
    } else {
        std::borrow::Cow::Borrowed(items)
    }
}

fn overlay_len(values: &OverlayValues<'_>) -> usize {
    match values {
        OverlayValues::Scalar { values, .. } => values.len(),
        OverlayValues::Rgba(c) => c.len(),
    }
}

fn overlay_params(o: &OverlayDraw<'_>) -> OverlayParams {
    match &o.values {
        OverlayValues::Scalar {
            colormap,
            range,
            threshold,
            ..
        } => OverlayParams {
            range_and_thresholds: [range[0], range[1], threshold.positive, threshold.negative],
            kind: 0,
            colormap_row: colormap.index(),
            threshold_enabled: u32::from(threshold.enabled),
            opacity: o.opacity.clamp(0.0, 1.0),
        },
        OverlayValues::Rgba(_) => OverlayParams {
            range_and_thresholds: [0.0; 4],
            kind: 1,
            colormap_row: 0,
            threshold_enabled: 0,
            opacity: o.opacity.clamp(0.0, 1.0),
        },
    }
}

fn write_overlay_slot(
    queue: &wgpu::Queue,
    gpu: &GpuSurface,
    slot: u32,
    values: &OverlayValues<'_>,
) {
    let n = gpu.n_vertices as usize;
    let mut texels = vec![0u32; (gpu.rows_per_overlay * OVERLAY_TEXTURE_WIDTH) as usize];
    match values {
        OverlayValues::Scalar { values, .. } => {
            for (t, v) in texels.iter_mut().zip(&values[..n]) {
                *t = v.to_bits();
            }
        }
        OverlayValues::Rgba(colors) => {
            for (t, c) in texels.iter_mut().zip(&colors[..n]) {
                *t = u32::from_le_bytes(*c);
            }
        }
    }
    queue.write_texture(
        wgpu::TexelCopyTextureInfo {
            texture: &gpu.overlay_texture,
            mip_level: 0,
            origin: wgpu::Origin3d {
                x: 0,
                y: slot * gpu.rows_per_overlay,
                z: 0,
            },
            aspect: wgpu::TextureAspect::All,
        },
        bytemuck::cast_slice(&texels),
        wgpu::TexelCopyBufferLayout {
            offset: 0,
            bytes_per_row: Some(OVERLAY_TEXTURE_WIDTH * 4),
            rows_per_image: Some(gpu.rows_per_overlay),
        },
        wgpu::Extent3d {
            width: OVERLAY_TEXTURE_WIDTH,
            height: gpu.rows_per_overlay,
            depth_or_array_layers: 1,
        },
    );
}

fn create_overlay_texture(
    device: &wgpu::Device,
    rows_per_overlay: u32,
    slots: u32,
) -> wgpu::Texture {
    device.create_texture(&wgpu::TextureDescriptor {
        label: Some("overlay values"),
        size: wgpu::Extent3d {
            width: OVERLAY_TEXTURE_WIDTH,
            height: rows_per_overlay * slots.max(1),
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::R32Uint,
        usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    })
}

fn create_surface_bind_group(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    params: &wgpu::Buffer,
    overlay_texture: &wgpu::Texture,
) -> wgpu::BindGroup {
    let view = overlay_texture.create_view(&Default::default());
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("surface"),
        layout,
        entries: &[
            wgpu::BindGroupEntry {
                binding: 0,
                resource: params.as_entire_binding(),
            },
            wgpu::BindGroupEntry {
                binding: 1,
                resource: wgpu::BindingResource::TextureView(&view),
            },
        ],
    })
}
