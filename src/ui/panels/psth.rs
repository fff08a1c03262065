//! Event-aligned views of sorted spikes: the selected unit's raster and PSTHs aligned to an
//! event type (grouped by condition, Gaussian-smoothed), the population's firing-rate heatmap
//! (units × time around the event), and the unit's ISI histogram, autocorrelogram and rate over
//! the whole recording.

use egui::{Align2, Color32, FontId, Pos2, Rect, Stroke, TextureHandle};

use crate::model::{LayerId, SpikeLayer};
use crate::session::{AlignedViews, Session};
use crate::ui::app::AppState;
use crate::ui::gpu_bridge::BridgedView;
use crate::ui::panels::raster::{current_spikes, draw_image};

/// The aligned raster's picture, the heatmap texture and what they were made for.
#[derive(Default)]
pub struct AlignedViewState {
    pub view: Option<BridgedView>,
    last_key: Option<(SpikeLayer, [u32; 2], u64, u64)>,
    pub views: AlignedViews,
    heatmap: Option<TextureHandle>,
}

pub fn psth_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let Some(id) = current_spikes(state) else {
        ui.centered_and_justified(|ui| {
            ui.weak("Open sorted spikes with events (NWB trials, an events table, a recording's annotations) to align them")
        });
        return;
    };
    toolbar_ui(ui, state, id);
    let full = ui.available_rect_before_wrap();
    ui.allocate_rect(full, egui::Sense::hover());
    let Some(layer) = state.session.scene.spike_layer(id).cloned() else {
        return;
    };
    let rects = AlignedRects::new(full);
    let ppp = ui.ctx().pixels_per_point();
    let size = [
        (rects.raster.width() * ppp).round().max(1.0) as u32,
        (rects.raster.height() * ppp).round().max(1.0) as u32,
    ];
    let theme = state.session.scene.theme;
    let data_key = state.session.spike_data(id).map_or(0, |d| d.key);
    let view_state = &mut state.aligned_view;
    BridgedView::ensure(&mut view_state.view, &state.render_state, size);
    // The aligned views depend on the alignment, the unit, the units' order and the events
    // (recordings' annotations among them: the session generation), not on the raster's
    // window: scrolling the raster beside them recomputes nothing.
    let key = (
        SpikeLayer {
            view_start_secs: 0.0,
            view_secs: 0.0,
            first_row: 0,
            rows: 0,
            units_in_3d: false,
            placement: None,
            range: [0.0; 2],
            ..layer.clone()
        },
        size,
        data_key,
        state.session.generation(),
    );
    let Some(view) = view_state.view.as_mut() else {
        return;
    };
    if view_state.last_key.as_ref() != Some(&key) {
        view_state.views = state.session.aligned_views(&layer, size[0] as usize);
        draw_image(
            &mut state.raster_renderer_aligned,
            &mut view.target,
            &view_state.views.raster,
            size,
            theme,
        );
        view_state.heatmap = heatmap_image(&view_state.views).map(|img| {
            ui.ctx()
                .load_texture("heatmap", img, egui::TextureOptions::NEAREST)
        });
        view_state.last_key = Some(key);
    }
    let painter = ui.painter_at(full);
    painter.image(
        view.texture_id,
        rects.raster,
        Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::WHITE,
    );
    let heatmap = view_state.heatmap.as_ref().map(|t| t.id());
    paint_aligned(
        &painter,
        full,
        &state.session,
        &layer,
        &state.aligned_view.views,
        heatmap,
    );
}

