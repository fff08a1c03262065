//! Per-vertex mean curvature for sulcal/gyral shading, with FreeSurfer's sign: positive where
//! the surface is concave (sulci, fundi), negative where it is convex (gyral crowns).
//!
//! The estimate is the cotangent Laplacian (Meyer et al. 2003) written as the gradient of the
//! surface area with respect to each vertex: moving vertex i by δ changes the area by
//! `∇ᵢA · δ = 2 H Aᵢ n · δ`, so `∇ᵢA · nᵢ / (2 Aᵢ)` is the mean curvature H at i, with Aᵢ a
//! third of the area of i's triangles. Per vertex this is noisy on marching-cubes meshes, so
//! numerator and area are summed over a small patch (the 2-ring) before dividing: the integral
//! of H over the patch divided by its area. On a sphere of radius r this gives −1/r within a few
//! percent (in 1/mm), where a uniform-weight Laplacian dotted with area-weighted normals is about
//! 25 % low. It does not give principal curvatures or directions, and its values are not
//! FreeSurfer's `?h.curv` numbers (those are computed on FreeSurfer's own surfaces).

use glam::Vec3;
use rayon::prelude::*;

use super::adjacency::VertexAdjacency;

/// Passes of summing over the 1-ring: the patch is the k-ring.
const PATCH_RINGS: usize = 2;

/// Mean curvature (1/mm) at every vertex, positive in concave regions (sulci). `normals` are
/// unit outward vertex normals such as [`super::normals::vertex_normals`] gives; they only
/// decide the sign. Vertices without triangles of non-zero area get 0.
///
/// # Panics
/// If `normals` and `positions` differ in length.
pub fn mean_curvature(positions: &[Vec3], triangles: &[[u32; 3]], normals: &[Vec3]) -> Vec<f32> {
    let adjacency = VertexAdjacency::new(positions.len(), triangles);
    mean_curvature_with_adjacency(positions, triangles, &adjacency, normals)
}

/// [`mean_curvature`] for callers that already hold the mesh's adjacency.
///
/// # Panics
/// If `normals`, `positions` and `adjacency` do not describe the same number of vertices.
pub fn mean_curvature_with_adjacency(
    positions: &[Vec3],
    triangles: &[[u32; 3]],
    adjacency: &VertexAdjacency,
    normals: &[Vec3],
) -> Vec<f32> {
    assert_eq!(
        positions.len(),
        normals.len(),
        "mean_curvature: one normal per vertex"
    );
    assert_eq!(
        positions.len(),
        adjacency.n_vertices(),
        "mean_curvature: adjacency is for another mesh"
    );
    let (gradients, areas) = area_gradients(positions, triangles);
    // FreeSurfer's sign: the area grows when a convex vertex moves outward, so negate.
    let mut integrated: Vec<f32> = gradients
        .par_iter()
        .zip(normals)
        .map(|(g, n)| -0.5 * g.dot(*n))
        .collect();
    let mut patch_areas = areas;
    for _ in 0..PATCH_RINGS {
        integrated = sum_over_one_ring(&integrated, adjacency);
        patch_areas = sum_over_one_ring(&patch_areas, adjacency);
    }
    integrated
        .par_iter()
        .zip(&patch_areas)
        .map(|(&h, &area)| if area > 0.0 { h / area } else { 0.0 })
        .collect()
}

/// For every vertex, the gradient of the total area with respect to its position, and a third
/// of the area of its triangles. Triangles that refer to a vertex past the end are ignored.
fn area_gradients(positions: &[Vec3], triangles: &[[u32; 3]]) -> (Vec<Vec3>, Vec<f32>) {
    let mut gradients = vec![Vec3::ZERO; positions.len()];
    let mut areas = vec![0.0f32; positions.len()];
    for t in triangles {
        let [Some(&a), Some(&b), Some(&c)] = t.map(|v| positions.get(v as usize)) else {
            continue;
        };
        let doubled_normal = (b - a).cross(c - a);
        let third_of_area = doubled_normal.length() / 6.0;
        // A zero-area triangle has no defined normal; it contributes nothing.
        let unit_normal = doubled_normal.normalize_or_zero();
        for k in 0..3 {
            let (v, next, prev) = (
                t[k] as usize,
                t[(k + 1) % 3] as usize,
                t[(k + 2) % 3] as usize,
            );
            // Moving a corner perpendicular to the opposite edge, in the triangle's plane,
            // changes its area by half that edge's length.
            gradients[v] += 0.5 * unit_normal.cross(positions[prev] - positions[next]);
            areas[v] += third_of_area;
        }
    }
    (gradients, areas)
}

