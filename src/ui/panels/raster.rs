//! The spike raster: every spike of every unit, one row per unit, over a window from
//! milliseconds to hours; units sorted and coloured by their curation label; the time cursor
//! shared with the trace browser and the 3D view.

use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Stroke, Vec2};

use crate::model::{LayerId, SpikeLayer, UnitSort};
use crate::render::raster_renderer::{bands_for, saturation};
use crate::session::{RasterImage, Session, label_color, raster_background, visible_rows};
use crate::ui::app::AppState;
use crate::ui::gpu_bridge::BridgedView;
use crate::ui::panels::traces::{paint_time_axis, time_label};

/// Width of the unit labels, points.
pub const GUTTER: f32 = 74.0;
/// Height of the time axis, points.
pub const AXIS: f32 = 20.0;

/// The raster's picture and what it was drawn for.
#[derive(Default)]
pub struct RasterViewState {
    pub view: Option<BridgedView>,
    last_key: Option<(SpikeLayer, [u32; 2], u64)>,
    pub image: RasterImage,
    scroll_rows: f32,
}

/// The spike layer the views show: the selected one, else the first.
pub fn current_spikes(state: &AppState) -> Option<LayerId> {
    let scene = &state.session.scene;
    state
        .selected
        .filter(|id| scene.spike_layer(*id).is_some())
        .or_else(|| scene.spikes.first().map(|s| s.id))
}

pub fn raster_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(id) = current_spikes(state) else {
        ui.centered_and_justified(|ui| {
            ui.weak(
                "Open sorted spikes (a Kilosort/phy folder, an NWB file, a .csv of unit,time) \
                 to see every spike of every unit",
            )
        });
        return;
    };
    toolbar_ui(ui, state, id);
    let full = ui.available_rect_before_wrap();
    let (raster, _, _) = raster_rects(full);
    let response = ui.allocate_rect(raster, Sense::click_and_drag());
    handle_input(ui, &response, state, id, raster);

    let Some(layer) = state.session.scene.spike_layer(id).cloned() else {
        return;
    };
    let ppp = ui.ctx().pixels_per_point();
    let size = [
        (raster.width() * ppp).round().max(1.0) as u32,
        (raster.height() * ppp).round().max(1.0) as u32,
    ];
    let theme = state.session.scene.theme;
    let data_key = state.session.spike_data(id).map_or(0, |d| d.key);
    let view_state = &mut state.raster_view;
    BridgedView::ensure(&mut view_state.view, &state.render_state, size);
    // The picture depends on the window, rows, order and labels, not on the aligned views'
    // settings or the 3D colours.
    let key = (
        SpikeLayer {
            align: Default::default(),
            selected_unit: None,
            units_in_3d: false,
            placement: None,
            colormap: crate::model::Colormap::Gray,
            range: [0.0; 2],
            name: String::new(),
            ..layer.clone()
        },
        size,
        data_key,
    );
    let Some(view) = view_state.view.as_mut() else {
        return;
    };
    if view_state.last_key.as_ref() != Some(&key) {
        view_state.image = state.session.raster_image(&layer, size);
        draw_image(
            &mut state.raster_renderer,
            &mut view.target,
            &view_state.image,
            size,
            theme,
        );
        view_state.last_key = Some(key);
    }
    let painter = ui.painter_at(full);
    painter.image(
        view.texture_id,
        raster,
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::WHITE,
    );
    paint_raster(
        &painter,
        full,
        &state.session,
        &layer,
        &state.raster_view.image,
    );
    if let Some(p) = response.hover_pos()
        && let Some(text) = hover_text(&state.session, &layer, &state.raster_view.image, raster, p)
    {
        response.on_hover_text_at_pointer(text);
    }
}

