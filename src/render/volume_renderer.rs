//! Volume rendering: each volume layer asked for in 3D is ray-marched through its box
//! (`shaders/volume.wgsl`), its transfer function taken from the layer's colormap, window,
//! threshold and opacity, with an optional clip plane.
//!
//! The volume is uploaded once (per frame shown) as a normalised half-float 3D texture:
//! hardware trilinear filtering then costs one fetch per step, on every adapter.

use std::collections::HashMap;

use bytemuck::{Pod, Zeroable};
use glam::{Vec3, Vec4};

use super::Camera;
use super::layouts::{
    color_target, depth_state, multisample, sampler_entry, texture_entry, uniform_buffer,
    uniform_entry,
};
use crate::model::{Colormap, LayerId, Threshold, Volume};

/// One volume to ray-march.
pub struct RaymarchDraw<'a> {
    pub id: LayerId,
    /// Changes when the data or the shown frame changes.
    pub key: u64,
    pub volume: &'a Volume,
    pub frame: usize,
    pub colormap: Colormap,
    pub range: [f32; 2],
    pub threshold: Threshold,
    pub opacity: f32,
    /// Opacity grows with distance from zero (statistical maps) rather than with value.
    pub signed: bool,
    /// World-space clip plane: what lies where `dot(normal, p) < offset` is cut away.
    pub clip: Option<(Vec3, f32)>,
}

#[repr(C)]
#[derive(Clone, Copy, Pod, Zeroable)]
struct Params {
    clip_from_world: [[f32; 4]; 4],
    world_from_voxel: [[f32; 4]; 4],
    voxel_from_world: [[f32; 4]; 4],
    eye_world: [f32; 4],
    dims: [f32; 4],
    window_and_thresholds: [f32; 4],
    transfer: [f32; 4],
    clip_plane: [f32; 4],
    zero: [f32; 4],
}

/// A volume on the GPU: its normalised texture and the value range the normalisation used.
struct GpuVolume {
    key: u64,
    value_range: (f32, f32),
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    mirrored: bool,
}

/// Steps per voxel along a ray: full quality, and while a software-rendered view is moving.
pub const STEPS_PER_VOXEL: f32 = 1.5;
pub const STEPS_PER_VOXEL_MOVING: f32 = 0.6;

pub struct VolumeRenderer {
    device: wgpu::Device,
    queue: wgpu::Queue,
    layout: wgpu::BindGroupLayout,
    pipeline_layout: wgpu::PipelineLayout,
    module: wgpu::ShaderModule,
    sampler: wgpu::Sampler,
    colormaps: wgpu::TextureView,
    /// Per (sample count, cull front faces: the volume's affine mirrors).
    pipelines: HashMap<(u32, bool), wgpu::RenderPipeline>,
    volumes: HashMap<LayerId, GpuVolume>,
}

