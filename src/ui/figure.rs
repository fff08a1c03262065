//! Figures: the 3D view drawn from a Scene, shared by the window and `glia render` so both give
//! the same pixels, with the colorbar painted by the same egui code in both.

use egui::{Color32, Pos2, Rect};

use crate::render::{Camera, GpuContext, MSAA_SAMPLES, SceneRenderer, ViewTarget, export};
use crate::session::Session;

/// Width of the strip kept free for the colorbar at the right of a view, in points.
pub const COLORBAR_STRIP_POINTS: f32 = 100.0;

/// Scale of text and colorbar in a figure: 1 up to 900 pixels high, then growing with it, so a
/// large export keeps the proportions of the window.
pub fn figure_pixels_per_point(size: [u32; 2]) -> f32 {
    (size[1] as f32 / 900.0).max(1.0)
}

/// Whether the Scene shows a colorbar (asked for, and a scalar overlay to describe).
pub fn shows_colorbar(session: &Session) -> bool {
    session.scene.colorbar
        && session
            .colorbar_overlay(session.scene.camera.view)
            .is_some()
}

/// Draws the session's Scene into `target`, leaving room for the colorbar when one is shown
/// (`pixels_per_point` sizes that room). Returns the camera used (for picking).
pub fn draw_scene(
    renderer: &mut SceneRenderer,
    target: &mut ViewTarget,
    session: &mut Session,
    transparent: bool,
    pixels_per_point: f32,
    samples: u32,
) -> Camera {
    session.update_animation();
    let view = session.scene.camera.view;
    let margin = if shows_colorbar(session) {
        COLORBAR_STRIP_POINTS * pixels_per_point / target.size[0] as f32
    } else {
        0.0
    };
    let camera = Camera::frame_with_margin(
        &session.scene.camera,
        session.bounds(view),
        target.aspect(),
        margin,
    );
    let background = if transparent {
        [0.0; 4]
    } else {
        let [r, g, b] = session.scene.theme.background();
        [r, g, b, 1.0]
    };
    let draws = session.draw_list(view);
    let planes = session.planes_3d(camera.clip_from_world());
    let volumes = session.volume_draws();
    let raymarched = session.raymarch_draws(&camera);
    renderer.draw_3d(
        target,
        &camera,
        background,
        &draws,
        &planes,
        &volumes,
        &raymarched,
        samples,
    );
    camera
}

/// Checks every visible volume fits the device's 3D textures (a message naming it otherwise).
pub fn check_volumes_fit(device: &wgpu::Device, session: &Session) -> Result<(), String> {
    let max = device.limits().max_texture_dimension_3d as usize;
    for layer in session.scene.volumes.iter().filter(|l| l.visible) {
        if let Some(data) = session.volume_data(layer.id)
            && data.volume.dims.iter().any(|&d| d > max)
        {
            let [x, y, z] = data.volume.dims;
            return Err(format!(
                "{}: {x}×{y}×{z} voxels is more than this GPU's 3D textures hold ({max} per side)",
                layer.name
            ));
        }
    }
    Ok(())
}

/// Paints what goes over the 3D image in both the window and figures: the colorbar.
pub fn paint_decorations(painter: &egui::Painter, rect: Rect, session: &Session, text: Color32) {
    let [r, g, b] = session
        .scene
        .theme
        .background()
        .map(|c| (c * 255.0).round() as u8);
    let background = Color32::from_rgb(r, g, b);
    if !session.scene.colorbar {
        return;
    }
    if let Some(layer) = session.colorbar_overlay(session.scene.camera.view) {
        super::colorbar::paint_colorbar(painter, rect, &layer.into(), text, background);
    }
}

/// Whether a 3D figure names electrodes.
pub fn has_electrode_labels(session: &Session) -> bool {
    session
        .scene
        .recordings
        .iter()
        .any(|r| r.visible && r.electrodes_in_3d && session.electrode_mesh(r.id).is_some())
}

/// Names the electrodes that face the camera, beside their spheres (in the window and in
/// figures alike).
pub fn paint_electrode_labels(
    painter: &egui::Painter,
    rect: Rect,
    session: &Session,
    camera: &crate::render::Camera,
    text: Color32,
) {
    let font = egui::FontId::proportional((rect.height() / 70.0).clamp(9.0, 13.0));
    for layer in session
        .scene
        .recordings
        .iter()
        .filter(|r| r.visible && r.electrodes_in_3d)
    {
        let Some(mesh) = session.electrode_mesh(layer.id) else {
            continue;
        };
        let n = mesh.centres.len().max(1) as f32;
        let head_centre = mesh.centres.iter().copied().sum::<glam::Vec3>() / n;
        for (name, &centre) in mesh.names.iter().zip(&mesh.centres) {
            let outward = (centre - head_centre).normalize_or_zero();
            if outward.dot((camera.eye - centre).normalize_or_zero()) < 0.15 {
                continue;
            }
            let Some(uv) = camera.project(centre) else {
                continue;
            };
            let p = rect.min + egui::Vec2::new(uv.x * rect.width(), uv.y * rect.height());
            if !rect.contains(p) {
                continue;
            }
            painter.text(
                p + egui::Vec2::new(0.0, -font.size * 0.9),
                egui::Align2::CENTER_BOTTOM,
                name,
                font.clone(),
                text.gamma_multiply(0.85),
            );
        }
    }
}

