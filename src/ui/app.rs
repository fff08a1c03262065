//! The Glia window: state, layout, menus, status bar, drag-and-drop and job handling.
//! Panels live in `panels/`, one file each.

use std::path::{Path, PathBuf};

use crate::model::{CameraState, LayerId, Scene, StandardView, Theme};
use crate::render::{Camera, SceneRenderer};
use crate::session::{Applied, PickInfo, Session};

use super::gpu_bridge::BridgedView;
use super::jobs::{JobOutput, Jobs};
use super::recent::RecentFiles;

/// The tiles of the layout. Later capabilities (slices, signals, rasters, decoding) add
/// variants here and a file in `panels/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    View3d,
    Layers,
    Inspector,
    /// A slice view: index into [`AppState::slice_views`].
    Slice(usize),
    /// The trace browser of electrode recordings.
    Traces,
    /// Power spectra, spectrogram and band power of a recording.
    Spectra,
    /// The spike raster of sorted units.
    Raster,
    /// Event-aligned rasters, PSTHs, the population heatmap and single-unit statistics.
    Aligned,
    /// Live decoding: calibrate, train, run.
    Decoding,
}

impl Pane {
    pub fn title(self) -> &'static str {
        match self {
            Pane::View3d => "3D",
            Pane::Layers => "Layers",
            Pane::Inspector => "Inspector",
            Pane::Slice(0) => "Axial",
            Pane::Slice(1) => "Coronal",
            Pane::Slice(_) => "Sagittal",
            Pane::Traces => "Traces",
            Pane::Spectra => "Spectra",
            Pane::Raster => "Raster",
            Pane::Aligned => "PSTH",
            Pane::Decoding => "Decoding",
        }
    }
}

/// Time-series and animation playback.
#[derive(Clone, Copy, Debug)]
pub struct Playback {
    pub playing: bool,
    /// Frames per second for time-series overlays.
    pub fps: f32,
}

/// What a view's picture shows: ((Scene, size in pixels, data generation), samples per pixel).
/// Unchanged, the picture is not redrawn.
pub type DrawnKey = ((Scene, [u32; 2], u64), u32);

/// Everything the panels read and edit.
pub struct AppState {
    pub ctx: egui::Context,
    pub render_state: egui_wgpu::RenderState,
    pub session: Session,
    pub renderer: SceneRenderer,
    pub view: Option<BridgedView>,
    /// The camera of the last drawn frame (for picking and panning).
    pub camera: Option<Camera>,
    pub jobs: Jobs,
    pub toasts: egui_notify::Toasts,
    /// Every error shown, oldest first (for `glia snapshot` and tests).
    pub errors: Vec<String>,
    pub recent: RecentFiles,
    pub selected: Option<LayerId>,
    pub hover: Option<PickInfo>,
    pub pinned: Option<PickInfo>,
    pub playback: Playback,
    /// Axial, coronal and sagittal views.
    pub slice_views: Vec<super::panels::slices::SliceViewState>,
    /// Set when a volume opens: the layout gains the slice views.
    pub wants_slice_views: bool,
    pub volume_ui: super::panels::volume_layers::VolumeUiState,
    /// The trace browser's view and state.
    pub trace_view: super::panels::traces::TraceViewState,
    pub trace_renderer: crate::render::TraceRenderer,
    pub spectra: super::panels::spectra::SpectraState,
    /// The spike raster's view and state, and the event-aligned views'.
    pub raster_view: super::panels::raster::RasterViewState,
    pub raster_renderer: crate::render::RasterRenderer,
    pub aligned_view: super::panels::psth::AlignedViewState,
    pub raster_renderer_aligned: crate::render::RasterRenderer,
    /// The decoding panel and its stream.
    pub decoding: super::panels::decoding::DecodingState,
    /// Recordings whose overview pyramids are being built, or failed to build: (layer, data key).
    pyramids_in_flight: Vec<(LayerId, u64)>,
    last_input_time: Option<f64>,
    applied_theme: Option<Theme>,
    /// Whether the user has opened anything (the demo then stays out of the way).
    user_opened_files: bool,
    /// The demo's volume layers, loaded once its brain is on screen.
    pending_demo_volumes: Vec<crate::model::VolumeLayer>,
    /// Frames to wait before loading them.
    demo_volumes_in_frames: Option<u32>,
    /// Cluster masks being computed in the background.
    masks_in_flight: Vec<crate::session::MaskRequest>,
    /// Whether opened files go into File › Open recent (not for `glia snapshot`).
    pub record_recent: bool,
    startup_brain_drawn: bool,
    /// What the view's picture shows (Scene, size in pixels, data generation): unchanged input
    /// means no redraw, which matters on software GPUs.
    pub last_drawn: Option<DrawnKey>,
    /// When what the view shows last changed (egui time, seconds).
    pub last_change_secs: f64,
}

