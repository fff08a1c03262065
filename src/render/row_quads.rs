//! The pipeline the trace browser and the spike raster share: instanced quads (a box in view
//! pixels, a row index and a colour each) over a texture with one texel per pixel column and
//! row, which each fragment shader reads to decide what to draw (a trace's span, a column's
//! spike count). The vertex stage is `shaders/rows.wgsl`, prepended to each view's fragment
//! stage ([`super::TRACES_WGSL`], [`super::RASTER_WGSL`]).

use bytemuck::{Pod, Zeroable};

use super::ViewTarget;
use super::layouts::{
    color_target, depth_state, multisample, texture_entry, uniform_buffer, uniform_entry,
};

/// One quad: `bounds` is x0, y0, x1, y1 in view pixels (y down), `row` the texture row its
/// fragments read, `color` sRGB with straight alpha.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct RowQuad {
    pub bounds: [f32; 4],
    pub row: u32,
    pub color: [u8; 4],
}

/// Per-column data for one draw: `width × rows` texels, row-major.
#[derive(Clone, Copy, Debug)]
pub struct Texels<'a> {
    pub bytes: &'a [u8],
    pub width: usize,
    pub rows: usize,
}

/// A texture format for the per-column data, with how shaders sample it.
#[derive(Clone, Copy, Debug)]
pub struct RowTexture {
    pub format: wgpu::TextureFormat,
    pub sample_type: wgpu::TextureSampleType,
    /// Bytes per texel.
    pub texel_bytes: usize,
}

/// Quads over a per-column texture, drawn into a view.
pub struct RowQuads {
    device: wgpu::Device,
    queue: wgpu::Queue,
    label: &'static str,
    texture_kind: RowTexture,
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    uniform: wgpu::Buffer,
    texture: Option<(wgpu::Texture, wgpu::BindGroup)>,
    instances: wgpu::Buffer,
    capacity: u64,
}

impl RowQuads {
    /// A pipeline from `wgsl`: the shared vertex stage followed by a fragment stage that
    /// declares binding 1 (the texture) and `fs_main`.
    pub fn new(
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        label: &'static str,
        wgsl: &'static str,
        texture_kind: RowTexture,
    ) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(label),
            source: wgpu::ShaderSource::Wgsl(wgsl.into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some(label),
            entries: &[
                uniform_entry(0, wgpu::ShaderStages::VERTEX | wgpu::ShaderStages::FRAGMENT),
                texture_entry(
                    1,
                    wgpu::ShaderStages::FRAGMENT,
                    wgpu::TextureViewDimension::D2,
                    texture_kind.sample_type,
                ),
            ],
        });
        let uniform = uniform_buffer(device, label, 16);
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(label),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some(label),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: std::mem::size_of::<RowQuad>() as u64,
                    step_mode: wgpu::VertexStepMode::Instance,
                    attributes: &wgpu::vertex_attr_array![
                        0 => Float32x4, 1 => Uint32, 2 => Unorm8x4
                    ],
                })],
                compilation_options: Default::default(),
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: depth_state(false, wgpu::CompareFunction::Always),
            multisample: multisample(1),
            fragment: Some(wgpu::FragmentState {
                module: &module,
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
        let capacity = 1 << 10;
        RowQuads {
            device: device.clone(),
            queue: queue.clone(),
            label,
            texture_kind,
            pipeline,
            layout,
            uniform,
            texture: None,
            instances: Self::instance_buffer(device, label, capacity),
            capacity,
        }
    }

    fn instance_buffer(device: &wgpu::Device, label: &str, n: u64) -> wgpu::Buffer {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size: n * std::mem::size_of::<RowQuad>() as u64,
            usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// The largest texture side the device allows (rows beyond it are not drawn).
    pub fn max_side(&self) -> usize {
        self.device.limits().max_texture_dimension_2d as usize
    }

    fn ensure_texture(&mut self, width: u32, rows: u32) {
        let fits = self
            .texture
            .as_ref()
            .is_some_and(|(t, _)| t.width() >= width && t.height() >= rows);
        if fits {
            return;
        }
        let max = self.device.limits().max_texture_dimension_2d;
        let size = wgpu::Extent3d {
            width: width.next_power_of_two().clamp(1, max),
            height: rows.next_power_of_two().clamp(1, max),
            depth_or_array_layers: 1,
        };
        let texture = self.device.create_texture(&wgpu::TextureDescriptor {
            label: Some(self.label),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: self.texture_kind.format,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        let view = texture.create_view(&Default::default());
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(self.label),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: self.uniform.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::TextureView(&view),
                },
            ],
        });
        self.texture = Some((texture, bind_group));
    }

    /// Clears the view to `background` (premultiplied RGBA) and draws `quads` over `texels`.
    /// `extra` fills the uniform after the view size (`[width, height, extra[0], extra[1]]`).
    pub fn draw(
        &mut self,
        target: &mut ViewTarget,
        background: [f32; 4],
        quads: &[RowQuad],
        texels: Texels<'_>,
        extra: [f32; 2],
    ) {
        let Texels {
            bytes: texels,
            width,
            rows,
        } = texels;
        let n = quads.len() as u64;
        let drawn = n > 0
            && width > 0
            && rows > 0
            && texels.len() >= width * rows * self.texture_kind.texel_bytes;
        if drawn {
            if n > self.capacity {
                self.capacity = n.next_power_of_two();
                self.instances = Self::instance_buffer(&self.device, self.label, self.capacity);
            }
            self.ensure_texture(width as u32, rows as u32);
            let (texture, _) = self.texture.as_ref().expect("made above");
            self.queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture,
                    mip_level: 0,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                &texels[..width * rows * self.texture_kind.texel_bytes],
                wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some((width * self.texture_kind.texel_bytes) as u32),
                    rows_per_image: Some(rows as u32),
                },
                wgpu::Extent3d {
                    width: width as u32,
                    height: rows as u32,
                    depth_or_array_layers: 1,
                },
            );
            self.queue
                .write_buffer(&self.instances, 0, bytemuck::cast_slice(quads));
        }
        let uniform = [
            target.size[0] as f32,
            target.size[1] as f32,
            extra[0],
            extra[1],
        ];
        self.queue
            .write_buffer(&self.uniform, 0, bytemuck::cast_slice(&uniform));
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = target.begin_pass(&mut encoder, background, 1);
            if drawn && let Some((_, bind_group)) = &self.texture {
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, bind_group, &[]);
                pass.set_vertex_buffer(
                    0,
                    self.instances
                        .slice(..n * std::mem::size_of::<RowQuad>() as u64),
                );
                pass.draw(0..6, 0..n as u32);
            }
        }
        self.queue.submit([encoder.finish()]);
    }
}
