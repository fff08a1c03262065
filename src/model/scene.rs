//! The Scene: what is loaded and how it is shown. A session file is a Scene in TOML, and
//! `glia render --scene` draws exactly what the window showed when it was saved.
//!
//! The Scene holds settings and file references, never the data itself: the data a layer refers
//! to lives in [`crate::session::Session`], keyed by [`LayerId`].

use std::path::PathBuf;

use glam::{Quat, Vec3};

use super::{Colormap, Hemisphere};

/// Identifies a layer for as long as the Scene lives (and across a save/load).
pub type LayerId = u64;

/// Where a layer's data comes from.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    /// A file. `item` picks one overlay when the file holds several that are not a time series.
    File {
        path: PathBuf,
        #[serde(default, skip_serializing_if = "is_zero")]
        item: usize,
    },
    /// The isosurface of a volume file at `level` (marching cubes).
    Isosurface { path: PathBuf, level: f32 },
    /// A volume file sampled at the vertices of the surface the overlay is on, the largest
    /// value within `depth_mm` along each normal (0: at the vertex).
    Projection {
        /// The volume: a file, or the demo's z-map.
        of: Box<Source>,
        depth_mm: f32,
        #[serde(default)]
        frame: usize,
    },
    /// Part of the built-in demo: `"left-hemisphere"`, `"right-hemisphere"`, `"activation"`,
    /// `"t1"`, `"statistic"`.
    Demo { name: String },
}

fn is_zero(v: &usize) -> bool {
    *v == 0
}

impl Source {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Source::File {
            path: path.into(),
            item: 0,
        }
    }

    /// The `item`th overlay of the same file (other sources are returned as they are).
    pub fn item(&self, item: usize) -> Self {
        match self {
            Source::File { path, .. } => Source::File {
                path: path.clone(),
                item,
            },
            other => other.clone(),
        }
    }

    /// Resolves a relative file path against `base` (a session file's folder).
    fn resolve(&mut self, base: &std::path::Path) {
        match self {
            Source::File { path, .. } | Source::Isosurface { path, .. } if path.is_relative() => {
                *path = base.join(&*path);
            }
            Source::Projection { of, .. } => of.resolve(base),
            _ => {}
        }
    }

    /// The file behind the source, if any.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Source::File { path, .. } | Source::Isosurface { path, .. } => Some(path),
            Source::Projection { of, .. } => of.path(),
            Source::Demo { .. } => None,
        }
    }

    /// Short name for the Layers panel.
    pub fn display_name(&self) -> String {
        match self {
            Source::File { path, item } => {
                let base = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.display().to_string());
                if *item > 0 {
                    format!("{base} [{item}]")
                } else {
                    base
                }
            }
            Source::Isosurface { path, level } => format!(
                "{} @ {level}",
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            ),
            Source::Projection { of, .. } => format!("{} on surface", of.display_name()),
            Source::Demo { name } => format!("demo {name}"),
        }
    }
}

/// How the bare surface (under any overlay) is shaded.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum UnderlayShading {
    /// One colour, lit.
    Flat,
    /// Binary light/dark from the sign of the mesh's own mean curvature (sulci dark).
    Curvature,
    /// Binary light/dark from a per-vertex file such as `lh.curv` or `sulc.gii`
    /// (positive = sulcal = dark, FreeSurfer's convention).
    File { source: Source },
}

/// Which values of a scalar overlay are drawn. A value `v` is drawn when the threshold is off,
/// or when `v >= positive` or `v <= negative`; NaN is never drawn.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Threshold {
    pub enabled: bool,
    pub positive: f32,
    pub negative: f32,
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold {
            enabled: false,
            positive: 0.0,
            negative: 0.0,
        }
    }
}

/// A per-vertex overlay on a surface.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OverlayLayer {
    pub id: LayerId,
    pub name: String,
    pub source: Source,
    pub visible: bool,
    pub opacity: f32,
    /// Colormap of scalar data (label overlays use their own colour table).
    pub colormap: Colormap,
    /// Values mapped to the colormap's ends.
    pub range: [f32; 2],
    pub threshold: Threshold,
    /// Shown frame of a time series.
    #[serde(default)]
    pub frame: usize,
}

