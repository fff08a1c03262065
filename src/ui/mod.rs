//! The window: an eframe app with an egui_tiles layout (3D view in the centre, Layers and
//! Inspector beside it), menus, drag-and-drop, a status bar with progress for background jobs,
//! and toasts for errors.
//!
//! The same [`app::GliaApp`] also runs headlessly ([`headless`]) for `glia snapshot` and UI tests,
//! and [`figure`] draws `glia render` figures with the window's own colorbar code.

pub mod app;
pub mod colorbar;
pub mod figure;
pub mod gpu_bridge;
pub mod headless;
pub mod jobs;
pub mod panels;
pub mod recent;

use std::path::PathBuf;
use std::sync::Arc;

pub use app::GliaApp;

/// Opens the window with `files` (or the demo when empty) and runs until it is closed.
pub fn run_window(files: Vec<PathBuf>) -> Result<(), eframe::Error> {
    let mut setup = egui_wgpu::WgpuSetupCreateNew::without_display_handle();
    setup.device_descriptor = Arc::new(|adapter| wgpu::DeviceDescriptor {
        label: Some("glia window device"),
        required_limits: crate::render::context::required_limits(adapter),
        required_features: crate::render::context::optional_features(adapter),
        ..Default::default()
    });
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Glia")
            .with_inner_size([1600.0, 1000.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        renderer: eframe::Renderer::Wgpu,
        // No dithering: the window shows exactly the pixels `glia render` writes.
        dithering: false,
        wgpu_options: egui_wgpu::WgpuConfiguration {
            wgpu_setup: egui_wgpu::WgpuSetup::CreateNew(setup),
            ..Default::default()
        },
        ..Default::default()
    };
    eframe::run_native(
        "Glia",
        options,
        Box::new(move |cc| {
            let render_state = cc
                .wgpu_render_state
                .clone()
                .ok_or("Glia needs the wgpu renderer, which did not start")?;
            Ok(Box::new(GliaApp::new(
                cc.egui_ctx.clone(),
                render_state,
                files,
            )))
        }),
    )
}
