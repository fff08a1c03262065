//! Volumes in a session: their data, the defaults a newly opened volume gets from what it
//! holds, cluster masks, the crosshair readout and what the slice renderer draws.

use std::collections::HashMap;
use std::sync::Arc;

use glam::{DVec3, Vec3};

use super::{Session, format_value, next_key};
use crate::formats;
use crate::model::{
    Colormap, Interpolation, LabelTable, LayerId, Source, Threshold, Volume, VolumeLayer,
    VolumeRole, Voxels,
};
use crate::render::VolumeDraw;

/// A volume ready to show: the image, its label table when it is an atlas, and statistics the
/// defaults and the UI use.
pub struct VolumeData {
    pub key: u64,
    pub volume: Volume,
    /// The atlas's label table (key → name, colour).
    pub labels: Option<(u64, LabelTable)>,
    /// 2nd and 98th percentiles of frame 0 (the default window of anatomy).
    pub robust_range: (f32, f32),
    /// Finite minimum and maximum over all frames.
    pub range: (f32, f32),
}

impl VolumeData {
    /// Derives the statistics (a pass over the data: call it off the UI thread).
    pub fn new(volume: Volume, labels: Option<LabelTable>) -> Self {
        let range = volume.finite_range().unwrap_or((0.0, 1.0));
        let robust_range = match volume.percentiles(0, &[2.0, 98.0]).as_deref() {
            Some(&[lo, hi]) => (lo, hi),
            _ => range,
        };
        VolumeData {
            key: next_key(),
            volume,
            labels: labels.map(|t| (next_key(), t)),
            robust_range,
            range,
        }
    }

    /// What the volume most likely is: an atlas when it has a label table, or integer values
    /// and an atlas-like name; a statistical map when it holds signed floats; else anatomy.
    pub fn guess_role(&self, name: &str) -> VolumeRole {
        if self.labels.is_some() {
            return VolumeRole::Labels;
        }
        let integer = !matches!(self.volume.voxels, Voxels::F32(_) | Voxels::F64(_))
            && self.volume.scaling.is_none();
        let lower = name.to_ascii_lowercase();
        let atlas_name = [
            "atlas", "aal", "aseg", "aparc", "label", "parc", "brodmann", "jhu", "dseg",
        ]
        .iter()
        .any(|w| lower.contains(w));
        if integer && atlas_name {
            return VolumeRole::Labels;
        }
        let stat_name = ["stat", "zmap", "tmap", "spmt", "_t.", "_z."]
            .iter()
            .any(|w| lower.contains(w));
        // A real negative tail, not the slight ringing of a resampled anatomical scan.
        let signed = self.robust_range.0 < 0.0 || self.range.0 < -0.05 * self.range.1.abs();
        if (signed && self.range.1 > 0.0 && !integer) || stat_name {
            return VolumeRole::Statistic;
        }
        VolumeRole::Anatomy
    }

    /// Display defaults for a layer of this volume in `role`.
    pub fn default_layer(
        &self,
        id: LayerId,
        name: String,
        source: Source,
        role: VolumeRole,
        is_underlay: bool,
    ) -> VolumeLayer {
        let (lo, hi) = self.robust_range;
        let (colormap, range, threshold, interpolation, opacity) = match role {
            VolumeRole::Anatomy => (
                Colormap::Gray,
                [lo, if hi > lo { hi } else { lo + 1.0 }],
                Threshold::default(),
                Interpolation::Linear,
                1.0,
            ),
            VolumeRole::Statistic => {
                let extreme = self
                    .range
                    .0
                    .abs()
                    .max(self.range.1.abs())
                    .max(f32::MIN_POSITIVE);
                // z and t maps: the conventional p < 0.001 one-sided cut; others: a quarter of
                // the largest value.
                let cut = if extreme > 4.0 { 3.1 } else { extreme * 0.25 };
                let negative = if self.range.0 < 0.0 {
                    -cut
                } else {
                    f32::NEG_INFINITY
                };
                let threshold = Threshold {
                    enabled: true,
                    positive: cut,
                    negative,
                };
                (
                    Colormap::RdBuR,
                    [-extreme, extreme],
                    threshold,
                    Interpolation::Linear,
                    1.0,
                )
            }
            VolumeRole::Labels => (
                Colormap::Turbo,
                [self.range.0, self.range.1],
                Threshold::default(),
                Interpolation::Nearest,
                if is_underlay { 1.0 } else { 0.5 },
            ),
        };
        VolumeLayer {
            id,
            name,
            source,
            visible: true,
            opacity,
            role,
            colormap,
            range,
            threshold,
            min_cluster_voxels: 0,
            interpolation,
            frame: 0,
            labels: None,
            render_3d: false,
        }
    }

