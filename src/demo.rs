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
        cursor_mm: Some(MOTOR_MM),
        next_id: 40,
        ..Scene::default()
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