/// Draws a raster image (rows filling the view) with the renderer.
pub fn draw_image(
    renderer: &mut crate::render::RasterRenderer,
    target: &mut crate::render::ViewTarget,
    image: &RasterImage,
    size: [u32; 2],
    theme: crate::model::Theme,
) {
    let bands = bands_for(image.rows.iter().map(|r| r.color), size[1] as f32);
    renderer.draw(
        target,
        raster_background(theme),
        &bands,
        &image.counts,
        image.columns,
        saturation(&image.counts),
    );
}

fn toolbar_ui(ui: &mut egui::Ui, state: &mut AppState, id: LayerId) {
    let (n_units, n_spikes, duration) = state.session.spike_data(id).map_or((0, 0, 0.0), |d| {
        (d.set.n_units(), d.set.n_spikes(), d.set.duration_secs())
    });
    let has_positions = state
        .session
        .spike_data(id)
        .is_some_and(|d| d.set.units.iter().any(|u| u.position_mm.is_some()));
    let Some(layer) = state.session.scene.spike_layer_mut(id) else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.strong(&layer.name);
        ui.weak(format!(
            "{n_units} units · {} spikes · {}",
            group_thousands(n_spikes),
            time_label(duration, 1)
        ));
        ui.separator();
        let label = ui.label("Sort");
        egui::ComboBox::from_id_salt(("raster sort", id))
            .selected_text(layer.sort.name())
            .show_ui(ui, |ui| {
                for s in UnitSort::ALL {
                    ui.selectable_value(&mut layer.sort, s, s.name());
                }
            })
            .response
            .labelled_by(label.id);
        ui.checkbox(&mut layer.hide_noise, "Hide noise");
        if has_positions || layer.placement.is_some() {
            ui.checkbox(&mut layer.units_in_3d, "Units in 3D");
        }
        ui.separator();
        if ui
            .button("All")
            .on_hover_text("Show the whole recording")
            .clicked()
        {
            layer.view_start_secs = 0.0;
            layer.view_secs = duration.max(1e-3);
        }
        ui.weak(format!("window {}", time_label(layer.view_secs, 3)));
        ui.separator();
        for (name, label) in [
            ("good", Some("good")),
            ("mua", Some("mua")),
            ("noise", Some("noise")),
            ("unlabelled", None),
        ] {
            let [r, g, b, _] = label_color(label);
            ui.label(egui::RichText::new("■").color(Color32::from_rgb(r, g, b)));
            ui.weak(name);
        }
    });
}

/// `12 345 678`.
pub fn group_thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// Where the raster, unit labels and time axis go in `full` points.
pub fn raster_rects(full: Rect) -> (Rect, Rect, Rect) {
    let raster = Rect::from_min_max(
        Pos2::new(full.min.x + GUTTER, full.min.y),
        Pos2::new(full.max.x, full.max.y - AXIS),
    );
    let gutter = Rect::from_min_max(full.min, Pos2::new(raster.min.x, raster.max.y));
    let axis = Rect::from_min_max(Pos2::new(raster.min.x, raster.max.y), full.max);
    (raster, gutter, axis)
}