impl VolumeRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("volume.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/volume.wgsl").into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("volume"),
            entries: &[
                uniform_entry(0, wgpu::ShaderStages::VERTEX_FRAGMENT),
                texture_entry(
                    1,
                    wgpu::ShaderStages::FRAGMENT,
                    wgpu::TextureViewDimension::D3,
                    wgpu::TextureSampleType::Float { filterable: true },
                ),
                sampler_entry(2, true),
                texture_entry(
                    3,
                    wgpu::ShaderStages::FRAGMENT,
                    wgpu::TextureViewDimension::D2,
                    wgpu::TextureSampleType::Float { filterable: false },
                ),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("volume"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("volume"),
            mag_filter: wgpu::FilterMode::Linear,
            min_filter: wgpu::FilterMode::Linear,
            ..Default::default()
        });
        VolumeRenderer {
            device: device.clone(),
            queue: queue.clone(),
            layout,
            pipeline_layout,
            module,
            sampler,
            colormaps: super::colormap::create_colormap_texture(device, queue),
            pipelines: HashMap::new(),
            volumes: HashMap::new(),
        }
    }

    fn ensure_pipeline(&mut self, samples: u32, mirrored: bool) {
        if self.pipelines.contains_key(&(samples, mirrored)) {
            return;
        }
        let pipeline = self
            .device
            .create_render_pipeline(&wgpu::RenderPipelineDescriptor {
                label: Some("volume"),
                layout: Some(&self.pipeline_layout),
                vertex: wgpu::VertexState {
                    module: &self.module,
                    entry_point: Some("vs_main"),
                    buffers: &[],
                    compilation_options: Default::default(),
                },
                primitive: wgpu::PrimitiveState {
                    topology: wgpu::PrimitiveTopology::TriangleList,
                    // Only the box's faces towards the camera start rays.
                    cull_mode: Some(if mirrored {
                        wgpu::Face::Front
                    } else {
                        wgpu::Face::Back
                    }),
                    ..Default::default()
                },
                // Surfaces in front of the box hide it; the volume does not hide itself.
                depth_stencil: depth_state(false, wgpu::CompareFunction::LessEqual),
                multisample: multisample(samples),
                fragment: Some(wgpu::FragmentState {
                    module: &self.module,
                    entry_point: Some("fs_main"),
                    targets: &color_target(
                        Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                        wgpu::ColorWrites::ALL,
                    ),
                    compilation_options: Default::default(),
                }),
                multiview_mask: None,
                cache: None,
            });
        self.pipelines.insert((samples, mirrored), pipeline);
    }

    /// Uploads what changed and writes this frame's parameters. Call before recording.
    pub fn prepare(
        &mut self,
        camera: &Camera,
        volumes: &[RaymarchDraw<'_>],
        samples: u32,
        steps_per_voxel: f32,
    ) {
        self.volumes
            .retain(|id, _| volumes.iter().any(|v| v.id == *id));
        let max_side = self.device.limits().max_texture_dimension_3d as usize;
        for v in volumes
            .iter()
            .filter(|v| v.volume.dims.iter().all(|&d| (1..=max_side).contains(&d)))
        {
            if self.volumes.get(&v.id).is_none_or(|g| g.key != v.key) {
                let gpu = self.upload(v);
                self.volumes.insert(v.id, gpu);
            }
            let Some(gpu) = self.volumes.get(&v.id) else {
                continue;
            };
            let mirrored = gpu.mirrored;
            let params = params(camera, v, gpu.value_range, steps_per_voxel);
            self.queue
                .write_buffer(&gpu.uniform, 0, bytemuck::bytes_of(&params));
            self.ensure_pipeline(samples, mirrored);
        }
    }

    /// Records the volumes prepared with the same list and sample count.
    pub fn record(
        &self,
        pass: &mut wgpu::RenderPass<'_>,
        volumes: &[RaymarchDraw<'_>],
        samples: u32,
    ) {
        for v in volumes {
            let Some(gpu) = self.volumes.get(&v.id) else {
                continue;
            };
            let Some(pipeline) = self.pipelines.get(&(samples, gpu.mirrored)) else {
                continue;
            };
            pass.set_pipeline(pipeline);
            pass.set_bind_group(0, &gpu.bind_group, &[]);
            pass.draw(0..36, 0..1);
        }
    }

    fn upload(&self, v: &RaymarchDraw<'_>) -> GpuVolume {
        let values = v.volume.frame_f32(v.frame);
        let (lo, hi) = values
            .iter()
            .filter(|x| x.is_finite())
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &x| {
                (lo.min(x), hi.max(x))
            });
        let (lo, hi) = if lo <= hi { (lo, hi) } else { (0.0, 1.0) };
        let span = (hi - lo).max(f32::MIN_POSITIVE);
        // Normalised to 0..1 as half floats: filterable on every adapter, 11 bits of precision
        // within the range, and NaN (no data, e.g. outside the brain in SPM/FSL maps) kept so
        // the shader can skip it.
        let halves: Vec<u16> = values.iter().map(|&x| f16_bits((x - lo) / span)).collect();
        let bytes: &[u8] = bytemuck::cast_slice(&halves);
        let [nx, ny, nz] = v.volume.dims.map(|d| d as u32);
        let size = wgpu::Extent3d {
            width: nx,
            height: ny,
            depth_or_array_layers: nz,
        };
        let texture = self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some("volume (normalised)"),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D3,
            format: wgpu::TextureFormat::R16Float,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        self.queue.write_texture(
            texture.as_image_copy(),
            bytes,
            wgpu::TexelCopyBufferLayout {
                offset: 0,
                bytes_per_row: Some(nx * 2),
                rows_per_image: Some(ny),
            },
            size,
        );
        let view = texture.create_view(&Default::default());
        let uniform = uniform_buffer(&self.device, "volume params", std::mem::size_of::<Params>());
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("volume"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: uniform.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(&view),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: wgpu::BindingResource::Sampler(&self.sampler),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: wgpu::BindingResource::TextureView(&self.colormaps),
                },
            ],
        });
        let m = v.volume.world_from_voxel;
        let mirrored = m
            .x_axis
            .truncate()
            .cross(m.y_axis.truncate())
            .dot(m.z_axis.truncate())
            < 0.0;
        GpuVolume {
            key: v.key,
            value_range: (lo, hi),
            uniform,
            bind_group,
            mirrored,
        }
    }
}

