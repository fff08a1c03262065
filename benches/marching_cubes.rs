//! Marching cubes on the bundled MNI152 grey-matter map at half its maximum (the peer is
//! scikit-image: `benches/compare/marching_cubes.py`), and ray picking on a 300k-triangle brain
//! surface (BVH build, one ray).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use glam::Vec3;
use glia::geometry::curvature::mean_curvature;
use glia::geometry::decimate::decimate;
use glia::geometry::marching_cubes::{IsosurfaceOptions, isosurface, marching_cubes};
use glia::geometry::normals::vertex_normals;
use glia::geometry::picking::PickAccel;
use glia::model::Volume;

fn mni152_gm() -> Volume {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/mni152_gm_1mm.nii.gz");
    let bytes = std::fs::read(path).expect("bundled asset");
    glia::formats::nifti::read_bytes(&bytes, "mni152_gm").expect("asset reads")
}

fn half_max(volume: &Volume) -> f32 {
    0.5 * volume.finite_range().expect("volume has values").1
}

fn marching_cubes_bench(c: &mut Criterion) {
    let volume = mni152_gm();
    let level = half_max(&volume);
    let data = volume.frame_f32(0);
    let (positions, triangles) = marching_cubes(&data, volume.dims, level);
    eprintln!(
        "marching cubes, MNI152 GM at {level}: {} vertices, {} triangles, {} threads",
        positions.len(),
        triangles.len(),
        rayon::current_num_threads()
    );
    c.bench_function("marching_cubes_mni152_gm", |b| {
        b.iter(|| marching_cubes(black_box(&data), volume.dims, level))
    });
}

fn picking_bench(c: &mut Criterion) {
    let volume = mni152_gm();
    let opts = IsosurfaceOptions {
        level: half_max(&volume),
        ..Default::default()
    };
    let surface = decimate(&isosurface(&volume, &opts), 300_000);
    eprintln!(
        "picking mesh: {} vertices, {} triangles",
        surface.n_vertices(),
        surface.n_faces()
    );
    let (positions, triangles) = (&surface.positions, &surface.triangles);
    c.bench_function("pick_accel_build_300k", |b| {
        b.iter(|| PickAccel::build(black_box(positions), black_box(triangles)))
    });

    // Rays from a sphere around the brain towards points near its centre, as clicks would be.
    let (lo, hi) = surface.bounds().expect("non-empty surface");
    let (center, reach) = ((lo + hi) * 0.5, (hi - lo).length());
    let rays: Vec<(Vec3, Vec3)> = (0..1024)
        .map(|i| {
            let (a, b) = (i as f32 * 2.399_963, (i as f32 + 0.5) / 1024.0 * 2.0 - 1.0);
            let r = (1.0 - b * b).sqrt();
            let origin = center + Vec3::new(r * a.cos(), r * a.sin(), b) * reach;
            let target = center + Vec3::new(a.sin(), b, a.cos()) * 10.0;
            (origin, target - origin)
        })
        .collect();
    let accel = PickAccel::build(positions, triangles);
    let mut next = 0;
    c.bench_function("pick_ray_300k", |b| {
        b.iter(|| {
            let (origin, dir) = rays[next % rays.len()];
            next += 1;
            accel.pick(positions, triangles, black_box(origin), black_box(dir))
        })
    });

    c.bench_function("normals_and_curvature_300k", |b| {
        b.iter(|| {
            let normals = vertex_normals(positions, triangles);
            mean_curvature(positions, triangles, &normals)
        })
    });
}

criterion_group!(benches, marching_cubes_bench, picking_bench);
criterion_main!(benches);
