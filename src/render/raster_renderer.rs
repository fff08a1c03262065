//! Spike rasters: rows of ticks, one row per unit (or per trial of an aligned raster). The
//! spikes of every row are counted per pixel column first ([`crate::dsp::spikes::raster_counts`],
//! whose cost does not grow with the number of spikes shown); the counts go to a texture and
//! each row is one quad whose fragment shader draws a tick where its column holds spikes.

use bytemuck::{Pod, Zeroable};

use super::ViewTarget;
use super::layouts::{color_target, depth_state, multisample, uniform_buffer, uniform_entry};

/// One row of ticks: where it lies and its colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RasterBand {
    /// Top and bottom in view pixels (y down).
    pub top: f32,
    pub bottom: f32,
    /// sRGB colour with straight alpha.
    pub color: [u8; 4],
}

#[repr(C)]
#[derive(Clone, Copy, Debug, Pod, Zeroable)]
struct Instance {
    bounds: [f32; 4],
    row: u32,
    color: [u8; 4],
}

/// Draws rasters into a view.
pub struct RasterRenderer {
    device: wgpu::Device,
    queue: wgpu::Queue,
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    uniform: wgpu::Buffer,
    counts: Option<(wgpu::Texture, wgpu::BindGroup)>,
    instances: wgpu::Buffer,
    capacity: u64,
    scratch: Vec<Instance>,
}

impl RasterRenderer {
    pub fn new(device: &wgpu::Device, queue: &wgpu::Queue) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("raster.wgsl"),
            source: wgpu::ShaderSource::Wgsl(include_str!("../../shaders/raster.wgsl").into()),
        });
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("raster"),
            entries: &[
                uniform_entry(0, wgpu::ShaderStages::VERTEX | wgpu::ShaderStages::FRAGMENT),
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Uint,
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
            ],
        });
        let uniform = uniform_buffer(device, "raster view", 16);
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("raster"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("raster"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: std::mem::size_of::<Instance>() as u64,
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
        RasterRenderer {
            device: device.clone(),
            queue: queue.clone(),
            pipeline,
            layout,
            uniform,
            counts: None,
            instances: Self::instance_buffer(device, capacity),
            capacity,
            scratch: Vec::new(),
        }
    }

    fn instance_buffer(device: &wgpu::Device, n: u64) -> wgpu::Buffer {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("raster rows"),
            size: n * std::mem::size_of::<Instance>() as u64,
            usage: wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    fn ensure_texture(&mut self, width: u32, rows: u32) {
        let fits = self
            .counts
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
            label: Some("raster counts"),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::R32Uint,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        });
        let view = texture.create_view(&Default::default());
        let bind_group = self.device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("raster"),
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
        self.counts = Some((texture, bind_group));
    }

    /// Draws rows of ticks over `background` (premultiplied RGBA). `counts` holds
    /// `bands.len() × columns` spike counts, row-major; column `c` is drawn at view pixel
    /// `x0 + c` for `x0 = left`. `saturation` is the count drawn fully opaque.
    pub fn draw(
        &mut self,
        target: &mut ViewTarget,
        background: [f32; 4],
        bands: &[RasterBand],
        counts: &[u32],
        columns: usize,
        saturation: f32,
    ) {
        let max = self.device.limits().max_texture_dimension_2d as usize;
        let columns = columns.min(max).min(target.size[0] as usize);
        let n_rows = bands.len().min(max);
        self.scratch.clear();
        for (r, band) in bands[..n_rows].iter().enumerate() {
            if band.bottom > band.top {
                self.scratch.push(Instance {
                    bounds: [0.0, band.top, columns as f32, band.bottom],
                    row: r as u32,
                    color: band.color,
                });
            }
        }
        let n = self.scratch.len() as u64;
        let has_counts = n > 0 && columns > 0 && counts.len() >= n_rows * columns;
        if has_counts {
            if n > self.capacity {
                self.capacity = n.next_power_of_two();
                self.instances = Self::instance_buffer(&self.device, self.capacity);
            }
            self.ensure_texture(columns as u32, n_rows as u32);
            let (texture, _) = self.counts.as_ref().expect("made above");
            // Rows of the count image may be wider than the texture allows; copy row by row
            // only then.
            let full_width = counts.len() / bands.len().max(1);
            let data: std::borrow::Cow<[u32]> = if full_width == columns {
                std::borrow::Cow::Borrowed(&counts[..n_rows * columns])
            } else {
                std::borrow::Cow::Owned(
                    counts
                        .chunks(full_width)
                        .take(n_rows)
                        .flat_map(|row| row[..columns].iter().copied())
                        .collect(),
                )
            };
            self.queue.write_texture(
                wgpu::TexelCopyTextureInfo {
                    texture,
                    mip_level: 0,
                    origin: wgpu::Origin3d::ZERO,
                    aspect: wgpu::TextureAspect::All,
                },
                bytemuck::cast_slice(&data),
                wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some((columns * 4) as u32),
                    rows_per_image: Some(n_rows as u32),
                },
                wgpu::Extent3d {
                    width: columns as u32,
                    height: n_rows as u32,
                    depth_or_array_layers: 1,
                },
            );
            self.queue
                .write_buffer(&self.instances, 0, bytemuck::cast_slice(&self.scratch));
        }
        let uniform = [
            target.size[0] as f32,
            target.size[1] as f32,
            saturation.max(2.0),
            0.0,
        ];
        self.queue
            .write_buffer(&self.uniform, 0, bytemuck::cast_slice(&uniform));
        let mut encoder = self.device.create_command_encoder(&Default::default());
        {
            let mut pass = target.begin_pass(&mut encoder, background, 1);
            if has_counts && let Some((_, bind_group)) = &self.counts {
                pass.set_pipeline(&self.pipeline);
                pass.set_bind_group(0, bind_group, &[]);
                pass.set_vertex_buffer(
                    0,
                    self.instances
                        .slice(..n * std::mem::size_of::<Instance>() as u64),
                );
                pass.draw(0..6, 0..n as u32);
            }
        }
        self.queue.submit([encoder.finish()]);
    }
}

/// Bands for `rows` rows filling `height` pixels from the top, with a one-pixel gap between
/// rows taller than four pixels.
pub fn bands_for(colors: impl ExactSizeIterator<Item = [u8; 4]>, height: f32) -> Vec<RasterBand> {
    let n = colors.len().max(1) as f32;
    let h = height / n;
    let gap = if h > 4.0 { 1.0 } else { 0.0 };
    colors
        .enumerate()
        .map(|(i, color)| {
            let top = (i as f32 * h).round();
            let bottom = ((i + 1) as f32 * h).round() - gap;
            RasterBand {
                top,
                bottom: bottom.max(top + 1.0),
                color,
            }
        })
        .collect()
}

/// The count drawn fully opaque: the 99th percentile of the nonzero counts (at least 2).
pub fn saturation(counts: &[u32]) -> f32 {
    let mut nz: Vec<u32> = counts.iter().copied().filter(|&c| c > 0).collect();
    if nz.is_empty() {
        return 2.0;
    }
    let k = ((nz.len() - 1) as f64 * 0.99) as usize;
    let (_, v, _) = nz.select_nth_unstable(k);
    (*v as f32).max(2.0)
}
