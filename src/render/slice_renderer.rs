//! Volume slices: the 2D slice views (axial, coronal, sagittal) and the three planes through
//! the crosshair in the 3D view, drawn by one pipeline (`shaders/slice.wgsl`).
//!
//! Each volume layer is drawn as its own pass over the plane, resampled through its own
//! affine on the GPU (trilinear, or nearest for labels), so any number of overlays with any
//! orientation or resolution line up in world millimetres. Volumes live on the GPU as one 3D
//! texture per layer holding the shown frame, re-uploaded only when its key changes.

use std::collections::HashMap;

use bytemuck::{Pod, Zeroable};
use glam::{Mat4, Vec3};

use super::ViewTarget;
use super::layouts::{
    color_target, depth_state, multisample, sampler_entry, texture_entry, uniform_buffer,
    uniform_entry,
};
use crate::model::{Colormap, Interpolation, LabelTable, LayerId, Threshold, Volume};

/// One volume layer to draw. The renderer re-uploads the volume when `key` changes (new data
/// or another frame), the labels when `labels.0` changes, the mask when `mask.0` changes.
pub struct VolumeDraw<'a> {
    pub id: LayerId,
    pub key: u64,
    pub volume: &'a Volume,
    pub frame: usize,
    pub colormap: Colormap,
    pub range: [f32; 2],
    pub threshold: Threshold,
    pub opacity: f32,
    pub interpolation: Interpolation,
    /// Label colours for an atlas (values are keys).
    pub labels: Option<(u64, &'a LabelTable)>,
    /// Voxels kept by the cluster-size filter (1) or hidden (0), frame-sized.
    pub mask: Option<(u64, &'a [u8])>,
    /// On planes in the 3D view, leave values at or below the window out (anatomy: the black
    /// around a head would hide the brain behind it).
    pub clear_low_in_3d: bool,
}

/// A planar quad in world space and how it projects.
#[derive(Clone, Copy, Debug)]
pub struct SlicePlane {
    /// Top-left, top-right, bottom-right, bottom-left, world millimetres.
    pub corners_mm: [Vec3; 4],
    pub clip_from_world: Mat4,
    /// Leave values at or below a layer's window out (planes inside the 3D view).
    pub clear_background: bool,
}

impl SlicePlane {
    /// The plane of a 2D slice view: `centre_mm` in the middle of the view, `right` and `up`
    /// the world directions of the screen's axes (unit vectors), `half_size_mm` half the
    /// view's width and height.
    pub fn view(centre_mm: Vec3, right: Vec3, up: Vec3, half_size_mm: [f32; 2]) -> Self {
        let [hw, hh] = half_size_mm.map(|h| h.max(1e-6));
        let (r, u) = (right * hw, up * hh);
        let corners_mm = [
            centre_mm - r + u,
            centre_mm + r + u,
            centre_mm + r - u,
            centre_mm - r - u,
        ];
        // NDC x = (p - c)·right / hw, y = (p - c)·up / hh, z = 0.5.
        let row_x = (right / hw).extend(-right.dot(centre_mm) / hw);
        let row_y = (up / hh).extend(-up.dot(centre_mm) / hh);
        let clip_from_world = Mat4::from_cols_array_2d(&[
            [row_x.x, row_y.x, 0.0, 0.0],
            [row_x.y, row_y.y, 0.0, 0.0],
            [row_x.z, row_y.z, 0.0, 0.0],
            [row_x.w, row_y.w, 0.5, 1.0],
        ]);
        SlicePlane {
            corners_mm,
            clip_from_world,
            clear_background: false,
        }
    }
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct PlaneUniform {
    clip_from_world: [[f32; 4]; 4],
    corners: [[f32; 4]; 4],
    flags: [u32; 4],
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct LayerUniform {
    voxel_from_world: [[f32; 4]; 4],
    dims: [i32; 4],
    range_and_thresholds: [f32; 4],
    colormap_row: u32,
    threshold_enabled: u32,
    kind: u32,
    nearest: u32,
    opacity: f32,
    use_mask: u32,
    label_columns: u32,
    clear_low: u32,
}

/// Label colour texture width (keys per row).
const LABEL_COLUMNS: u32 = 4096;

/// A volume layer on the GPU.
struct GpuLayer {
    key: u64,
    dims: [u32; 3],
    volume: wgpu::TextureView,
    labels_key: Option<u64>,
    labels: wgpu::TextureView,
    mask_key: Option<u64>,
    mask: wgpu::TextureView,
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
}

/// Draws volume slices.
pub struct SliceRenderer {
    device: wgpu::Device,
    queue: wgpu::Queue,
    plane_layout: wgpu::BindGroupLayout,
    layer_layout: wgpu::BindGroupLayout,
    colormaps: wgpu::TextureView,
    layout: wgpu::PipelineLayout,
    module: wgpu::ShaderModule,
    /// Per (sample count, depth tested), made on first use.
    pipelines: HashMap<(u32, bool), wgpu::RenderPipeline>,
    layers: HashMap<LayerId, GpuLayer>,
    planes: Vec<(wgpu::Buffer, wgpu::BindGroup)>,
    sampler: wgpu::Sampler,
    hardware_filtering: bool,
}

impl SliceRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("slice.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/slice.wgsl").into()),
        });
        let uniform = uniform_entry;
        let texture = |binding, dimension, sample_type| {
            texture_entry(
                binding,
                wgpu::ShaderStages::FRAGMENT,
                dimension,
                sample_type,
            )
        };
        use wgpu::TextureSampleType as T;
        use wgpu::TextureViewDimension as D;
        let unfiltered = T::Float { filterable: false };
        let filtering = device
            .features()
            .contains(wgpu::Features::FLOAT32_FILTERABLE);
        let plane_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("slice plane"),
            entries: &[
                uniform(0, wgpu::ShaderStages::VERTEX_FRAGMENT),
                texture(1, D::D2, unfiltered),
            ],
        });
        let layer_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("slice layer"),
            entries: &[
                uniform(0, wgpu::ShaderStages::FRAGMENT),
                texture(
                    1,
                    D::D3,
                    T::Float {
                        filterable: filtering,
                    },
                ),
                texture(2, D::D3, T::Uint),
                texture(3, D::D2, unfiltered),
                sampler_entry(4, filtering),
            ],
        });
        let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("slice"),
            bind_group_layouts: &[Some(&plane_layout), Some(&layer_layout)],
            immediate_size: 0,
        });
        SliceRenderer {
            device: device.clone(),
            queue: queue.clone(),
            plane_layout,
            layer_layout,
            colormaps: super::colormap::create_encoded_colormap_texture(device, queue),
            layout,
            module,
            pipelines: HashMap::new(),
            layers: HashMap::new(),
            planes: Vec::new(),
            sampler: device.create_sampler(&wgpu::SamplerDescriptor {
                label: Some("volume"),
                mag_filter: if filtering {
                    wgpu::FilterMode::Linear
                } else {
                    wgpu::FilterMode::Nearest
                },
                min_filter: if filtering {
                    wgpu::FilterMode::Linear
                } else {
                    wgpu::FilterMode::Nearest
                },
                ..Default::default()
            }),
            hardware_filtering: filtering,
        }
    }

    fn ensure_pipeline(&mut self, samples: u32, depth_tested: bool) {
        if self.pipelines.contains_key(&(samples, depth_tested)) {
            return;
        }
        let pipeline = self
            .device
            .create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some("slice"),
                layout: Some(&self.layout),
                vertex: wgpu::VertexState {
                    module: &self.module,
                    entry_point: Some("vs_main"),
                    buffers: &[],
                    compilation_options: Default::default(),
                },
                primitive: wgpu::PrimitiveState {
                    topology: wgpu::PrimitiveTopology::TriangleList,
                    cull_mode: None,
                    ..Default::default()
                },
                depth_stencil: depth_state(
                    depth_tested,
                    if depth_tested {
                        wgpu::CompareFunction::LessEqual
                    } else {
                        wgpu::CompareFunction::Always
                    },
                ),
                multisample: multisample(samples),
                fragment: Some(wgpu::FragmentState {
                    module: &self.module,
                    entry_point: Some("fs_main"),
                    targets: &color_target(
                        Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                        wgpu::ColorWrites::ALL,
                    ),
                    compilation_options: wgpu::PipelineCompilationOptions {
                        constants: &[(
                            "hardware_filtering",
                            f64::from(u8::from(self.hardware_filtering)),
                        )],
                        ..Default::default()
                    },
                }),
                multiview_mask: None,
                cache: None,
            });
        self.pipelines.insert((samples, depth_tested), pipeline);
    }

    /// Whether a volume fits the device's 3D textures.
    pub fn fits(&self, volume: &Volume) -> bool {
        let max = self.device.limits().max_texture_dimension_3d as usize;
        volume.dims.iter().all(|&d| d >= 1 && d <= max)
    }

    /// Uploads what changed and forgets layers no longer drawn. Call before recording.
    pub fn prepare(
        &mut self,
        layers: &[VolumeDraw<'_>],
        planes: &[SlicePlane],
        samples: u32,
        depth_tested: bool,
    ) {
        self.ensure_pipeline(samples, depth_tested);
        self.layers
            .retain(|id, _| layers.iter().any(|l| l.id == *id));
        for l in layers {
            if self.fits(l.volume) {
                self.sync_layer(l);
            }
        }
        while self.planes.len() < planes.len() {
            let buffer = uniform_buffer(
                &self.device,
                "slice plane",
                std::mem::size_of::<PlaneUniform>(),
            );
            let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
                label: Some("slice plane"),
                layout: &self.plane_layout,
                entries: &[
                    wgpu::BindGroupEntry {
                        binding: 0,
                        resource: buffer.as_entire_binding(),
                    },
                    wgpu::BindGroupEntry {
                        binding: 1,
                        resource: wgpu::BindingResource::TextureView(&self.colormaps),
                    },
                ],
            });
            self.planes.push((buffer, bind_group));
        }
        for (plane, (buffer, _)) in planes.iter().zip(&self.planes) {
            let uniform = PlaneUniform {
                clip_from_world: plane.clip_from_world.to_cols_array_2d(),
                corners: plane.corners_mm.map(|c| c.extend(1.0).to_array()),
                flags: [u32::from(plane.clear_background), 0, 0, 0],
            };
            self.queue
                .write_buffer(buffer, 0, bytemuck::bytes_of(&uniform));
        }
    }

    /// Records every layer on every plane into a pass prepared by [`SliceRenderer::prepare`]
    /// with the same layers, planes, samples and depth testing.
    pub fn record(
        &self,
        pass: &mut wgpu::RenderPass<'_>,
        layers: &[VolumeDraw<'_>],
        n_planes: usize,
        samples: u32,
        depth_tested: bool,
    ) {
        let Some(pipeline) = self.pipelines.get(&(samples, depth_tested)) else {
            return;
        };
        pass.set_pipeline(pipeline);
        for (_, plane_group) in self.planes.iter().take(n_planes) {
            pass.set_bind_group(0, plane_group, &[]);
            for l in layers {
                if let Some(gpu) = self.layers.get(&l.id) {
                    pass.set_bind_group(1, &gpu.bind_group, &[]);
                    pass.draw(0..6, 0..1);
                }
            }
        }
    }

    /// Draws a 2D slice view: `layers` on `plane`, filling `target`, over `background`
    /// (premultiplied sRGB RGBA).
    pub fn draw_view(
        &mut self,
        target: &mut ViewTarget,
        plane: &SlicePlane,
        background: [f32; 4],
        layers: &[VolumeDraw<'_>],
    ) {
        self.prepare(layers, std::slice::from_ref(plane), 1, false);
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = target.begin_pass(&mut encoder, background, 1);
            self.record(&mut pass, layers, 1, 1, false);
        }
        self.queue.submit([encoder.finish()]);
    }

    fn sync_layer(&mut self, l: &VolumeDraw<'_>) {
        let dims = l.volume.dims.map(|d| d as u32);
        let stale = self
            .layers
            .get(&l.id)
            .is_none_or(|g| g.key != l.key || g.dims != dims);
        if stale {
            let volume = self.upload_volume(l);
            let labels = self.texture_2d(
                "no labels",
                wgpu::TextureFormat::Rgba8Unorm,
                [1, 1],
                &[0; 4],
            );
            let mask = self.texture_3d("no mask", wgpu::TextureFormat::R8Uint, [1, 1, 1], &[1]);
            let uniform = uniform_buffer(
                &self.device,
                "slice layer",
                std::mem::size_of::<LayerUniform>(),
            );
            let bind_group = self.layer_bind_group(&uniform, &volume, &mask, &labels);
            self.layers.insert(
                l.id,
                GpuLayer {
                    key: l.key,
                    dims,
                    volume,
                    labels_key: None,
                    labels,
                    mask_key: None,
                    mask,
                    uniform,
                    bind_group,
                },
            );
        }
        let labels_key = l.labels.map(|(k, _)| k);
        let mask_key = l.mask.map(|(k, _)| k);
        let (old_labels, old_mask) = match self.layers.get(&l.id) {
            Some(g) => (g.labels_key, g.mask_key),
            None => return,
        };
        let mut rebind = false;
        if old_labels != labels_key {
            let view = match l.labels {
                Some((_, table)) => self.label_texture(table),
                None => self.texture_2d(
                    "no labels",
                    wgpu::TextureFormat::Rgba8Unorm,
                    [1, 1],
                    &[0; 4],
                ),
            };
            if let Some(g) = self.layers.get_mut(&l.id) {
                g.labels = view;
                g.labels_key = labels_key;
            }
            rebind = true;
        }
        if old_mask != mask_key {
            let view = match l.mask.filter(|(_, m)| m.len() == l.volume.n_voxels()) {
                Some((_, mask)) => {
                    self.texture_3d("cluster mask", wgpu::TextureFormat::R8Uint, dims, mask)
                }
                None => self.texture_3d("no mask", wgpu::TextureFormat::R8Uint, [1, 1, 1], &[1]),
            };
            if let Some(g) = self.layers.get_mut(&l.id) {
                g.mask = view;
                g.mask_key = mask_key;
            }
            rebind = true;
        }
        let Some(gpu) = self.layers.get(&l.id) else {
            return;
        };
        if rebind {
            let bind_group =
                self.layer_bind_group(&gpu.uniform, &gpu.volume, &gpu.mask, &gpu.labels);
            if let Some(g) = self.layers.get_mut(&l.id) {
                g.bind_group = bind_group;
            }
        }
        let Some(gpu) = self.layers.get(&l.id) else {
            return;
        };
        let uniform = LayerUniform {
            voxel_from_world: l.volume.voxel_from_world().as_mat4().to_cols_array_2d(),
            dims: [dims[0] as i32, dims[1] as i32, dims[2] as i32, 0],
            range_and_thresholds: [
                l.range[0],
                l.range[1],
                l.threshold.positive,
                l.threshold.negative,
            ],
            colormap_row: l.colormap.index(),
            threshold_enabled: u32::from(l.threshold.enabled),
            kind: u32::from(l.labels.is_some()),
            nearest: u32::from(l.interpolation == Interpolation::Nearest || l.labels.is_some()),
            opacity: l.opacity.clamp(0.0, 1.0),
            use_mask: u32::from(l.mask.is_some()),
            label_columns: LABEL_COLUMNS,
            clear_low: u32::from(l.clear_low_in_3d),
        };
        self.queue
            .write_buffer(&gpu.uniform, 0, bytemuck::bytes_of(&uniform));
    }

    fn layer_bind_group(
        &self,
        uniform: &wgpu::Buffer,
        volume: &wgpu::TextureView,
        mask: &wgpu::TextureView,
        labels: &wgpu::TextureView,
    ) -> wgpu::BindGroup {
        self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("slice layer"),
            layout: &self.layer_layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: uniform.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(volume),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: wgpu::BindingResource::TextureView(mask),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: wgpu::BindingResource::TextureView(labels),
                },
                wgpu::BindGroupEntry {
                    binding: 4,
                    resource: wgpu::BindingResource::Sampler(&self.sampler),
                },
            ],
        })
    }

    fn upload_volume(&self, l: &VolumeDraw<'_>) -> wgpu::TextureView {
        let values = l.volume.frame_f32(l.frame);
        let dims = l.volume.dims.map(|d| d as u32);
        self.texture_3d(
            "volume",
            wgpu::TextureFormat::R32Float,
            dims,
            bytemuck::cast_slice(&values),
        )
    }

    /// Label colours as a texture: key k at (k % LABEL_COLUMNS, k / LABEL_COLUMNS).
    fn label_texture(&self, table: &LabelTable) -> wgpu::TextureView {
        let max_key = table
            .labels
            .iter()
            .map(|l| l.key)
            .max()
            .unwrap_or(0)
            .clamp(0, 1 << 22) as u32;
        let rows = max_key / LABEL_COLUMNS + 1;
        let mut texels = vec![0u8; (LABEL_COLUMNS * rows * 4) as usize];
        for label in table
            .labels
            .iter()
            .filter(|l| l.key > 0 && (l.key as u32) <= max_key)
        {
            let i = label.key as usize * 4;
            let rgba = label
                .rgba
                .map(|c| (c.clamp(0.0, 1.0) * 255.0).round() as u8);
            texels[i..i + 4].copy_from_slice(&rgba);
        }
        self.texture_2d(
            "label colours",
            wgpu::TextureFormat::Rgba8Unorm,
            [LABEL_COLUMNS, rows],
            &texels,
        )
    }

    fn texture_2d(
        &self,
        label: &str,
        format: wgpu::TextureFormat,
        [w, h]: [u32; 2],
        bytes: &[u8],
    ) -> wgpu::TextureView {
        self.texture(label, format, wgpu::TextureDimension::D2, [w, h, 1], bytes)
    }

    fn texture_3d(
        &self,
        label: &str,
        format: wgpu::TextureFormat,
        dims: [u32; 3],
        bytes: &[u8],
    ) -> wgpu::TextureView {
        self.texture(label, format, wgpu::TextureDimension::D3, dims, bytes)
    }

    fn texture(
        &self,
        label: &str,
        format: wgpu::TextureFormat,
        dimension: wgpu::TextureDimension,
        [w, h, d]: [u32; 3],
        bytes: &[u8],
    ) -> wgpu::TextureView {
        let size = wgpu::Extent3d {
            width: w,
            height: h,
            depth_or_array_layers: d,
        };
        let texture = self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some(label),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension,
            format,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        let bytes_per_texel = format.block_copy_size(None).unwrap_or(4);
        self.queue.write_texture(
            texture.as_image_copy(),
            bytes,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(w * bytes_per_texel),
                rows_per_image: Some(h),
            },
            size,
        );
        texture.create_view(&Default::default())
    }
}