/// Renders a figure of `size` pixels headlessly: the 3D view, plus the colorbar when the Scene
/// asks for one. With `transparent`, the background is transparent (straight-alpha RGBA).
pub fn render_figure(
    gpu: &GpuContext,
    session: &mut Session,
    size: [u32; 2],
    transparent: bool,
) -> Result<image::RgbaImage, String> {
    render_figure_at(
        gpu,
        session,
        size,
        transparent,
        figure_pixels_per_point(size),
    )
}

/// [`render_figure`] with text and colorbar at `ppp` pixels per point (the window's scale, when
/// saving what it shows).
pub fn render_figure_at(
    gpu: &GpuContext,
    session: &mut Session,
    size: [u32; 2],
    transparent: bool,
    ppp: f32,
) -> Result<image::RgbaImage, String> {
    crate::render::context::check_image_size(&gpu.device, size).map_err(|e| e.to_string())?;
    check_volumes_fit(&gpu.device, session)?;
    session.update_cluster_masks();
    session.update_electrodes();
    session.update_units_3d();
    let mut renderer = SceneRenderer::new(&gpu.device, &gpu.queue);
    let mut target = ViewTarget::new(&gpu.device, size);
    let camera = draw_scene(
        &mut renderer,
        &mut target,
        session,
        transparent,
        ppp,
        MSAA_SAMPLES,
    );
    let wants_colorbar = shows_colorbar(session);
    let wants_labels = has_electrode_labels(session);
    let mut image = if wants_colorbar || wants_labels {
        let mut egui = super::headless::HeadlessEgui::new(gpu);
        let texture = egui.register_texture(target.texture_view());
        let text = crate::ui::panels::view3d::text_color_for(session.scene.theme);
        let session = &*session;
        let output = egui.run(size, ppp, 0.0, |ui| {
            let rect = ui.max_rect();
            let painter = ui.painter();
            painter.image(
                texture,
                rect,
                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                Color32::WHITE,
            );
            paint_decorations(painter, rect, session, text);
            paint_electrode_labels(painter, rect, session, &camera, text);
        });
        egui.paint(output, size).map_err(|e| e.to_string())?
    } else {
        export::read_rgba(&gpu.device, &gpu.queue, target.texture()).map_err(|e| e.to_string())?
    };
    if transparent {
        export::unpremultiply(&mut image);
    }
    Ok(image)
}

