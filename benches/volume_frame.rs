//! Frame times of volume views on a 256³ scan (`benches/compare/make_volume_fixtures.py`):
//! a slice view redrawn while the crosshair is dragged (800×800, the volume already on the
//! GPU, as in the window), and ray-marched volume rendering at 1920×1080. On this machine the
//! adapter is the software one (lavapipe); on a machine with a GPU, the GPU.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use glam::Vec3;
use glia::model::SliceAxis;
use glia::render::{Camera, GpuContext, SceneRenderer, ViewTarget};
use glia::session::Session;
use glia::ui::panels::slices::SliceGeometry;

fn volume_frame(c: &mut Criterion) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/compare/out/t1_256_int16.nii.gz");
    if !path.exists() {
        eprintln!(
            "{} missing: run benches/compare/make_volume_fixtures.py first",
            path.display()
        );
        return;
    }
    let gpu = GpuContext::headless().expect("a GPU adapter");
    eprintln!("adapter: {}", gpu.adapter_description());
    let mut session = Session::default();
    for r in session.open_files(&[path]) {
        r.expect("fixture opens");
    }
    let mut renderer = SceneRenderer::new(&gpu.device, &gpu.queue);

    let mut target = ViewTarget::new(&gpu.device, [800, 800]);
    let mut step = 0;
    c.bench_function("slice_frame_256cube_800px_dragging", |b| {
        b.iter(|| {
            // The crosshair moves a millimetre each frame, as while dragging.
            step += 1;
            let cursor = Vec3::new((step % 60) as f32 - 30.0, 0.0, 10.0);
            session.scene.cursor_mm = Some(cursor);
            let geometry = SliceGeometry::frame(
                session.volume_bounds(),
                cursor,
                SliceAxis::Axial,
                false,
                egui::vec2(800.0, 800.0),
                1.0,
                glam::Vec2::ZERO,
            );
            renderer.slices.draw_view(
                &mut target,
                &geometry.plane(egui::vec2(800.0, 800.0)),
                [0.0, 0.0, 0.0, 1.0],
                &session.volume_draws(),
            );
            gpu.device
                .poll(wgpu::PollType::wait_indefinitely())
                .expect("frame finishes");
        })
    });

    session.scene.slices_in_3d = false;
    session.scene.volumes[0].render_3d = true;
    let mut target = ViewTarget::new(&gpu.device, [1920, 1080]);
    let mut frame = 0u32;
    for (name, samples) in [
        ("volume_rendering_256cube_1080p_1x", 1),
        ("volume_rendering_256cube_1080p_msaa4", 4),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                frame += 1;
                session.scene.camera.orientation =
                    glam::Quat::from_rotation_z(0.01) * session.scene.camera.orientation;
                let camera =
                    Camera::frame(&session.scene.camera, session.bounds(None), target.aspect());
                let raymarched = session.raymarch_draws(&camera);
                renderer.draw_3d(
                    &mut target,
                    &camera,
                    [0.0, 0.0, 0.0, 1.0],
                    &[],
                    &[],
                    &[],
                    &raymarched,
                    samples,
                );
                gpu.device
                    .poll(wgpu::PollType::wait_indefinitely())
                    .expect("frame finishes");
            })
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = volume_frame
}
criterion_main!(benches);
