//! Mesh decimation: fewer triangles, same shape, through meshoptimizer's edge-collapse
//! simplifier (quadric error metric, topology-preserving).
//!
//! The result keeps the input's vertex positions (no new vertices are created) and drops the
//! vertices no triangle uses any more. Normals and per-vertex overlays must be recomputed or
//! re-sampled by the caller (vertex numbers change).

use glam::Vec3;

use crate::model::Surface;

/// Decimates `surface` to at most `target_triangles` triangles where its topology allows.
///
/// Small disconnected pieces (marching-cubes specks) are removed only when the target cannot be
/// reached without that. A target at or above the current count returns the surface unchanged.
/// Triangles that refer to a vertex past the end of `positions` are dropped.
pub fn decimate(surface: &Surface, target_triangles: usize) -> Surface {
    if target_triangles >= surface.n_faces() {
        return surface.clone();
    }
    let n_vertices = surface.positions.len();
    // meshoptimizer trusts its indices: never hand it one past the vertex buffer.
    let indices: Vec<u32> = surface
        .triangles
        .iter()
        .filter(|t| t.iter().all(|&v| (v as usize) < n_vertices))
        .flatten()
        .copied()
        .collect();
    let indices = simplified_indices(&surface.positions, indices, target_triangles);
    let (positions, triangles) = compact(&surface.positions, &indices);
    Surface {
        name: surface.name.clone(),
        positions,
        triangles,
        hemisphere: surface.hemisphere,
    }
}

/// meshopt's index list for the simplified mesh, still numbering the original vertices.
fn simplified_indices(positions: &[Vec3], indices: Vec<u32>, target: usize) -> Vec<u32> {
    if indices.len() <= target * 3 {
        return indices;
    }
    let bytes = meshopt::typed_to_bytes(positions);
    let Ok(vertices) = meshopt::VertexDataAdapter::new(bytes, std::mem::size_of::<Vec3>(), 0)
    else {
        // Unreachable: a slice of Vec3 always divides into Vec3-sized records.
        return indices;
    };
    // The target error is relative to the mesh extent; 1.0 means "no limit, reach the count".
    let max_error = 1.0;
    let simplify =
        |options| meshopt::simplify(&indices, &vertices, target * 3, max_error, options, None);
    let result = simplify(meshopt::SimplifyOptions::None);
    if result.len() <= target * 3 {
        return result;
    }
    simplify(meshopt::SimplifyOptions::Prune)
}

/// Keeps only the vertices `indices` use, numbered in order of first use (cache friendly).
fn compact(positions: &[Vec3], indices: &[u32]) -> (Vec<Vec3>, Vec<[u32; 3]>) {
    const UNUSED: u32 = u32::MAX;
    let mut new_index = vec![UNUSED; positions.len()];
    let mut kept = Vec::new();
    let mut remapped = |old: u32| {
        let slot = &mut new_index[old as usize];
        if *slot == UNUSED {
            *slot = kept.len() as u32;
            kept.push(positions[old as usize]);
        }
        *slot
    };
    let triangles = indices
        .chunks_exact(3)
        .map(|t| [remapped(t[0]), remapped(t[1]), remapped(t[2])])
        .collect();
    (kept, triangles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::marching_cubes::{enclosed_volume, marching_cubes};

    fn sphere_surface() -> Surface {
        let n = 32;
        let center = Vec3::splat(15.5);
        let data: Vec<f32> = (0..n * n * n)
            .map(|i| {
                let p = Vec3::new((i % n) as f32, ((i / n) % n) as f32, (i / (n * n)) as f32);
                12.0 - p.distance(center)
            })
            .collect();
        let (positions, triangles) = marching_cubes(&data, [n; 3], 0.0);
        Surface {
            name: "sphere".into(),
            positions,
            triangles,
            hemisphere: None,
        }
    }

    #[test]
    fn hits_the_target_and_keeps_the_shape() {
        let surface = sphere_surface();
        let target = surface.n_faces() / 10;
        let small = decimate(&surface, target);
        assert!(small.n_faces() <= target, "{} > {target}", small.n_faces());
        assert!(
            small.n_faces() >= target * 9 / 10,
            "{} ≪ {target}",
            small.n_faces()
        );
        assert!(small.validate().is_ok());
        let before = enclosed_volume(&surface.positions, &surface.triangles);
        let after = enclosed_volume(&small.positions, &small.triangles);
        assert!((after / before - 1.0).abs() < 0.03, "{before} → {after}");
    }

    #[test]
    fn drops_unused_vertices() {
        let surface = sphere_surface();
        let small = decimate(&surface, 500);
        let mut used = vec![false; small.n_vertices()];
        for &v in small.triangles.iter().flatten() {
            used[v as usize] = true;
        }
        assert!(used.iter().all(|&u| u));
        assert!(small.n_vertices() < surface.n_vertices() / 4);
    }

    #[test]
    fn target_above_the_count_is_a_copy() {
        let surface = sphere_surface();
        let same = decimate(&surface, surface.n_faces() + 1);
        assert_eq!(same.triangles, surface.triangles);
        assert_eq!(same.positions, surface.positions);
    }

    #[test]
    fn triangles_past_the_vertex_list_are_dropped() {
        let mut surface = sphere_surface();
        let n = surface.n_vertices() as u32;
        surface.triangles.push([0, 1, n]);
        let small = decimate(&surface, 300);
        assert!(small.validate().is_ok());
        assert!(small.n_faces() <= 300);
    }
}