fn toolbar_ui(ui: &mut egui::Ui, state: &mut AppState, id: LayerId) {
    let Some(layer) = state.session.scene.spike_layer(id).cloned() else {
        return;
    };
    let kinds = state.session.spike_event_kinds(&layer);
    let units: Vec<(i64, String)> = state
        .session
        .spike_data(id)
        .map(|d| {
            state
                .session
                .unit_order(&layer)
                .into_iter()
                .map(|i| (d.set.units[i].id, crate::session::unit_name(&d.set, i)))
                .collect()
        })
        .unwrap_or_default();
    let Some(layer) = state.session.scene.spike_layer_mut(id) else {
        return;
    };
    ui.horizontal_wrapped(|ui| {
        ui.label("Align to");
        let current = layer.align.event.clone().unwrap_or_else(|| "—".into());
        egui::ComboBox::from_id_salt(("align event", id))
            .selected_text(current)
            .show_ui(ui, |ui| {
                for k in &kinds {
                    ui.selectable_value(&mut layer.align.event, Some(k.clone()), k);
                }
            });
        ui.label("window");
        let [mut a, mut b] = layer.align.window_secs;
        ui.add(
            egui::DragValue::new(&mut a)
                .speed(0.01)
                .range(-60.0..=0.0)
                .suffix(" s"),
        );
        ui.add(
            egui::DragValue::new(&mut b)
                .speed(0.01)
                .range(0.001..=60.0)
                .suffix(" s"),
        );
        layer.align.window_secs = [a.min(b - 0.001), b];
        ui.label("bin");
        let mut bin_ms = layer.align.bin_secs * 1e3;
        ui.add(
            egui::DragValue::new(&mut bin_ms)
                .speed(0.5)
                .range(0.5..=1000.0)
                .suffix(" ms"),
        );
        layer.align.bin_secs = bin_ms / 1e3;
        ui.label("smoothing σ");
        let mut sigma_ms = layer.align.smooth_secs * 1e3;
        ui.add(
            egui::DragValue::new(&mut sigma_ms)
                .speed(0.5)
                .range(0.0..=500.0)
                .suffix(" ms"),
        );
        layer.align.smooth_secs = sigma_ms / 1e3;
        ui.checkbox(&mut layer.align.by_condition, "By condition");
        ui.separator();
        let unit_label = ui.label("Unit");
        let pos = units
            .iter()
            .position(|(uid, _)| Some(*uid) == layer.selected_unit)
            .unwrap_or(0);
        if ui
            .small_button("◀")
            .on_hover_text("Previous unit")
            .clicked()
            && pos > 0
        {
            layer.selected_unit = Some(units[pos - 1].0);
        }
        egui::ComboBox::from_id_salt(("align unit", id))
            .selected_text(units.get(pos).map(|u| u.1.clone()).unwrap_or_default())
            .height(400.0)
            .show_ui(ui, |ui| {
                for (uid, name) in &units {
                    ui.selectable_value(&mut layer.selected_unit, Some(*uid), name);
                }
            })
            .response
            .labelled_by(unit_label.id);
        if ui.small_button("▶").on_hover_text("Next unit").clicked() && pos + 1 < units.len() {
            layer.selected_unit = Some(units[pos + 1].0);
        }
    });
}

/// Where each plot goes in `full` points.
pub struct AlignedRects {
    pub raster: Rect,
    pub psth: Rect,
    pub heatmap: Rect,
    pub isi: Rect,
    pub acg: Rect,
    pub rate: Rect,
}

impl AlignedRects {
    pub fn new(full: Rect) -> Self {
        let left_w = full.width() * 0.58;
        let margin_l = 58.0;
        let left = Rect::from_min_max(full.min, Pos2::new(full.min.x + left_w, full.max.y));
        let right = Rect::from_min_max(Pos2::new(left.max.x, full.min.y), full.max);
        let raster_h = (left.height() - 24.0) * 0.55;
        let raster = Rect::from_min_max(
            Pos2::new(left.min.x + margin_l, left.min.y + 16.0),
            Pos2::new(left.max.x - 10.0, left.min.y + 16.0 + raster_h),
        );
        let psth = Rect::from_min_max(
            Pos2::new(raster.min.x, raster.max.y + 22.0),
            Pos2::new(raster.max.x, left.max.y - 22.0),
        );
        let col = |k: usize, n: usize, top_frac: f32, bottom_frac: f32| {
            let h = right.height();
            let y0 = right.min.y + h * top_frac;
            let y1 = right.min.y + h * bottom_frac;
            let _ = (k, n);
            Rect::from_min_max(
                Pos2::new(right.min.x + 52.0, y0 + 16.0),
                Pos2::new(right.max.x - 10.0, y1 - 20.0),
            )
        };
        AlignedRects {
            raster,
            psth,
            heatmap: col(0, 4, 0.0, 0.46),
            isi: col(1, 4, 0.46, 0.64),
            acg: col(2, 4, 0.64, 0.82),
            rate: col(3, 4, 0.82, 1.0),
        }
    }
}