/// A surface with its overlays, drawn in list order (later overlays on top).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SurfaceLayer {
    pub id: LayerId,
    pub name: String,
    pub source: Source,
    pub visible: bool,
    pub opacity: f32,
    /// Light shade of the underlay, linear RGB 0..1.
    pub color: [f32; 3],
    pub underlay: UnderlayShading,
    #[serde(default)]
    pub overlays: Vec<OverlayLayer>,
    /// Set from the file or its name; medial views hide the other hemisphere.
    #[serde(default)]
    pub hemisphere: Option<Hemisphere>,
}

/// How a volume is shown by default; the user may change any setting afterwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VolumeRole {
    /// Grey-scale anatomy, windowed 2nd–98th percentile.
    Anatomy,
    /// A statistical map over the anatomy: thresholded, diverging colours.
    Statistic,
    /// An atlas: integer labels coloured by their table, region names under the cursor.
    Labels,
}

/// A volume shown in the slice views (and, on request, in 3D), drawn in list order: the first
/// is the underlay, later ones are overlays resampled through their own affine.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct VolumeLayer {
    pub id: LayerId,
    pub name: String,
    pub source: Source,
    pub visible: bool,
    pub opacity: f32,
    pub role: VolumeRole,
    pub colormap: Colormap,
    /// Values mapped to the colormap's ends (window/level of anatomy).
    pub range: [f32; 2],
    pub threshold: Threshold,
    /// Clusters of supra-threshold voxels smaller than this (face, edge or corner connected) are
    /// hidden; 0 keeps every voxel.
    #[serde(default)]
    pub min_cluster_voxels: usize,
    #[serde(default)]
    pub interpolation: crate::model::Interpolation,
    /// Shown frame of a 4D series.
    #[serde(default)]
    pub frame: usize,
    /// The label table of an atlas (FreeSurferColorLUT, MRIcron .txt/.lut, BIDS .tsv).
    #[serde(default)]
    pub labels: Option<Source>,
    /// Ray-marched volume rendering in the 3D view.
    #[serde(default)]
    pub render_3d: bool,
}

/// How channels are referenced for display and export.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Reference {
    /// As recorded.
    #[default]
    AsRecorded,
    /// Minus the mean of the good EEG/iEEG channels at each sample.
    Average,
    /// Differences of named channel pairs (`Fp1-F3` …), shown instead of the channels.
    Bipolar { pairs: Vec<(String, String)> },
}

/// Display filters: zero-phase Butterworth (4th order) and a notch with its harmonics.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DisplayFilter {
    pub highpass_hz: Option<f32>,
    pub lowpass_hz: Option<f32>,
    /// Mains frequency (50 or 60 Hz): notched with its harmonics.
    pub notch_hz: Option<f32>,
}

impl DisplayFilter {
    pub fn is_active(&self) -> bool {
        self.highpass_hz.is_some() || self.lowpass_hz.is_some() || self.notch_hz.is_some()
    }
}

/// What colours the electrodes in 3D (and the cortex under them).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ElectrodeValue {
    /// The (filtered, referenced) signal at the time cursor.
    #[default]
    Amplitude,
    /// Power in a band over the second before the cursor.
    BandPower { lo_hz: f32, hi_hz: f32 },
}