/// The shader's parameters: the layer's window and thresholds in the texture's normalised units.
fn params(
    camera: &Camera,
    v: &RaymarchDraw<'_>,
    (lo, hi): (f32, f32),
    steps_per_voxel: f32,
) -> Params {
    let span = (hi - lo).max(f32::MIN_POSITIVE);
    let norm = |x: f32| {
        if x.is_finite() {
            (x - lo) / span
        } else {
            x.signum() * 1e9
        }
    };
    let world_from_voxel = v.volume.world_from_voxel.as_mat4();
    let (clip_normal, clip_offset) = v.clip.unwrap_or((Vec3::ZERO, 0.0));
    Params {
        clip_from_world: camera.clip_from_world().to_cols_array_2d(),
        world_from_voxel: world_from_voxel.to_cols_array_2d(),
        voxel_from_world: world_from_voxel.inverse().to_cols_array_2d(),
        eye_world: camera.eye.extend(1.0).to_array(),
        dims: [
            v.volume.dims[0] as f32,
            v.volume.dims[1] as f32,
            v.volume.dims[2] as f32,
            steps_per_voxel,
        ],
        window_and_thresholds: [
            norm(v.range[0]),
            norm(v.range[1]),
            norm(v.threshold.positive),
            norm(v.threshold.negative),
        ],
        transfer: [
            // Opacity per voxel travelled at full strength: a fully opaque layer saturates in a
            // few voxels of strong signal.
            v.opacity.clamp(0.0, 1.0) * 0.6,
            if v.signed { 1.0 } else { 0.0 },
            if v.threshold.enabled { 1.0 } else { 0.0 },
            v.colormap.index() as f32,
        ],
        clip_plane: Vec4::from((clip_normal, clip_offset)).to_array(),
        zero: [norm(0.0), 0.0, 0.0, 0.0],
    }
}

/// The IEEE half-precision bits of `x` (round to nearest even; NaN stays NaN, overflow is ∞).
pub fn f16_bits(x: f32) -> u16 {
    let b = x.to_bits();
    let sign = ((b >> 16) & 0x8000) as u16;
    let exponent = ((b >> 23) & 0xff) as i32;
    let mantissa = b & 0x7f_ffff;
    if exponent == 0xff {
        return sign | 0x7c00 | if mantissa != 0 { 0x200 } else { 0 };
    }
    let e = exponent - 127 + 15;
    if e >= 0x1f {
        return sign | 0x7c00;
    }
    if e <= 0 {
        if e < -10 {
            return sign;
        }
        // Subnormal: the implicit bit joins the mantissa, shifted into place.
        return sign | ((mantissa | 0x80_0000) >> (14 - e)) as u16;
    }
    let m = mantissa >> 13;
    let rest = mantissa & 0x1fff;
    let mut h = u32::from(sign) | ((e as u32) << 10) | m;
    if rest > 0x1000 || (rest == 0x1000 && m & 1 == 1) {
        h += 1;
    }
    h as u16
}

#[cfg(test)]
mod tests {
    use super::f16_bits;

    #[test]
    fn half_floats_round_trip_known_values() {
        assert_eq!(f16_bits(0.0), 0);
        assert_eq!(f16_bits(1.0), 0x3c00);
        assert_eq!(f16_bits(0.5), 0x3800);
        assert_eq!(f16_bits(-2.0), 0xc000);
        assert_eq!(f16_bits(65504.0), 0x7bff);
        assert_eq!(f16_bits(1e6), 0x7c00);
        assert_eq!(f16_bits(f32::NAN) & 0x7c00, 0x7c00);
        assert_ne!(f16_bits(f32::NAN) & 0x3ff, 0);
        // 1 + 2^-11 is halfway between 1 and the next half: ties go to even (1).
        assert_eq!(f16_bits(1.0 + 2f32.powi(-11)), 0x3c00);
        assert_eq!(f16_bits(2f32.powi(-24)), 0x0001, "smallest subnormal");
    }
}