fn handle_input(
    ui: &egui::Ui,
    response: &egui::Response,
    state: &mut AppState,
    id: LayerId,
    rect: Rect,
) {
    let Some(data) = state.session.spike_data(id).cloned() else {
        return;
    };
    let (start, end) = (
        data.set.start_secs,
        data.set.end_secs.max(data.set.start_secs + 1e-3),
    );
    let n_units = state
        .session
        .scene
        .spike_layer(id)
        .map_or(0, |l| state.session.unit_order(l).len());
    let image_rows = state.raster_view.image.rows.clone();
    let shown = image_rows.len().max(1);
    let Some(layer) = state.session.scene.spike_layer_mut(id) else {
        return;
    };
    // A session file may hold a window that is not one.
    if !(layer.view_secs.is_finite() && layer.view_secs > 0.0) {
        layer.view_secs = (end - start).min(30.0);
    }
    if !layer.view_start_secs.is_finite() {
        layer.view_start_secs = start;
    }
    let secs_per_point = layer.view_secs / f64::from(rect.width().max(1.0));
    if response.dragged() {
        layer.view_start_secs -= f64::from(response.drag_delta().x) * secs_per_point;
    }
    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
    {
        let t = layer.view_start_secs + f64::from(p.x - rect.min.x) * secs_per_point;
        if let Some(unit) = row_at(&image_rows, rect, p.y).and_then(|r| data.set.units.get(r.index))
        {
            layer.selected_unit = Some(unit.id);
        }
        state.session.scene.time_cursor_secs = t;
    }
    let Some(layer) = state.session.scene.spike_layer_mut(id) else {
        return;
    };
    if response.hovered() {
        let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        if zoom != 1.0 {
            if let Some(p) = response.hover_pos() {
                let at = layer.view_start_secs + f64::from(p.x - rect.min.x) * secs_per_point;
                let new = (layer.view_secs / f64::from(zoom)).clamp(1e-3, (end - start).max(1e-3));
                layer.view_start_secs = at - (at - layer.view_start_secs) * new / layer.view_secs;
                layer.view_secs = new;
            }
        } else if scroll.y != 0.0 {
            if shown < n_units {
                let pending = &mut state.raster_view.scroll_rows;
                *pending -= scroll.y / 24.0;
                let step = pending.trunc();
                *pending -= step;
                layer.first_row = (layer.first_row as i64 + step as i64)
                    .clamp(0, (n_units - shown) as i64) as usize;
            }
        } else if scroll.x != 0.0 {
            layer.view_start_secs -= f64::from(scroll.x) * secs_per_point;
        }
        ui.input(|i| {
            let page = if i.modifiers.shift { 1.0 } else { 0.5 };
            if i.key_pressed(egui::Key::ArrowRight) {
                layer.view_start_secs += layer.view_secs * page;
            }
            if i.key_pressed(egui::Key::ArrowLeft) {
                layer.view_start_secs -= layer.view_secs * page;
            }
            if i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals) {
                let c = layer.view_start_secs + layer.view_secs / 2.0;
                layer.view_secs = (layer.view_secs / 2.0).max(1e-3);
                layer.view_start_secs = c - layer.view_secs / 2.0;
            }
            if i.key_pressed(egui::Key::Minus) {
                let c = layer.view_start_secs + layer.view_secs / 2.0;
                layer.view_secs = (layer.view_secs * 2.0).min((end - start).max(1e-3));
                layer.view_start_secs = c - layer.view_secs / 2.0;
            }
        });
    }
    layer.view_start_secs = layer
        .view_start_secs
        .clamp(start, (end - layer.view_secs).max(start));
}

/// The row drawn at `y` (points) in a raster of `rect`.
fn row_at(
    rows: &[crate::session::RasterRow],
    rect: Rect,
    y: f32,
) -> Option<&crate::session::RasterRow> {
    if rows.is_empty() || y < rect.min.y || y >= rect.max.y {
        return None;
    }
    let k = ((y - rect.min.y) / rect.height() * rows.len() as f32) as usize;
    rows.get(k.min(rows.len() - 1))
}

fn hover_text(
    session: &Session,
    layer: &SpikeLayer,
    image: &RasterImage,
    rect: Rect,
    p: Pos2,
) -> Option<String> {
    let row = row_at(&image.rows, rect, p.y)?;
    let data = session.spike_data(layer.id)?;
    let unit = data.set.units.get(row.index)?;
    let t = layer.view_start_secs + f64::from((p.x - rect.min.x) / rect.width()) * layer.view_secs;
    let mut text = format!(
        "unit {}{}\n{} spikes, {:.2} Hz mean",
        unit.id,
        unit.label
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default(),
        data.set.unit_count(row.index),
        data.set.mean_rate_hz(row.index)
    );
    if let Some(d) = unit.depth_um {
        text.push_str(&format!("\ndepth {d:.0} µm"));
    }
    text.push_str(&format!("\n{}", time_label(t, 3)));
    Some(text)
}

