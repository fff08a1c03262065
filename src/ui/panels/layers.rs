//! The Layers panel: every loaded surface and overlay, with visibility, opacity, colormap,
//! range, thresholds, time frame, underlay shading and remove.

use egui::{Color32, RichText};

use super::volume_layers::VolumeAction;
use crate::model::{Colormap, LayerId, OverlayData, OverlayLayer, SurfaceLayer, UnderlayShading};
use crate::render::surface_renderer::MAX_OVERLAYS;
use crate::session::{Session, robust_range};
use crate::ui::app::AppState;

enum Action {
    Remove(LayerId),
    Select(LayerId),
}

pub fn layers_ui(ui: &mut egui::Ui, state: &mut AppState) {
    let mut actions = Vec::new();
    let mut volume_actions = Vec::new();
    let mut recording_actions = Vec::new();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if state.session.scene.surfaces.is_empty()
                && state.session.scene.volumes.is_empty()
                && state.session.scene.recordings.is_empty()
                && state.session.scene.spikes.is_empty()
            {
                ui.weak("Nothing loaded. File › Open… or drop files on the window.");
            }
            let session = &mut state.session;
            let selected = state.selected;
            super::recording_layers::spike_layers_ui(ui, session, selected, &mut recording_actions);
            super::recording_layers::recording_layers_ui(
                ui,
                session,
                selected,
                &mut recording_actions,
            );
            super::volume_layers::volume_layers_ui(
                ui,
                session,
                selected,
                &mut state.volume_ui,
                &mut volume_actions,
            );
            let ids: Vec<LayerId> = session.scene.surfaces.iter().map(|s| s.id).collect();
            for id in ids {
                surface_ui(ui, session, id, selected, &mut actions);
                ui.add_space(4.0);
            }
        });
    for action in actions {
        match action {
            Action::Remove(id) => state.remove_layer(id),
            Action::Select(id) => state.selected = Some(id),
        }
    }
    for action in recording_actions {
        match action {
            super::recording_layers::RecordingAction::Remove(id) => state.remove_layer(id),
            super::recording_layers::RecordingAction::Select(id) => state.selected = Some(id),
            super::recording_layers::RecordingAction::TemplateBrain => {
                state.request_template_brain()
            }
            super::recording_layers::RecordingAction::TimeUnit(id, unit) => {
                if let Err(e) = state.session.set_spike_time_unit(id, &unit) {
                    state.report_error(e);
                }
            }
        }
    }
    for action in volume_actions {
        match action {
            VolumeAction::Remove(id) => state.remove_layer(id),
            VolumeAction::Select(id) => state.selected = Some(id),
            VolumeAction::Isosurface(id, level) => state.make_isosurface(id, level),
            VolumeAction::Project(volume, surface, depth_mm) => {
                match state.session.add_projection(volume, surface, depth_mm) {
                    Ok(id) => state.selected = Some(id),
                    Err(e) => state.report_error(format!("Projection: {e}")),
                }
            }
        }
    }
}

fn surface_ui(
    ui: &mut egui::Ui,
    session: &mut Session,
    id: LayerId,
    selected: Option<LayerId>,
    actions: &mut Vec<Action>,
) {
    let n_vertices = session
        .surface_data(id)
        .map_or(0, |d| d.surface.n_vertices());
    let underlay_from_file = matches!(
        session.scene.surface(id).map(|s| &s.underlay),
        Some(UnderlayShading::File { .. })
    );
    let state = egui::collapsing_header::CollapsingState::load_with_default_open(
        ui.ctx(),
        ui.make_persistent_id(("surface", id)),
        true,
    );
    state
        .show_header(ui, |ui| {
            let Some(layer) = session.scene.surface_mut(id) else {
                return;
            };
            ui.checkbox(&mut layer.visible, "")
                .on_hover_text("Show or hide this surface");
            if ui
                .selectable_label(selected == Some(id), RichText::new(&layer.name).strong())
                .clicked()
            {
                actions.push(Action::Select(id));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("🗙")
                    .on_hover_text("Remove this surface and its overlays")
                    .clicked()
                {
                    actions.push(Action::Remove(id));
                }
            });
        })
        .body(|ui| {
            let Some(layer) = session.scene.surface_mut(id) else {
                return;
            };
            surface_settings_ui(ui, layer, n_vertices, underlay_from_file);
            if layer.overlays.len() > MAX_OVERLAYS {
                ui.colored_label(
                    Color32::from_rgb(230, 160, 60),
                    format!("Only the first {MAX_OVERLAYS} visible overlays are drawn."),
                );
            }
            let overlay_ids: Vec<LayerId> = layer.overlays.iter().map(|o| o.id).collect();
            for oid in overlay_ids {
                ui.separator();
                overlay_ui(ui, session, oid, selected, actions);
            }
        });
}

