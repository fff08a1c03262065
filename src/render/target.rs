//! Offscreen view targets: MSAA colour and depth, resolved into a texture that egui shows and
//! that PNG export reads back.

use super::{COLOR_FORMAT, DEPTH_FORMAT, MSAA_SAMPLES};

/// The colour and depth targets of one 3D view.
pub struct ViewTarget {
    pub size: [u32; 2],
    msaa_color: wgpu::TextureView,
    depth: wgpu::TextureView,
    resolved: wgpu::Texture,
    resolved_view: wgpu::TextureView,
}

impl ViewTarget {
    /// `size` is clamped to at least 1×1.
    pub fn new(device: &wgpu::Device, size: [u32; 2]) -> Self {
        let size = [size[0].max(1), size[1].max(1)];
        let extent = wgpu::Extent3d {
            width: size[0],
            height: size[1],
            depth_or_array_layers: 1,
        };
        let make = |label, format, samples, usage| {
            device.create_texture(&wgpu::TextureDescriptor {
                label: Some(label),
                size: extent,
                mip_level_count: 1,
                sample_count: samples,
                dimension: wgpu::TextureDimension::D2,
                format,
                usage,
                view_formats: &[],
            })
        };
        let msaa = make(
            "view colour (msaa)",
            COLOR_FORMAT,
            MSAA_SAMPLES,
            wgpu::TextureUsages::RENDER_ATTACHMENT,
        );
        let depth = make(
            "view depth",
            DEPTH_FORMAT,
            MSAA_SAMPLES,
            wgpu::TextureUsages::RENDER_ATTACHMENT,
        );
        let resolved = make(
            "view colour",
            COLOR_FORMAT,
            1,
            wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::TEXTURE_BINDING
                | wgpu::TextureUsages::COPY_SRC,
        );
        ViewTarget {
            size,
            msaa_color: msaa.create_view(&Default::default()),
            depth: depth.create_view(&Default::default()),
            resolved_view: resolved.create_view(&Default::default()),
            resolved,
        }
    }

    /// The resolved colour texture (what egui shows and export reads).
    pub fn texture(&self) -> &wgpu::Texture {
        &self.resolved
    }

    pub fn texture_view(&self) -> &wgpu::TextureView {
        &self.resolved_view
    }

    pub fn aspect(&self) -> f32 {
        self.size[0] as f32 / self.size[1] as f32
    }

    /// A render pass that clears colour (premultiplied `background`) and depth, and resolves the
    /// MSAA colour into the shown texture.
    pub fn begin_pass<'e>(
        &self,
        encoder: &'e mut wgpu::CommandEncoder,
        background: [f32; 4],
    ) -> wgpu::RenderPass<'e> {
        let [r, g, b, a] = background.map(f64::from);
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("3d view"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &self.msaa_color,
                resolve_target: Some(&self.resolved_view),
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color { r, g, b, a }),
                    store: wgpu::StoreOp::Discard,
                },
                depth_slice: None,
            })],
            depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                view: &self.depth,
                depth_ops: Some(wgpu::Operations {
                    load: wgpu::LoadOp::Clear(1.0),
                    store: wgpu::StoreOp::Discard,
                }),
                stencil_ops: None,
            }),
            ..Default::default()
        })
    }
}