pub struct GliaApp {
    tree: egui_tiles::Tree<Pane>,
    pub state: AppState,
}

impl GliaApp {
    /// Starts with `files`, or with the demo brain when there are none.
    pub fn new(
        ctx: egui::Context,
        render_state: egui_wgpu::RenderState,
        files: Vec<PathBuf>,
    ) -> Self {
        Self::with_options(ctx, render_state, files, true)
    }

    /// As [`GliaApp::new`]; `record_recent: false` keeps the files out of File › Open recent
    /// (for `glia snapshot`).
    pub fn with_options(
        ctx: egui::Context,
        render_state: egui_wgpu::RenderState,
        files: Vec<PathBuf>,
        record_recent: bool,
    ) -> Self {
        if !cfg!(debug_assertions) {
            // A GPU validation error in a release build is reported, not fatal: the window and
            // what is loaded stay (debug builds keep wgpu's panic, to catch such bugs in tests).
            render_state
                .device
                .on_uncaptured_error(std::sync::Arc::new(|e| log::error!("GPU error: {e}")));
        }
        let renderer = SceneRenderer::new(&render_state.device, &render_state.queue);
        let trace_renderer =
            crate::render::TraceRenderer::new(&render_state.device, &render_state.queue);
        let raster_renderer =
            crate::render::RasterRenderer::new(&render_state.device, &render_state.queue);
        let raster_renderer_aligned =
            crate::render::RasterRenderer::new(&render_state.device, &render_state.queue);
        let mut state = AppState {
            ctx: ctx.clone(),
            render_state,
            session: Session::default(),
            renderer,
            view: None,
            camera: None,
            jobs: Jobs::default(),
            toasts: egui_notify::Toasts::default().with_anchor(egui_notify::Anchor::BottomRight),
            errors: Vec::new(),
            recent: RecentFiles::load(),
            selected: None,
            hover: None,
            pinned: None,
            slice_views: crate::model::SliceAxis::ALL
                .iter()
                .map(|&axis| super::panels::slices::SliceViewState::new(axis))
                .collect(),
            wants_slice_views: false,
            volume_ui: Default::default(),
            trace_view: Default::default(),
            trace_renderer,
            spectra: Default::default(),
            raster_view: Default::default(),
            raster_renderer,
            aligned_view: Default::default(),
            raster_renderer_aligned,
            decoding: Default::default(),
            pyramids_in_flight: Vec::new(),
            playback: Playback {
                playing: false,
                fps: 10.0,
            },
            last_input_time: None,
            applied_theme: None,
            user_opened_files: false,
            pending_demo_volumes: Vec::new(),
            demo_volumes_in_frames: None,
            masks_in_flight: Vec::new(),
            record_recent,
            startup_brain_drawn: false,
            last_drawn: None,
            last_change_secs: 0.0,
        };
        if files.is_empty() {
            state.load_demo();
        } else {
            state.open_paths(files);
        }
        GliaApp {
            tree: default_layout(),
            state,
        }
    }

    /// The whole window's UI (also run headlessly by `glia snapshot` and the UI tests).
    pub fn ui_root(&mut self, ui: &mut egui::Ui) {
        let state = &mut self.state;
        state.handle_jobs();
        state.count_down_demo_volumes(ui.ctx());
        state.request_cluster_masks();
        state.request_pyramids();
        state.session.update_electrodes();
        state.session.update_units_3d();
        state.handle_dropped_files(ui.ctx());
        state.handle_shortcuts(ui.ctx());
        state.advance_playback(ui.ctx());
        if state.applied_theme != Some(state.session.scene.theme) {
            state.applied_theme = Some(state.session.scene.theme);
            ui.ctx().set_theme(match state.session.scene.theme {
                Theme::Dark => egui::Theme::Dark,
                Theme::Light => egui::Theme::Light,
            });
        }

        if state.wants_slice_views || !state.session.scene.volumes.is_empty() {
            state.wants_slice_views = false;
            ensure_slice_panes(&mut self.tree);
        }
        if !state.session.scene.recordings.is_empty() {
            // A recording alone: the traces take most of the window.
            let scene = &state.session.scene;
            let alone = scene.surfaces.is_empty() && scene.volumes.is_empty();
            ensure_trace_panes(&mut self.tree, alone);
        }
        if !state.session.scene.spikes.is_empty() {
            let scene = &state.session.scene;
            let alone = scene.surfaces.is_empty() && scene.volumes.is_empty();
            ensure_spike_panes(&mut self.tree, alone);
        }
        // Once what is loading has its panes, so that the decoding column spans the window's
        // height beside them.
        if state.decoding.demo_pending && state.is_settled() {
            state.decoding.demo_pending = false;
            if !state.user_opened_files {
                state.decoding.start_demo(&state.session, ui.ctx());
            }
        }
        if state.decoding.wants_pane && state.is_settled() {
            ensure_decoding_pane(&mut self.tree);
        }
        egui::Panel::top("menu").show(ui, |ui| super::panels::menu::menu_bar_ui(ui, state));
        egui::Panel::bottom("status").show(ui, |ui| status_bar_ui(ui, state));
        let fill = ui.visuals().panel_fill;
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.fill(fill))
            .show(ui, |ui| {
                let mut behavior = Behavior { state };
                self.tree.ui(&mut behavior, ui);
            });
        let ctx = ui.ctx().clone();
        self.state.toasts.show(&ctx);
        self.state.report_startup_if_asked(&ctx);
    }
}

