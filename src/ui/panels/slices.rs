//! The slice views: axial, coronal and sagittal planes through the shared crosshair, with
//! every volume layer resampled through its own affine on the GPU.
//!
//! Left click or drag moves the crosshair (in every view, and in 3D); right drag sets window
//! (horizontal) and level (vertical) of the selected volume; scroll zooms about the pointer;
//! middle or shift drag pans; arrow keys and Page Up/Down step through slices.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};
use glam::Vec3;

use crate::model::{SliceAxis, VolumeRole};
use crate::render::SlicePlane;
use crate::ui::app::AppState;
use crate::ui::gpu_bridge::BridgedView;

/// What a slice view's picture shows: (volume layers, theme, radiological), size in pixels,
/// data generation, (plane centre, scale).
type SliceKey = (
    (Vec<crate::model::VolumeLayer>, crate::model::Theme, bool),
    [u32; 2],
    u64,
    [f32; 4],
);

/// One slice view's own state: its zoom and pan, its target, and what it last drew.
pub struct SliceViewState {
    pub axis: SliceAxis,
    /// 1 fits the volumes in the view.
    pub zoom: f32,
    /// Offset of the view centre from the fitted centre, world millimetres along the screen's
    /// right and up.
    pub pan_mm: glam::Vec2,
    pub view: Option<BridgedView>,
    last_drawn: Option<SliceKey>,
}

impl SliceViewState {
    pub fn new(axis: SliceAxis) -> Self {
        SliceViewState {
            axis,
            zoom: 1.0,
            pan_mm: glam::Vec2::ZERO,
            view: None,
            last_drawn: None,
        }
    }
}

/// The geometry of a slice view: centre, screen axes and scale.
#[derive(Clone, Copy, Debug)]
pub struct SliceGeometry {
    pub centre_mm: Vec3,
    pub right: Vec3,
    pub up: Vec3,
    /// Millimetres per point.
    pub mm_per_point: f32,
}

impl SliceGeometry {
    /// Frames the visible volumes (or a 200 mm box) in a view of `size` points through the
    /// crosshair, with the view's zoom and pan.
    pub fn frame(
        scene_bounds: Option<(Vec3, Vec3)>,
        cursor: Vec3,
        axis: SliceAxis,
        radiological: bool,
        size: Vec2,
        zoom: f32,
        pan_mm: glam::Vec2,
    ) -> Self {
        let (lo, hi) = scene_bounds.unwrap_or((Vec3::splat(-100.0), Vec3::splat(100.0)));
        let (right, up) = axis.screen_axes(radiological);
        let extent = (hi - lo).max(Vec3::splat(1.0));
        let (width_mm, height_mm) = (extent.dot(right.abs()), extent.dot(up.abs()));
        let fit = (width_mm / size.x.max(1.0)).max(height_mm / size.y.max(1.0)) * 1.04;
        let mm_per_point = fit / zoom.clamp(0.1, 100.0);
        // The fitted centre, moved onto the plane through the crosshair.
        let n = axis.normal_axis();
        let mut centre = (lo + hi) * 0.5;
        centre[n] = cursor[n];
        let centre_mm = centre + right * pan_mm.x + up * pan_mm.y;
        SliceGeometry {
            centre_mm,
            right,
            up,
            mm_per_point,
        }
    }

    pub fn plane(&self, size: Vec2) -> SlicePlane {
        let half = [
            size.x * 0.5 * self.mm_per_point,
            size.y * 0.5 * self.mm_per_point,
        ];
        SlicePlane::view(self.centre_mm, self.right, self.up, half)
    }

    /// The world point under a screen position.
    pub fn world_at(&self, rect: Rect, pos: Pos2) -> Vec3 {
        let d = pos - rect.center();
        self.centre_mm + self.right * d.x * self.mm_per_point - self.up * d.y * self.mm_per_point
    }

    /// The screen position of a world point (projected onto the plane).
    pub fn screen_of(&self, rect: Rect, world: Vec3) -> Pos2 {
        let d = world - self.centre_mm;
        rect.center() + Vec2::new(d.dot(self.right), -d.dot(self.up)) / self.mm_per_point
    }
}

