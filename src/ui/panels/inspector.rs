//! The Inspector: what is under the cursor (or at the last click): surface, vertex, world
//! coordinates in millimetres, and the value or label of every overlay there.

use egui::RichText;

use crate::session::PickInfo;
use crate::ui::app::AppState;

pub fn inspector_ui(ui: &mut egui::Ui, state: &mut AppState) {
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            if let Some(pick) = &state.hover {
                pick_ui(ui, "Under the cursor", pick, &state.session);
            }
            if let Some(pick) = &state.pinned {
                if state.hover.is_some() {
                    ui.separator();
                }
                pick_ui(ui, "Clicked point", pick, &state.session);
                if ui.small_button("Clear").clicked() {
                    state.pinned = None;
                }
            }
            if !state.session.scene.volumes.is_empty() {
                if state.hover.is_some() || state.pinned.is_some() {
                    ui.separator();
                }
                crosshair_ui(ui, state);
            } else if state.hover.is_none() && state.pinned.is_none() {
                ui.weak(
                    "Point at the brain to read coordinates and values; click to keep a point.",
                );
            }
        });
}

/// The crosshair: world and voxel coordinates, and every volume's value or region there.
fn crosshair_ui(ui: &mut egui::Ui, state: &AppState) {
    let cursor = state.session.cursor();
    ui.label(RichText::new("Crosshair").strong());
    egui::Grid::new("crosshair")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            ui.label("RAS (mm)");
            ui.monospace(format!(
                "{:7.1} {:7.1} {:7.1}",
                cursor.x, cursor.y, cursor.z
            ));
            ui.end_row();
            if let Some([i, j, k]) = state.session.underlay_voxel(cursor) {
                ui.label("Voxel");
                ui.monospace(format!("{i:>5} {j:>5} {k:>5}"));
                ui.end_row();
            }
        });
    // Values first: layer names can be long, and the panel narrow.
    egui::Grid::new("crosshair values")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (name, value) in state.session.volume_readout(cursor) {
                ui.monospace(value);
                ui.add(egui::Label::new(RichText::new(name).weak()).truncate());
                ui.end_row();
            }
        });
}

/// A point on a surface: where it is, the surface's overlays there, and every volume's value or
/// region at the same place (so an atlas names the region under the pointer in 3D too).
fn pick_ui(ui: &mut egui::Ui, title: &str, pick: &PickInfo, session: &crate::session::Session) {
    ui.label(RichText::new(title).strong());
    egui::Grid::new((title, "pick"))
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            ui.label("Surface");
            ui.label(&pick.surface_name);
            ui.end_row();
            ui.label("Vertex");
            ui.label(pick.vertex.to_string());
            ui.end_row();
            ui.label("RAS (mm)");
            let p = pick.point_mm;
            ui.monospace(format!("{:7.1} {:7.1} {:7.1}", p.x, p.y, p.z));
            ui.end_row();
            ui.label("Vertex RAS");
            let v = pick.vertex_mm;
            ui.monospace(format!("{:7.1} {:7.1} {:7.1}", v.x, v.y, v.z));
            ui.end_row();
            for (name, value) in &pick.values {
                ui.label(name);
                ui.monospace(value);
                ui.end_row();
            }
            for (name, value) in session.volume_readout(pick.point_mm) {
                ui.add(egui::Label::new(name).truncate());
                ui.monospace(value);
                ui.end_row();
            }
        });
}
