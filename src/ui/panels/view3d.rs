//! The 3D brain view: the renderer's offscreen image with camera controls, hover and click
//! inspection, an orientation marker, the colorbar, and playback controls for animated data.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};
use glam::Vec3;

use crate::render::camera;
use crate::ui::app::AppState;
use crate::ui::gpu_bridge::BridgedView;

/// Seconds without change after which a software-rendered view is redrawn with MSAA.
const SETTLE_SECS: f64 = 0.25;

pub fn view3d_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let full = ui.available_rect_before_wrap();
    let footer_height = if state.has_animation() { 30.0 } else { 0.0 };
    let view_rect = Rect::from_min_max(full.min, Pos2::new(full.max.x, full.max.y - footer_height));
    let response = ui.allocate_rect(view_rect, Sense::click_and_drag());

    let ppp = ui.ctx().pixels_per_point();
    let size_px = [
        (view_rect.width() * ppp).round().max(1.0) as u32,
        (view_rect.height() * ppp).round().max(1.0) as u32,
    ];
    BridgedView::ensure(&mut state.view, &state.render_state, size_px);

    handle_camera_input(ui, &response, state, view_rect);

    let Some(view) = state.view.as_mut() else {
        return;
    };
    state.session.update_animation();
    let drawn = (
        state.session.scene.clone(),
        view.target.size,
        state.session.generation(),
    );
    let now = ui.input(|i| i.time);
    if state.last_drawn.as_ref().map(|d| &d.0) != Some(&drawn) {
        state.last_change_secs = now;
    }
    // On a software adapter, frames in motion skip MSAA (a third of the time); the picture is
    // redrawn with it once things settle, so a still view is exactly what a figure shows.
    let software = state.render_state.adapter.get_info().device_type == wgpu::DeviceType::Cpu;
    let moving = response.dragged() || now - state.last_change_secs < SETTLE_SECS;
    let samples = if software && moving {
        1
    } else {
        crate::render::MSAA_SAMPLES
    };
    if software && samples == 1 {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(SETTLE_SECS));
    }
    let drawn = (drawn, samples);
    let camera = match state.camera {
        Some(camera) if state.last_drawn.as_ref() == Some(&drawn) => camera,
        _ => {
            let camera = crate::ui::figure::draw_scene(
                &mut state.renderer,
                &mut view.target,
                &mut state.session,
                false,
                ppp,
                samples,
            );
            state.last_drawn = Some(drawn);
            camera
        }
    };
    state.camera = Some(camera);
    let texture_id = view.texture_id;

    // Hover and click inspection. A kept point is re-read every frame, so its values follow
    // playback, frame and overlay changes.
    state.pinned = state
        .pinned
        .take()
        .and_then(|p| state.session.describe(p.surface, p.vertex, p.point_mm));
    let pointer = response.hover_pos().filter(|p| view_rect.contains(*p));
    state.hover = pointer.and_then(|p| pick_at(state, view_rect, p));
    if response.clicked() {
        state.pinned = response
            .interact_pointer_pos()
            .and_then(|p| pick_at(state, view_rect, p));
        // A click on the brain also moves the crosshair shared with the slice views.
        if let Some(pin) = &state.pinned {
            state.session.scene.cursor_mm = Some(pin.point_mm);
        }
    }

    let painter = ui.painter_at(view_rect);
    painter.image(
        texture_id,
        view_rect,
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::WHITE,
    );
    let text_color = text_color_for(state.session.scene.theme);
    crate::ui::figure::paint_decorations(&painter, view_rect, &state.session, text_color);
    paint_orientation_marker(&painter, view_rect, &camera, text_color);
    crate::ui::figure::paint_electrode_labels(
        &painter,
        view_rect,
        &state.session,
        &camera,
        text_color,
    );
    if let Some(pin) = &state.pinned
        && let Some(uv) = camera.project(pin.point_mm)
    {
        let p = view_rect.min + Vec2::new(uv.x * view_rect.width(), uv.y * view_rect.height());
        painter.circle_stroke(p, 6.0, Stroke::new(2.0, Color32::from_rgb(40, 220, 120)));
        painter.circle_filled(p, 2.0, Color32::from_rgb(40, 220, 120));
    }
    // The crosshair shared with the slice views.
    if !state.session.scene.volumes.is_empty()
        && let Some(uv) = camera.project(state.session.cursor())
    {
        let p = view_rect.min + Vec2::new(uv.x * view_rect.width(), uv.y * view_rect.height());
        let stroke = Stroke::new(1.5, Color32::from_rgb(40, 220, 120));
        painter.line_segment([p - Vec2::X * 8.0, p + Vec2::X * 8.0], stroke);
        painter.line_segment([p - Vec2::Y * 8.0, p + Vec2::Y * 8.0], stroke);
    }
    let view_name = state
        .session
        .scene
        .camera
        .view
        .map_or("Free view", |v| v.label());
    painter.text(
        view_rect.left_top() + Vec2::new(10.0, 8.0),
        Align2::LEFT_TOP,
        view_name,
        FontId::proportional(13.0),
        text_color.gamma_multiply(0.8),
    );

    if state.session.scene.surfaces.is_empty() {
        let message = if state.jobs.is_idle() {
            "Open a surface: File › Open…, or drop files here"
        } else {
            "Loading…"
        };
        painter.text(
            view_rect.center(),
            Align2::CENTER_CENTER,
            message,
            FontId::proportional(18.0),
            text_color.gamma_multiply(0.7),
        );
    }
    if ui.ctx().input(|i| !i.raw.hovered_files.is_empty()) {
        painter.rect_stroke(
            view_rect.shrink(4.0),
            8.0,
            Stroke::new(3.0, ui.visuals().selection.bg_fill),
            egui::StrokeKind::Inside,
        );
    }

    if footer_height > 0.0 {
        let footer = Rect::from_min_max(Pos2::new(full.min.x, view_rect.max.y), full.max);
        ui.scope_builder(
            egui::UiBuilder::new().max_rect(footer.shrink2(Vec2::new(8.0, 3.0))),
            |ui| {
                playback_ui(ui, state);
            },
        );
    }
}

