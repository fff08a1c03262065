//! Frame time of the surface renderer at 1920×1080, with 4× MSAA (figures, settled views) and
//! without (views in motion on a software adapter): a 327,680-triangle mesh (fsaverage
//! resolution) with a thresholded overlay, and the demo brain. On this machine the adapter is
//! the software one (lavapipe); on a machine with a GPU, the GPU.

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use glia::render::{Camera, GpuContext, SurfaceRenderer, ViewTarget};
use glia::session::Session;

fn time_frames(
    c: &mut Criterion,
    name: &str,
    gpu: &GpuContext,
    session: &mut Session,
    samples: u32,
) {
    let mut renderer = SurfaceRenderer::new(&gpu.device, &gpu.queue);
    let mut target = ViewTarget::new(&gpu.device, [1920, 1080]);
    let mut frame = 0u32;
    c.bench_function(name, |b| {
        b.iter(|| {
            // Turn the camera a little each frame, as while orbiting.
            frame += 1;
            session.scene.camera.orientation =
                glam::Quat::from_rotation_z(frame as f32 * 0.01) * session.scene.camera.orientation;
            session.update_animation();
            let view = session.scene.camera.view;
            let camera =
                Camera::frame(&session.scene.camera, session.bounds(view), target.aspect());
            renderer.draw_with_samples(
                &mut target,
                &camera,
                [0.0, 0.0, 0.0, 1.0],
                &session.draw_list(view),
                samples,
            );
            gpu.device
                .poll(wgpu::PollType::wait_indefinitely())
                .expect("frame finishes");
        })
    });
}

fn render_frame(c: &mut Criterion) {
    let gpu = GpuContext::headless().expect("a GPU adapter");
    eprintln!("adapter: {}", gpu.adapter_description());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mesh = dir.join("benches/compare/out/pial164k.gii");
    if mesh.exists() {
        let mut session = Session::default();
        let results = session.open_files(&[mesh]);
        assert!(results.iter().all(Result::is_ok));
        // A smooth signed overlay over the whole mesh, thresholded, as a typical stat map.
        let id = session.scene.surfaces[0].id;
        let positions = &session.surface_data(id).expect("surface").surface.positions;
        let values: Vec<f32> = positions.iter().map(|p| (p.y * 0.08).sin() * 4.0).collect();
        let overlay = glia::model::Overlay {
            name: "synthetic".into(),
            data: glia::model::OverlayData::Scalar {
                n_vertices: values.len(),
                n_frames: 1,
                values,
            },
        };
        let oid = session
            .add_overlay(id, glia::model::Source::file("synthetic"), overlay)
            .expect("fits");
        if let Some(o) = session.scene.overlay_mut(oid) {
            o.threshold = glia::model::Threshold {
                enabled: true,
                positive: 1.5,
                negative: -1.5,
            };
        }
        time_frames(c, "frame_1080p_327k_triangles_msaa4", &gpu, &mut session, 4);
        time_frames(c, "frame_1080p_327k_triangles_1x", &gpu, &mut session, 1);
    } else {
        eprintln!(
            "{} missing: run benches/compare/make_fixtures.py first",
            mesh.display()
        );
    }
    let mut demo = glia::demo::session().expect("demo builds");
    time_frames(c, "frame_1080p_demo_msaa4", &gpu, &mut demo, 4);
    time_frames(c, "frame_1080p_demo_1x", &gpu, &mut demo, 1);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = render_frame
}
criterion_main!(benches);