/// Each vertex's value plus its neighbours' values.
fn sum_over_one_ring(values: &[f32], adjacency: &VertexAdjacency) -> Vec<f32> {
    (0..values.len())
        .into_par_iter()
        .with_min_len(4096)
        .map(|v| {
            let neighbours: f32 = adjacency
                .neighbors(v)
                .iter()
                .map(|&j| values[j as usize])
                .sum();
            values[v] + neighbours
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::marching_cubes::marching_cubes;
    use crate::geometry::normals::vertex_normals;

    /// Marching cubes of `radius(direction) − |p − centre|` on a 32³ grid.
    fn mesh_of(radius: impl Fn(Vec3) -> f32) -> (Vec<Vec3>, Vec<[u32; 3]>, Vec<Vec3>) {
        let n = 32;
        let center = Vec3::splat(15.5);
        let data: Vec<f32> = (0..n * n * n)
            .map(|i| {
                let p = Vec3::new((i % n) as f32, ((i / n) % n) as f32, (i / (n * n)) as f32);
                let d = p - center;
                radius(d.normalize_or_zero()) - d.length()
            })
            .collect();
        let (positions, triangles) = marching_cubes(&data, [n; 3], 0.0);
        let normals = vertex_normals(&positions, &triangles);
        (positions, triangles, normals)
    }

    #[test]
    fn sphere_is_convex_everywhere() {
        let radius = 11.0;
        let (positions, triangles, normals) = mesh_of(|_| radius);
        let curvature = mean_curvature(&positions, &triangles, &normals);
        assert!(
            curvature.iter().all(|&k| k < 0.0),
            "a sphere has no concave vertex"
        );
        let mean = curvature.iter().sum::<f32>() / curvature.len() as f32;
        assert!(
            (mean + 1.0 / radius).abs() < 0.05 / radius,
            "mean {mean}, expected {}",
            -1.0 / radius
        );
        assert!(
            curvature
                .iter()
                .all(|&k| (k + 1.0 / radius).abs() < 0.15 / radius)
        );
    }

    #[test]
    fn ribbed_sphere_has_positive_valleys_and_negative_crests() {
        // Six ribs around the z axis, fading towards the poles.
        let ribs = |d: Vec3| d.y.atan2(d.x) * 6.0;
        let (positions, triangles, normals) =
            mesh_of(|d| 12.0 + 1.5 * ribs(d).cos() * (1.0 - d.z * d.z));
        let curvature = mean_curvature(&positions, &triangles, &normals);
        let (mut crests, mut valleys) = (0, 0);
        for (p, &k) in positions.iter().zip(&curvature) {
            let d = *p - Vec3::splat(15.5);
            if d.z.abs() > 2.0 {
                continue;
            }
            let phase = ribs(d.normalize()).cos();
            if phase > 0.95 {
                assert!(k < 0.0, "crest at {p} has curvature {k}");
                crests += 1;
            } else if phase < -0.95 {
                assert!(k > 0.0, "valley at {p} has curvature {k}");
                valleys += 1;
            }
        }
        assert!(
            crests > 10 && valleys > 10,
            "{crests} crests, {valleys} valleys"
        );
    }

    #[test]
    fn isolated_vertex_has_zero_curvature() {
        let positions = [Vec3::ZERO, Vec3::X, Vec3::Y, Vec3::Z];
        let normals = [Vec3::Z; 4];
        let curvature = mean_curvature(&positions, &[[0, 1, 2]], &normals);
        assert_eq!(curvature[3], 0.0);
        assert!(curvature.iter().all(|k| k.is_finite()));
    }
}