/// A recording shown in the trace browser (and as electrodes in 3D).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RecordingLayer {
    pub id: LayerId,
    pub name: String,
    pub source: Source,
    pub visible: bool,
    /// Channels hidden from the browser, by name.
    #[serde(default)]
    pub hidden: Vec<String>,
    /// Channels marked bad by the user, by name (the file's own marks are kept too).
    #[serde(default)]
    pub bad: Vec<String>,
    /// Microvolts (or the channel's unit) per channel spacing, for every channel.
    pub scale: f32,
    /// Extra gain per channel, by name (1 when absent).
    #[serde(default)]
    pub gains: Vec<(String, f32)>,
    #[serde(default)]
    pub reference: Reference,
    #[serde(default)]
    pub filter: DisplayFilter,
    /// Channels grouped by kind (EEG, EOG …) rather than in file order.
    #[serde(default)]
    pub group_by_kind: bool,
    /// The browser's window: start and length in seconds.
    pub view_start_secs: f64,
    pub view_secs: f64,
    /// First channel row shown (vertical scroll).
    #[serde(default)]
    pub first_row: usize,
    /// Rows (channels) on screen at once.
    pub rows: usize,
    /// Electrodes drawn in the 3D view, coloured by [`RecordingLayer::electrode_value`].
    #[serde(default)]
    pub electrodes_in_3d: bool,
    #[serde(default)]
    pub electrode_value: ElectrodeValue,
    /// Interpolate the electrode values onto the cortical surfaces as an overlay.
    #[serde(default)]
    pub on_cortex: bool,
    /// A montage file whose positions replace the recording's own.
    #[serde(default)]
    pub montage: Option<Source>,
    /// Colormap and range of electrode values (µV or µV²).
    pub colormap: Colormap,
    pub range: [f32; 2],
}

/// The order of units in the raster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnitSort {
    /// By the file's unit id.
    #[default]
    Id,
    /// Deepest first (the tip of the probe at the bottom, as phy and Neuropixels plots show).
    Depth,
    /// Highest mean firing rate first.
    Rate,
    /// By curation label (good, mua, noise, unlabelled), then id.
    Label,
}

impl UnitSort {
    pub const ALL: [UnitSort; 4] = [
        UnitSort::Id,
        UnitSort::Depth,
        UnitSort::Rate,
        UnitSort::Label,
    ];

    pub fn name(self) -> &'static str {
        match self {
            UnitSort::Id => "id",
            UnitSort::Depth => "depth",
            UnitSort::Rate => "firing rate",
            UnitSort::Label => "label",
        }
    }
}

/// Event-aligned views: which events, what window, what bins.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Alignment {
    /// The event type aligned to (`None`: the first type the data has).
    pub event: Option<String>,
    /// Window around each event, seconds (start negative: before the event).
    pub window_secs: [f64; 2],
    pub bin_secs: f64,
    /// Gaussian smoothing of PSTHs, standard deviation in seconds (0: none).
    pub smooth_secs: f64,
    /// Separate PSTHs (and raster blocks) per condition.
    pub by_condition: bool,
}

impl Default for Alignment {
    fn default() -> Self {
        Alignment {
            event: None,
            window_secs: [-0.5, 1.0],
            bin_secs: 0.02,
            smooth_secs: 0.03,
            by_condition: true,
        }
    }
}

/// Where a probe sits in the brain, for units known only by their place on the probe (phy's
/// depth and channel positions): its tip in world millimetres and the direction of its shank
/// from the tip towards the surface.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProbePlacement {
    pub tip_mm: [f32; 3],
    /// Direction of the shank, tip to surface: azimuth in the axial plane from +x (right)
    /// towards +y (anterior), and elevation above it, degrees.
    pub azimuth_deg: f32,
    pub elevation_deg: f32,
}

impl Default for ProbePlacement {
    fn default() -> Self {
        // A vertical shank ending in the left hand area of motor cortex.
        ProbePlacement {
            tip_mm: [-38.0, -22.0, 50.0],
            azimuth_deg: 0.0,
            elevation_deg: 90.0,
        }
    }
}

impl ProbePlacement {
    /// World position of a site `depth_um` from the tip along the shank and `across_um` to
    /// its side (across the shank, in the plane that holds the shank and the left–right axis
    /// where it can).
    pub fn position_mm(&self, depth_um: f32, across_um: f32) -> Vec3 {
        let (az, el) = (
            self.azimuth_deg.to_radians(),
            self.elevation_deg.to_radians(),
        );
        let up = Vec3::new(el.cos() * az.cos(), el.cos() * az.sin(), el.sin());
        let side = up.cross(Vec3::Y).try_normalize().unwrap_or(Vec3::X);
        Vec3::from(self.tip_mm) + up * (depth_um / 1000.0) + side * (across_um / 1000.0)
    }
}