/// Renders slice views headlessly through the crosshair: one axis filling the figure, or
/// several side by side (`ortho`: axial, coronal, sagittal), with the window's crosshair and
/// orientation letters, and a colorbar for the top statistical map when the Scene asks.
pub fn render_slices(
    gpu: &GpuContext,
    session: &mut Session,
    size: [u32; 2],
    axes: &[crate::model::SliceAxis],
    transparent: bool,
) -> Result<image::RgbaImage, String> {
    use super::panels::slices::{SliceGeometry, paint_decorations};
    crate::render::context::check_image_size(&gpu.device, size).map_err(|e| e.to_string())?;
    check_volumes_fit(&gpu.device, session)?;
    if session.scene.volumes.is_empty() {
        return Err("slice views need a volume (NIfTI or MGH/MGZ)".into());
    }
    let ppp = figure_pixels_per_point(size);
    let colorbar_layer = session
        .scene
        .volumes
        .iter()
        .rev()
        .find(|v| v.visible && v.role == crate::model::VolumeRole::Statistic)
        .filter(|_| session.scene.colorbar)
        .cloned();
    let strip_px = if colorbar_layer.is_some() {
        (COLORBAR_STRIP_POINTS * ppp) as u32
    } else {
        0
    };
    let panels_px = size[0].saturating_sub(strip_px).max(axes.len() as u32);
    let n = axes.len().max(1) as u32;
    let background = if transparent {
        [0.0; 4]
    } else if session.scene.theme == crate::model::Theme::Dark {
        [0.0, 0.0, 0.0, 1.0]
    } else {
        let [r, g, b] = session.scene.theme.background();
        [r, g, b, 1.0]
    };
    session.update_cluster_masks();
    let cursor = session.cursor();
    let bounds = session.volume_bounds();
    let mut renderer = crate::render::SliceRenderer::new(&gpu.device, &gpu.queue);
    let mut egui = super::headless::HeadlessEgui::new(gpu);
    let panel = |i: usize| {
        let (x0, x1) = (panels_px * i as u32 / n, panels_px * (i as u32 + 1) / n);
        let px = [(x1 - x0).max(1), size[1]];
        (x0, px, egui::vec2(px[0] as f32, px[1] as f32) / ppp)
    };
    let frame = |i: usize, axis| {
        let radiological = session.scene.radiological;
        SliceGeometry::frame(
            bounds,
            cursor,
            axis,
            radiological,
            panel(i).2,
            1.0,
            glam::Vec2::ZERO,
        )
    };
    // One scale for every panel, so a millimetre is as long in each.
    let mm_per_point = axes
        .iter()
        .enumerate()
        .map(|(i, &axis)| frame(i, axis).mm_per_point)
        .fold(0.0f32, f32::max);
    let mut panels = Vec::new();
    for (i, &axis) in axes.iter().enumerate() {
        let (x0, px, points) = panel(i);
        let geometry = SliceGeometry {
            mm_per_point,
            ..frame(i, axis)
        };
        let mut target = ViewTarget::new(&gpu.device, px);
        renderer.draw_view(
            &mut target,
            &geometry.plane(points),
            background,
            &session.volume_draws(),
        );
        let texture = egui.register_texture(target.texture_view());
        let rect = egui::Rect::from_min_size(Pos2::new(x0 as f32 / ppp, 0.0), points);
        panels.push((target, texture, rect, geometry, axis));
    }
    let text = crate::ui::panels::view3d::text_color_for(session.scene.theme);
    let [r, g, b, _] = background.map(|c| (c * 255.0).round() as u8);
    let strip_background = Color32::from_rgb(r, g, b);
    let output = egui.run(size, ppp, 0.0, |ui| {
        let painter = ui.painter();
        for (_, texture, rect, geometry, axis) in &panels {
            painter.image(
                *texture,
                *rect,
                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                Color32::WHITE,
            );
            paint_decorations(
                &painter.with_clip_rect(*rect),
                *rect,
                geometry,
                *axis,
                cursor,
                false,
            );
        }
        if let Some(layer) = &colorbar_layer {
            let full = ui.max_rect();
            if !transparent {
                let strip = Rect::from_min_max(Pos2::new(panels_px as f32 / ppp, 0.0), full.max);
                painter.rect_filled(strip, 0.0, strip_background);
            }
            super::colorbar::paint_colorbar(painter, full, &layer.into(), text, strip_background);
        }
    });
    let mut image = egui.paint(output, size).map_err(|e| e.to_string())?;
    if transparent {
        export::unpremultiply(&mut image);
    }
    Ok(image)
}

