//! A [`Scene`] together with the data its layers refer to.
//!
//! Both outputs use it: the window keeps one `Session` and edits its Scene; `glia render` builds
//! one from files or a session file and draws it once. Loading is split in two so the window never
//! waits: [`prepare_files`] does the slow part (reading, meshing, normals) on any thread, and
//! [`Session::apply`] adds the results to the Scene in a moment on the UI thread.

mod data;
mod electrodes;
mod filters;
mod load;
pub mod prepare;
mod recordings;
mod spikes;
mod volumes;

use std::collections::HashMap;
use std::sync::Arc;

use glam::Vec3;

pub use data::{KEY_FRAMES, OverlayValuesData, SurfaceData, next_key};
pub use load::load_scene;
pub use prepare::{Prepared, default_iso_level, is_underlay_file, prepare_files};
pub use recordings::{
    RAW_WINDOW_SAMPLES, RecordingData, TraceRow, TraceScreen, default_layer, layer_with_scale,
    nice_ceil, trace_color,
};
pub use spikes::{
    AlignedViews, PsthCurve, RasterImage, RasterRow, SpikeData, UnitMesh, aligned_raster_counts,
    can_place, condition_color, default_spike_layer, label_color, raster_background, unit_name,
    unit_positions, visible_rows,
};
pub use volumes::{MaskRequest, VolumeData, reload_volume};

use crate::formats::FormatError;
use crate::geometry::orientation::Orientation;
use crate::model::{
    Colormap, Hemisphere, LayerId, Overlay, OverlayData, OverlayLayer, Scene, Source, StandardView,
    Surface, SurfaceLayer, Threshold, UnderlayShading,
};
use crate::render::{Facing, OverlayDraw, OverlayValues, SurfaceDraw};

/// Electrode values interpolated onto a surface: (electrode state key, GPU key, values).
type CortexValues = (u64, u64, Arc<Vec<f32>>);

/// A live decoder's weights by channel name (0–1), with a key that changes with them.
pub type DecoderWeights = (u64, Arc<Vec<(String, f32)>>);

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
    volumes: HashMap<LayerId, Arc<VolumeData>>,
    recordings: HashMap<LayerId, Arc<RecordingData>>,
    spikes: HashMap<LayerId, Arc<spikes::SpikeData>>,
    unit_meshes: HashMap<LayerId, Arc<spikes::UnitMesh>>,
    /// (time, spike data key, per-vertex rates) of each layer's unit markers.
    unit_states: HashMap<LayerId, (f64, u64, Arc<Vec<f32>>)>,
    /// The live decoder's weights by channel name (0–1), shown on units and electrodes in
    /// place of their activity while set, and a key that changes with them.
    pub decoder_weights: Option<DecoderWeights>,
    /// Changes whenever any unit marker colours change (their GPU key).
    unit_values_key: u64,
    /// Overview pyramids per recording, one per channel, built in the background.
    pyramids: HashMap<LayerId, Arc<Vec<crate::dsp::pyramid::Pyramid>>>,
    electrode_meshes: HashMap<LayerId, Arc<electrodes::ElectrodeMesh>>,
    electrode_states: HashMap<LayerId, electrodes::ElectrodeState>,
    cortex_weights: HashMap<(LayerId, LayerId), Arc<electrodes::CortexWeights>>,
    /// (electrode state key, GPU key, values) per (recording, surface).
    cortex_values: HashMap<(LayerId, LayerId), CortexValues>,
    cluster_masks: volumes::ClusterMasks,
    /// The last average reference computed (shared by the rows of a frame).
    average_cache: std::sync::Mutex<Option<recordings::CachedAverage>>,
    /// Bumped whenever loaded data changes (not the Scene's settings): with the Scene, it tells
    /// a view whether its last picture is still right.
    generation: u64,
    /// The same for volume data and cluster masks only (what slice views show).
    volume_generation: u64,
}