/// Sorted spikes shown in the raster and the event-aligned views (and as units in 3D).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpikeLayer {
    pub id: LayerId,
    pub name: String,
    pub source: Source,
    pub visible: bool,
    #[serde(default)]
    pub sort: UnitSort,
    /// Leave units labelled `noise` out of the views.
    #[serde(default)]
    pub hide_noise: bool,
    /// The raster's window: start and length in seconds.
    pub view_start_secs: f64,
    pub view_secs: f64,
    /// First unit row shown (vertical scroll) and rows on screen (0: all units).
    #[serde(default)]
    pub first_row: usize,
    #[serde(default)]
    pub rows: usize,
    /// The unit shown in the single-unit views, by id.
    #[serde(default)]
    pub selected_unit: Option<i64>,
    #[serde(default)]
    pub align: Alignment,
    /// Events tables opened onto these spikes.
    #[serde(default)]
    pub event_files: Vec<Source>,
    /// Units drawn in the 3D view (where their positions are known), coloured by their rate
    /// over the second before the time cursor.
    #[serde(default)]
    pub units_in_3d: bool,
    /// The unit of the times of a text spike-train file, when the user chose it (`s`, `ms`,
    /// `us`); otherwise Glia's guess from the intervals.
    #[serde(default)]
    pub time_unit: Option<String>,
    /// Where the probe sits, for units placed by their depth on it (their own brain positions,
    /// when the file has them, win).
    #[serde(default)]
    pub placement: Option<ProbePlacement>,
    pub colormap: Colormap,
    /// Rate range of the 3D colours, spikes per second.
    pub range: [f32; 2],
}

/// The standard views of a brain figure. The camera looks at the brain from the named side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StandardView {
    LeftLateral,
    RightLateral,
    LeftMedial,
    RightMedial,
    Dorsal,
    Ventral,
    Anterior,
    Posterior,
}

impl StandardView {
    pub const ALL: [StandardView; 8] = [
        StandardView::LeftLateral,
        StandardView::RightLateral,
        StandardView::LeftMedial,
        StandardView::RightMedial,
        StandardView::Dorsal,
        StandardView::Ventral,
        StandardView::Anterior,
        StandardView::Posterior,
    ];

    /// The command-line name (`left-lateral` …).
    pub fn name(self) -> &'static str {
        match self {
            StandardView::LeftLateral => "left-lateral",
            StandardView::RightLateral => "right-lateral",
            StandardView::LeftMedial => "left-medial",
            StandardView::RightMedial => "right-medial",
            StandardView::Dorsal => "dorsal",
            StandardView::Ventral => "ventral",
            StandardView::Anterior => "anterior",
            StandardView::Posterior => "posterior",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            StandardView::LeftLateral => "Left lateral",
            StandardView::RightLateral => "Right lateral",
            StandardView::LeftMedial => "Left medial",
            StandardView::RightMedial => "Right medial",
            StandardView::Dorsal => "Dorsal",
            StandardView::Ventral => "Ventral",
            StandardView::Anterior => "Anterior",
            StandardView::Posterior => "Posterior",
        }
    }

    /// Direction from the brain towards the camera, and the camera's up vector (world RAS).
    pub fn eye_direction_and_up(self) -> (Vec3, Vec3) {
        match self {
            StandardView::LeftLateral | StandardView::RightMedial => (-Vec3::X, Vec3::Z),
            StandardView::RightLateral | StandardView::LeftMedial => (Vec3::X, Vec3::Z),
            StandardView::Dorsal => (Vec3::Z, Vec3::Y),
            StandardView::Ventral => (-Vec3::Z, Vec3::Y),
            StandardView::Anterior => (Vec3::Y, Vec3::Z),
            StandardView::Posterior => (-Vec3::Y, Vec3::Z),
        }
    }

    /// Camera orientation (world_from_camera rotation; the camera looks down its −Z, up is +Y).
    pub fn orientation(self) -> Quat {
        let (eye, up) = self.eye_direction_and_up();
        let z = eye.normalize();
        let x = up.cross(z).normalize();
        let y = z.cross(x);
        Quat::from_mat3(&glam::Mat3::from_cols(x, y, z)).normalize()
    }

    /// Medial views show only their own hemisphere.
    pub fn only_hemisphere(self) -> Option<Hemisphere> {
        match self {
            StandardView::LeftMedial => Some(Hemisphere::Left),
            StandardView::RightMedial => Some(Hemisphere::Right),
            _ => None,
        }
    }
}

