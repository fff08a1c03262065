//! Electrodes in 3D: a small sphere per electrode with a known position, coloured by its
//! channel's signal at the time cursor (amplitude, or band power over the second before it),
//! and the same values interpolated onto the cortical surfaces, so that moving the cursor
//! through the traces animates the brain.

use std::collections::HashMap;
use std::sync::Arc;

use glam::Vec3;

use super::{Session, TraceRow, next_key};
use crate::model::{ElectrodeValue, LayerId, Recording, RecordingLayer};

/// Sphere radius of an electrode, millimetres.
const ELECTRODE_RADIUS_MM: f32 = 3.5;
/// Electrodes that share in each cortical vertex's interpolated value.
const NEAREST: usize = 4;

/// Spheres at the electrodes of a recording, and which electrode each vertex belongs to.
pub struct ElectrodeMesh {
    pub key: u64,
    pub positions: Vec<Vec3>,
    pub normals: Vec<Vec3>,
    pub triangles: Vec<[u32; 3]>,
    /// Channel of each electrode, and the electrode of each vertex.
    pub channels: Vec<usize>,
    pub vertex_electrode: Vec<u32>,
    pub names: Vec<String>,
    pub centres: Vec<Vec3>,
}

impl ElectrodeMesh {
    /// Spheres for the channels of `recording` whose electrode position is known.
    pub fn new(recording: &Recording) -> Option<Self> {
        let (sphere_p, sphere_t) = icosphere();
        let mut mesh = ElectrodeMesh {
            key: next_key(),
            positions: Vec::new(),
            normals: Vec::new(),
            triangles: Vec::new(),
            channels: Vec::new(),
            vertex_electrode: Vec::new(),
            names: Vec::new(),
            centres: Vec::new(),
        };
        for (channel, _) in recording.channels.iter().enumerate() {
            let Some(electrode) = recording.electrode_of(channel) else {
                continue;
            };
            let e = mesh.channels.len() as u32;
            let base = mesh.positions.len() as u32;
            for &p in &sphere_p {
                mesh.positions
                    .push(electrode.position_mm + p * ELECTRODE_RADIUS_MM);
                mesh.normals.push(p);
                mesh.vertex_electrode.push(e);
            }
            mesh.triangles
                .extend(sphere_t.iter().map(|t| t.map(|v| v + base)));
            mesh.channels.push(channel);
            mesh.names.push(electrode.name.clone());
            mesh.centres.push(electrode.position_mm);
        }
        (!mesh.channels.is_empty()).then_some(mesh)
    }
}

/// A unit icosphere (one subdivision: 42 vertices, 80 triangles), counter-clockwise outward.
pub(super) fn icosphere() -> (Vec<Vec3>, Vec<[u32; 3]>) {
    let t = (1.0 + 5f32.sqrt()) / 2.0;
    let mut p: Vec<Vec3> = [
        (-1.0, t, 0.0),
        (1.0, t, 0.0),
        (-1.0, -t, 0.0),
        (1.0, -t, 0.0),
        (0.0, -1.0, t),
        (0.0, 1.0, t),
        (0.0, -1.0, -t),
        (0.0, 1.0, -t),
        (t, 0.0, -1.0),
        (t, 0.0, 1.0),
        (-t, 0.0, -1.0),
        (-t, 0.0, 1.0),
    ]
    .iter()
    .map(|&(x, y, z)| Vec3::new(x, y, z).normalize())
    .collect();
    let faces: [[u32; 3]; 20] = [
        [0, 11, 5],
        [0, 5, 1],
        [0, 1, 7],
        [0, 7, 10],
        [0, 10, 11],
        [1, 5, 9],
        [5, 11, 4],
        [11, 10, 2],
        [10, 7, 6],
        [7, 1, 8],
        [3, 9, 4],
        [3, 4, 2],
        [3, 2, 6],
        [3, 6, 8],
        [3, 8, 9],
        [4, 9, 5],
        [2, 4, 11],
        [6, 2, 10],
        [8, 6, 7],
        [9, 8, 1],
    ];
    let mut midpoints = HashMap::new();
    let mut mid = |a: u32, b: u32, p: &mut Vec<Vec3>| {
        *midpoints.entry((a.min(b), a.max(b))).or_insert_with(|| {
            p.push(((p[a as usize] + p[b as usize]) * 0.5).normalize());
            p.len() as u32 - 1
        })
    };
    let mut triangles = Vec::with_capacity(80);
    for [a, b, c] in faces {
        let (ab, bc, ca) = (mid(a, b, &mut p), mid(b, c, &mut p), mid(c, a, &mut p));
        triangles.extend([[a, ab, ca], [b, bc, ab], [c, ca, bc], [ab, bc, ca]]);
    }
    (p, triangles)
}

