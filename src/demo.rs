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
    CameraState, Colormap, Hemisphere, OverlayLayer, Scene, Source, StandardView, Surface,
    SurfaceLayer, Threshold, UnderlayShading, Volume,
};
use crate::session::{Session, SurfaceData};

pub const LEFT: &str = "left-hemisphere";
pub const RIGHT: &str = "right-hemisphere";
pub const ACTIVATION: &str = "activation";

/// The MNI152 2009a symmetric grey-matter probability map, 1 mm (see assets/README.md).
static GREY_MATTER: &[u8] = include_bytes!("../assets/mni152_gm_1mm.nii.gz");

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
    let mut half = gm.clone();
    let [nx, ny, nz] = gm.dims;
    let m = gm.world_from_voxel;
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
                let keep = side && inside;
                if !keep {
                    half.data[x + nx * (y + ny * z)] = 0.0;
                }
            }
        }
    }
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
    let motor = Vec3::new(-38.0, -22.0, 58.0);
    let precuneus = Vec3::new(-4.0, -62.0, 40.0);
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
    Scene {
        camera: CameraState::from_view(StandardView::LeftLateral),
        colorbar: true,
        surfaces: vec![
            surface(1, LEFT, Hemisphere::Left),
            surface(2, RIGHT, Hemisphere::Right),
        ],
        ..Scene::default()
    }
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