impl std::str::FromStr for StandardView {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|v| v.name()).collect();
                format!("unknown view {s:?} (choose one of {})", names.join(", "))
            })
    }
}

/// The three orthogonal slice orientations of the world (RAS) axes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SliceAxis {
    Axial,
    Coronal,
    Sagittal,
}

impl SliceAxis {
    pub const ALL: [SliceAxis; 3] = [SliceAxis::Axial, SliceAxis::Coronal, SliceAxis::Sagittal];

    pub fn name(self) -> &'static str {
        match self {
            SliceAxis::Axial => "axial",
            SliceAxis::Coronal => "coronal",
            SliceAxis::Sagittal => "sagittal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SliceAxis::Axial => "Axial",
            SliceAxis::Coronal => "Coronal",
            SliceAxis::Sagittal => "Sagittal",
        }
    }

    /// The world axis the slice is perpendicular to (0 = x, 1 = y, 2 = z).
    pub fn normal_axis(self) -> usize {
        match self {
            SliceAxis::Axial => 2,
            SliceAxis::Coronal => 1,
            SliceAxis::Sagittal => 0,
        }
    }

    /// World directions of the screen's right and up. Neurological convention: the subject's
    /// right on the screen's right in axial and coronal views (radiological flips it); sagittal
    /// views have anterior to the right, superior up.
    pub fn screen_axes(self, radiological: bool) -> (Vec3, Vec3) {
        let x = if radiological { -Vec3::X } else { Vec3::X };
        match self {
            SliceAxis::Axial => (x, Vec3::Y),
            SliceAxis::Coronal => (x, Vec3::Z),
            SliceAxis::Sagittal => (Vec3::Y, Vec3::Z),
        }
    }

    /// The letter of the world direction nearest `d` (R/L, A/P, S/I).
    pub fn direction_letter(d: Vec3) -> char {
        let a = d.abs();
        if a.x >= a.y && a.x >= a.z {
            if d.x >= 0.0 { 'R' } else { 'L' }
        } else if a.y >= a.z {
            if d.y >= 0.0 { 'A' } else { 'P' }
        } else if d.z >= 0.0 {
            'S'
        } else {
            'I'
        }
    }
}

/// An orbit camera around `target_mm`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CameraState {
    /// world_from_camera rotation as a quaternion `[x, y, z, w]`.
    pub orientation: Quat,
    /// Point the camera orbits; `None` = centre of what is visible.
    pub target_mm: Option<Vec3>,
    /// Zoom: 1 fits the visible surfaces in the view, 2 shows them twice as large.
    pub zoom: f32,
    /// Vertical field of view. Small angles look nearly orthographic, as brain figures should.
    pub fov_deg: f32,
    /// The standard view last chosen, if the camera has not been moved since.
    #[serde(default)]
    pub view: Option<StandardView>,
}

impl Default for CameraState {
    fn default() -> Self {
        CameraState::from_view(StandardView::LeftLateral)
    }
}

impl CameraState {
    pub fn from_view(view: StandardView) -> Self {
        CameraState {
            orientation: view.orientation(),
            target_mm: None,
            zoom: 1.0,
            fov_deg: 20.0,
            view: Some(view),
        }
    }
}

/// Light or dark appearance, of the window and of figure backgrounds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Dark,
    Light,
}

impl Theme {
    /// Background of the 3D view, sRGB 0..1.
    pub fn background(self) -> [f32; 3] {
        match self {
            Theme::Dark => [0.035, 0.04, 0.05],
            Theme::Light => [1.0, 1.0, 1.0],
        }
    }
}