    /// Region name of a label key.
    pub fn label_name(&self, key: i32) -> Option<&str> {
        let (_, table) = self.labels.as_ref()?;
        table.get(key).map(|l| l.name.as_str())
    }
}

/// Reads a volume layer's data again (loading a saved Scene): the image and, for an atlas, the
/// label table the layer names.
/// A missing or broken label table is not fatal: the atlas opens without names, with a warning.
pub fn reload_volume(layer: &VolumeLayer) -> Result<(VolumeData, Option<String>), String> {
    if let Source::Demo { name } = &layer.source {
        return crate::demo::volume(name).map(|v| (VolumeData::new(v, None), None));
    }
    let path = layer
        .source
        .path()
        .ok_or("a volume must come from a file")?;
    let loaded = formats::load(path).map_err(|e| e.to_string())?;
    let volume = loaded
        .volume
        .ok_or_else(|| format!("{}: holds no volume", path.display()))?;
    let (labels, warning) = match layer.labels.as_ref().and_then(Source::path) {
        Some(table) => match formats::lut::read(table) {
            Ok(t) => (Some(t), None),
            Err(e) => (
                None,
                Some(format!("{e} (the atlas opens without region names)")),
            ),
        },
        None => (None, None),
    };
    Ok((VolumeData::new(volume, labels), warning))
}

/// A volume frame projected onto a surface (see [`crate::geometry::projection`]), as an overlay.
pub fn projection_overlay(
    volume: &Volume,
    frame: usize,
    surface: &super::SurfaceData,
    depth_mm: f32,
) -> crate::model::Overlay {
    let values = crate::geometry::projection::project_volume(
        volume,
        frame,
        &surface.surface.positions,
        &surface.normals,
        depth_mm,
    );
    crate::model::Overlay {
        name: format!("{} on {}", volume.name, surface.surface.name),
        data: crate::model::OverlayData::Scalar {
            n_vertices: values.len(),
            n_frames: 1,
            values,
        },
    }
}

/// Cluster masks computed for the current thresholds: (parameters, key, mask) per layer.
#[derive(Default)]
pub struct ClusterMasks {
    masks: HashMap<LayerId, (MaskParams, u64, Arc<Vec<u8>>)>,
}

/// A cluster mask to compute: the layer, its settings and its data (cheap to clone, safe to
/// send to a worker thread).
#[derive(Clone)]
pub struct MaskRequest {
    pub layer: LayerId,
    params: MaskParams,
    data: Arc<VolumeData>,
}

impl MaskRequest {
    /// The mask (slow for big volumes: a flood fill over the frame).
    pub fn compute(&self) -> Vec<u8> {
        let volume = &self.data.volume;
        let p = self.params;
        crate::geometry::clusters::cluster_mask(volume.dims, p.min_voxels, |i| {
            let v = volume.value(p.frame, i);
            v.is_finite() && (v >= p.positive || v <= p.negative)
        })
    }

    /// Whether two requests ask for the same mask.
    pub fn same_as(&self, other: &MaskRequest) -> bool {
        self.layer == other.layer && self.params == other.params
    }
}

#[derive(Clone, Copy, PartialEq)]
struct MaskParams {
    data_key: u64,
    frame: usize,
    positive: f32,
    negative: f32,
    min_voxels: usize,
}

impl Session {
    pub fn volume_data(&self, id: LayerId) -> Option<&Arc<VolumeData>> {
        self.volumes.get(&id)
    }

    /// Adds a volume layer as it is (from a saved or built-in Scene) with its data.
    pub fn insert_volume(&mut self, layer: VolumeLayer, data: Arc<VolumeData>) {
        self.volumes.insert(layer.id, data);
        self.scene.volumes.push(layer);
        self.touch_volumes();
    }

    /// Adds a volume layer with defaults that suit its data; returns its id.
    pub fn add_volume(
        &mut self,
        source: Source,
        data: Arc<VolumeData>,
        labels_source: Option<Source>,
    ) -> LayerId {
        let id = self.scene.new_id();
        let name = if data.volume.name.is_empty() {
            source.display_name()
        } else {
            data.volume.name.clone()
        };
        let role = data.guess_role(&name);
        let is_underlay = self.scene.volumes.is_empty();
        let mut layer = data.default_layer(id, name, source, role, is_underlay);
        layer.labels = labels_source;
        if self.scene.cursor_mm.is_none() {
            self.scene.cursor_mm = Some(data.volume.centre_mm().as_vec3());
        }
        // With nothing else to show, the 3D view shows the volume's planes.
        if self.scene.surfaces.is_empty() && self.scene.volumes.is_empty() {
            self.scene.slices_in_3d = true;
        }
        self.scene.volumes.push(layer);
        self.volumes.insert(id, data);
        self.touch_volumes();
        id
    }