/// For each cortical vertex, its nearest electrodes and their normalised inverse-square
/// distance weights.
pub struct CortexWeights {
    pub surface_key: u64,
    pub mesh_key: u64,
    pub weights: Vec<[(u32, f32); NEAREST]>,
}

impl CortexWeights {
    pub fn new(vertices: &[Vec3], surface_key: u64, mesh: &ElectrodeMesh) -> Self {
        use rayon::prelude::*;
        let weights = vertices
            .par_iter()
            .map(|&v| {
                let mut best = [(0u32, f32::INFINITY); NEAREST];
                for (e, &c) in mesh.centres.iter().enumerate() {
                    let d2 = (c - v).length_squared();
                    if d2 < best[NEAREST - 1].1 {
                        best[NEAREST - 1] = (e as u32, d2);
                        best.sort_by(|a, b| a.1.total_cmp(&b.1));
                    }
                }
                let mut w = best.map(|(e, d2)| {
                    (
                        e,
                        if d2.is_finite() {
                            1.0 / d2.max(1.0)
                        } else {
                            0.0
                        },
                    )
                });
                let total: f32 = w.iter().map(|x| x.1).sum();
                if total > 0.0 {
                    w.iter_mut().for_each(|x| x.1 /= total);
                }
                w
            })
            .collect();
        CortexWeights {
            surface_key,
            mesh_key: mesh.key,
            weights,
        }
    }

    pub fn interpolate(&self, electrode_values: &[f32]) -> Vec<f32> {
        self.weights
            .iter()
            .map(|w| {
                // Electrodes without a value (bad channels, no signal there) drop out and the
                // others' weights are renormalised.
                let (mut sum, mut weight) = (0.0, 0.0);
                for &(e, k) in w {
                    if let Some(&v) = electrode_values.get(e as usize)
                        && v.is_finite()
                    {
                        sum += k * v;
                        weight += k;
                    }
                }
                if weight > 0.0 { sum / weight } else { f32::NAN }
            })
            .collect()
    }
}

/// Whether two settings of a layer give the same electrode values. The browser's window, rows,
/// scale and the colours do not change them: comparing whole layers recomputed every electrode
/// (filtered, re-referenced) on each frame of a drag or scroll through the traces.
fn same_values(a: &RecordingLayer, b: &RecordingLayer) -> bool {
    a.reference == b.reference
        && a.filter == b.filter
        && a.bad == b.bad
        && a.electrode_value == b.electrode_value
}

/// What electrode colours were last computed for: (layer settings, time).
pub struct ElectrodeState {
    pub for_layer: RecordingLayer,
    pub time_secs: f64,
    /// The decoder weights' key the values show (0: activity).
    pub weights_key: u64,
    pub key: u64,
    /// One value per electrode, and one per sphere vertex.
    pub values: Arc<Vec<f32>>,
    pub vertex_values: Arc<Vec<f32>>,
}

impl Session {
    pub fn electrode_mesh(&self, id: LayerId) -> Option<&Arc<ElectrodeMesh>> {
        self.electrode_meshes.get(&id)
    }

    /// Electrode values at the time cursor (µV, or µV² for band power), once computed.
    pub fn electrode_state(&self, id: LayerId) -> Option<&ElectrodeState> {
        self.electrode_states.get(&id)
    }