/// Renders the trace browser of the first recording headlessly, as the window's Traces pane
/// draws it: the same rows, scale, filters, reference, annotations and time cursor.
pub fn render_traces(
    gpu: &GpuContext,
    session: &mut Session,
    size: [u32; 2],
) -> Result<image::RgbaImage, String> {
    use super::panels::traces;
    crate::render::context::check_image_size(&gpu.device, size).map_err(|e| e.to_string())?;
    let mut layer = session
        .scene
        .recordings
        .first()
        .cloned()
        .ok_or("the traces view needs a recording (EDF, BDF or BrainVision)")?;
    let ppp = figure_pixels_per_point(size);
    let full = Rect::from_min_size(
        Pos2::ZERO,
        egui::vec2(size[0] as f32 / ppp, size[1] as f32 / ppp),
    );
    let (rect, _, _) = traces::browser_rects(full);
    layer.rows = traces::fitted_rows(&layer, rect.height());
    let n = (layer.view_secs
        * session
            .recording_data(layer.id)
            .map(|d| {
                d.recording
                    .channels
                    .iter()
                    .map(|c| c.sample_rate_hz)
                    .fold(0.0, f64::max)
            })
            .unwrap_or(0.0)) as u64;
    if n > crate::session::RAW_WINDOW_SAMPLES && session.pyramids(layer.id).is_none() {
        let data = session
            .recording_data(layer.id)
            .cloned()
            .ok_or("no recording")?;
        let file = layer.source.path().map(std::path::Path::to_path_buf);
        let pyramids = data.load_or_build_pyramids(file.as_deref(), &|_| {})?;
        session.set_pyramids(layer.id, data.key, pyramids);
    }
    let pixels = [
        (rect.width() * ppp).round().max(1.0) as u32,
        (rect.height() * ppp).round().max(1.0) as u32,
    ];
    let theme = session.scene.theme;
    let screen = session.trace_screen(&layer, pixels, theme, None);
    let mut target = ViewTarget::new(&gpu.device, pixels);
    let mut renderer = crate::render::TraceRenderer::new(&gpu.device, &gpu.queue);
    renderer.draw(&mut target, traces::background(theme), &screen.strips);
    let mut egui = super::headless::HeadlessEgui::new(gpu);
    let texture = egui.register_texture(target.texture_view());
    let session = &*session;
    let output = egui.run(size, ppp, 0.0, |ui| {
        let painter = ui.painter();
        let [r, g, b] = theme.background().map(|c| (c * 255.0).round() as u8);
        painter.rect_filled(full, 0.0, Color32::from_rgb(r, g, b));
        painter.image(
            texture,
            rect,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
        traces::paint_browser(painter, full, session, &layer, &screen, ppp, None);
    });
    egui.paint(output, size).map_err(|e| e.to_string())
}

/// The spike layer a figure shows: the first.
fn first_spikes(session: &Session) -> Result<crate::model::SpikeLayer, String> {
    session.scene.spikes.first().cloned().ok_or_else(|| {
        "the raster and PSTH views need sorted spikes (a phy folder, NWB units, a unit,time table)"
            .to_owned()
    })
}

/// Renders a spike figure headlessly: a raster image drawn by the GPU raster pipeline into
/// `image_rect(full)`, then `paint` over it, as the window's panes do.
fn render_with_raster<D>(
    gpu: &GpuContext,
    session: &Session,
    size: [u32; 2],
    image_rect: impl Fn(Rect) -> Rect,
    compute: impl FnOnce([u32; 2]) -> D,
    raster: impl Fn(&D) -> &crate::session::RasterImage,
    paint: impl Fn(&egui::Ui, Rect, &D) -> Option<egui::TextureHandle>,
) -> Result<image::RgbaImage, String> {
    crate::render::context::check_image_size(&gpu.device, size).map_err(|e| e.to_string())?;
    let ppp = figure_pixels_per_point(size);
    let full = Rect::from_min_size(
        Pos2::ZERO,
        egui::vec2(size[0] as f32 / ppp, size[1] as f32 / ppp),
    );
    let rect = image_rect(full);
    let pixels = [
        (rect.width() * ppp).round().max(1.0) as u32,
        (rect.height() * ppp).round().max(1.0) as u32,
    ];
    let theme = session.scene.theme;
    let data = compute(pixels);
    let mut target = ViewTarget::new(&gpu.device, pixels);
    let mut renderer = crate::render::RasterRenderer::new(&gpu.device, &gpu.queue);
    super::panels::raster::draw_image(&mut renderer, &mut target, raster(&data), pixels, theme);
    let mut egui = super::headless::HeadlessEgui::new(gpu);
    let texture = egui.register_texture(target.texture_view());
    // Textures made while painting (the heatmap) live until the picture is drawn.
    let mut keep = Vec::new();
    let output = egui.run(size, ppp, 0.0, |ui| {
        let painter = ui.painter();
        let [r, g, b] = theme.background().map(|c| (c * 255.0).round() as u8);
        painter.rect_filled(full, 0.0, Color32::from_rgb(r, g, b));
        painter.image(
            texture,
            rect,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
        keep.extend(paint(ui, full, &data));
    });
    let image = egui.paint(output, size).map_err(|e| e.to_string());
    drop(keep);
    image
}

/// Renders the spike raster of the first spike layer headlessly, as the window's Raster pane
/// draws it: the same window, rows, order, colours, events and time cursor.
pub fn render_raster(
    gpu: &GpuContext,
    session: &Session,
    size: [u32; 2],
) -> Result<image::RgbaImage, String> {
    use super::panels::raster;
    let layer = first_spikes(session)?;
    render_with_raster(
        gpu,
        session,
        size,
        |full| raster::raster_rects(full).0,
        |pixels| session.raster_image(&layer, pixels),
        |image| image,
        |ui, full, image| {
            raster::paint_raster(ui.painter(), full, session, &layer, image);
            None
        },
    )
}

/// Renders the event-aligned views of the first spike layer headlessly, as the window's PSTH
/// pane draws them.
pub fn render_psth(
    gpu: &GpuContext,
    session: &Session,
    size: [u32; 2],
) -> Result<image::RgbaImage, String> {
    use super::panels::psth;
    let layer = first_spikes(session)?;
    render_with_raster(
        gpu,
        session,
        size,
        |full| psth::AlignedRects::new(full).raster,
        |pixels| session.aligned_views(&layer, pixels[0] as usize),
        |views| &views.raster,
        |ui, full, views| {
            let heatmap = psth::heatmap_image(views).map(|img| {
                ui.ctx()
                    .load_texture("heatmap", img, egui::TextureOptions::NEAREST)
            });
            psth::paint_aligned(
                ui.painter(),
                full,
                session,
                &layer,
                views,
                heatmap.as_ref().map(|t| t.id()),
            );
            heatmap
        },
    )
}
