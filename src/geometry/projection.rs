//! Volume-to-surface projection: a statistical map sampled at each vertex of a cortical mesh,
//! as a per-vertex overlay (what `nilearn.surface.vol_to_surf` and FreeSurfer's
//! `mri_vol2surf` do).

use glam::Vec3;
use rayon::prelude::*;

use crate::model::{Interpolation, Volume};

/// Samples `frame` of `volume` at every vertex (trilinear; NaN outside the image). With
/// `depth_mm > 0`, samples along the vertex normal from `-depth_mm` to `+depth_mm` (seven
/// points) and keeps the value of largest magnitude, sign included, so a thin cortical ribbon's
/// peak is not missed by a vertex that lies a millimetre off it.
pub fn project_volume(
    volume: &Volume,
    frame: usize,
    positions: &[Vec3],
    normals: &[Vec3],
    depth_mm: f32,
) -> Vec<f32> {
    const STEPS: usize = 7;
    positions
        .par_iter()
        .enumerate()
        .map(|(i, &p)| {
            let n = normals.get(i).copied().unwrap_or(Vec3::ZERO);
            let offsets: &mut dyn Iterator<Item = f32> = if depth_mm > 0.0 && n != Vec3::ZERO {
                &mut (0..STEPS).map(|s| depth_mm * (2.0 * s as f32 / (STEPS - 1) as f32 - 1.0))
            } else {
                &mut std::iter::once(0.0)
            };
            offsets
                .filter_map(|o| volume.sample(frame, (p + n * o).as_dvec3(), Interpolation::Linear))
                .filter(|v| v.is_finite())
                .max_by(|a, b| a.abs().total_cmp(&b.abs()))
                .unwrap_or(f32::NAN)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use glam::DMat4;

    #[test]
    fn samples_at_vertices_and_finds_peaks_along_the_normal() {
        // A 1 mm grid whose value is its x coordinate, except a peak of 10 at x = 3.
        let dims = [8, 3, 3];
        let data = (0..72)
            .map(|i| {
                let x = (i % 8) as f32;
                if x == 3.0 { 10.0 } else { x }
            })
            .collect();
        let volume = Volume::from_f32("ramp", dims, data, DMat4::IDENTITY);
        let positions = [
            Vec3::new(1.5, 1.0, 1.0),
            Vec3::new(5.0, 1.0, 1.0),
            Vec3::new(50.0, 1.0, 1.0),
        ];
        let normals = [Vec3::X; 3];
        let at_vertex = project_volume(&volume, 0, &positions, &normals, 0.0);
        assert!((at_vertex[0] - 1.5).abs() < 1e-5);
        assert_eq!(at_vertex[1], 5.0);
        assert!(at_vertex[2].is_nan(), "outside the image");
        let along = project_volume(&volume, 0, &positions, &normals, 2.0);
        assert_eq!(along[1], 10.0, "the peak 2 mm inward is found");
    }
}