fn surface_settings_ui(
    ui: &mut egui::Ui,
    layer: &mut SurfaceLayer,
    n_vertices: usize,
    underlay_from_file: bool,
) {
    ui.horizontal(|ui| {
        ui.weak(format!(
            "{} vertices",
            crate::ui::app::thousands(n_vertices)
        ));
        if let Some(h) = layer.hemisphere {
            ui.weak(format!("· {h:?} hemisphere"));
        }
    });
    ui.add(egui::Slider::new(&mut layer.opacity, 0.0..=1.0).text("opacity"));
    ui.horizontal(|ui| {
        let label = ui.label("Underlay");
        let current = match &layer.underlay {
            UnderlayShading::Flat => "flat".to_owned(),
            UnderlayShading::Curvature => "mesh curvature".to_owned(),
            UnderlayShading::File { source } => source.display_name(),
        };
        egui::ComboBox::from_id_salt(("underlay", layer.id))
            .selected_text(current)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut layer.underlay, UnderlayShading::Flat, "flat");
                ui.selectable_value(
                    &mut layer.underlay,
                    UnderlayShading::Curvature,
                    "mesh curvature",
                );
                if underlay_from_file {
                    ui.weak("(open another curv/sulc file to change the file)");
                }
            })
            .response
            .labelled_by(label.id);
        ui.color_edit_button_rgb(&mut layer.color)
            .on_hover_text("Underlay colour");
    });
}

fn overlay_ui(
    ui: &mut egui::Ui,
    session: &mut Session,
    id: LayerId,
    selected: Option<LayerId>,
    actions: &mut Vec<Action>,
) {
    let data = session.overlay_data(id).cloned();
    let animated = data.is_none();
    let Some(layer) = session.scene.overlay_mut(id) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.add_space(12.0);
        ui.checkbox(&mut layer.visible, "")
            .on_hover_text("Show or hide this overlay");
        if ui
            .selectable_label(selected == Some(id), &layer.name)
            .clicked()
        {
            actions.push(Action::Select(id));
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .small_button("🗙")
                .on_hover_text("Remove this overlay")
                .clicked()
            {
                actions.push(Action::Remove(id));
            }
        });
    });
    ui.indent(("overlay", id), |ui| {
        ui.add(egui::Slider::new(&mut layer.opacity, 0.0..=1.0).text("opacity"));
        match data.as_ref().map(|d| &d.overlay.data) {
            Some(OverlayData::Labels { table, .. }) => labels_ui(ui, id, table),
            Some(OverlayData::Roi { vertices, .. }) => {
                ui.weak(format!("{} vertices in the label", vertices.len()));
            }
            _ => {
                if animated {
                    ui.weak("Synthetic activation (animated)");
                }
                let overlay = data.as_ref().map(|d| &d.overlay);
                scalar_settings_ui(ui, layer, overlay);
            }
        }
    });
}

fn scalar_settings_ui(
    ui: &mut egui::Ui,
    layer: &mut OverlayLayer,
    overlay: Option<&crate::model::Overlay>,
) {
    let robust = || overlay.and_then(robust_range);
    let median = || overlay.and_then(|o| crate::session::percentile(o, 50.0));
    scalar_controls(
        ui,
        layer.id,
        &mut layer.colormap,
        &mut layer.range,
        &mut layer.threshold,
        &robust,
        &median,
    );
    if let Some(overlay) = overlay {
        let n = overlay.n_frames();
        if n > 1 {
            ui.add(egui::Slider::new(&mut layer.frame, 0..=n - 1).text(format!("frame of {n}")));
        }
    }
}

