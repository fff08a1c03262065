//! A [`Scene`] together with the data its layers refer to.
//!
//! Both outputs use it: the window keeps one `Session` and edits its Scene; `glia render` builds
//! one from files or a session file and draws it once. Loading is split in two so the window never
//! waits: [`prepare_files`] does the slow part (reading, meshing, normals) on any thread, and
//! [`Session::apply`] adds the results to the Scene in a moment on the UI thread.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use glam::Vec3;

use crate::formats::{self, FormatError, Loaded};
use crate::geometry;
use crate::model::{
    Colormap, Hemisphere, LayerId, Overlay, OverlayData, OverlayLayer, Scene, Source, StandardView,
    Surface, SurfaceLayer, Threshold, UnderlayShading,
};
use crate::render::{OverlayDraw, OverlayValues, SurfaceDraw};

/// Distinct keys for GPU caching: every loaded dataset gets its own.
fn next_key() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A mesh ready to draw and pick: the surface plus what is derived from it once.
pub struct SurfaceData {
    pub key: u64,
    pub surface: Surface,
    pub normals: Vec<Vec3>,
    /// Mean curvature, FreeSurfer's sign (positive = sulcal), for the underlay.
    pub curvature: Vec<f32>,
    pub picker: geometry::picking::PickAccel,
}

impl SurfaceData {
    /// Computes normals, curvature and the picking structure (slow for big meshes: call it off
    /// the UI thread).
    pub fn new(surface: Surface) -> Self {
        let normals = geometry::normals::vertex_normals(&surface.positions, &surface.triangles);
        let curvature =
            geometry::curvature::mean_curvature(&surface.positions, &surface.triangles, &normals);
        let picker = geometry::picking::PickAccel::build(&surface.positions, &surface.triangles);
        SurfaceData {
            key: next_key(),
            surface,
            normals,
            curvature,
            picker,
        }
    }
}

/// Per-vertex data attached to a surface, in the form the renderer takes.
pub struct OverlayValuesData {
    pub key: u64,
    pub overlay: Overlay,
    /// Per-vertex colours for label data (precomputed once).
    pub rgba: Option<Vec<[u8; 4]>>,
    /// Per-vertex keys for label data, for the Inspector.
    pub label_keys: Option<Vec<i32>>,
}

impl OverlayValuesData {
    /// Makes an overlay drawable on a surface of `n_vertices` vertices (a `.label` ROI becomes a
    /// per-vertex layer here). Fails when the overlay does not fit the surface.
    pub fn new(overlay: Overlay, n_vertices: usize) -> Result<Self, String> {
        overlay.check_fits(n_vertices)?;
        let (rgba, label_keys) = match &overlay.data {
            OverlayData::Labels { keys, table } => {
                let colors = keys
                    .iter()
                    .map(|&k| table.get(k).map_or([0; 4], |l| rgba8(l.rgba)))
                    .collect();
                (Some(colors), Some(keys.clone()))
            }
            OverlayData::Roi { vertices, rgba, .. } => {
                let mut colors = vec![[0u8; 4]; n_vertices];
                let mut keys = vec![0; n_vertices];
                for &v in vertices {
                    colors[v as usize] = rgba8(*rgba);
                    keys[v as usize] = 1;
                }
                (Some(colors), Some(keys))
            }
            OverlayData::Scalar { .. } => (None, None),
        };
        Ok(OverlayValuesData {
            key: next_key(),
            overlay,
            rgba,
            label_keys,
        })
    }

    pub fn is_scalar(&self) -> bool {
        self.rgba.is_none()
    }

    /// Name of the label at `vertex`, for label overlays.
    pub fn label_name(&self, vertex: usize) -> Option<String> {
        let key = *self.label_keys.as_ref()?.get(vertex)?;
        match &self.overlay.data {
            OverlayData::Labels { table, .. } => table.get(key).map(|l| l.name.clone()),
            OverlayData::Roi { .. } => (key == 1).then(|| self.overlay.name.clone()),
            OverlayData::Scalar { .. } => None,
        }
    }
}

fn rgba8(c: [f32; 4]) -> [u8; 4] {
    c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
}

/// One opened file, loaded and prepared off the UI thread.
pub enum Prepared {
    /// A mesh (possibly with data arrays from the same file, e.g. a GIfTI with both).
    Surface {
        source: Source,
        data: Arc<SurfaceData>,
        overlays: Vec<Overlay>,
    },
    /// Per-vertex data for the current surface.
    Overlays {
        source: Source,
        overlays: Vec<Overlay>,
    },
}

