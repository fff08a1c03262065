//! Smooth per-vertex normals for shading.
//!
//! Each vertex gets the normalised sum of the un-normalised normals of its triangles, so a
//! triangle counts in proportion to its area and slivers barely matter. Faces are expected
//! counter-clockwise seen from outside ([`crate::model::Surface`]); the normals then point
//! outward. It does not split normals at creases (brain meshes have none worth keeping).

use glam::Vec3;
use rayon::prelude::*;

/// Below this many triangles per worker, splitting the accumulation costs more than it saves.
const MIN_TRIANGLES_PER_CHUNK: usize = 50_000;
/// Each chunk needs a full-size accumulator, so memory caps the number of chunks.
const MAX_CHUNKS: usize = 8;

/// Area-weighted unit vertex normals. A vertex that belongs to no triangle of non-zero area
/// gets the zero vector; triangles that refer to a vertex past the end are ignored.
pub fn vertex_normals(positions: &[Vec3], triangles: &[[u32; 3]]) -> Vec<Vec3> {
    let n_chunks = (triangles.len() / MIN_TRIANGLES_PER_CHUNK)
        .clamp(1, MAX_CHUNKS)
        .min(rayon::current_num_threads().max(1));
    if n_chunks == 1 {
        let mut sums = accumulate(positions, triangles);
        sums.par_iter_mut().for_each(|n| *n = n.normalize_or_zero());
        return sums;
    }
    // Scattering into one array from several threads would race, so each chunk of triangles
    // accumulates into its own array and the arrays are summed per vertex.
    let chunk_len = triangles.len().div_ceil(n_chunks);
    let partial: Vec<Vec<Vec3>> = triangles
        .par_chunks(chunk_len)
        .map(|chunk| accumulate(positions, chunk))
        .collect();
    (0..positions.len())
        .into_par_iter()
        .with_min_len(4096)
        .map(|v| {
            partial
                .iter()
                .map(|sums| sums[v])
                .sum::<Vec3>()
                .normalize_or_zero()
        })
        .collect()
}

/// Sum over each vertex's triangles of (b − a) × (c − a), whose length is twice the area.
fn accumulate(positions: &[Vec3], triangles: &[[u32; 3]]) -> Vec<Vec3> {
    let mut sums = vec![Vec3::ZERO; positions.len()];
    for t in triangles {
        let [Some(&a), Some(&b), Some(&c)] = t.map(|v| positions.get(v as usize)) else {
            continue;
        };
        let face = (b - a).cross(c - a);
        for &v in t {
            sums[v as usize] += face;
        }
    }
    sums
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::marching_cubes::marching_cubes;

    #[test]
    fn sphere_normals_point_outward_radially() {
        let n = 24;
        let center = Vec3::splat(11.5);
        let data: Vec<f32> = (0..n * n * n)
            .map(|i| {
                let p = Vec3::new((i % n) as f32, ((i / n) % n) as f32, (i / (n * n)) as f32);
                9.0 - p.distance(center)
            })
            .collect();
        let (positions, triangles) = marching_cubes(&data, [n; 3], 0.0);
        let normals = vertex_normals(&positions, &triangles);
        for (p, normal) in positions.iter().zip(&normals) {
            assert!((normal.length() - 1.0).abs() < 1e-5);
            assert!(normal.dot((*p - center).normalize()) > 0.97, "{p} {normal}");
        }
    }

    #[test]
    fn chunked_accumulation_matches_single_pass() {
        // A strip long enough to be split into chunks.
        let n = 3 * MIN_TRIANGLES_PER_CHUNK;
        let positions: Vec<Vec3> = (0..n + 2)
            .map(|i| Vec3::new(i as f32 * 0.5, (i % 2) as f32, ((i * 7) % 5) as f32 * 0.1))
            .collect();
        let triangles: Vec<[u32; 3]> = (0..n as u32)
            .map(|i| {
                if i % 2 == 0 {
                    [i, i + 1, i + 2]
                } else {
                    [i + 1, i, i + 2]
                }
            })
            .collect();
        let threaded = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("thread pool")
            .install(|| vertex_normals(&positions, &triangles));
        let mut single = accumulate(&positions, &triangles);
        single.iter_mut().for_each(|v| *v = v.normalize_or_zero());
        for (a, b) in threaded.iter().zip(&single) {
            assert!(a.distance(*b) < 1e-5);
        }
    }

    #[test]
    fn degenerate_and_unused_vertices_get_zero() {
        let positions = [Vec3::ZERO, Vec3::X, Vec3::X * 2.0, Vec3::Y];
        // A zero-area triangle (collinear) and a bad index; vertex 3 is unused.
        let normals = vertex_normals(&positions, &[[0, 1, 2], [0, 1, 7]]);
        assert!(normals.iter().all(|n| *n == Vec3::ZERO));
    }

    #[test]
    fn area_weighting() {
        // Vertex 0 shared by a large triangle facing +z and a small one facing +x.
        let positions = [
            Vec3::ZERO,
            Vec3::new(10.0, 0.0, 0.0),
            Vec3::new(0.0, 10.0, 0.0),
            Vec3::new(0.0, 1.0, 0.0),
            Vec3::new(0.0, 0.0, 1.0),
        ];
        let normals = vertex_normals(&positions, &[[0, 1, 2], [0, 3, 4]]);
        let expected = Vec3::new(1.0, 0.0, 100.0).normalize();
        assert!(normals[0].distance(expected) < 1e-6, "{}", normals[0]);
    }
}
