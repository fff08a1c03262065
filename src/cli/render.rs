//! `glia render`: a figure drawn by the same renderer, from the same Scene, as the window.

use std::path::PathBuf;

use super::{CliError, build_session, parse_size, parse_view};
use crate::model::{CameraState, StandardView};

#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// Files to draw (as for `glia FILES…`); with none (and no --scene), the demo brain.
    pub files: Vec<PathBuf>,
    /// A session saved from the window (File ▸ Save session); drawn exactly as saved.
    #[arg(long)]
    pub scene: Option<PathBuf>,
    /// Standard view (default: the session's camera, or left-lateral).
    #[arg(long, value_parser = parse_view)]
    pub view: Option<StandardView>,
    /// Image size in pixels, WxH.
    #[arg(long, default_value = "1600x1200", value_parser = parse_size)]
    pub size: [u32; 2],
    /// Transparent background (RGBA PNG).
    #[arg(long)]
    pub transparent: bool,
    /// Draw a colorbar for the top scalar overlay.
    #[arg(long)]
    pub colorbar: bool,
    /// Time in seconds for animated overlays (the demo's activation).
    #[arg(long)]
    pub time: Option<f32>,
    /// Output PNG.
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(args: &RenderArgs) -> Result<(), CliError> {
    let gpu = crate::render::GpuContext::headless()?;
    crate::render::context::check_image_size(&gpu.device, args.size)?;
    let mut session = build_session(&args.files, args.scene.as_ref())?;
    if let Some(view) = args.view {
        session.scene.camera = CameraState::from_view(view);
    }
    if let Some(t) = args.time {
        session.scene.time_secs = t;
    }
    if args.colorbar {
        session.scene.colorbar = true;
    } else if args.scene.is_none() {
        session.scene.colorbar = false;
    }
    let image = crate::ui::figure::render_figure(&gpu, &mut session, args.size, args.transparent)
        .map_err(CliError::other)?;
    save_png(&image, &args.output)
}

pub fn save_png(image: &image::RgbaImage, path: &PathBuf) -> Result<(), CliError> {
    image
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| CliError::input(format!("{}: cannot write the PNG: {e}", path.display())))
}