/// Level chosen for the isosurface of an opened volume: half its maximum, the usual choice for
/// probability maps and a fair start for anything else.
pub fn default_iso_level(range: (f32, f32)) -> f32 {
    range.0 + (range.1 - range.0) * 0.5
}

/// Reads and prepares files (slow; any thread). `progress` receives 0..1.
pub fn prepare_files(
    paths: &[PathBuf],
    progress: &(dyn Fn(f32) + Sync),
) -> Vec<Result<Prepared, FormatError>> {
    let n = paths.len().max(1) as f32;
    paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let r = prepare_file(path);
            progress((i + 1) as f32 / n);
            r
        })
        .collect()
}

fn prepare_file(path: &Path) -> Result<Prepared, FormatError> {
    let loaded = formats::load(path)?;
    prepare_loaded(path, loaded)
}

fn prepare_loaded(path: &Path, loaded: Loaded) -> Result<Prepared, FormatError> {
    if let Some(mut surface) = loaded.surface {
        surface
            .validate()
            .map_err(|e| FormatError::invalid(path, e))?;
        if surface.hemisphere.is_none() {
            surface.hemisphere = Surface::hemisphere_from_name(&path.to_string_lossy());
        }
        return Ok(Prepared::Surface {
            source: Source::file(path),
            data: Arc::new(SurfaceData::new(surface)),
            overlays: loaded.overlays,
        });
    }
    if let Some(volume) = loaded.volume {
        let range = volume
            .finite_range()
            .ok_or_else(|| FormatError::invalid(path, "the volume holds no finite values"))?;
        let level = default_iso_level(range);
        let surface = isosurface(&volume, level, path)?;
        return Ok(Prepared::Surface {
            source: Source::Isosurface {
                path: path.to_owned(),
                level,
            },
            data: Arc::new(SurfaceData::new(surface)),
            overlays: Vec::new(),
        });
    }
    if loaded.overlays.is_empty() {
        return Err(FormatError::invalid(
            path,
            "the file holds no mesh, per-vertex data or volume",
        ));
    }
    Ok(Prepared::Overlays {
        source: Source::file(path),
        overlays: loaded.overlays,
    })
}

fn isosurface(
    volume: &crate::model::Volume,
    level: f32,
    path: &Path,
) -> Result<Surface, FormatError> {
    let opts = geometry::marching_cubes::IsosurfaceOptions {
        level,
        smoothing_iterations: 0,
        target_triangles: None,
    };
    let mut surface = geometry::marching_cubes::isosurface(volume, &opts);
    if surface.triangles.is_empty() {
        return Err(FormatError::invalid(
            path,
            format!("no surface at level {level}"),
        ));
    }
    surface.name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(surface)
}

/// Whether a per-vertex file is a curvature-like map that belongs under the overlays
/// (`lh.curv`, `lh.sulc`, `sulc_left.gii`, `curv.gii` …) rather than on top of them.
pub fn is_underlay_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.contains("curv") || name.contains("sulc")
}

/// The Scene and its data.
#[derive(Default)]
pub struct Session {
    pub scene: Scene,
    surfaces: HashMap<LayerId, Arc<SurfaceData>>,
    overlays: HashMap<LayerId, Arc<OverlayValuesData>>,
    /// Underlay shading values per surface, with their GPU key.
    underlays: HashMap<LayerId, (u64, Arc<Vec<f32>>)>,
    /// Animated demo activation: (time it was computed for, values) per overlay.
    animated: HashMap<LayerId, (f32, u64, Arc<Vec<f32>>)>,
    /// Bumped whenever loaded data changes (not the Scene's settings): with the Scene, it tells
    /// a view whether its last picture is still right.
    generation: u64,
}

/// What an opened file turned into (for messages and selection).
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    Surface(LayerId),
    Overlay(LayerId),
    Underlay(LayerId),
}

