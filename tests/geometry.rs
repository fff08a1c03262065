//! The public geometry API end to end: isosurfaces, normals, smoothing, decimation, curvature
//! and picking, on analytic volumes and on the bundled MNI152 grey-matter map.

use std::collections::HashSet;

use glam::{DMat4, DVec3, Vec3};
use glia::geometry::adjacency::VertexAdjacency;
use glia::geometry::curvature::mean_curvature;
use glia::geometry::decimate::decimate;
use glia::geometry::marching_cubes::{IsosurfaceOptions, isosurface, marching_cubes};
use glia::geometry::normals::vertex_normals;
use glia::geometry::picking::PickAccel;
use glia::geometry::smooth::{TaubinOptions, taubin_smooth};
use glia::model::{Surface, Volume};

/// `radius − distance to centre` sampled on an n³ grid (positive inside).
fn sphere_field(n: usize, center: Vec3, radius: f32) -> Vec<f32> {
    let mut data = Vec::with_capacity(n * n * n);
    for z in 0..n {
        for y in 0..n {
            for x in 0..n {
                data.push(radius - Vec3::new(x as f32, y as f32, z as f32).distance(center));
            }
        }
    }
    data
}

/// A deterministic pseudo-random generator, so the tests need no extra crates.
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 40) as f32 / (1u64 << 24) as f32
    }

    fn vec(&mut self) -> Vec3 {
        Vec3::new(self.unit(), self.unit(), self.unit()) * 2.0 - 1.0
    }
}

/// Every undirected edge with the number of triangles using it (sorted, no hashing of floats).
fn edge_counts(triangles: &[[u32; 3]]) -> Vec<((u32, u32), usize)> {
    let mut edges: Vec<(u32, u32)> = triangles
        .iter()
        .flat_map(|t| [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])])
        .map(|(a, b)| (a.min(b), a.max(b)))
        .collect();
    edges.sort_unstable();
    let mut counts: Vec<((u32, u32), usize)> = Vec::new();
    for e in edges {
        match counts.last_mut() {
            Some((last, n)) if *last == e => *n += 1,
            _ => counts.push((e, 1)),
        }
    }
    counts
}

fn assert_closed_manifold(triangles: &[[u32; 3]]) -> usize {
    let counts = edge_counts(triangles);
    for (edge, n) in &counts {
        assert_eq!(*n, 2, "edge {edge:?} is shared by {n} triangles");
    }
    counts.len()
}

fn signed_volume(positions: &[Vec3], triangles: &[[u32; 3]]) -> f64 {
    triangles
        .iter()
        .map(|t| {
            let [a, b, c] = t.map(|i| positions[i as usize].as_dvec3());
            a.dot(b.cross(c)) / 6.0
        })
        .sum()
}

fn sphere_volume(world_from_voxel: DMat4) -> Volume {
    Volume::from_f32(
        "sphere",
        [40; 3],
        sphere_field(40, Vec3::new(19.2, 19.6, 20.1), 14.0),
        world_from_voxel,
    )
}

#[test]
fn isosurface_of_a_sphere_is_an_accurate_outward_closed_sphere() {
    // 1.5 mm voxels, shifted, as a scanner affine would place them.
    let world_from_voxel = DMat4::from_translation(DVec3::new(-30.0, -25.0, -10.0))
        * DMat4::from_scale(DVec3::splat(1.5));
    let volume = sphere_volume(world_from_voxel);
    let surface = isosurface(
        &volume,
        &IsosurfaceOptions {
            level: 0.0,
            ..Default::default()
        },
    );
    assert!(surface.validate().is_ok());
    let center = world_from_voxel
        .transform_point3(DVec3::new(19.2, 19.6, 20.1))
        .as_vec3();
    let radius_mm = 14.0 * 1.5;
    for p in &surface.positions {
        assert!((p.distance(center) - radius_mm).abs() < 0.05, "{p}");
    }
    let n_edges = assert_closed_manifold(&surface.triangles);
    let euler = surface.n_vertices() as i64 - n_edges as i64 + surface.n_faces() as i64;
    assert_eq!(euler, 2);
    let normals = vertex_normals(&surface.positions, &surface.triangles);
    for (p, n) in surface.positions.iter().zip(&normals) {
        assert!(
            n.dot((*p - center).normalize()) > 0.95,
            "inward normal at {p}"
        );
    }
    assert!(signed_volume(&surface.positions, &surface.triangles) > 0.0);
}

#[test]
fn mirrored_affine_keeps_normals_outward() {
    let world_from_voxel = DMat4::from_scale(DVec3::new(-1.0, 1.0, 1.0));
    let surface = isosurface(
        &sphere_volume(world_from_voxel),
        &IsosurfaceOptions {
            level: 0.0,
            ..Default::default()
        },
    );
    assert!(signed_volume(&surface.positions, &surface.triangles) > 0.0);
}

#[test]
fn single_voxel() {
    let mut data = vec![0.0; 27];
    data[13] = 2.0;
    let (positions, triangles) = marching_cubes(&data, [3, 3, 3], 1.0);
    assert_eq!((positions.len(), triangles.len()), (6, 8));
    assert_closed_manifold(&triangles);
    assert!(signed_volume(&positions, &triangles) > 0.0);
}

#[test]
fn random_volumes_are_welded_and_in_range() {
    let mut rng = Lcg(42);
    for _ in 0..5 {
        let dims = [9, 11, 13];
        let data: Vec<f32> = (0..dims.iter().product()).map(|_| rng.unit()).collect();
        let (positions, triangles) = marching_cubes(&data, dims, 0.5);
        assert!(
            triangles
                .iter()
                .flatten()
                .all(|&i| (i as usize) < positions.len())
        );
        let distinct: HashSet<[u32; 3]> = positions
            .iter()
            .map(|p| p.to_array().map(f32::to_bits))
            .collect();
        assert_eq!(
            distinct.len(),
            positions.len(),
            "two vertices at one position"
        );
        assert!(edge_counts(&triangles).iter().all(|(_, n)| *n <= 2));
    }
}