    /// Projects a volume layer's current frame onto a surface as a new overlay (`depth_mm` > 0:
    /// the largest value along each normal within that distance). Returns the overlay's id.
    pub fn add_projection(
        &mut self,
        volume_id: LayerId,
        surface_id: LayerId,
        depth_mm: f32,
    ) -> Result<LayerId, String> {
        let layer = self.scene.volume(volume_id).ok_or("the volume is gone")?;
        let of = Box::new(layer.source.clone());
        let frame = layer.frame;
        let data = self
            .volumes
            .get(&volume_id)
            .ok_or("the volume is gone")?
            .clone();
        let surface = self
            .surface_data(surface_id)
            .ok_or("the surface is gone")?
            .clone();
        let overlay = projection_overlay(&data.volume, frame, &surface, depth_mm);
        let source = Source::Projection {
            of,
            depth_mm,
            frame,
        };
        self.add_overlay(surface_id, source, overlay)
    }

    /// The crosshair: the Scene's, else the centre of the first volume, else of the surfaces.
    pub fn cursor(&self) -> Vec3 {
        if let Some(c) = self.scene.cursor_mm {
            return c;
        }
        if let Some(v) = self
            .scene
            .volumes
            .first()
            .and_then(|l| self.volumes.get(&l.id))
        {
            return v.volume.centre_mm().as_vec3();
        }
        self.bounds(None)
            .map_or(Vec3::ZERO, |(lo, hi)| (lo + hi) * 0.5)
    }

    /// The underlay: the first visible volume layer with data.
    pub fn underlay(&self) -> Option<(&VolumeLayer, &Arc<VolumeData>)> {
        self.scene
            .volumes
            .iter()
            .filter(|l| l.visible)
            .find_map(|l| Some((l, self.volumes.get(&l.id)?)))
    }

    /// World bounds of the visible volumes (min, max).
    pub fn volume_bounds(&self) -> Option<(Vec3, Vec3)> {
        self.scene
            .volumes
            .iter()
            .filter(|l| l.visible)
            .filter_map(|l| self.volumes.get(&l.id))
            .map(|d| {
                let (lo, hi) = d.volume.bounds_mm();
                (lo.as_vec3(), hi.as_vec3())
            })
            .reduce(|(a0, a1), (b0, b1)| (a0.min(b0), a1.max(b1)))
    }

    /// The cluster masks that the current thresholds and sizes call for but that are not
    /// computed yet (or were computed for other settings). Forgets masks no longer wanted.
    pub fn cluster_mask_requests(&mut self) -> Vec<MaskRequest> {
        let mut wanted = Vec::new();
        let mut requests = Vec::new();
        for layer in &self.scene.volumes {
            let Some(data) = self.volumes.get(&layer.id) else {
                continue;
            };
            if layer.min_cluster_voxels < 2
                || !layer.threshold.enabled
                || layer.role == VolumeRole::Labels
            {
                continue;
            }
            let params = MaskParams {
                data_key: data.key,
                frame: layer.frame.min(data.volume.n_frames.saturating_sub(1)),
                positive: layer.threshold.positive,
                negative: layer.threshold.negative,
                min_voxels: layer.min_cluster_voxels,
            };
            wanted.push(layer.id);
            if !self
                .cluster_masks
                .masks
                .get(&layer.id)
                .is_some_and(|(p, _, _)| *p == params)
            {
                requests.push(MaskRequest {
                    layer: layer.id,
                    params,
                    data: data.clone(),
                });
            }
        }
        let before = self.cluster_masks.masks.len();
        self.cluster_masks.masks.retain(|id, _| wanted.contains(id));
        if self.cluster_masks.masks.len() != before {
            self.touch_volumes();
        }
        requests
    }

    /// Stores a computed mask, if its layer still wants one with these settings.
    pub fn set_cluster_mask(&mut self, request: &MaskRequest, mask: Vec<u8>) {
        let current = self.cluster_mask_requests();
        if current
            .iter()
            .any(|r| r.layer == request.layer && r.params == request.params)
        {
            self.cluster_masks
                .masks
                .insert(request.layer, (request.params, next_key(), Arc::new(mask)));
            self.touch_volumes();
        }
    }

    /// Computes every mask the settings call for, now (for figures; the window computes them in
    /// the background).
    pub fn update_cluster_masks(&mut self) {
        for request in self.cluster_mask_requests() {
            let mask = request.compute();
            self.set_cluster_mask(&request, mask);
        }
    }