/// Everything needed to redraw a picture: layers, camera, time and decorations.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Scene {
    /// Session file format version.
    pub glia_scene: u32,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    pub camera: CameraState,
    /// Time for animated overlays (demo activation), seconds.
    #[serde(default)]
    pub time_secs: f32,
    /// Draw a colorbar for the top visible scalar overlay.
    #[serde(default)]
    pub colorbar: bool,
    #[serde(default)]
    pub surfaces: Vec<SurfaceLayer>,
    #[serde(default)]
    pub volumes: Vec<VolumeLayer>,
    #[serde(default)]
    pub recordings: Vec<RecordingLayer>,
    #[serde(default)]
    pub spikes: Vec<SpikeLayer>,
    /// The time cursor shared by every time-based view (traces, electrodes, rasters), seconds.
    #[serde(default)]
    pub time_cursor_secs: f64,
    /// The crosshair shared by every view, world RAS+ millimetres.
    #[serde(default)]
    pub cursor_mm: Option<Vec3>,
    /// Slice views shown as radiologists read them (the patient's left on the screen's right).
    #[serde(default)]
    pub radiological: bool,
    /// The three slice planes through the crosshair in the 3D view.
    #[serde(default)]
    pub slices_in_3d: bool,
    /// In volume rendering, hide what lies on the camera side of the crosshair along the view
    /// direction (a clip plane through the crosshair).
    #[serde(default)]
    pub clip_at_cursor: bool,
    /// The next layer id to hand out: ids are never reused, even after a removal.
    #[serde(default)]
    pub next_id: LayerId,
}

impl Default for Scene {
    fn default() -> Self {
        Scene {
            glia_scene: 1,
            theme: Theme::Dark,
            camera: CameraState::default(),
            time_secs: 0.0,
            colorbar: true,
            surfaces: Vec::new(),
            volumes: Vec::new(),
            recordings: Vec::new(),
            spikes: Vec::new(),
            time_cursor_secs: 0.0,
            cursor_mm: None,
            radiological: false,
            slices_in_3d: false,
            clip_at_cursor: false,
            next_id: 1,
        }
    }
}

impl Scene {
    /// A fresh id, larger than any used before.
    pub fn new_id(&mut self) -> LayerId {
        let in_use = self
            .surfaces
            .iter()
            .flat_map(|s| std::iter::once(s.id).chain(s.overlays.iter().map(|o| o.id)))
            .chain(self.volumes.iter().map(|v| v.id))
            .chain(self.recordings.iter().map(|r| r.id))
            .chain(self.spikes.iter().map(|s| s.id))
            .max()
            .unwrap_or(0);
        let id = self.next_id.max(in_use + 1);
        self.next_id = id + 1;
        id
    }

    /// Makes relative file paths absolute against `base` (the folder of the session file they
    /// were read from), so hand-written sessions may name files next to them.
    pub fn resolve_paths(&mut self, base: &std::path::Path) {
        for s in &mut self.surfaces {
            s.source.resolve(base);
            if let UnderlayShading::File { source } = &mut s.underlay {
                source.resolve(base);
            }
            for o in &mut s.overlays {
                o.source.resolve(base);
            }
        }
        for s in &mut self.spikes {
            s.source.resolve(base);
            for e in &mut s.event_files {
                e.resolve(base);
            }
        }
        for r in &mut self.recordings {
            r.source.resolve(base);
            if let Some(m) = &mut r.montage {
                m.resolve(base);
            }
        }
        for v in &mut self.volumes {
            v.source.resolve(base);
            if let Some(labels) = &mut v.labels {
                labels.resolve(base);
            }
        }
    }

    pub fn surface(&self, id: LayerId) -> Option<&SurfaceLayer> {
        self.surfaces.iter().find(|s| s.id == id)
    }

    pub fn surface_mut(&mut self, id: LayerId) -> Option<&mut SurfaceLayer> {
        self.surfaces.iter_mut().find(|s| s.id == id)
    }

    pub fn recording(&self, id: LayerId) -> Option<&RecordingLayer> {
        self.recordings.iter().find(|r| r.id == id)
    }