impl eframe::App for GliaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_root(ui);
    }
}

fn default_layout() -> egui_tiles::Tree<Pane> {
    let mut tiles = egui_tiles::Tiles::default();
    let view = tiles.insert_pane(Pane::View3d);
    let layers = tiles.insert_pane(Pane::Layers);
    let inspector = tiles.insert_pane(Pane::Inspector);
    let side = tiles.insert_vertical_tile(vec![layers, inspector]);
    let root = tiles.insert_horizontal_tile(vec![side, view]);
    if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(linear))) =
        tiles.get_mut(root)
    {
        linear.shares.set_share(side, 1.0);
        linear.shares.set_share(view, 3.2);
    }
    if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(linear))) =
        tiles.get_mut(side)
    {
        linear.shares.set_share(layers, 1.6);
        linear.shares.set_share(inspector, 1.0);
    }
    egui_tiles::Tree::new(egui::Id::unique("glia_layout"), root, tiles)
}

/// Adds the three slice views beside the 3D view, once.
fn ensure_slice_panes(tree: &mut egui_tiles::Tree<Pane>) {
    let present = tree
        .tiles
        .iter()
        .any(|(_, tile)| matches!(tile, egui_tiles::Tile::Pane(Pane::Slice(_))));
    if present {
        return;
    }
    let panes: Vec<_> = (0..3)
        .map(|i| tree.tiles.insert_pane(Pane::Slice(i)))
        .collect();
    let column = tree.tiles.insert_vertical_tile(panes);
    // Beside the 3D view (whose row sits above the traces when a recording is open).
    let view3d = tree
        .tiles
        .iter()
        .find(|(_, tile)| matches!(tile, egui_tiles::Tile::Pane(Pane::View3d)))
        .map(|(id, _)| *id);
    let mut row = view3d.and_then(|id| tree.tiles.parent_of(id));
    while let Some(id) = row {
        let horizontal = matches!(
            tree.tiles.get(id),
            Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(l)))
                if l.dir == egui_tiles::LinearDir::Horizontal
        );
        if horizontal {
            break;
        }
        row = tree.tiles.parent_of(id);
    }
    let row = row.or(tree.root());
    if let Some(root) = row
        && let Some(egui_tiles::Tile::Container(container)) = tree.tiles.get_mut(root)
    {
        container.add_child(column);
        if let egui_tiles::Container::Linear(linear) = container {
            linear.shares.set_share(column, 1.4);
        }
    }
}

/// Whether the layout holds this pane.
fn has_pane(tree: &egui_tiles::Tree<Pane>, pane: Pane) -> bool {
    tree.tiles
        .iter()
        .any(|(_, tile)| matches!(tile, egui_tiles::Tile::Pane(p) if *p == pane))
}

/// Adds the trace browser (with the spectra as a second tab) under the other views, once.
fn ensure_trace_panes(tree: &mut egui_tiles::Tree<Pane>, traces_first: bool) {
    if has_pane(tree, Pane::Traces) {
        return;
    }
    let traces = tree.tiles.insert_pane(Pane::Traces);
    let spectra = tree.tiles.insert_pane(Pane::Spectra);
    let tabs = tree.tiles.insert_tab_tile(vec![traces, spectra]);
    if let Some(root) = tree.root() {
        let column = tree.tiles.insert_vertical_tile(vec![root, tabs]);
        if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(linear))) =
            tree.tiles.get_mut(column)
        {
            let (top, bottom) = if traces_first { (1.0, 2.5) } else { (1.5, 1.0) };
            linear.shares.set_share(root, top);
            linear.shares.set_share(tabs, bottom);
        }
        tree.root = Some(column);
    }
}