/// The heatmap as an image: units (rows, raster order) × bins, coloured with inferno from 0
/// to each unit's peak.
pub fn heatmap_image(views: &AlignedViews) -> Option<egui::ColorImage> {
    let rows = views.heatmap.len();
    let cols = views.heatmap.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 {
        return None;
    }
    let mut pixels = Vec::with_capacity(rows * cols);
    for row in &views.heatmap {
        for &v in row {
            let [r, g, b] = crate::model::Colormap::Inferno.sample(v);
            pixels.push(Color32::from_rgb(r, g, b));
        }
    }
    Some(egui::ColorImage::new([cols, rows], pixels))
}

/// Axes, curves, labels and the heatmap (the window and `glia render --view psth` alike). The
/// aligned raster image itself is drawn under `rects.raster` by the caller.
pub fn paint_aligned(
    painter: &egui::Painter,
    full: Rect,
    session: &Session,
    layer: &SpikeLayer,
    views: &AlignedViews,
    heatmap: Option<egui::TextureId>,
) {
    let r = AlignedRects::new(full);
    let text = crate::ui::panels::view3d::text_color_for(session.scene.theme);
    let weak = text.gamma_multiply(0.6);
    let small = FontId::proportional(10.0);
    let [w0, w1] = layer.align.window_secs;
    let Some(data) = session.spike_data(layer.id) else {
        return;
    };
    let unit_title = views
        .unit
        .map(|u| crate::session::unit_name(&data.set, u))
        .unwrap_or_default();
    let event = views.event.clone().unwrap_or_else(|| "no events".into());
    if views.n_events == 0 {
        painter.text(
            r.raster.center(),
            Align2::CENTER_CENTER,
            "No events to align to: open an events table (onset, trial_type) or a recording with \
             annotations, or an NWB file with trials",
            FontId::proportional(13.0),
            weak,
        );
    }
    // Raster: title, condition blocks, event line.
    painter.text(
        Pos2::new(r.raster.min.x, r.raster.min.y - 3.0),
        Align2::LEFT_BOTTOM,
        format!(
            "unit {unit_title} · aligned to {event} · {} trials",
            views.n_events
        ),
        FontId::proportional(12.0),
        text,
    );
    let n_rows = views.raster.rows.len().max(1) as f32;
    for (first, count, condition, color) in &views.raster.blocks {
        let y0 = r.raster.min.y + *first as f32 / n_rows * r.raster.height();
        let y1 = r.raster.min.y + (*first + *count) as f32 / n_rows * r.raster.height();
        let [cr, cg, cb, _] = *color;
        let c = Color32::from_rgb(cr, cg, cb);
        painter.rect_filled(
            Rect::from_min_max(
                Pos2::new(r.raster.min.x - 5.0, y0),
                Pos2::new(r.raster.min.x - 2.0, y1),
            ),
            0.0,
            c,
        );
        if y1 - y0 >= 9.0 {
            painter.text(
                Pos2::new(r.raster.min.x - 7.0, (y0 + y1) / 2.0),
                Align2::RIGHT_CENTER,
                condition,
                small.clone(),
                c,
            );
        }
    }
    let x_of = |rect: Rect, t: f64| rect.min.x + ((t - w0) / (w1 - w0)) as f32 * rect.width();
    for rect in [r.raster, r.psth] {
        if w0 <= 0.0 && w1 >= 0.0 {
            let x = x_of(rect, 0.0);
            painter.line_segment(
                [Pos2::new(x, rect.min.y), Pos2::new(x, rect.max.y)],
                Stroke::new(1.0, Color32::from_rgba_unmultiplied(235, 80, 70, 160)),
            );
        }
    }
    time_ticks(painter, r.raster, w0, w1, weak, false);
    // PSTH curves.
    let y_max = views
        .curves
        .iter()
        .flat_map(|c| c.rate_hz.iter().copied())
        .fold(0.0, f64::max);
    let y_max = crate::session::nice_ceil(y_max.max(1.0));
    frame(painter, r.psth, weak);
    value_ticks(painter, r.psth, y_max, "Hz", weak);
    time_ticks(painter, r.psth, w0, w1, weak, true);
    for (k, curve) in views.curves.iter().enumerate() {
        let [cr, cg, cb, _] = curve.color;
        let color = Color32::from_rgb(cr, cg, cb);
        let pts: Vec<Pos2> = curve
            .rate_hz
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let t = w0 + (i as f64 + 0.5) * views.bin_secs;
                Pos2::new(
                    x_of(r.psth, t),
                    r.psth.max.y - (v / y_max) as f32 * r.psth.height(),
                )
            })
            .collect();
        painter.add(egui::Shape::line(pts, Stroke::new(1.6, color)));
        painter.text(
            Pos2::new(r.psth.max.x - 4.0, r.psth.min.y + 2.0 + k as f32 * 12.0),
            Align2::RIGHT_TOP,
            format!("{} (n={})", curve.condition, curve.n_events),
            small.clone(),
            color,
        );
    }
    painter.text(
        Pos2::new(r.psth.min.x, r.psth.min.y - 3.0),
        Align2::LEFT_BOTTOM,
        format!(
            "PSTH · {:.0} ms bins{} · ms from {event}",
            views.bin_secs * 1e3,
            if layer.align.smooth_secs > 0.0 {
                format!(" · Gaussian σ {:.0} ms", layer.align.smooth_secs * 1e3)
            } else {
                String::new()
            }
        ),
        FontId::proportional(12.0),
        text,
    );
    // Heatmap.
    painter.text(
        Pos2::new(r.heatmap.min.x, r.heatmap.min.y - 3.0),
        Align2::LEFT_BOTTOM,
        format!(
            "population · {} units · rate / peak · ms from {event}",
            views.heatmap.len()
        ),
        FontId::proportional(12.0),
        text,
    );
    if let Some(tex) = heatmap {
        painter.image(
            tex,
            r.heatmap,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
        if w0 <= 0.0 && w1 >= 0.0 {
            let x = x_of(r.heatmap, 0.0);
            painter.line_segment(
                [Pos2::new(x, r.heatmap.min.y), Pos2::new(x, r.heatmap.max.y)],
                Stroke::new(1.0, Color32::from_rgba_unmultiplied(255, 255, 255, 120)),
            );
        }
    }
    frame(painter, r.heatmap, weak);
    time_ticks(painter, r.heatmap, w0, w1, weak, true);
    painter.text(
        Pos2::new(r.heatmap.min.x - 4.0, r.heatmap.min.y),
        Align2::RIGHT_TOP,
        "units",
        small.clone(),
        weak,
    );
    // Single-unit statistics.
    let bars =
        |rect: Rect, values: &[f64], title: String, x_label: (&str, &str), color: Color32| {
            frame(painter, rect, weak);
            let max = values.iter().copied().fold(0.0, f64::max).max(1e-9);
            let n = values.len().max(1) as f32;
            for (i, &v) in values.iter().enumerate() {
                if v <= 0.0 {
                    continue;
                }
                let x0 = rect.min.x + i as f32 / n * rect.width();
                let x1 = rect.min.x + (i + 1) as f32 / n * rect.width();
                let y = rect.max.y - (v / max) as f32 * rect.height();
                painter.rect_filled(
                    Rect::from_min_max(Pos2::new(x0, y), Pos2::new(x1.max(x0 + 1.0), rect.max.y)),
                    0.0,
                    color,
                );
            }
            painter.text(
                Pos2::new(rect.min.x, rect.min.y - 3.0),
                Align2::LEFT_BOTTOM,
                title,
                FontId::proportional(11.0),
                text,
            );
            painter.text(
                Pos2::new(rect.min.x, rect.max.y + 2.0),
                Align2::LEFT_TOP,
                x_label.0,
                small.clone(),
                weak,
            );
            painter.text(
                Pos2::new(rect.max.x, rect.max.y + 2.0),
                Align2::RIGHT_TOP,
                x_label.1,
                small.clone(),
                weak,
            );
            painter.text(
                Pos2::new(rect.min.x - 4.0, rect.min.y),
                Align2::RIGHT_TOP,
                tick_text(max),
                small.clone(),
                weak,
            );
        };
    let accent = Color32::from_rgb(110, 170, 240);
    if views.unit.is_some() {
        bars(
            r.isi,
            &views.isi,
            format!(
                "ISI · {:.2}% of intervals < 2 ms",
                100.0 * views.refractory_fraction
            ),
            ("0", "100 ms"),
            accent,
        );
        bars(
            r.acg,
            &views.acg,
            "autocorrelogram".into(),
            ("−50 ms", "+50 ms"),
            accent,
        );
        let dur = data.set.duration_secs();
        bars(
            r.rate,
            &views.rate,
            format!(
                "rate over time · {} bins (Hz)",
                crate::ui::panels::traces::time_label(views.rate_bin_secs, 0)
            ),
            ("0", &crate::ui::panels::traces::time_label(dur, 0)),
            Color32::from_rgb(86, 196, 120),
        );
    }
}