pub fn slice_ui(ui: &mut egui::Ui, state: &mut AppState, index: usize) {
    let rect = ui.available_rect_before_wrap();
    let response = ui.allocate_rect(rect, Sense::click_and_drag());
    let axis = state.slice_views[index].axis;
    let ppp = ui.ctx().pixels_per_point();
    let size_px = [
        (rect.width() * ppp).round().max(1.0) as u32,
        (rect.height() * ppp).round().max(1.0) as u32,
    ];
    let cursor = state.session.cursor();
    let bounds = state.session.volume_bounds();
    let radiological = state.session.scene.radiological;
    let geometry = {
        let v = &state.slice_views[index];
        SliceGeometry::frame(
            bounds,
            cursor,
            axis,
            radiological,
            rect.size(),
            v.zoom,
            v.pan_mm,
        )
    };

    handle_input(ui, &response, state, index, rect, &geometry);

    let geometry = {
        let v = &state.slice_views[index];
        SliceGeometry::frame(
            bounds,
            state.session.cursor(),
            axis,
            radiological,
            rect.size(),
            v.zoom,
            v.pan_mm,
        )
    };
    let [r, g, b] = state.session.scene.theme.background();
    let background = if state.session.scene.theme == crate::model::Theme::Dark {
        [0.0, 0.0, 0.0, 1.0]
    } else {
        [r, g, b, 1.0]
    };
    BridgedView::ensure(
        &mut state.slice_views[index].view,
        &state.render_state,
        size_px,
    );
    // Only what a slice shows: redrawing on every 3D camera move or demo tick would waste the
    // frame budget of a software GPU.
    let key = (
        (
            state.session.scene.volumes.clone(),
            state.session.scene.theme,
            radiological,
        ),
        size_px,
        state.session.volume_generation(),
        [
            geometry.centre_mm.x,
            geometry.centre_mm.y,
            geometry.centre_mm.z,
            geometry.mm_per_point,
        ],
    );
    let view_state = &mut state.slice_views[index];
    let Some(view) = view_state.view.as_mut() else {
        return;
    };
    if view_state.last_drawn.as_ref() != Some(&key) {
        let draws = state.session.volume_draws();
        state.renderer.slices.draw_view(
            &mut view.target,
            &geometry.plane(rect.size()),
            background,
            &draws,
        );
        view_state.last_drawn = Some(key);
    }
    let painter = ui.painter_at(rect);
    painter.image(
        view.texture_id,
        rect,
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::WHITE,
    );
    paint_decorations(
        &painter,
        rect,
        &geometry,
        axis,
        state.session.cursor(),
        state.session.scene.volumes.is_empty(),
    );
}

/// Crosshair, orientation letters and the slice position: the same in the window and figures.
pub fn paint_decorations(
    painter: &egui::Painter,
    rect: Rect,
    geometry: &SliceGeometry,
    axis: SliceAxis,
    cursor: Vec3,
    empty: bool,
) {
    let text = Color32::from_gray(220);
    if empty {
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            "Open a volume (NIfTI, MGH/MGZ) to see slices",
            FontId::proportional(14.0),
            text.gamma_multiply(0.7),
        );
        return;
    }
    let c = geometry.screen_of(rect, cursor);
    let cross = Stroke::new(1.0, Color32::from_rgba_unmultiplied(40, 220, 120, 200));
    let gap = 6.0;
    painter.line_segment(
        [Pos2::new(rect.left(), c.y), Pos2::new(c.x - gap, c.y)],
        cross,
    );
    painter.line_segment(
        [Pos2::new(c.x + gap, c.y), Pos2::new(rect.right(), c.y)],
        cross,
    );
    painter.line_segment(
        [Pos2::new(c.x, rect.top()), Pos2::new(c.x, c.y - gap)],
        cross,
    );
    painter.line_segment(
        [Pos2::new(c.x, c.y + gap), Pos2::new(c.x, rect.bottom())],
        cross,
    );

    let font = FontId::proportional(14.0);
    let letter = |d: Vec3| SliceAxis::direction_letter(d).to_string();
    let m = 8.0;
    painter.text(
        Pos2::new(rect.left() + m, rect.center().y),
        Align2::LEFT_CENTER,
        letter(-geometry.right),
        font.clone(),
        text,
    );
    painter.text(
        Pos2::new(rect.right() - m, rect.center().y),
        Align2::RIGHT_CENTER,
        letter(geometry.right),
        font.clone(),
        text,
    );
    painter.text(
        Pos2::new(rect.center().x, rect.top() + m),
        Align2::CENTER_TOP,
        letter(geometry.up),
        font.clone(),
        text,
    );
    painter.text(
        Pos2::new(rect.center().x, rect.bottom() - m),
        Align2::CENTER_BOTTOM,
        letter(-geometry.up),
        font.clone(),
        text,
    );
    let n = axis.normal_axis();
    let coordinate = ["x", "y", "z"][n];
    painter.text(
        rect.left_bottom() + Vec2::new(m, -m),
        Align2::LEFT_BOTTOM,
        format!("{} {coordinate} = {:.1} mm", axis.label(), cursor[n]),
        FontId::proportional(12.0),
        text.gamma_multiply(0.8),
    );
}

