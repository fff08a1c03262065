//! The built-in demo: a real brain (the MNI ICBM152 2009a grey-matter map, meshed by our own
//! marching cubes at startup) with an animated synthetic activation, so that Glia started with
//! no files shows a living brain at once.
//!
//! The activation is made up, and says so in its name: a pulsing focus over the left hand
//! area of motor cortex, an anti-correlated focus in the precuneus (a default-mode node), and a
//! slow wave travelling from occipital to frontal cortex.

use std::sync::Arc;

use glam::{DVec4, Vec3};

use crate::formats::nifti;
use crate::geometry::marching_cubes::{IsosurfaceOptions, isosurface};
use crate::model::{
    CameraState, Colormap, Hemisphere, Interpolation, OverlayLayer, Scene, Source, StandardView,
    Surface, SurfaceLayer, Threshold, UnderlayShading, Volume, VolumeLayer, VolumeRole,
};
use crate::session::{Session, SurfaceData};

pub const LEFT: &str = "left-hemisphere";
pub const RIGHT: &str = "right-hemisphere";
pub const ACTIVATION: &str = "activation";
pub const T1: &str = "t1";
pub const STATISTIC: &str = "statistic";

/// Where the demo's crosshair starts: the left hand area of motor cortex.
pub const MOTOR_MM: Vec3 = Vec3::new(-38.0, -22.0, 58.0);
const PRECUNEUS_MM: Vec3 = Vec3::new(-4.0, -62.0, 40.0);

/// The MNI152 2009a symmetric grey-matter probability map, 1 mm (see assets/README.md).
static GREY_MATTER: &[u8] = include_bytes!("../assets/mni152_gm_1mm.nii.gz");

/// The MNI152 2009a symmetric T1 template, 1 mm (see assets/README.md).
static T1_TEMPLATE: &[u8] = include_bytes!("../assets/mni152_t1_1mm.nii.gz");

/// Taubin smoothing passes: enough to remove the voxel staircase, not the folds.
const SMOOTHING_ITERATIONS: usize = 6;

/// The grey-matter map.
pub fn grey_matter() -> Result<Volume, String> {
    nifti::read_bytes(GREY_MATTER, "mni152_gm_1mm.nii.gz")
}

/// The cortical surface of one hemisphere: the grey-matter map with the other half zeroed,
/// meshed at half its maximum and lightly smoothed. Pass the map at 2 mm
/// ([`Volume::downsampled_2x`]): the folds survive (the map is a smooth probability), and the
/// mesh comes out at about 125,000 triangles per hemisphere without decimation, in tens of
/// milliseconds, which is what lets the demo appear at once.
pub fn hemisphere_surface(gm: &Volume, hemisphere: Hemisphere) -> Surface {
    let [nx, ny, nz] = gm.dims;
    let m = gm.world_from_voxel;
    let mut data = gm.frame_f32(0);
    for z in 0..nz {
        for y in 0..ny {
            for x in 0..nx {
                let world_x = (m * DVec4::new(x as f64, y as f64, z as f64, 1.0)).x;
                let side = match hemisphere {
                    Hemisphere::Left => world_x < 0.0,
                    Hemisphere::Right => world_x >= 0.0,
                };
                // Zero the outermost voxels too, so the brainstem, cut by the edge of the
                // template, is capped and the surface closed.
                let inside = x > 0 && y > 0 && z > 0 && x + 1 < nx && y + 1 < ny && z + 1 < nz;
                if !(side && inside) {
                    data[x + nx * (y + ny * z)] = 0.0;
                }
            }
        }
    }
    let half = Volume::from_f32(gm.name.clone(), gm.dims, data, m);
    let max = gm.finite_range().map_or(1.0, |(_, hi)| hi);
    let opts = IsosurfaceOptions {
        level: 0.5 * max,
        smoothing_iterations: SMOOTHING_ITERATIONS,
        target_triangles: None,
    };
    let mut surface = isosurface(&half, &opts);
    surface.hemisphere = Some(hemisphere);
    surface.name = match hemisphere {
        Hemisphere::Left => "MNI152 left hemisphere".into(),
        Hemisphere::Right => "MNI152 right hemisphere".into(),
    };
    surface
}

