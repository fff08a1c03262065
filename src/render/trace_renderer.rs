//! Signal traces: every row of the trace browser as a vertical span per pixel column (see
//! [`TraceStrip`]), drawn by one pipeline. Spans go to a texture; each instance is a chunk of
//! columns of one row, drawn as its bounding box, and the fragment shader keeps the pixels in
//! the column's span. That is a few thousand quads per frame instead of hundreds of thousands of
//! line primitives: software rasterisers (lavapipe) pay per primitive, GPUs do not mind. No egui
//! shapes per sample.

use bytemuck::{Pod, Zeroable};

use super::ViewTarget;
use super::layouts::{color_target, depth_state, multisample, uniform_buffer, uniform_entry};

/// Columns per instance.
const CHUNK: usize = 512;

/// One row's trace: for each pixel column of the view, the span `[top, bottom]` in view pixels
/// (y down) that the trace covers there; `[+inf, -inf]` where it has none.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceStrip {
    /// sRGB colour with straight alpha.
    pub color: [u8; 4],
    pub spans: Vec<[f32; 2]>,
}

impl TraceStrip {
    /// A strip with no trace, `width` columns wide.
    pub fn empty(color: [u8; 4], width: usize) -> Self {
        TraceStrip {
            color,
            spans: vec![[f32::INFINITY, f32::NEG_INFINITY]; width],
        }
    }

    /// Widens column `c`'s span to include `[top, bottom]` (ignored outside the strip or when
    /// not finite).
    pub fn extend(&mut self, c: i64, top: f32, bottom: f32) {
        if c < 0 || !(top.is_finite() && bottom.is_finite()) {
            return;
        }
        if let Some(span) = self.spans.get_mut(c as usize) {
            span[0] = span[0].min(top.min(bottom));
            span[1] = span[1].max(top.max(bottom));
        }
    }

    /// Whether any column has a trace.
    pub fn is_empty(&self) -> bool {
        !self.spans.iter().any(|s| s[0] <= s[1])
    }
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
struct Chunk {
    bounds: [f32; 4],
    row: u32,
    color: [u8; 4],
}

/// Draws [`TraceStrip`]s into a view.
pub struct TraceRenderer {
    device: wgpu::Device,
    queue: wgpu::Queue,
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    uniform: wgpu::Buffer,
    /// The span texture (columns × rows) and its bind group.
    spans: Option<(wgpu::Texture, wgpu::BindGroup)>,
    instances: wgpu::Buffer,
    capacity: u64,
    /// Reused between frames.
    texels: Vec<[f32; 2]>,
    chunks: Vec<Chunk>,
}

impl TraceRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("traces.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/traces.wgsl").into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("traces"),
            entries: &[
                uniform_entry(0, wgpu::ShaderStages::VERTEX),
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: false },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
            ],
        });
        let uniform = uniform_buffer(device, "traces view", 16);
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("traces"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("traces"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: std::mem::size_of::<Chunk>() as u64,
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
        let capacity = 1 << 12;
        TraceRenderer {
            device: device.clone(),
            queue: queue.clone(),
            pipeline,
            layout,
            uniform,
            spans: None,
            instances: Self::instance_buffer(device, capacity),
            capacity,
            texels: Vec::new(),
            chunks: Vec::new(),
        }
    }

    fn instance_buffer(device: &wgpu::Device, n: u64) -> wgpu::Buffer {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("trace chunks"),
            size: n * std::mem::size_of::<Chunk>() as u64,
            usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Makes sure the span texture holds at least `width × rows` texels.
    fn ensure_texture(&mut self, width: u32, rows: u32) {
        let fits = self
            .spans
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
            label: Some("trace spans"),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Rg32Float,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        let view = texture.create_view(&Default::default());
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("traces"),
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
        self.spans = Some((texture, bind_group));
    }

    /// Draws `strips` (one per row, each as wide as the view) over `background`
    /// (premultiplied sRGB RGBA).
    pub fn draw(&mut self, target: &mut ViewTarget, background: [f32; 4], strips: &[TraceStrip]) {
        let width = target.size[0] as usize;
        let max = self.device.limits().max_texture_dimension_2d as usize;
        let strips = &strips[..strips.len().min(max)];
        self.texels.clear();
        self.chunks.clear();
        for (r, strip) in strips.iter().enumerate() {
            let spans = &strip.spans[..strip.spans.len().min(width)];
            self.texels.extend_from_slice(spans);
            self.texels.extend(std::iter::repeat_n(
                [f32::INFINITY, f32::NEG_INFINITY],
                width - spans.len(),
            ));
            for (k, chunk) in spans.chunks(CHUNK).enumerate() {
                let (top, bottom) = chunk
                    .iter()
                    .filter(|s| s[0] <= s[1])
                    .fold((f32::INFINITY, f32::NEG_INFINITY), |(t, b), s| {
                        (t.min(s[0]), b.max(s[1]))
                    });
                if top <= bottom {
                    let x0 = (k * CHUNK) as f32;
                    self.chunks.push(Chunk {
                        bounds: [
                            x0,
                            top.floor() - 1.0,
                            x0 + chunk.len() as f32,
                            bottom.ceil() + 1.0,
                        ],
                        row: r as u32,
                        color: strip.color,
                    });
                }
            }
        }
        let n = self.chunks.len() as u64;
        if n > self.capacity {
            self.capacity = n.next_power_of_two();
            self.instances = Self::instance_buffer(&self.device, self.capacity);
        }
        if n > 0 {
            self.ensure_texture(width as u32, strips.len() as u32);
            let (texture, _) = self.spans.as_ref().expect("made above");
            self.queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture,
                    mip_level: 0,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                bytemuck::cast_slice(&self.texels),
                wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some((width * 8) as u32),
                    rows_per_image: Some(strips.len() as u32),
                },
                wgpu::Extent3d {
                    width: width as u32,
                    height: strips.len() as u32,
                    depth_or_array_layers: 1,
                },
            );
            self.queue
                .write_buffer(&self.instances, 0, bytemuck::cast_slice(&self.chunks));
        }
        let size = [target.size[0] as f32, target.size[1] as f32, 0.0, 0.0];
        self.queue
            .write_buffer(&self.uniform, 0, bytemuck::cast_slice(&size));
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = target.begin_pass(&mut encoder, background, 1);
            if n > 0
                && let Some((_, bind_group)) = &self.spans
            {
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, bind_group, &[]);
                pass.set_vertex_buffer(
                    0,
                    self.instances
                        .slice(..n * std::mem::size_of::<Chunk>() as u64),
                );
                pass.draw(0..6, 0..n as u32);
            }
        }
        self.queue.submit([encoder.finish()]);
    }
}
