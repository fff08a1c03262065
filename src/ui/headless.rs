//! egui without a window: runs the real app (or a figure layout) against a fixed-size screen
//! and renders its output with egui-wgpu into a texture that is read back. Used by
//! `glia snapshot`, `glia render --colorbar` and the UI tests.

use std::path::PathBuf;
use std::sync::Arc;

use crate::model::Theme;
use crate::render::{COLOR_FORMAT, GpuContext, RenderError, export};

use super::GliaApp;

/// An egui context with its own egui-wgpu renderer on a headless device.
pub struct HeadlessEgui {
    pub ctx: egui::Context,
    pub render_state: egui_wgpu::RenderState,
}

impl HeadlessEgui {
    pub fn new(gpu: &GpuContext) -> Self {
        let renderer = egui_wgpu::Renderer::new(
            &gpu.device,
            COLOR_FORMAT,
            egui_wgpu::RendererOptions::PREDICTABLE,
        );
        let render_state = egui_wgpu::RenderState {
            adapter: gpu.adapter.clone(),
            available_adapters: vec![gpu.adapter.clone()],
            instance: gpu.instance.clone(),
            device: gpu.device.clone(),
            queue: gpu.queue.clone(),
            target_format: COLOR_FORMAT,
            renderer: Arc::new(egui::mutex::RwLock::new(renderer)),
        };
        let ctx = egui::Context::default();
        ctx.all_styles_mut(|style| {
            style.animation_time = 0.0;
            style.visuals.text_cursor.blink = false;
        });
        HeadlessEgui { ctx, render_state }
    }

    /// Makes a wgpu texture available to egui.
    pub fn register_texture(&self, view: &wgpu::TextureView) -> egui::TextureId {
        self.render_state.renderer.write().register_native_texture(
            &self.render_state.device,
            view,
            wgpu::FilterMode::Linear,
        )
    }

    /// Runs one egui pass on a screen of `size_px` pixels at `pixels_per_point`.
    pub fn run(
        &mut self,
        size_px: [u32; 2],
        pixels_per_point: f32,
        time: f64,
        mut ui_fn: impl FnMut(&mut egui::Ui),
    ) -> egui::FullOutput {
        let size_points = egui::vec2(size_px[0] as f32, size_px[1] as f32) / pixels_per_point;
        let mut input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, size_points)),
            time: Some(time),
            ..Default::default()
        };
        if let Some(viewport) = input.viewports.get_mut(&egui::ViewportId::ROOT) {
            viewport.native_pixels_per_point = Some(pixels_per_point);
        }
        let mut output = self.ctx.run_ui(input, |ui| ui_fn(ui));
        let mut delta = std::mem::take(&mut output.textures_delta);
        let mut renderer = self.render_state.renderer.write();
        for (id, images) in &delta.set {
            for image in images {
                renderer.update_texture(
                    &self.render_state.device,
                    &self.render_state.queue,
                    *id,
                    image,
                );
            }
        }
        for id in &delta.free {
            renderer.free_texture(id);
        }
        delta.clear();
        output
    }

    /// Renders a pass's output into an image of `size_px` pixels (premultiplied alpha).
    pub fn paint(
        &mut self,
        output: egui::FullOutput,
        size_px: [u32; 2],
    ) -> Result<image::RgbaImage, RenderError> {
        let device = &self.render_state.device;
        let queue = &self.render_state.queue;
        let ppp = output.pixels_per_point;
        let primitives = self.ctx.tessellate(output.shapes, ppp);
        let screen = egui_wgpu::ScreenDescriptor {
            size_in_pixels: size_px,
            pixels_per_point: ppp,
        };
        let texture = device.create_texture(&wgpu::TextureDescriptor {
            label: Some("egui headless"),
            size: wgpu::Extent3d {
                width: size_px[0],
                height: size_px[1],
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: COLOR_FORMAT,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
            view_formats: &[],
        });
        let view = texture.create_view(&Default::default());
        let mut encoder = device.create_command_encoder(&Default::default());
        let mut renderer = self.render_state.renderer.write();
        let user_buffers =
            renderer.update_buffers(device, queue, &mut encoder, &primitives, &screen);
        {
            let mut pass = encoder
                .begin_render_pass(&wgpu::RenderPassDescriptor {
                    label: Some("egui headless"),
                    color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                        view: &view,
                        resolve_target: None,
                        ops: wgpu::Operations {
                            load: wgpu::LoadOp::Clear(wgpu::Color::TRANSPARENT),
                            store: wgpu::StoreOp::Store,
                        },
                        depth_slice: None,
                    })],
                    ..Default::default()
                })
                .forget_lifetime();
            renderer.render(&mut pass, &primitives, &screen);
        }
        queue.submit(user_buffers.into_iter().chain([encoder.finish()]));
        drop(renderer);
        export::read_rgba(device, queue, &texture)
    }
}

/// Why a snapshot failed; `is_input` marks bad files (exit code 2).
#[derive(Debug)]
pub struct SnapshotError {
    pub is_input: bool,
    pub message: String,
}

/// Runs the whole app headlessly on `files` (or the demo) until its background jobs are done,
/// and renders the window at `size` points.
pub fn snapshot(
    gpu: &GpuContext,
    files: &[PathBuf],
    size: [u32; 2],
    light: bool,
) -> Result<image::RgbaImage, SnapshotError> {
    let mut egui = HeadlessEgui::new(gpu);
    let mut app = GliaApp::with_options(
        egui.ctx.clone(),
        egui.render_state.clone(),
        files.to_vec(),
        false,
    );
    let (output, errors) = run_until_idle(&mut egui, &mut app, size, light);
    if !errors.is_empty() {
        return Err(SnapshotError {
            is_input: true,
            message: errors.join("; "),
        });
    }
    egui.paint(output, size).map_err(|e| SnapshotError {
        is_input: false,
        message: e.to_string(),
    })
}

/// Steps the app until no background job runs, then a few frames more so the layout settles.
pub fn run_until_idle(
    egui: &mut HeadlessEgui,
    app: &mut GliaApp,
    size: [u32; 2],
    light: bool,
) -> (egui::FullOutput, Vec<String>) {
    let started = std::time::Instant::now();
    let mut settle = 0;
    loop {
        if light {
            app.state.session.scene.theme = Theme::Light;
        }
        let output = egui.run(size, 1.0, 0.0, |ui| app.ui_root(ui));
        // The demo's live decoding is part of the picture: wait (up to 20 s) until it has
        // drawn two seconds of decoded cursor.
        let decoding_shown =
            app.state.decoding.has_shown_decoding(2.0) || started.elapsed().as_secs_f64() > 20.0;
        if app.state.is_settled() && decoding_shown {
            settle += 1;
        } else {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        if settle >= 4 || started.elapsed().as_secs() > 600 {
            return (output, app.state.errors.clone());
        }
    }
}
