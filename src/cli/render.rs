//! `glia render`: a figure drawn by the same renderer, from the same Scene, as the window.

use std::path::PathBuf;

use super::{CliError, build_session, parse_size};
use crate::model::{CameraState, SliceAxis, StandardView};

/// What a figure shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FigureView {
    /// The 3D view from a standard direction.
    Surface(StandardView),
    /// The 3D view with the session's own camera.
    ThreeD,
    /// One slice view.
    Slice(SliceAxis),
    /// Axial, coronal and sagittal side by side.
    Ortho,
    /// The trace browser of the first recording.
    Traces,
    /// The spike raster of the first spike set.
    Raster,
    /// Event-aligned raster, PSTHs, heatmap and unit statistics of the first spike set.
    Psth,
}

pub fn parse_figure_view(s: &str) -> Result<FigureView, String> {
    match s {
        "3d" => Ok(FigureView::ThreeD),
        "ortho" => Ok(FigureView::Ortho),
        "traces" => Ok(FigureView::Traces),
        "raster" => Ok(FigureView::Raster),
        "psth" => Ok(FigureView::Psth),
        "axial" => Ok(FigureView::Slice(SliceAxis::Axial)),
        "coronal" => Ok(FigureView::Slice(SliceAxis::Coronal)),
        "sagittal" => Ok(FigureView::Slice(SliceAxis::Sagittal)),
        other => other.parse().map(FigureView::Surface).map_err(|_| {
            let surfaces: Vec<_> = StandardView::ALL.iter().map(|v| v.name()).collect();
            format!(
                "unknown view {other:?} (choose one of {}, axial, coronal, sagittal, ortho, 3d, traces, raster, psth)",
                surfaces.join(", ")
            )
        }),
    }
}

/// Parses `X,Y,Z` in millimetres.
pub fn parse_point(s: &str) -> Result<glam::Vec3, String> {
    let values: Vec<f32> = s
        .split(',')
        .map(|v| v.trim().parse::<f32>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{s:?} must look like X,Y,Z in millimetres, e.g. -38,-22,58"))?;
    match values.as_slice() {
        [x, y, z] if values.iter().all(|v| v.is_finite()) => Ok(glam::Vec3::new(*x, *y, *z)),
        _ => Err(format!("{s:?} must be three numbers X,Y,Z in millimetres")),
    }
}

#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    /// Files to draw (as for `glia FILES…`); with none (and no --scene), the demo.
    pub files: Vec<PathBuf>,
    /// A session saved from the window (File › Save session); drawn exactly as saved.
    #[arg(long)]
    pub scene: Option<PathBuf>,
    /// left-lateral, right-lateral, left-medial, right-medial, dorsal, ventral, anterior,
    /// posterior (3D surfaces); axial, coronal, sagittal, ortho (slices through the crosshair);
    /// 3d (the session's camera); traces (the first recording's channels); raster and psth (the
    /// first spike set's raster, and its event-aligned views). Default: the session's camera,
    /// slices when only volumes are open, the raster when only spikes are.
    #[arg(long, value_parser = parse_figure_view)]
    pub view: Option<FigureView>,
    /// Crosshair (slice position) in world millimetres, X,Y,Z.
    #[arg(long, value_parser = parse_point, allow_hyphen_values = true)]
    pub at: Option<glam::Vec3>,
    /// Image size in pixels, WxH.
    #[arg(long, default_value = "1600x1200", value_parser = parse_size)]
    pub size: [u32; 2],
    /// Transparent background (RGBA PNG).
    #[arg(long)]
    pub transparent: bool,
    /// Draw a colorbar for the top scalar overlay or statistical map.
    #[arg(long)]
    pub colorbar: bool,
    /// Time in seconds for animated overlays (the demo's activation) and for the time cursor of
    /// recordings (what colours their electrodes).
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
    if let Some(t) = args.time {
        session.scene.time_secs = t;
        session.scene.time_cursor_secs = f64::from(t);
    }
    if let Some(at) = args.at {
        session.scene.cursor_mm = Some(at);
    }
    if args.colorbar {
        session.scene.colorbar = true;
    } else if args.scene.is_none() {
        session.scene.colorbar = false;
    }
    let only_volumes = session.scene.surfaces.is_empty() && !session.scene.volumes.is_empty();
    // Spikes alone (on the template brain when their units have positions).
    let only_spikes = session
        .scene
        .surfaces
        .iter()
        .all(|s| matches!(s.source, crate::model::Source::Demo { .. }))
        && session.scene.volumes.is_empty()
        && session.scene.recordings.is_empty()
        && !session.scene.spikes.is_empty();
    let view = args
        .view
        .unwrap_or(if only_volumes && args.scene.is_none() {
            FigureView::Ortho
        } else if only_spikes && args.scene.is_none() {
            FigureView::Raster
        } else {
            FigureView::ThreeD
        });
    if view == FigureView::ThreeD && only_volumes && args.scene.is_none() {
        // A 3D figure of volumes alone: the first one volume-rendered.
        session.scene.slices_in_3d = false;
        if let Some(first) = session.scene.volumes.first_mut() {
            first.render_3d = true;
        }
    }
    let figure = |session: &mut crate::session::Session| match view {
        FigureView::Slice(axis) => {
            crate::ui::figure::render_slices(&gpu, session, args.size, &[axis], args.transparent)
        }
        FigureView::Ortho => crate::ui::figure::render_slices(
            &gpu,
            session,
            args.size,
            &SliceAxis::ALL,
            args.transparent,
        ),
        FigureView::Surface(v) => {
            session.scene.camera = CameraState::from_view(v);
            crate::ui::figure::render_figure(&gpu, session, args.size, args.transparent)
        }
        FigureView::ThreeD => {
            crate::ui::figure::render_figure(&gpu, session, args.size, args.transparent)
        }
        FigureView::Traces => crate::ui::figure::render_traces(&gpu, session, args.size),
        FigureView::Raster => crate::ui::figure::render_raster(&gpu, session, args.size),
        FigureView::Psth => crate::ui::figure::render_psth(&gpu, session, args.size),
    };
    crate::ui::figure::check_volumes_fit(&gpu.device, &session).map_err(CliError::input)?;
    if matches!(view, FigureView::Slice(_) | FigureView::Ortho) && session.scene.volumes.is_empty()
    {
        return Err(CliError::input(
            "slice views need a volume (NIfTI or MGH/MGZ)",
        ));
    }
    if view == FigureView::Traces && session.scene.recordings.is_empty() {
        return Err(CliError::input(
            "the traces view needs a recording (EDF, BDF or BrainVision)",
        ));
    }
    if matches!(view, FigureView::Raster | FigureView::Psth) && session.scene.spikes.is_empty() {
        return Err(CliError::input(
            "the raster and psth views need sorted spikes (a Kilosort/phy folder, NWB units, a \
             unit,time_secs table or spike trains)",
        ));
    }
    let image = figure(&mut session).map_err(CliError::other)?;
    save_png(&image, &args.output)
}

pub fn save_png(image: &image::RgbaImage, path: &PathBuf) -> Result<(), CliError> {
    image
        .save_with_format(path, image::ImageFormat::Png)
        .map_err(|e| CliError::input(format!("{}: cannot write the PNG: {e}", path.display())))
}