/// The synthetic activation at `time_secs`, one value per vertex (arbitrary z-like units).
pub fn activation(positions: &[Vec3], time_secs: f32) -> Vec<f32> {
    use std::f32::consts::TAU;
    let (motor, precuneus) = (MOTOR_MM, PRECUNEUS_MM);
    let pulse = 0.5 + 0.5 * (TAU * 0.5 * time_secs).sin();
    let blob =
        |p: Vec3, c: Vec3, sigma: f32| (-(p - c).length_squared() / (2.0 * sigma * sigma)).exp();
    positions
        .iter()
        .map(|&p| {
            let wave = (TAU * (p.y / 70.0 - time_secs / 3.0)).sin() * (p.z / 40.0).clamp(0.0, 1.0);
            6.0 * pulse * blob(p, motor, 11.0) - 4.5 * pulse * blob(p, precuneus, 13.0) + 2.4 * wave
        })
        .collect()
}

/// The demo Scene's layers, before their data is loaded.
pub fn scene() -> Scene {
    let surface = |id, name: &str, hemisphere| SurfaceLayer {
        id,
        name: format!(
            "MNI152 {}",
            if hemisphere == Hemisphere::Left {
                "left"
            } else {
                "right"
            }
        ),
        source: Source::Demo { name: name.into() },
        visible: true,
        opacity: 1.0,
        color: [0.52, 0.50, 0.48],
        underlay: UnderlayShading::Curvature,
        overlays: vec![OverlayLayer {
            id: id + 10,
            name: "synthetic activation".into(),
            source: Source::Demo {
                name: ACTIVATION.into(),
            },
            visible: true,
            opacity: 1.0,
            colormap: Colormap::RdBuR,
            range: [-5.0, 5.0],
            threshold: Threshold {
                enabled: true,
                positive: 1.6,
                negative: -1.6,
            },
            frame: 0,
        }],
        hemisphere: Some(hemisphere),
    };
    let volume = |id, name: &str, role, colormap, range, threshold| VolumeLayer {
        id,
        name: if role == VolumeRole::Anatomy {
            "MNI152 T1".into()
        } else {
            "synthetic z-map".into()
        },
        source: Source::Demo { name: name.into() },
        visible: true,
        opacity: 1.0,
        role,
        colormap,
        range,
        threshold,
        min_cluster_voxels: 0,
        interpolation: Interpolation::Linear,
        frame: 0,
        labels: None,
        render_3d: false,
    };
    Scene {
        camera: CameraState::from_view(StandardView::LeftLateral),
        colorbar: true,
        surfaces: vec![
            surface(1, LEFT, Hemisphere::Left),
            surface(2, RIGHT, Hemisphere::Right),
        ],
        volumes: vec![
            // The T1's 2nd to 98th percentile (numpy on the template): 0 to 221.
            volume(
                30,
                T1,
                VolumeRole::Anatomy,
                Colormap::Gray,
                [0.0, 221.0],
                Threshold::default(),
            ),
            volume(
                31,
                STATISTIC,
                VolumeRole::Statistic,
                Colormap::RdBuR,
                [-6.0, 6.0],
                Threshold {
                    enabled: true,
                    positive: 3.1,
                    negative: -3.1,
                },
            ),
        ],
        recordings: recording(EEG)
            .map(|rec| {
                let source = Source::Demo { name: EEG.into() };
                let mut layer = crate::session::layer_with_scale(35, source, &rec, 60.0);
                layer.rows = 64;
                layer.view_secs = 5.0;
                layer.range = [-15.0, 15.0];
                layer
            })
            .into_iter()
            .collect(),
        spikes: vec![spike_layer(36)],
        time_cursor_secs: 1.35,
        cursor_mm: Some(MOTOR_MM),
        next_id: 40,
        ..Scene::default()
    }
}

/// The demo spike set's name in [`Source::Demo`].
pub const REACHING: &str = "reaching";

/// Length of the demo's reaching session, seconds (as long as its EEG).
pub const REACHING_SECS: f64 = 300.0;

/// The simulated reaching task's settings in the demo (96 units, five minutes).
pub fn reaching_params() -> crate::sim::ReachingParams {
    crate::sim::ReachingParams {
        n_units: 96,
        duration_secs: REACHING_SECS,
        seed: 2026,
        ..Default::default()
    }
}