fn frame(painter: &egui::Painter, rect: Rect, color: Color32) {
    painter.line_segment(
        [rect.left_bottom(), rect.right_bottom()],
        Stroke::new(1.0, color),
    );
    painter.line_segment(
        [rect.left_bottom(), rect.left_top()],
        Stroke::new(1.0, color),
    );
}

fn time_ticks(painter: &egui::Painter, rect: Rect, w0: f64, w1: f64, color: Color32, labels: bool) {
    let w = (w1 - w0).max(1e-9);
    let step = crate::session::nice_ceil(w / 6.0);
    let mut t = (w0 / step).ceil() * step;
    while t <= w1 + 1e-12 {
        let x = rect.min.x + ((t - w0) / w) as f32 * rect.width();
        painter.line_segment(
            [Pos2::new(x, rect.max.y), Pos2::new(x, rect.max.y + 3.0)],
            Stroke::new(1.0, color),
        );
        if labels {
            let ms = t * 1e3;
            painter.text(
                Pos2::new(x, rect.max.y + 4.0),
                Align2::CENTER_TOP,
                if step < 1.0 {
                    format!("{ms:.0}")
                } else {
                    format!("{t:.0} s")
                },
                FontId::proportional(10.0),
                color,
            );
        }
        t += step;
    }
}

/// A tick value: no decimals for whole numbers, else three significant digits.
fn tick_text(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        crate::session::format_value(v as f32)
    }
}

fn value_ticks(painter: &egui::Painter, rect: Rect, max: f64, unit: &str, color: Color32) {
    for k in 0..=2 {
        let v = max * k as f64 / 2.0;
        let y = rect.max.y - (k as f32 / 2.0) * rect.height();
        painter.text(
            Pos2::new(rect.min.x - 4.0, y),
            Align2::RIGHT_CENTER,
            if k == 2 {
                format!("{} {unit}", tick_text(v))
            } else {
                tick_text(v)
            },
            FontId::proportional(10.0),
            color,
        );
    }
}