/// Everything drawn over the raster image: unit labels, events, time axis and cursor (the
/// window and `glia render --view raster` alike).
pub fn paint_raster(
    painter: &egui::Painter,
    full: Rect,
    session: &Session,
    layer: &SpikeLayer,
    image: &RasterImage,
) {
    let (raster, gutter, axis) = raster_rects(full);
    let text = crate::ui::panels::view3d::text_color_for(session.scene.theme);
    // Unit labels, as many as fit (every k-th row when rows are thin).
    let n = image.rows.len().max(1);
    let row_h = raster.height() / n as f32;
    let every = (11.0 / row_h).ceil().max(1.0) as usize;
    let font = FontId::proportional(if row_h >= 12.0 { 11.0 } else { 9.5 });
    let selected = layer.selected_unit;
    let data = session.spike_data(layer.id);
    for (k, row) in image.rows.iter().enumerate() {
        let id = data.and_then(|d| d.set.units.get(row.index)).map(|u| u.id);
        let is_selected = id.is_some() && id == selected;
        let y = raster.min.y + (k as f32 + 0.5) * row_h;
        if is_selected {
            painter.rect_filled(
                Rect::from_min_max(
                    Pos2::new(gutter.min.x, y - row_h / 2.0),
                    Pos2::new(gutter.max.x, y + row_h / 2.0),
                ),
                0.0,
                Color32::from_rgba_unmultiplied(120, 160, 255, 50),
            );
        }
        if k % every != 0 && !is_selected {
            continue;
        }
        let [r, g, b, _] = row.color;
        painter.text(
            Pos2::new(gutter.max.x - 4.0, y),
            Align2::RIGHT_CENTER,
            &row.label,
            font.clone(),
            if is_selected {
                text
            } else {
                Color32::from_rgb(r, g, b).gamma_multiply(0.95)
            },
        );
    }
    // Events of the aligned type: faint lines, with their name along the top.
    let (t0, w) = (layer.view_start_secs, layer.view_secs.max(1e-9));
    if let Some(kind) = &layer.align.event {
        let events = session.spike_events(layer);
        let visible: Vec<f64> = events
            .iter()
            .filter(|e| &e.kind == kind && e.time_secs >= t0 && e.time_secs <= t0 + w)
            .map(|e| e.time_secs)
            .collect();
        if visible.len() as f32 <= raster.width() / 3.0 {
            for t in visible {
                let x = raster.min.x + ((t - t0) / w) as f32 * raster.width();
                painter.line_segment(
                    [Pos2::new(x, raster.min.y), Pos2::new(x, raster.max.y)],
                    Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 255, 255, 28)),
                );
                painter.text(
                    Pos2::new(x + 2.0, raster.min.y + 1.0),
                    Align2::LEFT_TOP,
                    kind,
                    FontId::proportional(9.0),
                    text.gamma_multiply(0.5),
                );
            }
        }
    }
    paint_time_axis(painter, axis, t0, w, text);
    let t = session.scene.time_cursor_secs;
    if t >= t0 && t <= t0 + w {
        let x = raster.min.x + ((t - t0) / w) as f32 * raster.width();
        painter.line_segment(
            [Pos2::new(x, raster.min.y), Pos2::new(x, raster.max.y)],
            Stroke::new(1.5, Color32::from_rgb(235, 80, 70)),
        );
    }
    if image.rows.len() < session.unit_order(layer).len() {
        painter.text(
            raster.left_bottom() + Vec2::new(6.0, -6.0),
            Align2::LEFT_BOTTOM,
            format!(
                "units {}–{} of {} (scroll for more)",
                image.first_row + 1,
                image.first_row + image.rows.len(),
                session.unit_order(layer).len()
            ),
            FontId::proportional(12.0),
            Color32::from_rgb(230, 160, 60),
        );
    }
}

/// Rows shown for a raster `height_px` tall (for figures): as the window shows them.
pub fn shown_rows(session: &Session, layer: &SpikeLayer, height_px: usize) -> usize {
    visible_rows(layer, session.unit_order(layer).len(), height_px)
}