    /// What the slice renderer draws: the visible volume layers, underlay first.
    pub fn volume_draws(&self) -> Vec<VolumeDraw<'_>> {
        self.scene
            .volumes
            .iter()
            .filter(|l| l.visible && l.opacity > 0.0)
            .filter_map(|layer| {
                let data = self.volumes.get(&layer.id)?;
                let frame = layer.frame.min(data.volume.n_frames.saturating_sub(1));
                let labels = (layer.role == VolumeRole::Labels)
                    .then(|| data.labels.as_ref().map(|(k, t)| (*k, t)))
                    .flatten();
                Some(VolumeDraw {
                    id: layer.id,
                    key: data.key + frame as u64,
                    volume: &data.volume,
                    frame,
                    colormap: layer.colormap,
                    range: layer.range,
                    threshold: if layer.role == VolumeRole::Labels {
                        Threshold::default()
                    } else {
                        layer.threshold
                    },
                    opacity: layer.opacity,
                    interpolation: layer.interpolation,
                    labels,
                    mask: self
                        .cluster_masks
                        .masks
                        .get(&layer.id)
                        .map(|(_, k, m)| (*k, &m[..])),
                    clear_low_in_3d: layer.role == VolumeRole::Anatomy,
                })
            })
            .collect()
    }

    /// Every volume's reading at a world point: (layer name, value or region name).
    pub fn volume_readout(&self, world: Vec3) -> Vec<(String, String)> {
        let p = world.as_dvec3();
        self.scene
            .volumes
            .iter()
            .filter_map(|layer| {
                let data = self.volumes.get(&layer.id)?;
                let frame = layer.frame.min(data.volume.n_frames.saturating_sub(1));
                let text = match layer.role {
                    VolumeRole::Labels => {
                        match data.volume.sample(frame, p, Interpolation::Nearest) {
                            Some(v) => {
                                let key = v.round() as i32;
                                match data.label_name(key) {
                                    Some(name) => format!("{name} ({key})"),
                                    None if key == 0 => "—".to_owned(),
                                    None => key.to_string(),
                                }
                            }
                            None => "outside".to_owned(),
                        }
                    }
                    _ => data
                        .volume
                        .sample(frame, p, layer.interpolation)
                        .map_or_else(|| "outside".to_owned(), format_value),
                };
                Some((layer.name.clone(), text))
            })
            .collect()
    }

    /// Voxel coordinates of a world point in the underlay (rounded), if inside it.
    pub fn underlay_voxel(&self, world: Vec3) -> Option<[i64; 3]> {
        let (_, data) = self.underlay()?;
        let v = data.volume.voxel_of(world.as_dvec3()).round();
        let inside = v.cmpge(DVec3::ZERO).all()
            && v.cmplt(DVec3::from_array(data.volume.dims.map(|d| d as f64)))
                .all();
        inside.then(|| v.as_i64vec3().to_array())
    }
}

impl Session {
    /// The three planes through the crosshair across the visible volumes, for the 3D view
    /// (none unless the Scene asks for them).
    pub fn planes_3d(&self, clip_from_world: glam::Mat4) -> Vec<crate::render::SlicePlane> {
        let Some((lo, hi)) = self.volume_bounds().filter(|_| self.scene.slices_in_3d) else {
            return Vec::new();
        };
        let c = self.cursor().clamp(lo, hi);
        crate::model::SliceAxis::ALL
            .iter()
            .map(|axis| {
                let (right, up) = axis.screen_axes(false);
                let n = axis.normal_axis();
                // The plane's rectangle: the bounds along right and up, at the cursor along n.
                let corner = |r: f32, u: f32| {
                    let mut p = lo + (hi - lo) * (right.abs() * r + up.abs() * u);
                    p[n] = c[n];
                    p
                };
                crate::render::SlicePlane {
                    corners_mm: [
                        corner(0.0, 1.0),
                        corner(1.0, 1.0),
                        corner(1.0, 0.0),
                        corner(0.0, 0.0),
                    ],
                    clip_from_world,
                    clear_background: true,
                }
            })
            .collect()
    }
}

impl Session {
    /// The volume layers ray-marched in the 3D view, with the clip plane through the crosshair
    /// (facing the camera) when the Scene asks for it.
    pub fn raymarch_draws(
        &self,
        camera: &crate::render::Camera,
    ) -> Vec<crate::render::RaymarchDraw<'_>> {
        let clip = self.scene.clip_at_cursor.then(|| {
            let forward = (camera.target - camera.eye).normalize_or_zero();
            (forward, forward.dot(self.cursor()))
        });
        self.scene
            .volumes
            .iter()
            .filter(|l| l.visible && l.render_3d && l.opacity > 0.0 && l.role != VolumeRole::Labels)
            .filter_map(|layer| {
                let data = self.volumes.get(&layer.id)?;
                let frame = layer.frame.min(data.volume.n_frames.saturating_sub(1));
                Some(crate::render::RaymarchDraw {
                    id: layer.id,
                    key: data.key + frame as u64,
                    volume: &data.volume,
                    frame,
                    colormap: layer.colormap,
                    range: layer.range,
                    threshold: layer.threshold,
                    opacity: layer.opacity,
                    signed: layer.role == VolumeRole::Statistic,
                    clip,
                })
            })
            .collect()
    }
}