impl Session {
    pub fn new(scene: Scene) -> Self {
        Session {
            scene,
            ..Default::default()
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn surface_data(&self, id: LayerId) -> Option<&Arc<SurfaceData>> {
        self.surfaces.get(&id)
    }

    pub fn overlay_data(&self, id: LayerId) -> Option<&Arc<OverlayValuesData>> {
        self.overlays.get(&id)
    }

    /// Whether a loaded overlay holds scalars (as opposed to labels).
    pub fn is_scalar_overlay(&self, id: LayerId) -> bool {
        match self.overlays.get(&id) {
            Some(o) => o.is_scalar(),
            None => self.scene.overlay(id).is_some_and(
                |o| matches!(&o.source, Source::Demo { name } if name == crate::demo::ACTIVATION),
            ),
        }
    }

    /// Removes a layer and its data.
    pub fn remove(&mut self, id: LayerId) {
        if self.scene.remove(id) {
            self.generation += 1;
            self.surfaces.remove(&id);
            self.overlays.remove(&id);
            self.underlays.remove(&id);
            self.animated.remove(&id);
        }
    }

    /// Adds a surface layer with its data; returns its id.
    pub fn add_surface(&mut self, source: Source, data: Arc<SurfaceData>) -> LayerId {
        let id = self.scene.new_id();
        let hemisphere = data.surface.hemisphere;
        let name = if data.surface.name.is_empty() {
            source.display_name()
        } else {
            data.surface.name.clone()
        };
        self.scene.surfaces.push(SurfaceLayer {
            id,
            name,
            source,
            visible: true,
            opacity: 1.0,
            color: [0.52, 0.50, 0.48],
            underlay: UnderlayShading::Curvature,
            overlays: Vec::new(),
            hemisphere,
        });
        self.surfaces.insert(id, data);
        self.generation += 1;
        id
    }

    /// Attaches an overlay to surface `surface_id` with defaults that suit its data; returns its id.
    pub fn add_overlay(
        &mut self,
        surface_id: LayerId,
        source: Source,
        overlay: Overlay,
    ) -> Result<LayerId, String> {
        let n = self
            .surfaces
            .get(&surface_id)
            .ok_or("there is no surface to put it on")?
            .surface
            .n_vertices();
        let data = OverlayValuesData::new(overlay, n)?;
        let id = self.scene.new_id();
        let layer = default_overlay_layer(id, source, &data);
        self.scene
            .surface_mut(surface_id)
            .ok_or("there is no surface to put it on")?
            .overlays
            .push(layer);
        self.overlays.insert(id, Arc::new(data));
        self.generation += 1;
        Ok(id)
    }

    /// Sets a per-vertex map as the binary underlay of a surface.
    pub fn set_underlay(
        &mut self,
        surface_id: LayerId,
        source: Source,
        overlay: &Overlay,
    ) -> Result<(), String> {
        let n = self
            .surfaces
            .get(&surface_id)
            .ok_or("there is no surface to put it on")?
            .surface
            .n_vertices();
        overlay.check_fits(n)?;
        let values = overlay
            .frame(0)
            .ok_or("an underlay needs scalar values such as curv or sulc")?;
        self.underlays
            .insert(surface_id, (next_key(), Arc::new(values.to_vec())));
        self.generation += 1;
        if let Some(s) = self.scene.surface_mut(surface_id) {
            s.underlay = UnderlayShading::File { source };
        }
        Ok(())
    }

    /// Adds prepared files in order: a mesh becomes a surface (and the target of what follows),
    /// per-vertex data goes on the current surface. Returns what each became, or why not.
    pub fn apply(
        &mut self,
        prepared: Vec<Result<Prepared, FormatError>>,
    ) -> Vec<Result<Applied, String>> {
        let mut current = self.scene.surfaces.last().map(|s| s.id);
        let mut results = Vec::new();
        for item in prepared {
            let result = match item {
                Err(e) => Err(e.to_string()),
                Ok(Prepared::Surface {
                    source,
                    data,
                    overlays,
                }) => {
                    let id = self.add_surface(source.clone(), data);
                    current = Some(id);
                    for (i, o) in overlays.into_iter().enumerate() {
                        let item_source = match &source {
                            Source::File { path, .. } => Source::File {
                                path: path.clone(),
                                item: i,
                            },
                            other => other.clone(),
                        };
                        if let Err(e) = self.add_overlay(id, item_source, o) {
                            results.push(Err(e));
                        }
                    }
                    Ok(Applied::Surface(id))
                }
                Ok(Prepared::Overlays { source, overlays }) => match current {
                    None => Err(format!(
                        "{}: per-vertex data needs a surface: open a mesh first",
                        source.display_name()
                    )),
                    Some(sid) => self.attach_overlays(sid, source, overlays),
                },
            };
            results.push(result);
        }
        results
    }

    fn attach_overlays(
        &mut self,
        sid: LayerId,
        source: Source,
        overlays: Vec<Overlay>,
    ) -> Result<Applied, String> {
        let name = source.display_name();
        let underlay = source.path().is_some_and(is_underlay_file)
            && overlays.len() == 1
            && matches!(overlays[0].data, OverlayData::Scalar { .. });
        if underlay {
            self.set_underlay(sid, source, &overlays[0])
                .map_err(|e| format!("{name}: {e}"))?;
            return Ok(Applied::Underlay(sid));
        }
        let mut last = None;
        for (i, o) in overlays.into_iter().enumerate() {
            let item_source = match &source {
                Source::File { path, .. } => Source::File {
                    path: path.clone(),
                    item: i,
                },
                other => other.clone(),
            };
            last = Some(
                self.add_overlay(sid, item_source, o)
                    .map_err(|e| format!("{name}: {e}"))?,
            );
        }
        last.map(Applied::Overlay)
            .ok_or_else(|| format!("{name}: no data"))
    }

    /// Visible bounds of what a view shows (medial views show one hemisphere).
    pub fn bounds(&self, view: Option<StandardView>) -> Option<(Vec3, Vec3)> {
        self.visible_surfaces(view)
            .filter_map(|(_, d)| d.surface.bounds())
            .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)))
    }

    fn visible_surfaces(
        &self,
        view: Option<StandardView>,
    ) -> impl Iterator<Item = (&SurfaceLayer, &Arc<SurfaceData>)> {
        // Medial views hide the other hemisphere, when there is one of the named side to show.
        let only: Option<Hemisphere> = view.and_then(StandardView::only_hemisphere).filter(|h| {
            self.scene
                .surfaces
                .iter()
                .any(|s| s.visible && s.hemisphere == Some(*h))
        });
        self.scene
            .surfaces
            .iter()
            .filter(move |s| {
                s.visible && (only.is_none() || s.hemisphere.is_none() || s.hemisphere == only)
            })
            .filter_map(|s| Some((s, self.surfaces.get(&s.id)?)))
    }

    /// Recomputes animated overlays (the demo activation) for the Scene's time. Cheap when the
    /// time has not changed.
    pub fn update_animation(&mut self) {
        let t = self.scene.time_secs;
        for s in &self.scene.surfaces {
            let Some(data) = self.surfaces.get(&s.id) else {
                continue;
            };
            for o in &s.overlays {
                if !matches!(&o.source, Source::Demo { name } if name == crate::demo::ACTIVATION) {
                    continue;
                }
                if self
                    .animated
                    .get(&o.id)
                    .is_some_and(|(time, _, _)| *time == t)
                {
                    continue;
                }
                let values = crate::demo::activation(&data.surface.positions, t);
                self.animated
                    .insert(o.id, (t, next_key(), Arc::new(values)));
                self.generation += 1;
            }
        }
    }

    /// Scalar values an overlay shows now: its current frame, or the animation's current state.
    pub fn overlay_frame(&self, layer: &OverlayLayer) -> Option<(u64, &[f32])> {
        if let Some((_, key, values)) = self.animated.get(&layer.id) {
            return Some((*key, values));
        }
        let data = self.overlays.get(&layer.id)?;
        let frame = layer.frame.min(data.overlay.n_frames().saturating_sub(1));
        Some((
            data.key.wrapping_mul(1 << 20).wrapping_add(frame as u64),
            data.overlay.frame(frame)?,
        ))
    }

    /// What the renderer draws for a view.
    pub fn draw_list(&self, view: Option<StandardView>) -> Vec<SurfaceDraw<'_>> {
        self.visible_surfaces(view)
            .map(|(layer, data)| {
                let shade = match &layer.underlay {
                    UnderlayShading::Flat => None,
                    UnderlayShading::Curvature => Some((data.key, &data.curvature[..])),
                    UnderlayShading::File { .. } => self
                        .underlays
                        .get(&layer.id)
                        .map(|(k, v)| (*k, &v[..]))
                        .or(Some((data.key, &data.curvature[..]))),
                };
                SurfaceDraw {
                    id: layer.id,
                    geometry_key: data.key,
                    positions: &data.surface.positions,
                    normals: &data.normals,
                    triangles: &data.surface.triangles,
                    shade,
                    color: layer.color,
                    opacity: layer.opacity,
                    overlays: layer
                        .overlays
                        .iter()
                        .filter(|o| o.visible)
                        .filter_map(|o| self.overlay_draw(o))
                        .collect(),
                }
            })
            .collect()
    }

    fn overlay_draw(&self, layer: &OverlayLayer) -> Option<OverlayDraw<'_>> {
        if let Some(rgba) = self.overlays.get(&layer.id).and_then(|d| d.rgba.as_ref()) {
            let key = self.overlays[&layer.id].key;
            return Some(OverlayDraw {
                key,
                opacity: layer.opacity,
                values: OverlayValues::Rgba(rgba),
            });
        }
        let (key, values) = self.overlay_frame(layer)?;
        Some(OverlayDraw {
            key,
            opacity: layer.opacity,
            values: OverlayValues::Scalar {
                values,
                colormap: layer.colormap,
                range: layer.range,
                threshold: layer.threshold,
            },
        })
    }

    /// What lies under a ray: the nearest visible surface hit, with every overlay's value there.
    pub fn pick(&self, view: Option<StandardView>, origin: Vec3, dir: Vec3) -> Option<PickInfo> {
        let (layer, data, hit) = self
            .visible_surfaces(view)
            .filter_map(|(layer, data)| {
                let hit = data.picker.pick(
                    &data.surface.positions,
                    &data.surface.triangles,
                    origin,
                    dir,
                )?;
                Some((layer, data, hit))
            })
            .min_by(|a, b| a.2.distance.total_cmp(&b.2.distance))?;
        let vertex = hit.nearest_vertex as usize;
        let values = layer
            .overlays
            .iter()
            .filter_map(|o| {
                let data = self.overlays.get(&o.id);
                let text = if let Some(name) = data.and_then(|d| d.label_name(vertex)) {
                    name
                } else if data.is_some_and(|d| !d.is_scalar()) {
                    "(no label)".to_owned()
                } else {
                    let (_, values) = self.overlay_frame(o)?;
                    format_value(*values.get(vertex)?)
                };
                Some((o.name.clone(), text))
            })
            .collect();
        Some(PickInfo {
            surface: layer.id,
            surface_name: layer.name.clone(),
            vertex: hit.nearest_vertex,
            point_mm: hit.point,
            vertex_mm: data.surface.positions[vertex],
            values,
        })
    }
}