fn handle_input(
    ui: &egui::Ui,
    response: &egui::Response,
    state: &mut AppState,
    index: usize,
    rect: Rect,
    geometry: &SliceGeometry,
) {
    let shift = ui.input(|i| i.modifiers.shift);
    let primary = response.dragged_by(egui::PointerButton::Primary) || response.clicked();
    if primary
        && !shift
        && let Some(pos) = response.interact_pointer_pos()
    {
        let mut p = geometry.world_at(rect, pos);
        let n = state.slice_views[index].axis.normal_axis();
        p[n] = state.session.cursor()[n];
        state.session.scene.cursor_mm = Some(p);
    }
    let view = &mut state.slice_views[index];
    if response.dragged_by(egui::PointerButton::Middle)
        || (shift && response.dragged_by(egui::PointerButton::Primary))
    {
        let d = response.drag_delta() * geometry.mm_per_point;
        view.pan_mm -= glam::Vec2::new(d.x, -d.y);
    }
    if response.hovered() {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta()));
        let factor = (scroll * 0.002).exp() * pinch;
        if factor != 1.0 {
            // Zoom about the pointer: the world point under it stays put.
            if let Some(pos) = response.hover_pos() {
                let before = geometry.world_at(rect, pos);
                let new_zoom = (view.zoom * factor).clamp(0.1, 100.0);
                let scale = view.zoom / new_zoom;
                let offset = before - geometry.centre_mm;
                let shift_mm = offset * (1.0 - scale);
                view.pan_mm +=
                    glam::Vec2::new(shift_mm.dot(geometry.right), shift_mm.dot(geometry.up));
                view.zoom = new_zoom;
            }
        }
        let steps = ui.input(|i| {
            let up = i.key_pressed(egui::Key::ArrowUp) || i.key_pressed(egui::Key::PageUp);
            let down = i.key_pressed(egui::Key::ArrowDown) || i.key_pressed(egui::Key::PageDown);
            i32::from(up) - i32::from(down)
        });
        if steps != 0 {
            let axis = view.axis;
            step_slice(state, axis, steps);
        }
    }
    if response.double_clicked() {
        let view = &mut state.slice_views[index];
        view.zoom = 1.0;
        view.pan_mm = glam::Vec2::ZERO;
    }
    if response.dragged_by(egui::PointerButton::Secondary) {
        window_level(state, response.drag_delta(), rect.size());
    }
}

/// Moves the crosshair one underlay voxel along a view's normal, onto voxel centres.
fn step_slice(state: &mut AppState, axis: SliceAxis, steps: i32) {
    let n = axis.normal_axis();
    let mut c = state.session.cursor();
    match state.session.underlay() {
        Some((_, data)) => {
            let volume = &data.volume;
            let mut direction = glam::DVec3::ZERO;
            direction[n] = 1.0;
            let size = volume.voxel_size_along(direction) as f32;
            // Snap to the nearest voxel centre's position along the normal, then step.
            let v = volume.voxel_of(c.as_dvec3());
            let centre = volume.world_from_voxel.transform_point3((v + 0.5).floor());
            c[n] = centre[n] as f32 + size * steps as f32;
        }
        None => c[n] += steps as f32,
    }
    if let Some((lo, hi)) = state.session.volume_bounds() {
        c = c.clamp(lo, hi);
    }
    state.session.scene.cursor_mm = Some(c);
}

/// Right drag: horizontal widens or narrows the window, vertical moves the level.
fn window_level(state: &mut AppState, delta: Vec2, size: Vec2) {
    let selected = state
        .selected
        .filter(|id| state.session.scene.volume(*id).is_some());
    let Some(id) = selected.or_else(|| state.session.scene.volumes.first().map(|v| v.id)) else {
        return;
    };
    let Some(layer) = state.session.scene.volume_mut(id) else {
        return;
    };
    if layer.role == VolumeRole::Labels {
        return;
    }
    let [lo, hi] = layer.range;
    let width = (hi - lo).abs().max(1e-6);
    let level = (lo + hi) * 0.5 - delta.y / size.y.max(1.0) * width;
    let width = width * (delta.x / size.x.max(1.0) * 2.0).exp();
    layer.range = [level - width * 0.5, level + width * 0.5];
}