pub fn text_color_for(theme: crate::model::Theme) -> Color32 {
    match theme {
        crate::model::Theme::Dark => Color32::from_gray(230),
        crate::model::Theme::Light => Color32::from_gray(20),
    }
}

fn pick_at(state: &AppState, rect: Rect, pos: Pos2) -> Option<crate::session::PickInfo> {
    let camera = state.camera?;
    let uv = glam::Vec2::new(
        (pos.x - rect.min.x) / rect.width(),
        (pos.y - rect.min.y) / rect.height(),
    );
    let (origin, dir) = camera.ray(uv);
    state
        .session
        .pick(state.session.scene.camera.view, origin, dir)
}

fn handle_camera_input(ui: &egui::Ui, response: &egui::Response, state: &mut AppState, rect: Rect) {
    let height = rect.height().max(1.0);
    let cam_state = &mut state.session.scene.camera;
    if response.dragged() {
        let delta = response.drag_delta() / height;
        let delta = glam::Vec2::new(delta.x, delta.y);
        let shift = ui.input(|i| i.modifiers.shift);
        let panning = response.dragged_by(egui::PointerButton::Secondary)
            || response.dragged_by(egui::PointerButton::Middle)
            || shift;
        if panning {
            if let Some(cam) = state.camera {
                camera::pan(cam_state, &cam, delta);
            }
        } else {
            camera::orbit(cam_state, delta);
        }
    }
    if response.hovered() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        if scroll.y != 0.0 {
            camera::zoom(cam_state, (scroll.y * 0.002).exp());
        }
        if pinch != 1.0 {
            camera::zoom(cam_state, pinch);
        }
        if scroll.x != 0.0 {
            camera::orbit(cam_state, glam::Vec2::new(-scroll.x / height, 0.0));
        }
    }
    if response.double_clicked() {
        state.reset_camera();
    }
}

/// R/A/S arrows in the lower-left corner showing how the brain is turned.
fn paint_orientation_marker(
    painter: &egui::Painter,
    rect: Rect,
    camera: &crate::render::Camera,
    text: Color32,
) {
    let centre = rect.left_bottom() + Vec2::new(42.0, -42.0);
    let camera_from_world = camera.world_from_camera.inverse();
    let axes = [
        (Vec3::X, "R", Color32::from_rgb(230, 80, 70)),
        (Vec3::Y, "A", Color32::from_rgb(90, 200, 90)),
        (Vec3::Z, "S", Color32::from_rgb(90, 140, 240)),
    ];
    // Far axes first so near ones are drawn on top.
    let mut drawn: Vec<_> = axes
        .iter()
        .map(|(a, l, c)| (camera_from_world * *a, *l, *c))
        .collect();
    drawn.sort_by(|a, b| a.0.z.total_cmp(&b.0.z));
    for (v, label, color) in drawn {
        let tip = centre + Vec2::new(v.x, -v.y) * 26.0;
        painter.line_segment([centre, tip], Stroke::new(2.0, color));
        painter.text(
            tip + Vec2::new(v.x, -v.y) * 8.0,
            Align2::CENTER_CENTER,
            label,
            FontId::proportional(11.0),
            text,
        );
    }
}

fn playback_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.horizontal_centered(|ui| {
        let label = if state.playback.playing {
            "⏸ Pause"
        } else {
            "▶ Play"
        };
        if ui.button(label).on_hover_text("Space").clicked() {
            state.playback.playing = !state.playback.playing;
        }
        let series: Vec<(u64, usize)> = state.time_series().collect();
        if let Some(&(first, _)) = series.first() {
            let n_frames = series.iter().map(|s| s.1).max().unwrap_or(1);
            let mut frame = state.frame_of(first);
            let slider = ui.add(
                egui::Slider::new(&mut frame, 0..=n_frames - 1)
                    .text(format!("frame of {n_frames}")),
            );
            if slider.changed() {
                state.playback.playing = false;
                for (id, n) in series {
                    {
                        state.set_frame(id, frame.min(n - 1));
                    }
                }
            }
            ui.add(
                egui::DragValue::new(&mut state.playback.fps)
                    .range(0.5..=120.0)
                    .speed(0.5)
                    .suffix(" frames/s"),
            );
        } else {
            const PERIOD_SECS: f32 = 6.0;
            let t = state.session.scene.time_secs;
            let mut phase = t.rem_euclid(PERIOD_SECS);
            let slider = ui.add(
                egui::Slider::new(&mut phase, 0.0..=PERIOD_SECS)
                    .suffix(" s")
                    .fixed_decimals(1)
                    .text("time"),
            );
            if slider.changed() {
                state.playback.playing = false;
                state.session.scene.time_secs = t - t.rem_euclid(PERIOD_SECS) + phase;
            }
        }
    });
}