/// Adds the decoding panel as a column on the right, once.
fn ensure_decoding_pane(tree: &mut egui_tiles::Tree<Pane>) {
    if has_pane(tree, Pane::Decoding) {
        return;
    }
    let pane = tree.tiles.insert_pane(Pane::Decoding);
    if let Some(root) = tree.root() {
        let row = tree.tiles.insert_horizontal_tile(vec![root, pane]);
        if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(linear))) =
            tree.tiles.get_mut(row)
        {
            linear.shares.set_share(root, 2.0);
            linear.shares.set_share(pane, 1.0);
        }
        tree.root = Some(row);
    }
}

/// Adds the raster and the event-aligned views: as tabs beside the trace browser when it is
/// open, else as their own tabs under the other views. Once.
fn ensure_spike_panes(tree: &mut egui_tiles::Tree<Pane>, raster_first: bool) {
    if has_pane(tree, Pane::Raster) {
        return;
    }
    let traces = tree
        .tiles
        .iter()
        .find(|(_, tile)| matches!(tile, egui_tiles::Tile::Pane(Pane::Traces)))
        .map(|(id, _)| *id);
    let raster = tree.tiles.insert_pane(Pane::Raster);
    let aligned = tree.tiles.insert_pane(Pane::Aligned);
    if let Some(tabs) = traces.and_then(|t| tree.tiles.parent_of(t))
        && let Some(egui_tiles::Tile::Container(container)) = tree.tiles.get_mut(tabs)
    {
        container.add_child(raster);
        container.add_child(aligned);
        return;
    }
    let tabs = tree.tiles.insert_tab_tile(vec![raster, aligned]);
    if let Some(root) = tree.root() {
        let column = tree.tiles.insert_vertical_tile(vec![root, tabs]);
        if let Some(egui_tiles::Tile::Container(egui_tiles::Container::Linear(linear))) =
            tree.tiles.get_mut(column)
        {
            let (top, bottom) = if raster_first { (1.0, 2.5) } else { (1.5, 1.0) };
            linear.shares.set_share(root, top);
            linear.shares.set_share(tabs, bottom);
        }
        tree.root = Some(column);
    }
}

struct Behavior<'a> {
    state: &'a mut AppState,
}

impl egui_tiles::Behavior<Pane> for Behavior<'_> {
    fn pane_ui(
        &mut self,
        ui: &mut egui::Ui,
        _tile_id: egui_tiles::TileId,
        pane: &mut Pane,
    ) -> egui_tiles::UiResponse {
        match pane {
            Pane::View3d => super::panels::view3d::view3d_ui(ui, self.state),
            Pane::Layers => super::panels::layers::layers_ui(ui, self.state),
            Pane::Inspector => super::panels::inspector::inspector_ui(ui, self.state),
            Pane::Slice(index) => super::panels::slices::slice_ui(ui, self.state, *index),
            Pane::Traces => super::panels::traces::traces_ui(ui, self.state),
            Pane::Spectra => super::panels::spectra::spectra_ui(ui, self.state),
            Pane::Raster => super::panels::raster::raster_ui(ui, self.state),
            Pane::Aligned => super::panels::psth::psth_ui(ui, self.state),
            Pane::Decoding => super::panels::decoding::decoding_ui(ui, self.state),
        }
        egui_tiles::UiResponse::None
    }

    fn tab_title_for_pane(&mut self, pane: &Pane) -> egui::WidgetText {
        pane.title().into()
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: true,
            ..Default::default()
        }
    }
}

fn status_bar_ui(ui: &mut egui::Ui, state: &mut AppState) {
    ui.horizontal(|ui| {
        let jobs = state.jobs.status();
        if jobs.is_empty() {
            let scene = &state.session.scene;
            let n_faces: usize = scene
                .surfaces
                .iter()
                .filter_map(|s| state.session.surface_data(s.id))
                .map(|d| d.surface.n_faces())
                .sum();
            ui.label(format!(
                "{} surface{} · {} triangles",
                scene.surfaces.len(),
                if scene.surfaces.len() == 1 { "" } else { "s" },
                thousands(n_faces)
            ));
            ui.separator();
            ui.weak("Drag: rotate · right-drag or shift-drag: pan · scroll: zoom · click: inspect · drop files to open");
        }
        for (label, progress) in jobs {
            ui.add(egui::ProgressBar::new(progress).desired_width(160.0).show_percentage());
            ui.label(label);
            ui.separator();
        }
    });
}