/// Colormap, range and thresholds of scalar data (surface overlays and volumes alike).
/// `robust` gives the 2nd–98th percentile range and `median` the median, computed only when
/// asked for (the auto button, a first threshold).
pub fn scalar_controls(
    ui: &mut egui::Ui,
    id: LayerId,
    colormap: &mut Colormap,
    range: &mut [f32; 2],
    threshold: &mut crate::model::Threshold,
    robust: &dyn Fn() -> Option<(f32, f32)>,
    median: &dyn Fn() -> Option<f32>,
) {
    ui.horizontal(|ui| {
        let label = ui.label("Colormap");
        egui::ComboBox::from_id_salt(("colormap", id))
            .selected_text(colormap.name())
            .show_ui(ui, |ui| {
                for cmap in Colormap::ALL {
                    ui.horizontal(|ui| {
                        colormap_swatch(ui, cmap, egui::vec2(48.0, 12.0));
                        ui.selectable_value(colormap, cmap, cmap.name());
                    });
                }
            })
            .response
            .labelled_by(label.id);
        colormap_swatch(ui, *colormap, egui::vec2(56.0, 14.0));
    });
    ui.horizontal(|ui| {
        let label = ui.label("Range");
        let speed = ((range[1] - range[0]).abs() * 0.005).max(1e-4);
        ui.add(
            egui::DragValue::new(&mut range[0])
                .speed(speed)
                .max_decimals(4),
        )
        .labelled_by(label.id)
        .on_hover_text("Value at the low end of the colormap");
        let to = ui.label("to");
        ui.add(
            egui::DragValue::new(&mut range[1])
                .speed(speed)
                .max_decimals(4),
        )
        .labelled_by(to.id)
        .on_hover_text("Value at the high end of the colormap");
        if ui
            .small_button("auto")
            .on_hover_text("2nd to 98th percentile (symmetric for signed data)")
            .clicked()
            && let Some((lo, hi)) = robust()
        {
            *range = if lo < 0.0 && hi > 0.0 {
                let m = lo.abs().max(hi);
                [-m, m]
            } else {
                [lo, hi]
            };
        }
    });
    ui.horizontal(|ui| {
        let t = threshold;
        let speed = ((range[1] - range[0]).abs() * 0.005).max(1e-4);
        if ui.checkbox(&mut t.enabled, "Threshold").changed()
            && t.enabled
            && t.positive == 0.0
            && t.negative == 0.0
        {
            // A first threshold: for signed maps, hide the weakest quarter on either side of
            // zero; for one-sided maps, the lower half of the values (their median).
            let [lo, hi] = *range;
            if lo < 0.0 && hi > 0.0 {
                let m = lo.abs().max(hi) * 0.25;
                (t.positive, t.negative) = (m, -m);
            } else {
                t.positive = median().unwrap_or(lo + (hi - lo) * 0.5);
                t.negative = f32::NEG_INFINITY;
            }
        }
        ui.add_enabled_ui(t.enabled, |ui| {
            ui.add(
                egui::DragValue::new(&mut t.positive)
                    .speed(speed)
                    .prefix("≥ ")
                    .max_decimals(4),
            )
            .on_hover_text("Positive threshold: values at or above it are shown");
            let mut show_negative = t.negative.is_finite();
            if ui
                .checkbox(&mut show_negative, "≤")
                .on_hover_text("Also show negative values at or below the negative threshold")
                .changed()
            {
                t.negative = if show_negative {
                    -t.positive.abs()
                } else {
                    f32::NEG_INFINITY
                };
            }
            if t.negative.is_finite() {
                ui.add(
                    egui::DragValue::new(&mut t.negative)
                        .speed(speed)
                        .max_decimals(4),
                )
                .on_hover_text("Negative threshold: values at or below it are shown");
            }
        });
    });
}

fn labels_ui(ui: &mut egui::Ui, id: LayerId, table: &crate::model::LabelTable) {
    egui::CollapsingHeader::new(format!("{} labels", table.labels.len()))
        .id_salt(("labels", id))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .max_height(180.0)
                .id_salt(("labels scroll", id))
                .show(ui, |ui| {
                    for label in &table.labels {
                        ui.horizontal(|ui| {
                            let [r, g, b, _] = label
                                .rgba
                                .map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8);
                            let (rect, _) = ui
                                .allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
                            ui.painter()
                                .rect_filled(rect, 2.0, Color32::from_rgb(r, g, b));
                            ui.label(&label.name);
                        });
                    }
                });
        });
}

/// A small horizontal gradient of a colormap.
pub fn colormap_swatch(ui: &mut egui::Ui, cmap: Colormap, size: egui::Vec2) {
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let steps = 32;
    for i in 0..steps {
        let [r, g, b] = cmap.sample((i as f32 + 0.5) / steps as f32);
        let x0 = rect.min.x + rect.width() * i as f32 / steps as f32;
        let x1 = rect.min.x + rect.width() * (i + 1) as f32 / steps as f32;
        ui.painter().rect_filled(
            egui::Rect::from_min_max(egui::pos2(x0, rect.min.y), egui::pos2(x1 + 0.5, rect.max.y)),
            0.0,
            Color32::from_rgb(r, g, b),
        );
    }
}