/// The demo's spikes: a simulated centre-out reaching task recorded by a 96-unit array in the
/// left hand knob (see [`crate::sim::reaching`]). Simulated, and named so.
pub fn spikes(name: &str) -> Result<crate::model::SpikeSet, String> {
    if name != REACHING {
        return Err(format!("unknown demo spikes {name:?}"));
    }
    Ok(crate::sim::Reaching::new(reaching_params()).spikes())
}

/// The demo's spike layer: the first 20 s of the raster, aligned to movement onset, units
/// shown in 3D.
fn spike_layer(id: crate::model::LayerId) -> crate::model::SpikeLayer {
    crate::model::SpikeLayer {
        id,
        name: "simulated reaching (96 units)".into(),
        source: Source::Demo {
            name: REACHING.into(),
        },
        visible: true,
        sort: crate::model::UnitSort::Id,
        hide_noise: false,
        view_start_secs: 0.0,
        view_secs: 20.0,
        first_row: 0,
        rows: 0,
        selected_unit: Some(1),
        align: crate::model::Alignment {
            event: Some("move".into()),
            window_secs: [-0.5, 1.0],
            bin_secs: 0.02,
            smooth_secs: 0.03,
            by_condition: true,
        },
        event_files: Vec::new(),
        units_in_3d: true,
        time_unit: None,
        placement: None,
        colormap: Colormap::Viridis,
        range: [0.0, 40.0],
    }
}

/// The demo's volumes: the T1 template, or the synthetic z-map.
pub fn volume(name: &str) -> Result<Volume, String> {
    match name {
        T1 => {
            let mut t1 = nifti::read_bytes(T1_TEMPLATE, "mni152_t1_1mm.nii.gz")?;
            t1.name = "MNI152 T1".into();
            Ok(t1)
        }
        STATISTIC => statistic_map(),
        other => Err(format!("unknown demo volume {other:?}")),
    }
}

/// A made-up z-map at 2 mm: the activation's foci (no wave), confined to grey matter as a real
/// map would be.
fn statistic_map() -> Result<Volume, String> {
    let gm = grey_matter()?.downsampled_2x();
    let max = gm.finite_range().map_or(1.0, |(_, hi)| hi);
    let [nx, ny, nz] = gm.dims;
    let blob =
        |p: Vec3, c: Vec3, sigma: f32| (-(p - c).length_squared() / (2.0 * sigma * sigma)).exp();
    let right_motor = MOTOR_MM * Vec3::new(-1.0, 1.0, 1.0);
    let mut data = Vec::with_capacity(nx * ny * nz);
    for z in 0..nz {
        for y in 0..ny {
            for x in 0..nx {
                let i = x + nx * (y + ny * z);
                let p = gm
                    .world_from_voxel
                    .transform_point3(glam::DVec3::new(x as f64, y as f64, z as f64))
                    .as_vec3();
                let grey = (gm.value(0, i) / max - 0.2).clamp(0.0, 0.3) / 0.3;
                let z_value = 7.5 * blob(p, MOTOR_MM, 9.0) + 4.0 * blob(p, right_motor, 8.0)
                    - 5.5 * blob(p, PRECUNEUS_MM, 11.0);
                data.push(z_value * grey);
            }
        }
    }
    Ok(Volume::from_f32(
        "synthetic z-map",
        gm.dims,
        data,
        gm.world_from_voxel,
    ))
}

/// Builds both hemispheres in parallel.
pub fn hemispheres() -> Result<(Arc<SurfaceData>, Arc<SurfaceData>), String> {
    let gm = grey_matter()?.downsampled_2x();
    let (left, right) = rayon::join(
        || Arc::new(SurfaceData::new(hemisphere_surface(&gm, Hemisphere::Left))),
        || Arc::new(SurfaceData::new(hemisphere_surface(&gm, Hemisphere::Right))),
    );
    Ok((left, right))
}

/// The whole demo session, loaded (blocking: a fraction of a second in a release build).
pub fn session() -> Result<Session, String> {
    let (session, errors) = crate::session::load_scene(scene(), &|_| {});
    if errors.is_empty() {
        Ok(session)
    } else {
        Err(errors.join("; "))
    }
}

