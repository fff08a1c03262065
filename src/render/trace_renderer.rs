//! Signal traces: many thousands of one-pixel line segments per frame (the trace browser's
//! channels), drawn by one pipeline from a vertex buffer that grows as needed and is rewritten
//! each frame. No egui shapes per sample.

use bytemuck::{Pod, Zeroable};

use super::ViewTarget;
use super::layouts::{color_target, depth_state, multisample, uniform_buffer, uniform_entry};

/// One end of a line segment: position in view pixels (0,0 top-left), sRGB colour with alpha.
#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
pub struct TraceVertex {
    pub position: [f32; 2],
    pub color: [u8; 4],
}

/// Draws line segments (pairs of [`TraceVertex`]) into a view.
pub struct TraceRenderer {
    device: wgpu::Device,
    queue: wgpu::Queue,
    pipeline: wgpu::RenderPipeline,
    uniform: wgpu::Buffer,
    bind_group: wgpu::BindGroup,
    vertices: wgpu::Buffer,
    capacity: u64,
}

impl TraceRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("traces.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/traces.wgsl").into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("traces"),
            entries: &[uniform_entry(0, wgpu::ShaderStages::VERTEX)],
        });
        let uniform = uniform_buffer(device, "traces view", 16);
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("traces"),
            layout: &layout,
            entries: &[wgpu::BindGroupEntry {
                binding: 0,
                resource: uniform.as_entire_binding(),
            }],
        });
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
                    array_stride: std::mem::size_of::<TraceVertex>() as u64,
                    step_mode: wgpu::VertexStepMode::Vertex,
                    attributes: &wgpu::vertex_attr_array![0 => Float32x2, 1 => Unorm8x4],
                })],
                compilation_options: Default::default(),
            },
            primitive: wgpu::PrimitiveState {
                topology: wgpu::PrimitiveTopology::LineList,
                ..Default::default()
            },
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
        let capacity = 1 << 16;
        TraceRenderer {
            device: device.clone(),
            queue: queue.clone(),
            pipeline,
            uniform,
            bind_group,
            vertices: Self::vertex_buffer(device, capacity),
            capacity,
        }
    }

    fn vertex_buffer(device: &wgpu::Device, vertices: u64) -> wgpu::Buffer {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("trace vertices"),
            size: vertices * std::mem::size_of::<TraceVertex>() as u64,
            usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Draws `segments` (pairs of vertices) over `background` (premultiplied sRGB RGBA).
    pub fn draw(
        &mut self,
        target: &mut ViewTarget,
        background: [f32; 4],
        segments: &[TraceVertex],
    ) {
        let n = segments.len() as u64 & !1;
        if n > self.capacity {
            let max =
                self.device.limits().max_buffer_size / std::mem::size_of::<TraceVertex>() as u64;
            self.capacity = n.next_power_of_two().min(max);
            self.vertices = Self::vertex_buffer(&self.device, self.capacity);
        }
        let n = n.min(self.capacity);
        if n > 0 {
            self.queue.write_buffer(
                &self.vertices,
                0,
                bytemuck::cast_slice(&segments[..n as usize]),
            );
        }
        let size = [target.size[0] as f32, target.size[1] as f32, 0.0, 0.0];
        self.queue
            .write_buffer(&self.uniform, 0, bytemuck::cast_slice(&size));
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = target.begin_pass(&mut encoder, background, 1);
            if n > 0 {
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, &self.bind_group, &[]);
                pass.set_vertex_buffer(
                    0,
                    self.vertices
                        .slice(..n * std::mem::size_of::<TraceVertex>() as u64),
                );
                pass.draw(0..n as u32, 0..1);
            }
        }
        self.queue.submit([encoder.finish()]);
    }
}