/// What an opened file turned into (for messages and selection).
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    Surface(LayerId),
    Recording(LayerId),
    Spikes(LayerId),
    Volume(LayerId),
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

    /// Changes whenever loaded data changes (unique across sessions, so a replaced session
    /// never looks unchanged to a view).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Changes whenever volume data or cluster masks change.
    pub fn volume_generation(&self) -> u64 {
        self.volume_generation
    }

    fn touch_volumes(&mut self) {
        self.volume_generation = next_key();
        self.touch();
    }

    pub fn touch(&mut self) {
        self.generation = next_key();
    }

    /// Opens files now (blocking; for the command line and tests): [`prepare_files`] then
    /// [`Session::apply`].
    pub fn open_files(&mut self, paths: &[std::path::PathBuf]) -> Vec<Result<Applied, String>> {
        let prepared = prepare_files(paths, &self.vertex_counts(), &|_| {});
        self.apply(prepared, None)
    }

    /// Vertex counts of the open surfaces (to tell per-vertex MGH files from volumes).
    pub fn vertex_counts(&self) -> Vec<usize> {
        self.surfaces
            .values()
            .map(|d| d.surface.n_vertices())
            .collect()
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

    /// Removes a layer and its data (a surface's overlays with it).
    pub fn remove(&mut self, id: LayerId) {
        let children: Vec<LayerId> = self
            .scene
            .surface(id)
            .map(|s| s.overlays.iter().map(|o| o.id).collect())
            .unwrap_or_default();
        if self.scene.remove(id) {
            self.touch();
            if self.volumes.contains_key(&id) {
                self.touch_volumes();
            }
            self.cortex_weights.retain(|(r, s), _| *r != id && *s != id);
            self.cortex_values.retain(|(r, s), _| *r != id && *s != id);
            for layer in children.into_iter().chain([id]) {
                self.electrode_meshes.remove(&layer);
                self.electrode_states.remove(&layer);
                self.recordings.remove(&layer);
                self.spikes.remove(&layer);
                self.unit_meshes.remove(&layer);
                self.unit_states.remove(&layer);
                self.pyramids.remove(&layer);
                self.volumes.remove(&layer);
                self.surfaces.remove(&layer);
                self.overlays.remove(&layer);
                self.underlays.remove(&layer);
                self.animated.remove(&layer);
            }
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
        self.touch();
        id
    }

    fn vertex_count(&self, surface_id: LayerId) -> Result<usize, String> {
        self.surfaces
            .get(&surface_id)
            .map(|d| d.surface.n_vertices())
            .ok_or_else(|| "there is no surface to put it on".to_owned())
    }

    /// Attaches an overlay to surface `surface_id` with defaults that suit its data; returns its id.
    pub fn add_overlay(
        &mut self,
        surface_id: LayerId,
        source: Source,
        overlay: Overlay,
    ) -> Result<LayerId, String> {
        let n = self.vertex_count(surface_id)?;
        let data = OverlayValuesData::new(overlay, n)?;
        let id = self.scene.new_id();
        let layer = default_overlay_layer(id, source, &data);
        if let Some(surface) = self.scene.surface_mut(surface_id) {
            surface.overlays.push(layer);
        }
        self.overlays.insert(id, Arc::new(data));
        self.touch();
        Ok(id)
    }

    /// Sets a per-vertex map as the binary underlay of a surface.
    pub fn set_underlay(
        &mut self,
        surface_id: LayerId,
        source: Source,
        overlay: &Overlay,
    ) -> Result<(), String> {
        let n = self.vertex_count(surface_id)?;
        overlay.check_fits(n)?;
        let values = overlay
            .frame(0)
            .ok_or("an underlay needs scalar values such as curv or sulc")?;
        self.underlays
            .insert(surface_id, (next_key(), Arc::new(values.to_vec())));
        self.touch();
        if let Some(s) = self.scene.surface_mut(surface_id) {
            s.underlay = UnderlayShading::File { source };
        }
        Ok(())
    }

    /// Adds prepared files: meshes first (in order), each becoming a surface; then per-vertex
    /// data, each on the surface it fits ([`Session::overlay_target`]). Returns what each file
    /// became, or why it could not be added, in the order given.
    pub fn apply(
        &mut self,
        prepared: Vec<Result<Prepared, FormatError>>,
        preferred: Option<LayerId>,
    ) -> Vec<Result<Applied, String>> {
        let mut results: Vec<Option<Result<Applied, String>>> = Vec::new();
        let mut later = Vec::new();
        let mut later_events = Vec::new();
        // Events opened with spikes go to those spikes.
        let mut new_spikes = None;
        let mut added = Vec::new();
        for (index, item) in prepared.into_iter().enumerate() {
            results.push(None);
            match item {
                Err(e) => results[index] = Some(Err(e.to_string())),
                Ok(Prepared::Surface {
                    source,
                    data,
                    overlays,
                }) => {
                    let name = source.display_name();
                    let id = self.add_surface(source.clone(), data);
                    added.push(id);
                    let mut outcome = Ok(Applied::Surface(id));
                    for (i, o) in overlays.into_iter().enumerate() {
                        if let Err(e) = self.add_overlay(id, source.item(i), o) {
                            outcome = Err(format!("{name}: {e}"));
                        }
                    }
                    results[index] = Some(outcome);
                }
                Ok(Prepared::Overlays { source, overlays }) => {
                    later.push((index, source, overlays))
                }
                Ok(Prepared::Recording { source, data }) => {
                    let id = self.add_recording(source, data);
                    results[index] = Some(Ok(Applied::Recording(id)));
                }
                Ok(Prepared::Montage { source, electrodes }) => {
                    results[index] = Some(self.apply_montage(&source, electrodes, preferred));
                }
                Ok(Prepared::Spikes { source, set }) => {
                    let id = self.add_spikes(source, *set);
                    new_spikes = Some(id);
                    results[index] = Some(Ok(Applied::Spikes(id)));
                }
                Ok(Prepared::Events { source, events }) => {
                    later_events.push((index, source, events));
                }
                Ok(Prepared::Volume {
                    source,
                    data,
                    labels,
                }) => {
                    let id = self.add_volume(source, data, labels);
                    results[index] = Some(Ok(Applied::Volume(id)));
                }
            }
        }
        for (index, source, events) in later_events {
            results[index] = Some(self.apply_events(&source, events, new_spikes.or(preferred)));
        }
        for (index, source, overlays) in later {
            let target = self.overlay_target(&source, &overlays, &added, preferred);
            results[index] =
                Some(target.and_then(|sid| self.attach_overlays(sid, source, overlays)));
        }
        results.into_iter().flatten().collect()
    }

    /// The surface per-vertex data goes on: among the surfaces it fits (same vertex count),
    /// one of the hemisphere its file name says, then the selected surface, then the newest.
    fn overlay_target(
        &self,
        source: &Source,
        overlays: &[Overlay],
        added: &[LayerId],
        preferred: Option<LayerId>,
    ) -> Result<LayerId, String> {
        let name = source.display_name();
        let Some(first) = overlays.first() else {
            return Err(format!("{name}: holds no per-vertex data"));
        };
        if self.scene.surfaces.is_empty() {
            return Err(format!(
                "{name}: per-vertex data needs a surface: open a mesh first"
            ));
        }
        let fits = |id: LayerId| {
            self.surfaces
                .get(&id)
                .is_some_and(|d| first.check_fits(d.surface.n_vertices()).is_ok())
        };
        let hemisphere = source
            .path()
            .and_then(|p| Surface::hemisphere_from_name(&p.to_string_lossy()));
        let candidates: Vec<&SurfaceLayer> =
            self.scene.surfaces.iter().filter(|s| fits(s.id)).collect();
        let score = |s: &SurfaceLayer| {
            (
                hemisphere.is_some() && s.hemisphere == hemisphere,
                preferred == Some(s.id),
                added.contains(&s.id),
            )
        };
        // max_by_key keeps the last of equals: the newest surface wins ties.
        if let Some(best) = candidates.into_iter().max_by_key(|s| score(s)) {
            return Ok(best.id);
        }
        let newest = self.scene.surfaces.last().map(|s| s.id).unwrap_or_default();
        let n = self
            .surfaces
            .get(&newest)
            .map_or(0, |d| d.surface.n_vertices());
        Err(format!(
            "{name}: {}",
            first.check_fits(n).err().unwrap_or_default()
        ))
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
            last = Some(
                self.add_overlay(sid, source.item(i), o)
                    .map_err(|e| format!("{name}: {e}"))?,
            );
        }
        last.map(Applied::Overlay)
            .ok_or_else(|| format!("{name}: no data"))
    }

    /// Visible bounds of what a view shows (medial views show one hemisphere).
    /// Volumes count when the 3D view shows them (slice planes) or when there is nothing else.
    pub fn bounds(&self, view: Option<StandardView>) -> Option<(Vec3, Vec3)> {
        let surfaces = self
            .visible_surfaces(view)
            .filter_map(|(_, d)| d.surface.bounds())
            .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)));
        let volumes_in_3d =
            self.scene.slices_in_3d || self.scene.volumes.iter().any(|v| v.visible && v.render_3d);
        let volumes = if volumes_in_3d || surfaces.is_none() {
            self.volume_bounds()
        } else {
            None
        };
        let electrodes = self
            .scene
            .recordings
            .iter()
            .filter(|r| r.visible && r.electrodes_in_3d)
            .filter_map(|r| self.electrode_meshes.get(&r.id))
            .flat_map(|m| m.positions.iter())
            .fold(None, |acc: Option<(Vec3, Vec3)>, &p| match acc {
                Some((lo, hi)) => Some((lo.min(p), hi.max(p))),
                None => Some((p, p)),
            });
        [surfaces, volumes, electrodes]
            .into_iter()
            .flatten()
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
                self.generation = next_key();
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
            data.key + (frame as u64).min(KEY_FRAMES - 1),
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
                    facing: match data.orientation {
                        Orientation::Outward => Facing::CullBack,
                        Orientation::Inward => Facing::CullFront,
                        Orientation::Mixed => Facing::TwoSided,
                    },
                    shade,
                    color: layer.color,
                    opacity: layer.opacity,
                    overlays: layer
                        .overlays
                        .iter()
                        .filter(|o| o.visible)
                        .filter_map(|o| self.overlay_draw(o))
                        .chain(self.cortex_overlays(layer.id))
                        .collect(),
                }
            })
            .chain(self.electrode_draws())
            .chain(self.unit_draws())
            .collect()
    }

    /// Electrode values interpolated onto a surface, one overlay per recording shown there.
    fn cortex_overlays(&self, surface: LayerId) -> Vec<OverlayDraw<'_>> {
        self.scene
            .recordings
            .iter()
            .filter(|r| r.visible && r.on_cortex)
            .filter_map(|r| {
                let (key, values) = self.cortex_values(r.id, surface)?;
                Some(OverlayDraw {
                    key,
                    opacity: 1.0,
                    values: OverlayValues::Scalar {
                        values,
                        colormap: r.colormap,
                        range: r.range,
                        threshold: Threshold::default(),
                    },
                })
            })
            .collect()
    }

    /// The electrode spheres of every recording shown in 3D, coloured by their values.
    fn electrode_draws(&self) -> Vec<SurfaceDraw<'_>> {
        self.scene
            .recordings
            .iter()
            .filter(|r| r.visible && r.electrodes_in_3d)
            .filter_map(|r| {
                let mesh = self.electrode_meshes.get(&r.id)?;
                let overlays = self
                    .electrode_states
                    .get(&r.id)
                    .map(|state| OverlayDraw {
                        key: state.key,
                        opacity: 1.0,
                        values: OverlayValues::Scalar {
                            values: &state.vertex_values,
                            colormap: r.colormap,
                            range: r.range,
                            threshold: Threshold::default(),
                        },
                    })
                    .into_iter()
                    .collect();
                Some(SurfaceDraw {
                    id: r.id,
                    geometry_key: mesh.key,
                    positions: &mesh.positions,
                    normals: &mesh.normals,
                    triangles: &mesh.triangles,
                    facing: Facing::CullBack,
                    shade: None,
                    color: [0.85, 0.85, 0.82],
                    opacity: 1.0,
                    overlays,
                })
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
        let (layer, _, hit) = self
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
        self.describe(layer.id, hit.nearest_vertex, hit.point)
    }

    /// The Inspector's reading at a vertex of a surface (`point_mm` is where the pointer hit):
    /// every overlay's current value or label there. `None` once the surface is gone.
    pub fn describe(&self, surface: LayerId, vertex: u32, point_mm: Vec3) -> Option<PickInfo> {
        let layer = self.scene.surface(surface)?;
        let data = self.surfaces.get(&surface)?;
        let v = vertex as usize;
        let vertex_mm = *data.surface.positions.get(v)?;
        let values = layer
            .overlays
            .iter()
            .filter_map(|o| {
                let data = self.overlays.get(&o.id);
                let text = if let Some(name) = data.and_then(|d| d.label_name(v)) {
                    name
                } else if data.is_some_and(|d| !d.is_scalar()) {
                    "(no label)".to_owned()
                } else {
                    let (_, values) = self.overlay_frame(o)?;
                    format_value(*values.get(v)?)
                };
                Some((o.name.clone(), text))
            })
            .collect();
        Some(PickInfo {
            surface,
            surface_name: layer.name.clone(),
            vertex,
            point_mm,
            vertex_mm,
            values,
        })
    }

    /// The overlay a colorbar describes in a view: the last visible scalar overlay of a surface
    /// the view shows.
    pub fn colorbar_overlay(&self, view: Option<StandardView>) -> Option<&OverlayLayer> {
        self.visible_surfaces(view)
            .flat_map(|(s, _)| s.overlays.iter())
            .filter(|o| o.visible && self.is_scalar_overlay(o.id))
            .last()
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
/// are; signed data on a symmetric RdBu_r scale; positive data on inferno from its 2nd to its
/// 98th percentile, so that outliers do not wash the map out.
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
