//! Volume layers in the Layers panel: visibility, opacity, role, colormap and window,
//! thresholds with a minimum cluster size, interpolation, frame; and the actions a volume
//! offers: an isosurface at a chosen level, projection onto a surface.

use egui::{Color32, RichText};

use super::layers::scalar_controls;
use crate::model::{Interpolation, LayerId, VolumeRole};
use crate::session::Session;

/// What the user asked for that needs more than a setting change.
pub enum VolumeAction {
    Remove(LayerId),
    Select(LayerId),
    /// Mesh the volume at a level, in the background.
    Isosurface(LayerId, f32),
    /// Project the volume onto a surface (volume, surface, depth in mm).
    Project(LayerId, LayerId, f32),
}

/// Per-volume choices of the action controls (not part of the Scene).
#[derive(Default)]
pub struct VolumeUiState {
    iso_level: std::collections::HashMap<LayerId, f32>,
    projection_depth_mm: f32,
}

pub fn volume_layers_ui(
    ui: &mut egui::Ui,
    session: &mut Session,
    selected: Option<LayerId>,
    ui_state: &mut VolumeUiState,
    actions: &mut Vec<VolumeAction>,
) {
    if session.scene.volumes.is_empty() {
        return;
    }
    ui.label(RichText::new("Volumes").strong());
    let ids: Vec<LayerId> = session.scene.volumes.iter().map(|v| v.id).collect();
    for id in ids {
        volume_ui(ui, session, id, selected, ui_state, actions);
        ui.add_space(4.0);
    }
    ui.separator();
}

fn volume_ui(
    ui: &mut egui::Ui,
    session: &mut Session,
    id: LayerId,
    selected: Option<LayerId>,
    ui_state: &mut VolumeUiState,
    actions: &mut Vec<VolumeAction>,
) {
    let Some(data) = session.volume_data(id).cloned() else {
        return;
    };
    let first_surface = session
        .scene
        .surfaces
        .first()
        .map(|s| (s.id, s.name.clone()));
    let state = egui::collapsing_header::CollapsingState::load_with_default_open(
        ui.ctx(),
        ui.make_persistent_id(("volume", id)),
        true,
    );
    state
        .show_header(ui, |ui| {
            let Some(layer) = session.scene.volume_mut(id) else { return };
            ui.checkbox(&mut layer.visible, "").on_hover_text("Show or hide this volume");
            if ui.selectable_label(selected == Some(id), RichText::new(&layer.name).strong()).clicked() {
                actions.push(VolumeAction::Select(id));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.small_button("🗙").on_hover_text("Remove this volume").clicked() {
                    actions.push(VolumeAction::Remove(id));
                }
            });
        })
        .body(|ui| {
            let Some(layer) = session.scene.volume_mut(id) else { return };
            let v = &data.volume;
            let [sx, sy, sz] = v.voxel_size_mm();
            ui.weak(format!(
                "{}×{}×{}{} · {sx:.2}×{sy:.2}×{sz:.2} mm · {} · {}",
                v.dims[0],
                v.dims[1],
                v.dims[2],
                if v.n_frames > 1 { format!("×{}", v.n_frames) } else { String::new() },
                v.voxels.type_name(),
                v.orientation()
            ));
            ui.horizontal(|ui| {
                ui.add(egui::Slider::new(&mut layer.opacity, 0.0..=1.0).text("opacity"));
                // Atlases are not volume-rendered: their colours are per label, not a ramp.
                if layer.role != VolumeRole::Labels {
                    ui.checkbox(&mut layer.render_3d, "3D")
                        .on_hover_text("Volume rendering (ray-marched) in the 3D view, coloured by this layer's colormap, window and threshold");
                }
            });
            ui.horizontal(|ui| {
                let label = ui.label("Shown as");
                egui::ComboBox::from_id_salt(("role", id))
                    .selected_text(role_name(layer.role))
                    .show_ui(ui, |ui| {
                        for role in [VolumeRole::Anatomy, VolumeRole::Statistic, VolumeRole::Labels] {
                            ui.selectable_value(&mut layer.role, role, role_name(role));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                let label = ui.label("Sampling");
                egui::ComboBox::from_id_salt(("interpolation", id))
                    .selected_text(match layer.interpolation {
                        Interpolation::Linear => "trilinear",
                        Interpolation::Nearest => "nearest",
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut layer.interpolation, Interpolation::Linear, "trilinear");
                        ui.selectable_value(&mut layer.interpolation, Interpolation::Nearest, "nearest");
                    })
                    .response
                    .labelled_by(label.id);
            });
            if layer.role == VolumeRole::Labels && data.labels.is_some() {
                if let Some((_, table)) = &data.labels {
                    ui.weak(format!("{} regions", table.labels.len()));
                }
            } else {
                let robust = || Some(data.robust_range);
                let median = || v.percentile(layer.frame, 50.0);
                scalar_controls(ui, id, &mut layer.colormap, &mut layer.range, &mut layer.threshold, &robust, &median);
                if layer.threshold.enabled {
                    ui.horizontal(|ui| {
                        let label = ui.label("Hide clusters under");
                        ui.add(egui::DragValue::new(&mut layer.min_cluster_voxels).range(0..=1_000_000).suffix(" voxels"))
                            .labelled_by(label.id)
                            .on_hover_text("Supra-threshold clusters (26-connected) smaller than this are hidden; 0 keeps all");
                    });
                }
            }
            if v.n_frames > 1 {
                ui.add(egui::Slider::new(&mut layer.frame, 0..=v.n_frames - 1).text(format!("frame of {}", v.n_frames)));
            }
            ui.horizontal(|ui| {
                let level = ui_state
                    .iso_level
                    .entry(id)
                    .or_insert_with(|| crate::session::default_iso_level(data.range));
                let speed = ((data.range.1 - data.range.0).abs() * 0.005).max(1e-4);
                if ui.button("Isosurface").on_hover_text("Mesh the first frame at this level (marching cubes) as a new surface").clicked() {
                    actions.push(VolumeAction::Isosurface(id, *level));
                }
                let label = ui.label("at");
                ui.add(egui::DragValue::new(level).speed(speed).max_decimals(4)).labelled_by(label.id);
            });
            if let Some((surface_id, surface_name)) = &first_surface
                && layer.role != VolumeRole::Labels {
                    ui.horizontal(|ui| {
                        if ui
                            .button("Project onto surface")
                            .on_hover_text(format!("Sample this volume at the vertices of {surface_name}, as an overlay"))
                            .clicked()
                        {
                            actions.push(VolumeAction::Project(id, *surface_id, ui_state.projection_depth_mm));
                        }
                        let label = ui.label("max within");
                        ui.add(egui::DragValue::new(&mut ui_state.projection_depth_mm).range(0.0..=10.0).speed(0.1).suffix(" mm"))
                            .labelled_by(label.id)
                            .on_hover_text("0: the value at the vertex; more: the largest value along the normal within this distance");
                    });
                }
            if data.volume.n_frames > 1 {
                ui.colored_label(Color32::GRAY, "4D: the time bar under the 3D view plays it");
            }
        });
}

fn role_name(role: VolumeRole) -> &'static str {
    match role {
        VolumeRole::Anatomy => "anatomy",
        VolumeRole::Statistic => "statistical map",
        VolumeRole::Labels => "atlas (labels)",
    }
}