/// The demo recording's name in [`Source::Demo`].
pub const EEG: &str = "eeg";

/// Sample rate of the demo EEG, Hz.
pub const EEG_RATE_HZ: f64 = 256.0;
/// Length of the demo EEG, seconds.
pub const EEG_SECS: f64 = 300.0;
/// Seconds between the demo's stimuli.
const STIMULUS_EVERY_SECS: f64 = 2.0;
/// Eyes open and closed alternate in blocks of this many seconds (closed first).
const EYES_BLOCK_SECS: f64 = 20.0;

/// The 64 sites of the BioSemi 64 cap (10-10 names), in its order.
pub const EEG_64: [&str; 64] = [
    "Fp1", "AF7", "AF3", "F1", "F3", "F5", "F7", "FT7", "FC5", "FC3", "FC1", "C1", "C3", "C5",
    "T7", "TP7", "CP5", "CP3", "CP1", "P1", "P3", "P5", "P7", "P9", "PO7", "PO3", "O1", "Iz", "Oz",
    "POz", "Pz", "CPz", "Fpz", "Fp2", "AF8", "AF4", "AFz", "Fz", "F2", "F4", "F6", "F8", "FT8",
    "FC6", "FC4", "FC2", "FCz", "Cz", "C2", "C4", "C6", "T8", "TP8", "CP6", "CP4", "CP2", "P2",
    "P4", "P6", "P8", "P10", "PO8", "PO4", "O2",
];

/// A simulated 64-channel EEG on the standard 10-10 positions, five minutes at 256 Hz: alpha
/// (10 Hz) over occipital sites that grows when the eyes close, an event-related response to a
/// stimulus every two seconds whose focus moves from occipital to centro-parietal sites over
/// 100–400 ms (a P1, an N170 and a P300), a 1/f background and 50 Hz mains on a few channels.
/// Computed on demand (any stretch in any order gives the same samples), so it costs no memory.
/// Simulated, and named so.
pub fn recording(name: &str) -> Result<crate::model::Recording, String> {
    use crate::model::{Annotation, Channel, ChannelKind, Electrode, Recording};
    if name != EEG {
        return Err(format!("unknown demo recording {name:?}"));
    }
    let mut electrodes = Vec::with_capacity(64);
    for site in EEG_64 {
        let p = crate::formats::montage::standard_position(site)
            .ok_or_else(|| format!("no standard position for {site}"))?;
        electrodes.push(Electrode {
            name: site.to_owned(),
            position_mm: p,
        });
    }
    let n_samples = (EEG_SECS * EEG_RATE_HZ) as u64;
    let channels = EEG_64
        .iter()
        .map(|site| Channel {
            name: (*site).to_owned(),
            sample_rate_hz: EEG_RATE_HZ,
            n_samples,
            unit: "V".into(),
            file_unit: "uV".into(),
            kind: ChannelKind::Eeg,
            bad: false,
        })
        .collect();
    let mut annotations = Vec::new();
    let mut t = 0.0;
    while t < EEG_SECS {
        annotations.push(Annotation {
            onset_secs: t,
            duration_secs: EYES_BLOCK_SECS,
            text: if ((t / EYES_BLOCK_SECS) as u64).is_multiple_of(2) {
                "eyes closed"
            } else {
                "eyes open"
            }
            .into(),
        });
        t += EYES_BLOCK_SECS;
    }
    let mut t = 1.0;
    while t < EEG_SECS {
        annotations.push(Annotation {
            onset_secs: t,
            duration_secs: 0.0,
            text: "stimulus".into(),
        });
        t += STIMULUS_EVERY_SECS;
    }
    annotations.sort_by(|a, b| a.onset_secs.total_cmp(&b.onset_secs));
    let source = SimulatedEeg::new(&electrodes);
    Ok(Recording {
        name: "simulated 64-channel EEG".into(),
        channels,
        annotations,
        electrodes,
        duration_secs: EEG_SECS,
        record_onsets_secs: None,
        source: Arc::new(source),
    })
}

