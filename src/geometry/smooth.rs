//! Taubin λ|μ smoothing: removes the staircase of marching-cubes surfaces without shrinking
//! them the way plain Laplacian smoothing does.
//!
//! Each iteration moves every vertex towards the mean of its neighbours by λ, then away by μ
//! (μ < −λ < 0), which damps high spatial frequencies and leaves low ones (the overall shape and
//! volume) almost untouched (Taubin 1995). Uniform ("umbrella") weights; vertices without
//! neighbours stay put. It does not preserve features or move vertices along the surface only.

use glam::Vec3;
use rayon::prelude::*;

use super::adjacency::VertexAdjacency;

/// Parameters of [`taubin_smooth`].
#[derive(Clone, Debug, PartialEq)]
pub struct TaubinOptions {
    /// Number of λ|μ pairs.
    pub iterations: usize,
    /// Shrinking step, 0 < λ < 1.
    pub lambda: f32,
    /// Inflating step, μ < −λ.
    pub mu: f32,
}

impl Default for TaubinOptions {
    fn default() -> Self {
        Self {
            iterations: 10,
            lambda: 0.5,
            mu: -0.53,
        }
    }
}

/// Smooths `positions` in place over the mesh described by `adjacency`.
///
/// # Panics
/// If `adjacency` was built for a different number of vertices.
pub fn taubin_smooth(positions: &mut [Vec3], adjacency: &VertexAdjacency, opts: &TaubinOptions) {
    assert_eq!(
        adjacency.n_vertices(),
        positions.len(),
        "taubin_smooth: adjacency is for another mesh"
    );
    let mut scratch = positions.to_vec();
    for _ in 0..opts.iterations {
        laplacian_step(positions, &mut scratch, adjacency, opts.lambda);
        laplacian_step(&scratch, positions, adjacency, opts.mu);
    }
}

/// `to[v] = from[v] + factor · (mean of neighbours − from[v])`, in parallel.
fn laplacian_step(from: &[Vec3], to: &mut [Vec3], adjacency: &VertexAdjacency, factor: f32) {
    to.par_iter_mut()
        .with_min_len(4096)
        .enumerate()
        .for_each(|(v, out)| {
            let neighbors = adjacency.neighbors(v);
            let p = from[v];
            *out = if neighbors.is_empty() {
                p
            } else {
                let sum: Vec3 = neighbors.iter().map(|&n| from[n as usize]).sum();
                let mean = sum / neighbors.len() as f32;
                p + factor * (mean - p)
            };
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::marching_cubes::{enclosed_volume, marching_cubes};

    fn sphere_mesh() -> (Vec<Vec3>, Vec<[u32; 3]>) {
        let n = 30;
        let center = Vec3::splat(14.5);
        let data: Vec<f32> = (0..n * n * n)
            .map(|i| {
                let p = Vec3::new((i % n) as f32, ((i / n) % n) as f32, (i / (n * n)) as f32);
                10.0 - p.distance(center)
            })
            .collect();
        marching_cubes(&data, [n; 3], 0.0)
    }

    /// Standard deviation of the distance to the centre: how bumpy the sphere is.
    fn roughness(positions: &[Vec3]) -> f32 {
        let center = Vec3::splat(14.5);
        let d: Vec<f32> = positions.iter().map(|p| p.distance(center)).collect();
        let mean = d.iter().sum::<f32>() / d.len() as f32;
        (d.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / d.len() as f32).sqrt()
    }

    /// Pushes every vertex radially by a pseudo-random amount up to ±`amplitude`.
    fn add_radial_noise(positions: &mut [Vec3], amplitude: f32) {
        let center = Vec3::splat(14.5);
        let mut state = 12345u32;
        for p in positions {
            state = state.wrapping_mul(1664525).wrapping_add(1013904223);
            let noise = (state >> 8) as f32 / (1u32 << 24) as f32 * 2.0 - 1.0;
            *p += (*p - center).normalize() * noise * amplitude;
        }
    }

    #[test]
    fn taubin_keeps_volume_and_reduces_roughness() {
        let (mut positions, triangles) = sphere_mesh();
        add_radial_noise(&mut positions, 0.3);
        let before = enclosed_volume(&positions, &triangles);
        let rough_before = roughness(&positions);
        let adjacency = VertexAdjacency::new(positions.len(), &triangles);
        taubin_smooth(&mut positions, &adjacency, &TaubinOptions::default());
        let after = enclosed_volume(&positions, &triangles);
        assert!((after / before - 1.0).abs() < 0.02, "{before} → {after}");
        assert!(roughness(&positions) < rough_before, "not smoother");
    }

    #[test]
    fn plain_laplacian_would_shrink() {
        // Guards the test above: with μ = 0 the same mesh loses clearly more volume.
        let (mut positions, triangles) = sphere_mesh();
        let before = enclosed_volume(&positions, &triangles);
        let adjacency = VertexAdjacency::new(positions.len(), &triangles);
        let opts = TaubinOptions {
            mu: 0.0,
            ..Default::default()
        };
        taubin_smooth(&mut positions, &adjacency, &opts);
        assert!(enclosed_volume(&positions, &triangles) / before < 0.97);
    }

    #[test]
    fn isolated_vertices_stay_put() {
        let mut positions = vec![Vec3::ZERO, Vec3::X, Vec3::Y, Vec3::splat(5.0)];
        let adjacency = VertexAdjacency::new(4, &[[0, 1, 2]]);
        taubin_smooth(&mut positions, &adjacency, &TaubinOptions::default());
        assert_eq!(positions[3], Vec3::splat(5.0));
    }
}