    pub fn recording_mut(&mut self, id: LayerId) -> Option<&mut RecordingLayer> {
        self.recordings.iter_mut().find(|r| r.id == id)
    }

    pub fn spike_layer(&self, id: LayerId) -> Option<&SpikeLayer> {
        self.spikes.iter().find(|s| s.id == id)
    }

    pub fn spike_layer_mut(&mut self, id: LayerId) -> Option<&mut SpikeLayer> {
        self.spikes.iter_mut().find(|s| s.id == id)
    }

    pub fn volume(&self, id: LayerId) -> Option<&VolumeLayer> {
        self.volumes.iter().find(|v| v.id == id)
    }

    pub fn volume_mut(&mut self, id: LayerId) -> Option<&mut VolumeLayer> {
        self.volumes.iter_mut().find(|v| v.id == id)
    }

    pub fn overlay(&self, id: LayerId) -> Option<&OverlayLayer> {
        self.surfaces
            .iter()
            .flat_map(|s| s.overlays.iter())
            .find(|o| o.id == id)
    }

    pub fn overlay_mut(&mut self, id: LayerId) -> Option<&mut OverlayLayer> {
        self.surfaces
            .iter_mut()
            .flat_map(|s| s.overlays.iter_mut())
            .find(|o| o.id == id)
    }

    /// Removes a surface, an overlay or a volume; returns whether anything was removed.
    pub fn remove(&mut self, id: LayerId) -> bool {
        let spikes = self.spikes.len();
        self.spikes.retain(|s| s.id != id);
        if self.spikes.len() != spikes {
            return true;
        }
        let recordings = self.recordings.len();
        self.recordings.retain(|r| r.id != id);
        if self.recordings.len() != recordings {
            return true;
        }
        let volumes = self.volumes.len();
        self.volumes.retain(|v| v.id != id);
        if self.volumes.len() != volumes {
            return true;
        }
        let before = self.surfaces.len();
        self.surfaces.retain(|s| s.id != id);
        if self.surfaces.len() != before {
            return true;
        }
        for s in &mut self.surfaces {
            let n = s.overlays.len();
            s.overlays.retain(|o| o.id != id);
            if s.overlays.len() != n {
                return true;
            }
        }
        false
    }

    pub fn to_toml(&self) -> Result<String, toml::ser::Error> {
        toml::to_string_pretty(self)
    }

    pub fn from_toml(text: &str) -> Result<Scene, toml::de::Error> {
        toml::from_str(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_views_look_from_the_named_side() {
        for v in StandardView::ALL {
            let (eye, up) = v.eye_direction_and_up();
            let q = v.orientation();
            assert!((q * Vec3::Z - eye).length() < 1e-5, "{v:?}");
            assert!((q * Vec3::Y - up).length() < 1e-5, "{v:?}");
        }
    }

    #[test]
    fn scene_round_trips_through_toml() {
        let mut scene = Scene::default();
        scene.surfaces.push(SurfaceLayer {
            id: 1,
            name: "lh.pial".into(),
            source: Source::file("/data/lh.pial"),
            visible: true,
            opacity: 0.8,
            color: [0.8, 0.8, 0.8],
            underlay: UnderlayShading::File {
                source: Source::file("/data/lh.curv"),
            },
            overlays: vec![OverlayLayer {
                id: 2,
                name: "t".into(),
                source: Source::file("/data/t.mgz"),
                visible: true,
                opacity: 1.0,
                colormap: Colormap::RdBuR,
                range: [-5.0, 5.0],
                threshold: Threshold {
                    enabled: true,
                    positive: 2.3,
                    negative: f32::NEG_INFINITY,
                },
                frame: 3,
            }],
            hemisphere: Some(Hemisphere::Left),
        });
        let text = scene.to_toml().unwrap();
        assert_eq!(Scene::from_toml(&text).unwrap(), scene);
        assert_eq!(scene.new_id(), 3);
        scene.remove(2);
        assert_eq!(scene.new_id(), 4, "ids are not reused after a removal");
    }
}