    /// Recomputes electrode values and cortical interpolation weights that the time cursor or
    /// settings made stale. Cheap when nothing changed.
    pub fn update_electrodes(&mut self) {
        let t = self.scene.time_cursor_secs;
        let layers: Vec<RecordingLayer> = self
            .scene
            .recordings
            .iter()
            .filter(|l| l.visible && (l.electrodes_in_3d || l.on_cortex))
            .cloned()
            .collect();
        for layer in layers {
            let Some(data) = self.recordings.get(&layer.id) else {
                continue;
            };
            if let std::collections::hash_map::Entry::Vacant(e) =
                self.electrode_meshes.entry(layer.id)
            {
                match ElectrodeMesh::new(&data.recording) {
                    Some(mesh) => {
                        e.insert(Arc::new(mesh));
                    }
                    None => continue,
                }
            }
            let weights = self.decoder_weights.clone();
            let weights_key = weights.as_ref().map_or(0, |w| w.0);
            let fresh = self.electrode_states.get(&layer.id).is_some_and(|s| {
                s.time_secs == t
                    && s.weights_key == weights_key
                    && same_values(&s.for_layer, &layer)
            });
            if !fresh {
                let mesh = self.electrode_meshes[&layer.id].clone();
                let data_channels = self.recordings[&layer.id].recording.channels.clone();
                let values: Vec<f32> = mesh
                    .channels
                    .iter()
                    .map(|&c| {
                        // Bad channels are shown without a value (grey), and do not colour
                        // the cortex.
                        let ch = &data_channels[c];
                        let bad =
                            ch.bad || layer.bad.iter().any(|b| b.eq_ignore_ascii_case(&ch.name));
                        if bad {
                            f32::NAN
                        } else if let Some((_, w)) = &weights {
                            // The decoder's weight on the channel, on the colour scale's
                            // positive side.
                            let f = w
                                .iter()
                                .find(|(n, _)| n.eq_ignore_ascii_case(&ch.name))
                                .map_or(0.0, |x| x.1);
                            f * layer.range[1].abs().max(layer.range[0].abs())
                        } else {
                            self.channel_value(&layer, c, t)
                        }
                    })
                    .collect();
                let vertex_values = mesh
                    .vertex_electrode
                    .iter()
                    .map(|&e| values[e as usize])
                    .collect();
                self.electrode_states.insert(
                    layer.id,
                    ElectrodeState {
                        for_layer: layer.clone(),
                        time_secs: t,
                        weights_key,
                        key: next_key(),
                        values: Arc::new(values),
                        vertex_values: Arc::new(vertex_values),
                    },
                );
                self.touch();
            }
        }
        // Interpolation weights for each surface the values go onto.
        let wanted: Vec<(LayerId, LayerId)> = self
            .scene
            .recordings
            .iter()
            .filter(|l| l.visible && l.on_cortex)
            .flat_map(|r| self.scene.surfaces.iter().map(move |s| (r.id, s.id)))
            .collect();
        for (rec, surf) in wanted {
            let (Some(mesh), Some(surface)) =
                (self.electrode_meshes.get(&rec), self.surfaces.get(&surf))
            else {
                continue;
            };
            let stale = self
                .cortex_weights
                .get(&(rec, surf))
                .is_none_or(|w| w.surface_key != surface.key || w.mesh_key != mesh.key);
            if stale {
                let weights = CortexWeights::new(&surface.surface.positions, surface.key, mesh);
                self.cortex_weights.insert((rec, surf), Arc::new(weights));
            }
            // The interpolated values follow the electrode values.
            let (Some(state), Some(weights)) = (
                self.electrode_states.get(&rec),
                self.cortex_weights.get(&(rec, surf)),
            ) else {
                continue;
            };
            let current = self
                .cortex_values
                .get(&(rec, surf))
                .is_some_and(|(k, _, _)| *k == state.key && !stale);
            if !current {
                let values = weights.interpolate(&state.values);
                self.cortex_values
                    .insert((rec, surf), (state.key, next_key(), Arc::new(values)));
                self.touch();
            }
        }
    }

    /// Interpolated electrode values on a surface (GPU key, values), when asked for.
    pub fn cortex_values(&self, recording: LayerId, surface: LayerId) -> Option<(u64, &[f32])> {
        self.cortex_values
            .get(&(recording, surface))
            .map(|(_, k, v)| (*k, &v[..]))
    }

    /// A channel's value at time `t` as the browser shows it (referenced and filtered): its
    /// amplitude in µV (or the channel's unit), or its band power over the second before `t`.
    pub fn channel_value(&self, layer: &RecordingLayer, channel: usize, t: f64) -> f32 {
        let Some(data) = self.recordings.get(&layer.id) else {
            return f32::NAN;
        };
        let Some(ch) = data.recording.channels.get(channel) else {
            return f32::NAN;
        };
        let row = TraceRow {
            label: ch.name.clone(),
            kind: ch.kind,
            bad: ch.bad,
            channel,
            minus: None,
            y_px: 0.0,
        };
        let per_unit = if ch.unit == "V" { 1e6 } else { 1.0 };
        let fs = ch.sample_rate_hz;
        match layer.electrode_value {
            ElectrodeValue::Amplitude => {
                let sample = (t * fs).round().max(0.0) as u64;
                self.row_signal(layer, &row, sample, 1)
                    .ok()
                    .and_then(|v| v.first().copied())
                    .map_or(f32::NAN, |v| (v * per_unit) as f32)
            }
            ElectrodeValue::BandPower { lo_hz, hi_hz } => {
                let n = fs.round().max(8.0) as usize;
                let start = ((t * fs).round() as i64 - n as i64).max(0) as u64;
                let Ok(x) = self.row_signal(layer, &row, start, n) else {
                    return f32::NAN;
                };
                let x: Vec<f64> = x.iter().map(|v| v * per_unit).collect();
                super::filters::band_power(&x, fs, f64::from(lo_hz), f64::from(hi_hz))
                    .map_or(f32::NAN, |p| p as f32)
            }
        }
    }
}
