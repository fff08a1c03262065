//! The menu bar: File, View and Help.

use std::path::PathBuf;

use crate::model::{StandardView, Theme};
use crate::ui::app::{AppState, file_name};

/// File types the Open dialog offers.
const OPEN_FILTERS: &[(&str, &[&str])] = &[
    (
        "Brain data",
        &[
            "gii",
            "gz",
            "nii",
            "mgh",
            "mgz",
            "obj",
            "ply",
            "stl",
            "annot",
            "label",
            "pial",
            "white",
            "inflated",
            "sphere",
            "curv",
            "sulc",
            "thickness",
            "area",
            "toml",
            "hdr",
            "img",
            "edf",
            "bdf",
            "vhdr",
            "elc",
            "sfp",
            "nwb",
            "npy",
            "py",
            "csv",
            "tsv",
            "txt",
        ],
    ),
    ("All files", &["*"]),
];

pub fn menu_bar_ui(ui: &mut egui::Ui, state: &mut AppState) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, state));
        ui.menu_button("View", |ui| view_menu_ui(ui, state));
        ui.menu_button("Help", |ui| {
            ui.label(format!("Glia {}", env!("CARGO_PKG_VERSION")));
            ui.label("Brain surfaces, overlays and more in one window.");
            ui.separator();
            ui.label("Space: play/pause · R: reset view · Ctrl+O: open · Ctrl+S: save session");
            ui.label("Drag: rotate · right-drag or shift-drag: pan · scroll or pinch: zoom");
        });
    });
}

fn file_menu_ui(ui: &mut egui::Ui, state: &mut AppState) {
    if ui.button("Open…").clicked() {
        ui.close();
        open_dialog(state);
    }
    if ui
        .button("Open folder…")
        .on_hover_text("A Kilosort/phy output folder (spike_times.npy, params.py …)")
        .clicked()
    {
        ui.close();
        if let Some(path) = rfd::FileDialog::new().pick_folder() {
            state.open_paths(vec![path]);
        }
    }
    ui.menu_button("Open recent", |ui| {
        if state.recent.paths.is_empty() {
            ui.weak("Nothing opened yet");
        }
        let mut chosen = None;
        for path in &state.recent.paths {
            if ui
                .button(file_name(path))
                .on_hover_text(path.display().to_string())
                .clicked()
            {
                chosen = Some(path.clone());
            }
        }
        if let Some(path) = chosen {
            ui.close();
            state.open_paths(vec![path]);
        }
    });
    if ui.button("Open demo").clicked() {
        ui.close();
        state.load_demo();
    }
    ui.separator();
    if ui.button("Open session…").clicked() {
        ui.close();
        if let Some(path) = rfd::FileDialog::new()
            .add_filter("Glia session", &["toml"])
            .pick_file()
        {
            state.open_session(&path);
        }
    }
    if ui.button("Save session…").clicked() {
        ui.close();
        save_session_dialog(state);
    }
    if ui.button("Save figure…").clicked() {
        ui.close();
        if let Some(path) = rfd::FileDialog::new()
            .add_filter("PNG image", &["png"])
            .set_file_name("figure.png")
            .save_file()
        {
            state.save_figure(&with_extension(path, "png"));
        }
    }
    ui.separator();
    if ui.button("Quit").clicked() {
        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
    }
}

fn view_menu_ui(ui: &mut egui::Ui, state: &mut AppState) {
    for view in StandardView::ALL {
        let current = state.session.scene.camera.view == Some(view);
        if ui.selectable_label(current, view.label()).clicked() {
            state.set_view(view);
            ui.close();
        }
    }
    ui.separator();
    if ui.button("Live decoding").clicked() {
        state.decoding.wants_pane = true;
        ui.close();
    }
    ui.separator();
    if ui.button("Reset camera").clicked() {
        state.reset_camera();
        ui.close();
    }
    ui.separator();
    let scene = &mut state.session.scene;
    ui.checkbox(&mut scene.colorbar, "Colorbar");
    ui.checkbox(&mut scene.slices_in_3d, "Slice planes in 3D")
        .on_hover_text(
            "The axial, coronal and sagittal planes through the crosshair, in the 3D view",
        );
    ui.checkbox(
        &mut scene.clip_at_cursor,
        "Clip volume rendering at the crosshair",
    )
    .on_hover_text("Cut away the part of rendered volumes between the camera and the crosshair");
    ui.checkbox(&mut scene.radiological, "Radiological convention")
        .on_hover_text("Slice views with the subject's left on the screen's right");
    ui.horizontal(|ui| {
        ui.label("Theme");
        ui.selectable_value(&mut scene.theme, Theme::Dark, "Dark");
        ui.selectable_value(&mut scene.theme, Theme::Light, "Light");
    });
}

/// File › Open…: any number of files (a mesh first, then its overlays).
pub fn open_dialog(state: &mut AppState) {
    let mut dialog = rfd::FileDialog::new();
    for (name, extensions) in OPEN_FILTERS {
        dialog = dialog.add_filter(*name, extensions);
    }
    if let Some(paths) = dialog.pick_files() {
        state.open_paths(paths);
    }
}

pub fn save_session_dialog(state: &mut AppState) {
    if let Some(path) = rfd::FileDialog::new()
        .add_filter("Glia session", &["toml"])
        .set_file_name("session.toml")
        .save_file()
    {
        state.save_session(&with_extension(path, "toml"));
    }
}

fn with_extension(path: PathBuf, ext: &str) -> PathBuf {
    if path.extension().is_some() {
        path
    } else {
        path.with_extension(ext)
    }
}
