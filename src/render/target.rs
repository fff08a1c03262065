//! Offscreen view targets: colour and depth, drawn with or without MSAA and resolved into one
//! texture that egui shows and that PNG export reads back.
//!
//! A target can be drawn at [`MSAA_SAMPLES`] (figures, and every frame on a real GPU) or at one
//! sample (interaction on a software adapter, where 4× MSAA costs three times the frame time);
//! the shown texture is the same either way, so the window never re-registers it.

use super::{COLOR_FORMAT, DEPTH_FORMAT, MSAA_SAMPLES};

/// Colour and depth attachments at one sample count.
struct Attachments {
    /// `None` at one sample: the pass draws straight into the resolved texture.
    color: Option<wgpu::TextureView>,
    depth: wgpu::TextureView,
}

/// The colour and depth targets of one 3D view.
pub struct ViewTarget {
    pub size: [u32; 2],
    single: Attachments,
    /// Made on first use.
    multi: Option<Attachments>,
    resolved: wgpu::Texture,
    resolved_view: wgpu::TextureView,
}

fn texture(
    device: &wgpu::Device,
    size: [u32; 2],
    label: &str,
    format: wgpu::TextureFormat,
    samples: u32,
    usage: wgpu::TextureUsages,
) -> wgpu::Texture {
    device.create_texture(&wgpu::TextureDescriptor {
        label: Some(label),
        size: wgpu::Extent3d {
            width: size[0],
            height: size[1],
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: samples,
        dimension: wgpu::TextureDimension::D2,
        format,
        usage,
        view_formats: &[],
    })
}

impl ViewTarget {
    /// `size` is clamped to at least 1×1.
    pub fn new(device: &wgpu::Device, size: [u32; 2]) -> Self {
        let size = [size[0].max(1), size[1].max(1)];
        let resolved = texture(
            device,
            size,
            "view colour",
            COLOR_FORMAT,
            1,
            wgpu::TextureUsages::RENDER_ATTACHMENT
                | wgpu::TextureUsages::TEXTURE_BINDING
                | wgpu::TextureUsages::COPY_SRC,
        );
        let depth = texture(
            device,
            size,
            "view depth",
            DEPTH_FORMAT,
            1,
            wgpu::TextureUsages::RENDER_ATTACHMENT,
        );
        ViewTarget {
            size,
            single: Attachments {
                color: None,
                depth: depth.create_view(&Default::default()),
            },
            multi: None,
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

    /// Makes the multisampled attachments exist (before a pass borrows the target).
    pub fn prepare(&mut self, device: &wgpu::Device, samples: u32) {
        if samples > 1 && self.multi.is_none() {
            let usage = wgpu::TextureUsages::RENDER_ATTACHMENT;
            let color = texture(
                device,
                self.size,
                "view colour (msaa)",
                COLOR_FORMAT,
                MSAA_SAMPLES,
                usage,
            );
            let depth = texture(
                device,
                self.size,
                "view depth (msaa)",
                DEPTH_FORMAT,
                MSAA_SAMPLES,
                usage,
            );
            self.multi = Some(Attachments {
                color: Some(color.create_view(&Default::default())),
                depth: depth.create_view(&Default::default()),
            });
        }
    }

    /// A render pass at `samples` (1 or [`MSAA_SAMPLES`]; call [`ViewTarget::prepare`] first)
    /// that clears colour (premultiplied `background`) and depth, and ends in the shown texture.
    pub fn begin_pass<'e>(
        &self,
        encoder: &'e mut wgpu::CommandEncoder,
        background: [f32; 4],
        samples: u32,
    ) -> wgpu::RenderPass<'e> {
        let attachments = match (&self.multi, samples > 1) {
            (Some(multi), true) => multi,
            _ => &self.single,
        };
        let [r, g, b, a] = background.map(f64::from);
        let (view, resolve_target, store) = match &attachments.color {
            Some(msaa) => (msaa, Some(&self.resolved_view), wgpu::StoreOp::Discard),
            None => (&self.resolved_view, None, wgpu::StoreOp::Store),
        };
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("3d view"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view,
                resolve_target,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color { r, g, b, a }),
                    store,
                },
                depth_slice: None,
            })],
            depth_stencil_attachment: Some(wgpu::RenderPassDepthStencilAttachment {
                view: &attachments.depth,
                depth_ops: Some(wgpu::Operations {
                    load: wgpu::LoadOp::Clear(1.0),
                    store: wgpu::StoreOp::Discard,
                }),
                stencil_ops: None,
            }),
            ..Default::default()
        })
    }

    /// The sample count a pass at `samples` really uses.
    pub fn effective_samples(&self, samples: u32) -> u32 {
        if samples > 1 && self.multi.is_some() {
            MSAA_SAMPLES
        } else {
            1
        }
    }
}