/// What the Inspector shows for a picked point.
#[derive(Clone, Debug, PartialEq)]
pub struct PickInfo {
    pub surface: LayerId,
    pub surface_name: String,
    pub vertex: u32,
    /// Where the ray hit the surface (world mm).
    pub point_mm: Vec3,
    /// The nearest vertex's position (world mm).
    pub vertex_mm: Vec3,
    /// (overlay name, value or label name) for every overlay of the surface.
    pub values: Vec<(String, String)>,
}

/// Compact, precise display of a value (4 significant digits).
pub fn format_value(v: f32) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if a != 0.0 && !(1e-3..1e5).contains(&a) {
        format!("{v:.3e}")
    } else {
        let decimals = if a >= 1000.0 {
            1
        } else if a >= 100.0 {
            2
        } else {
            3
        };
        format!("{v:.decimals$}")
    }
}

/// Default display settings for a newly opened overlay, chosen from its data: labels as they
/// are; signed data on a symmetric RdBu_r scale; positive data on inferno from 0 (or its
/// minimum) to its 98th percentile so that outliers do not wash the map out.
pub fn default_overlay_layer(
    id: LayerId,
    source: Source,
    data: &OverlayValuesData,
) -> OverlayLayer {
    let name = if data.overlay.name.is_empty() {
        source.display_name()
    } else {
        data.overlay.name.clone()
    };
    let (colormap, range) = match robust_range(&data.overlay) {
        Some((lo, hi)) if lo < 0.0 && hi > 0.0 => {
            let m = lo.abs().max(hi);
            (Colormap::RdBuR, [-m, m])
        }
        Some((lo, hi)) if lo >= 0.0 => {
            (Colormap::Inferno, [lo, if hi > lo { hi } else { lo + 1.0 }])
        }
        Some((lo, hi)) => (Colormap::Viridis, [lo, if hi > lo { hi } else { lo + 1.0 }]),
        None => (Colormap::Viridis, [0.0, 1.0]),
    };
    OverlayLayer {
        id,
        name,
        source,
        visible: true,
        opacity: 1.0,
        colormap,
        range,
        threshold: Threshold::default(),
        frame: 0,
    }
}