#[test]
fn threads_do_not_change_marching_cubes() {
    let data = sphere_field(33, Vec3::splat(16.3), 11.0);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| marching_cubes(&data, [33; 3], 0.0))
    };
    assert_eq!(run(1), run(3));
}

#[test]
fn taubin_smoothing_keeps_the_volume() {
    let (mut positions, triangles) =
        marching_cubes(&sphere_field(30, Vec3::splat(14.5), 10.0), [30; 3], 0.0);
    let before = signed_volume(&positions, &triangles);
    let adjacency = VertexAdjacency::new(positions.len(), &triangles);
    taubin_smooth(&mut positions, &adjacency, &TaubinOptions::default());
    let after = signed_volume(&positions, &triangles);
    assert!((after / before - 1.0).abs() < 0.02, "{before} → {after}");
}

#[test]
fn decimation_hits_its_target() {
    let (positions, triangles) =
        marching_cubes(&sphere_field(40, Vec3::splat(19.5), 15.0), [40; 3], 0.0);
    let surface = Surface {
        name: "sphere".into(),
        positions,
        triangles,
        hemisphere: None,
    };
    for target in [surface.n_faces() / 2, 1000] {
        let small = decimate(&surface, target);
        assert!(small.n_faces() <= target && small.n_faces() >= target * 9 / 10);
        assert!(small.validate().is_ok());
        assert_closed_manifold(&small.triangles);
    }
}

#[test]
fn sphere_curvature_is_negative() {
    let (positions, triangles) =
        marching_cubes(&sphere_field(30, Vec3::splat(14.5), 10.0), [30; 3], 0.0);
    let normals = vertex_normals(&positions, &triangles);
    let curvature = mean_curvature(&positions, &triangles, &normals);
    assert!(curvature.iter().all(|&k| k < 0.0));
}

/// The nearest hit by testing every triangle (Möller–Trumbore, both sides).
fn brute_force_distance(
    positions: &[Vec3],
    triangles: &[[u32; 3]],
    origin: Vec3,
    dir: Vec3,
) -> Option<f32> {
    let dir = dir.normalize();
    triangles
        .iter()
        .filter_map(|t| {
            let [a, b, c] = t.map(|i| positions[i as usize]);
            let (e1, e2) = (b - a, c - a);
            let p = dir.cross(e2);
            let det = e1.dot(p);
            if det == 0.0 {
                return None;
            }
            let s = origin - a;
            let u = s.dot(p) / det;
            let q = s.cross(e1);
            let v = dir.dot(q) / det;
            let t = e2.dot(q) / det;
            (u >= 0.0 && v >= 0.0 && u + v <= 1.0 && t >= 0.0).then_some(t)
        })
        .min_by(f32::total_cmp)
}

#[test]
fn picking_agrees_with_brute_force() {
    let n = 36;
    let center = Vec3::splat(17.5);
    // A wavy blob: rays can cross it several times.
    let data: Vec<f32> = sphere_field(n, center, 12.0)
        .iter()
        .enumerate()
        .map(|(i, d)| d + 2.0 * ((i % n) as f32 * 0.6).sin() * ((i / n % n) as f32 * 0.5).cos())
        .collect();
    let (positions, triangles) = marching_cubes(&data, [n; 3], 0.0);
    let accel = PickAccel::build(&positions, &triangles);
    let mut rng = Lcg(5);
    let mut hits = 0;
    for _ in 0..300 {
        let origin = center + rng.vec() * 30.0;
        let dir = center + rng.vec() * 10.0 - origin;
        let fast = accel.pick(&positions, &triangles, origin, dir);
        let slow = brute_force_distance(&positions, &triangles, origin, dir);
        assert_eq!(fast.is_some(), slow.is_some(), "{fast:?} vs {slow:?}");
        if let (Some(hit), Some(distance)) = (fast, slow) {
            hits += 1;
            assert!((hit.distance - distance).abs() < 1e-4);
            assert!(triangles[hit.triangle].contains(&hit.nearest_vertex));
        }
    }
    assert!(hits > 150);
}

#[test]
fn mni152_grey_matter_surface() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/mni152_gm_1mm.nii.gz");
    let bytes = std::fs::read(path).expect("bundled asset");
    let volume = glia::formats::nifti::read_bytes(&bytes, "mni152_gm").expect("asset reads");
    let (_, max) = volume.finite_range().expect("has values");
    let surface = isosurface(
        &volume,
        &IsosurfaceOptions {
            level: 0.5 * max,
            ..Default::default()
        },
    );
    // scikit-image (Lewiner, which resolves ambiguous cubes differently) gives 540,132 vertices
    // and 1,079,864 triangles on the same array and level.
    let close = |ours: usize, theirs: f64| (ours as f64 / theirs - 1.0).abs() < 0.01;
    assert!(
        close(surface.n_vertices(), 540_132.0),
        "{}",
        surface.n_vertices()
    );
    assert!(
        close(surface.n_faces(), 1_079_864.0),
        "{}",
        surface.n_faces()
    );
    assert!(surface.validate().is_ok());
    // The map is zero on the border of the grid, so the surface is closed.
    assert_closed_manifold(&surface.triangles);
    assert!(signed_volume(&surface.positions, &surface.triangles) > 0.0);
}