/// Per-channel weights of the simulation's sources, from the electrode positions.
struct SimulatedEeg {
    /// Alpha weight (occipital), per channel.
    alpha: Vec<f64>,
    /// Weights of the three response components (occipital P1, lateral-occipital N170,
    /// centro-parietal P300), per channel.
    erp: Vec<[f64; 3]>,
    /// Background: frequency (Hz), amplitude (V) and phase per component, per channel.
    background: Vec<Vec<(f64, f64, f64)>>,
    /// Mains amplitude (V) per channel.
    mains: Vec<f64>,
}

impl SimulatedEeg {
    fn new(electrodes: &[crate::model::Electrode]) -> Self {
        let near = |p: Vec3, c: Vec3, sigma: f32| {
            f64::from((-(p - c).length_squared() / (2.0 * sigma * sigma)).exp())
        };
        let occipital = Vec3::new(0.0, -105.0, 10.0);
        let left_ot = Vec3::new(-60.0, -80.0, 0.0);
        let right_ot = Vec3::new(60.0, -80.0, 0.0);
        let parietal = Vec3::new(0.0, -55.0, 85.0);
        let hash = |a: u64, b: u64| {
            // SplitMix64 of (a, b): a fixed, well-mixed pseudo-random number in [0, 1).
            let mut z =
                a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_add(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut s = SimulatedEeg {
            alpha: Vec::new(),
            erp: Vec::new(),
            background: Vec::new(),
            mains: Vec::new(),
        };
        for (c, e) in electrodes.iter().enumerate() {
            let p = e.position_mm;
            s.alpha.push(near(p, occipital, 45.0));
            s.erp.push([
                near(p, occipital, 35.0),
                -(near(p, left_ot, 30.0) + near(p, right_ot, 30.0)),
                near(p, parietal, 45.0),
            ]);
            let c = c as u64;
            s.background.push(
                (0..24)
                    .map(|k| {
                        let f = 0.5 + 45.0 * hash(c, 3 * k);
                        (
                            f,
                            12e-6 / f.sqrt() / 4.0,
                            std::f64::consts::TAU * hash(c, 3 * k + 1),
                        )
                    })
                    .collect(),
            );
            // Mains on a few badly attached electrodes.
            s.mains
                .push(if ["T7", "FT8", "P9"].contains(&e.name.as_str()) {
                    15e-6
                } else {
                    0.0
                });
        }
        s
    }

    fn sample(&self, channel: usize, t: f64) -> f64 {
        use std::f64::consts::TAU;
        let eyes_closed = ((t / EYES_BLOCK_SECS) as u64).is_multiple_of(2);
        // Alpha waxes and wanes; strong with eyes closed.
        let envelope = 0.6 + 0.4 * (TAU * 0.23 * t).sin();
        let alpha_gain = if eyes_closed { 22e-6 } else { 5e-6 };
        let alpha = alpha_gain * envelope * (TAU * 10.0 * t + 0.3 * (TAU * 0.1 * t).sin()).sin();
        // The response to the latest stimulus (at 1, 3, 5 … s).
        let since = (t - 1.0).rem_euclid(STIMULUS_EVERY_SECS);
        let bump =
            |latency: f64, width: f64| (-(since - latency).powi(2) / (2.0 * width * width)).exp();
        let [w1, w2, w3] = self.erp[channel];
        let erp = 7e-6 * w1 * bump(0.10, 0.02)
            + 9e-6 * w2 * bump(0.17, 0.025)
            + 10e-6 * w3 * bump(0.35, 0.06);
        let background: f64 = self.background[channel]
            .iter()
            .map(|&(f, a, phase)| a * (TAU * f * t + phase).sin())
            .sum();
        let mains = self.mains[channel] * (TAU * 50.0 * t).sin();
        self.alpha[channel] * alpha + erp + background + mains
    }
}

impl crate::model::SampleSource for SimulatedEeg {
    fn read(&self, channel: usize, start: u64, out: &mut [f64]) -> Result<(), String> {
        if channel >= self.alpha.len() {
            return Err(format!("no channel {channel}"));
        }
        let n_samples = (EEG_SECS * EEG_RATE_HZ) as u64;
        for (i, o) in out.iter_mut().enumerate() {
            let k = start + i as u64;
            *o = if k < n_samples {
                self.sample(channel, k as f64 / EEG_RATE_HZ)
            } else {
                f64::NAN
            };
        }
        Ok(())
    }
}