/// 2nd and 98th percentiles of the finite values of the first frame.
pub fn robust_range(overlay: &Overlay) -> Option<(f32, f32)> {
    Some((percentile(overlay, 2.0)?, percentile(overlay, 98.0)?))
}

/// The `p`th percentile (0..=100, nearest rank) of the finite values of the first frame.
pub fn percentile(overlay: &Overlay, p: f32) -> Option<f32> {
    let mut v: Vec<f32> = overlay
        .frame(0)?
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .collect();
    if v.is_empty() {
        return None;
    }
    let rank = (((v.len() - 1) as f32) * p.clamp(0.0, 100.0) / 100.0).round() as usize;
    let (_, value, _) = v.select_nth_unstable_by(rank, f32::total_cmp);
    Some(*value)
}

/// Loads everything a Scene refers to (blocking; run it off the UI thread). Layers whose data
/// cannot be loaded are dropped from the returned session, each with a message.
pub fn load_scene(scene: Scene, progress: &(dyn Fn(f32) + Sync)) -> (Session, Vec<String>) {
    let mut errors = Vec::new();
    let mut files: HashMap<PathBuf, Result<Loaded, String>> = HashMap::new();
    let mut load = |path: &Path| -> Result<Loaded, String> {
        files
            .entry(path.to_owned())
            .or_insert_with(|| formats::load(path).map_err(|e| e.to_string()))
            .clone()
    };
    let needs_demo = scene
        .surfaces
        .iter()
        .any(|s| matches!(&s.source, Source::Demo { .. }));
    let demo = if needs_demo {
        Some(crate::demo::hemispheres())
    } else {
        None
    };

    let mut session = Session::new(Scene {
        surfaces: Vec::new(),
        ..scene.clone()
    });
    let n = scene.surfaces.len().max(1) as f32;
    for (i, mut layer) in scene.surfaces.into_iter().enumerate() {
        let data = match &layer.source {
            Source::Demo { name } => match (&demo, name.as_str()) {
                (Some(Ok((l, _))), crate::demo::LEFT) => Ok(l.clone()),
                (Some(Ok((_, r))), crate::demo::RIGHT) => Ok(r.clone()),
                (Some(Err(e)), _) => Err(format!("demo brain: {e}")),
                _ => Err(format!("unknown demo surface {name:?}")),
            },
            Source::File { path, .. } => load(path).and_then(|l| {
                let surface = l
                    .surface
                    .ok_or_else(|| format!("{}: holds no mesh", path.display()))?;
                surface
                    .validate()
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Arc::new(SurfaceData::new(surface)))
            }),
            Source::Isosurface { path, level } => load(path).and_then(|l| {
                let volume = l
                    .volume
                    .ok_or_else(|| format!("{}: holds no volume", path.display()))?;
                isosurface(&volume, *level, path)
                    .map(|s| Arc::new(SurfaceData::new(s)))
                    .map_err(|e| e.to_string())
            }),
        };
        let data = match data {
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let overlays = std::mem::take(&mut layer.overlays);
        let underlay = layer.underlay.clone();
        let id = layer.id;
        session.scene.surfaces.push(layer);
        session.surfaces.insert(id, data.clone());
        if let UnderlayShading::File { source } = underlay {
            let result = match source.path() {
                Some(path) => load(path).and_then(|l| {
                    let o =
                        l.overlays.into_iter().next().ok_or_else(|| {
                            format!("{}: holds no per-vertex data", path.display())
                        })?;
                    session
                        .set_underlay(id, source.clone(), &o)
                        .map_err(|e| format!("{}: {e}", path.display()))
                }),
                None => Err("an underlay must come from a file".to_owned()),
            };
            if let Err(e) = result {
                errors.push(e);
                if let Some(s) = session.scene.surface_mut(id) {
                    s.underlay = UnderlayShading::Curvature;
                }
            }
        }
        for o in overlays {
            let loaded = match &o.source {
                Source::Demo { name } if name == crate::demo::ACTIVATION => {
                    session
                        .scene
                        .surface_mut(id)
                        .map(|s| s.overlays.push(o.clone()));
                    continue;
                }
                Source::File { path, item } => load(path).and_then(|l| {
                    l.overlays.into_iter().nth(*item).ok_or_else(|| {
                        format!("{}: has no per-vertex array number {item}", path.display())
                    })
                }),
                other => Err(format!("{}: not per-vertex data", other.display_name())),
            };
            let result = loaded.and_then(|ov| {
                let data = OverlayValuesData::new(ov, data.surface.n_vertices())
                    .map_err(|e| format!("{}: {e}", o.source.display_name()))?;
                session.overlays.insert(o.id, Arc::new(data));
                session
                    .scene
                    .surface_mut(id)
                    .map(|s| s.overlays.push(o.clone()));
                Ok(())
            });
            if let Err(e) = result {
                errors.push(e);
            }
        }
        progress((i + 1) as f32 / n);
    }
    (session, errors)
}