/// 1234567 → "1,234,567".
pub fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl AppState {
    pub fn report_error(&mut self, message: impl Into<String>) {
        let message = message.into();
        self.toasts
            .error(message.clone())
            .duration(Some(std::time::Duration::from_secs(8)));
        self.errors.push(message);
    }

    /// Builds the demo in the background and starts its animation.
    pub fn load_demo(&mut self) {
        self.user_opened_files = false;
        // The brain first (it must be on screen within a second); the slice views' volumes
        // follow in a second job.
        let mut scene = crate::demo::scene();
        self.pending_demo_volumes = std::mem::take(&mut scene.volumes);
        self.jobs
            .load_scene(&self.ctx, "Building the demo brain", scene, true);
        self.playback.playing = true;
        // The reaching task decoded live beside it, once the demo is on screen (its
        // calibration would compete with the first frame for the cores).
        self.decoding.demo_pending = true;
    }

    /// Nothing is loading or about to (for headless runs that wait until the window settles).
    pub fn is_settled(&self) -> bool {
        self.jobs.is_idle() && self.demo_volumes_in_frames.is_none()
    }

    /// Starts computing the cluster masks the thresholds call for (a flood fill per volume:
    /// not on the UI thread). The previous mask is drawn until the new one is ready.
    fn request_cluster_masks(&mut self) {
        for request in self.session.cluster_mask_requests() {
            if self.masks_in_flight.iter().any(|r| r.same_as(&request)) {
                continue;
            }
            self.masks_in_flight.push(request.clone());
            self.jobs.spawn(&self.ctx, "Finding clusters", move |_| {
                let mask = request.compute();
                JobOutput::ClusterMask(request, mask)
            });
        }
    }

    /// Meshes the MNI152 template brain in the background when electrodes have nothing to sit
    /// on.
    pub fn request_template_brain(&mut self) {
        if self.session.needs_template_brain() {
            self.jobs
                .spawn(&self.ctx, "Meshing the MNI152 template brain", |_| {
                    JobOutput::TemplateBrain(crate::demo::hemispheres())
                });
        }
    }

    /// Builds the overview pyramids of recordings that have none, in the background.
    fn request_pyramids(&mut self) {
        type Wanted = (
            LayerId,
            std::sync::Arc<crate::session::RecordingData>,
            Option<PathBuf>,
        );
        let wanted: Vec<Wanted> = self
            .session
            .scene
            .recordings
            .iter()
            .filter(|r| self.session.pyramids(r.id).is_none())
            .filter_map(|r| {
                let data = self.session.recording_data(r.id)?.clone();
                Some((r.id, data, r.source.path().map(Path::to_path_buf)))
            })
            .filter(|(id, d, _)| !self.pyramids_in_flight.contains(&(*id, d.key)))
            .collect();
        for (id, data, file) in wanted {
            self.pyramids_in_flight.push((id, data.key));
            let key = data.key;
            self.jobs
                .spawn(&self.ctx, "Building the overview", move |progress| {
                    let result = data.load_or_build_pyramids(file.as_deref(), progress);
                    JobOutput::Pyramids { id, key, result }
                });
        }
    }

    fn count_down_demo_volumes(&mut self, ctx: &egui::Context) {
        match self.demo_volumes_in_frames {
            Some(0) => {
                self.demo_volumes_in_frames = None;
                self.load_demo_volumes();
            }
            Some(n) => {
                self.demo_volumes_in_frames = Some(n - 1);
                ctx.request_repaint();
            }
            None => {}
        }
    }

    fn load_demo_volumes(&mut self) {
        let layers = std::mem::take(&mut self.pending_demo_volumes);
        if layers.is_empty() {
            return;
        }
        self.jobs
            .spawn(&self.ctx, "Loading the demo's volumes", move |_| {
                let mut loaded = Vec::new();
                let mut errors = Vec::new();
                for layer in layers {
                    match crate::session::reload_volume(&layer) {
                        Ok((data, warning)) => {
                            errors.extend(warning);
                            loaded.push((layer, std::sync::Arc::new(data)));
                        }
                        Err(e) => errors.push(e),
                    }
                }
                JobOutput::VolumesLoaded {
                    layers: loaded,
                    errors,
                }
            });
    }

    /// Opens files in the background: meshes become surfaces; per-vertex files go on the
    /// surface they fit (by vertex count, hemisphere, then the selected surface). A session file
    /// (`.toml`) replaces the whole session and is opened on its own.
    pub fn open_paths(&mut self, paths: Vec<PathBuf>) {
        let (sessions, paths): (Vec<PathBuf>, Vec<PathBuf>) = paths
            .into_iter()
            .partition(|p| p.extension().is_some_and(|e| e == "toml"));
        if let Some(session) = sessions.first() {
            if sessions.len() > 1 || !paths.is_empty() {
                self.report_error(format!(
                    "{}: a session replaces everything, so it opens on its own; the other files were not opened",
                    session.display()
                ));
            }
            self.open_session(session);
            return;
        }
        if paths.is_empty() {
            return;
        }
        if self.record_recent {
            for p in &paths {
                self.recent.push(p);
            }
        }
        let label = match paths.as_slice() {
            [one] => format!("Opening {}", file_name(one)),
            many => format!("Opening {} files", many.len()),
        };
        let counts = self.session.vertex_counts();
        self.user_opened_files = true;
        self.jobs.spawn(&self.ctx, label, move |progress| {
            JobOutput::Opened(crate::session::prepare_files(&paths, &counts, progress))
        });
    }

    /// Replaces the session by a saved one (loaded in the background). Relative paths in it
    /// are taken relative to its folder.
    pub fn open_session(&mut self, path: &Path) {
        let scene = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                Scene::from_toml(&text).map_err(|e| format!("not a Glia session: {}", e.message()))
            });
        match scene {
            Ok(mut scene) => {
                if let Some(folder) = path.parent() {
                    scene.resolve_paths(folder);
                }
                if self.record_recent {
                    self.recent.push(path);
                }
                self.user_opened_files = true;
                self.jobs.load_scene(
                    &self.ctx,
                    format!("Opening {}", file_name(path)),
                    scene,
                    false,
                );
            }
            Err(e) => self.report_error(format!("{}: {e}", path.display())),
        }
    }

    /// The surface that new per-vertex data prefers: the selected one, or the surface of the
    /// selected overlay.
    pub fn selected_surface(&self) -> Option<LayerId> {
        let id = self.selected?;
        let scene = &self.session.scene;
        if scene.surface(id).is_some() {
            return Some(id);
        }
        scene
            .surfaces
            .iter()
            .find(|s| s.overlays.iter().any(|o| o.id == id))
            .map(|s| s.id)
    }

    pub fn save_session(&mut self, path: &Path) {
        let result = self
            .session
            .scene
            .to_toml()
            .map_err(|e| e.to_string())
            .and_then(|text| std::fs::write(path, text).map_err(|e| e.to_string()));
        match result {
            Ok(()) => {
                self.toasts.success(format!("Saved {}", file_name(path)));
            }
            Err(e) => {
                self.report_error(format!("{}: cannot save the session: {e}", path.display()))
            }
        }
    }

    /// Saves the 3D view as a PNG: the same renderer and Scene at the view's size and scale,
    /// so the file is the picture on screen (with MSAA). Encoding runs in the background.
    pub fn save_figure(&mut self, path: &Path) {
        let size = self.view.as_ref().map_or([1600, 1200], |v| v.target.size);
        let gpu = crate::render::GpuContext {
            instance: self.render_state.instance.clone(),
            adapter: self.render_state.adapter.clone(),
            device: self.render_state.device.clone(),
            queue: self.render_state.queue.clone(),
        };
        let ppp = self.ctx.pixels_per_point();
        match super::figure::render_figure_at(&gpu, &mut self.session, size, false, ppp) {
            Ok(image) => {
                let path = path.to_owned();
                let ctx = self.ctx.clone();
                self.jobs
                    .spawn(&ctx, format!("Saving {}", file_name(&path)), move |_| {
                        JobOutput::Saved(
                            image
                                .save_with_format(&path, image::ImageFormat::Png)
                                .map(|()| format!("Saved {}", file_name(&path)))
                                .map_err(|e| {
                                    format!("{}: cannot write the PNG: {e}", path.display())
                                }),
                        )
                    });
            }
            Err(e) => self.report_error(format!("Save figure: {e}")),
        }
    }

    /// Meshes a volume layer at `level` in the background; the surface joins the Scene.
    pub fn make_isosurface(&mut self, id: LayerId, level: f32) {
        let Some(layer) = self.session.scene.volume(id) else {
            return;
        };
        let Some(path) = layer.source.path().map(Path::to_owned) else {
            self.report_error("Isosurface: only volumes from files can be meshed");
            return;
        };
        let Some(data) = self.session.volume_data(id).cloned() else {
            return;
        };
        let label = format!("Isosurface of {} at {level}", layer.name);
        self.jobs.spawn(&self.ctx, label, move |_| {
            let result =
                crate::session::prepare::isosurface(&data.volume, level, &path).map(|surface| {
                    crate::session::Prepared::Surface {
                        source: crate::model::Source::Isosurface { path, level },
                        data: std::sync::Arc::new(crate::session::SurfaceData::new(surface)),
                        overlays: Vec::new(),
                    }
                });
            JobOutput::Opened(vec![result])
        });
    }

    pub fn set_view(&mut self, view: StandardView) {
        self.session.scene.camera = CameraState::from_view(view);
    }

    pub fn reset_camera(&mut self) {
        let view = self
            .session
            .scene
            .camera
            .view
            .unwrap_or(StandardView::LeftLateral);
        self.set_view(view);
    }

    pub fn remove_layer(&mut self, id: LayerId) {
        self.session.remove(id);
        if self.selected == Some(id) {
            self.selected = None;
        }
        for pick in [&mut self.hover, &mut self.pinned] {
            if pick
                .as_ref()
                .is_some_and(|p| p.surface == id || self.session.scene.surface(p.surface).is_none())
            {
                *pick = None;
            }
        }
    }

    /// With `GLIA_QUIT_AFTER_FIRST_BRAIN=1`, prints how long after process start the first frame
    /// with a brain was on screen (when the frame after it begins), and closes the window: the
    /// startup benchmark.
    fn report_startup_if_asked(&mut self, ctx: &egui::Context) {
        if std::env::var_os("GLIA_QUIT_AFTER_FIRST_BRAIN").is_none() {
            return;
        }
        let elapsed_ms = || crate::cli::process_start().elapsed().as_secs_f64() * 1e3;
        if self.startup_brain_drawn {
            eprintln!("first brain frame on screen after {:.0} ms", elapsed_ms());
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        } else if self.camera.is_some() && !self.session.scene.surfaces.is_empty() {
            self.startup_brain_drawn = true;
            ctx.request_repaint();
        }
    }

    fn handle_jobs(&mut self) {
        for output in self.jobs.poll() {
            match output {
                JobOutput::Opened(prepared) => {
                    let had_surfaces = !self.session.scene.surfaces.is_empty();
                    let demo_only = self
                        .session
                        .scene
                        .surfaces
                        .iter()
                        .all(|s| matches!(s.source, crate::model::Source::Demo { .. }));
                    let opens_surface = prepared
                        .iter()
                        .any(|p| matches!(p, Ok(crate::session::Prepared::Surface { .. })));
                    if had_surfaces && demo_only && opens_surface {
                        // The user's own brain replaces the demo.
                        self.session = Session::new(Scene {
                            theme: self.session.scene.theme,
                            ..Scene::default()
                        });
                        self.playback.playing = false;
                        self.hover = None;
                        self.pinned = None;
                        self.selected = None;
                    }
                    for result in self.session.apply(prepared, self.selected_surface()) {
                        match result {
                            Ok(Applied::Surface(id) | Applied::Overlay(id)) => {
                                self.selected = Some(id)
                            }
                            Ok(Applied::Volume(id)) => {
                                self.selected = Some(id);
                                self.wants_slice_views = true;
                                if let Err(e) = super::figure::check_volumes_fit(
                                    &self.render_state.device,
                                    &self.session,
                                ) {
                                    self.report_error(e);
                                }
                            }
                            Ok(Applied::Recording(id)) => {
                                self.selected = Some(id);
                                self.request_template_brain();
                            }
                            Ok(Applied::Spikes(id)) => {
                                self.selected = Some(id);
                                if self.session.spike_data(id).is_some_and(|d| {
                                    d.set.units.iter().any(|u| u.position_mm.is_some())
                                }) {
                                    self.request_template_brain();
                                }
                            }
                            Ok(Applied::Underlay(_)) => {}
                            Err(e) => self.report_error(e),
                        }
                    }
                }
                JobOutput::SessionLoaded { demo: true, .. } if self.user_opened_files => {
                    // The user opened something while the demo was being built: theirs wins.
                    self.pending_demo_volumes.clear();
                }
                JobOutput::SessionLoaded {
                    session,
                    errors,
                    demo,
                } => {
                    self.session = *session;
                    if demo {
                        // After the brain's first frames are on screen, not competing with them.
                        self.demo_volumes_in_frames = Some(3);
                    }
                    self.hover = None;
                    self.pinned = None;
                    self.selected = None;
                    for e in errors {
                        self.report_error(e);
                    }
                }
                JobOutput::VolumesLoaded { layers, errors } => {
                    if !self.user_opened_files {
                        for (layer, data) in layers {
                            self.session.insert_volume(layer, data);
                        }
                    }
                    for e in errors {
                        self.report_error(e);
                    }
                }
                JobOutput::ClusterMask(request, mask) => {
                    self.masks_in_flight.retain(|r| !r.same_as(&request));
                    self.session.set_cluster_mask(&request, mask);
                }
                JobOutput::TemplateBrain(Ok((left, right))) => {
                    if self.session.needs_template_brain() {
                        self.session.add_template_brain(left, right);
                    }
                }
                JobOutput::TemplateBrain(Err(e)) => self.report_error(e),
                JobOutput::Pyramids { id, key, result } => match result {
                    Ok(pyramids) => {
                        self.pyramids_in_flight.retain(|p| *p != (id, key));
                        self.session.set_pyramids(id, key, pyramids);
                    }
                    // Stays in `pyramids_in_flight`: a recording that cannot be read is not
                    // built again (and reported again) on every frame.
                    Err(e) => self.report_error(e),
                },
                JobOutput::Saved(Ok(message)) => {
                    self.toasts.success(message);
                }
                JobOutput::Saved(Err(e)) | JobOutput::Failed(e) => self.report_error(e),
            }
        }
    }

    fn handle_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        self.open_paths(dropped);
    }

    fn handle_shortcuts(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let (open, save, play, reset) = ctx.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::O),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::S),
                i.consume_key(egui::Modifiers::NONE, egui::Key::Space),
                i.consume_key(egui::Modifiers::NONE, egui::Key::R),
            )
        });
        if open {
            super::panels::menu::open_dialog(self);
        }
        if save {
            super::panels::menu::save_session_dialog(self);
        }
        if play {
            self.playback.playing = !self.playback.playing;
        }
        if reset {
            self.reset_camera();
        }
    }

    /// Moves time forward while playing: the demo animation in seconds, time series in frames.
    fn advance_playback(&mut self, ctx: &egui::Context) {
        let now = ctx.input(|i| i.time);
        let dt = self
            .last_input_time
            .map_or(0.0, |t| (now - t).clamp(0.0, 0.25)) as f32;
        self.last_input_time = Some(now);
        if !self.playback.playing || !self.has_animation() {
            return;
        }
        self.advance_time_cursor(f64::from(dt));
        self.session.scene.time_secs += dt;
        let t = self.session.scene.time_secs;
        let fps = self.playback.fps;
        let frames: Vec<(LayerId, usize)> = self.time_series().collect();
        for (id, n_frames) in frames {
            {
                self.set_frame(id, ((t * fps) as usize) % n_frames);
            }
        }
        ctx.request_repaint();
    }

    /// Overlays with more than one frame: (id, number of frames).
    /// Layers with more than one frame, overlays and volumes: (id, number of frames).
    pub fn time_series(&self) -> impl Iterator<Item = (LayerId, usize)> + '_ {
        let scene = &self.session.scene;
        let overlays = scene
            .surfaces
            .iter()
            .flat_map(|s| s.overlays.iter())
            .filter_map(|o| {
                let n = self.session.overlay_data(o.id)?.overlay.n_frames();
                (n > 1).then_some((o.id, n))
            });
        let volumes = scene.volumes.iter().filter_map(|v| {
            let n = self.session.volume_data(v.id)?.volume.n_frames;
            (n > 1).then_some((v.id, n))
        });
        overlays.chain(volumes)
    }

    /// The shown frame of a time-series layer (overlay or volume).
    pub fn frame_of(&self, id: LayerId) -> usize {
        let scene = &self.session.scene;
        scene
            .overlay(id)
            .map(|o| o.frame)
            .or_else(|| scene.volume(id).map(|v| v.frame))
            .unwrap_or(0)
    }

    /// Shows frame `frame` of a time-series layer.
    pub fn set_frame(&mut self, id: LayerId, frame: usize) {
        let scene = &mut self.session.scene;
        if let Some(o) = scene.overlay_mut(id) {
            o.frame = frame;
        } else if let Some(v) = scene.volume_mut(id) {
            v.frame = frame;
        }
    }

    pub fn has_demo_animation(&self) -> bool {
        self.session
            .scene
            .surfaces
            .iter()
            .flat_map(|s| s.overlays.iter())
            .any(|o| matches!(&o.source, crate::model::Source::Demo { name } if name == crate::demo::ACTIVATION))
    }

    pub fn has_animation(&self) -> bool {
        self.has_demo_animation()
            || self.time_series().next().is_some()
            || !self.session.scene.recordings.is_empty()
            || !self.session.scene.spikes.is_empty()
    }

    /// Plays recordings and spikes in real time: the time cursor moves on, and the trace
    /// browser and the raster page to keep it in view; at the end it starts over.
    fn advance_time_cursor(&mut self, dt: f64) {
        let scene = &self.session.scene;
        let recordings = scene
            .recordings
            .iter()
            .filter_map(|r| self.session.recording_data(r.id))
            .map(|d| d.recording.duration_secs);
        let spikes = scene
            .spikes
            .iter()
            .filter_map(|s| self.session.spike_data(s.id))
            .map(|d| d.set.end_secs);
        let Some(duration) = recordings.chain(spikes).reduce(f64::max) else {
            return;
        };
        let scene = &mut self.session.scene;
        let mut t = scene.time_cursor_secs + dt;
        if t >= duration {
            t = 0.0;
        }
        scene.time_cursor_secs = t;
        for layer in &mut scene.recordings {
            if t < layer.view_start_secs || t > layer.view_start_secs + layer.view_secs {
                layer.view_start_secs = (t - 0.1 * layer.view_secs).max(0.0);
            }
        }
        for layer in &mut scene.spikes {
            if t < layer.view_start_secs || t > layer.view_start_secs + layer.view_secs {
                layer.view_start_secs = (t - 0.1 * layer.view_secs).max(0.0);
            }
        }
    }
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
