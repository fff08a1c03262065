//! Frame time of the trace browser at 1920×1080 with 64 rows on screen, on a memory-mapped
//! 256-channel EDF (10 min at 512 Hz, made by `benches/compare/make_big_edf.py`): what one
//! frame costs while scrolling (samples read, filtered when asked, reduced to per-pixel
//! min/max, drawn by the GPU trace pipeline, and waited for) and while zoomed out to the whole
//! recording (drawn from the overview pyramid). On this machine the adapter is the software
//! one (lavapipe); on a machine with a GPU, the GPU.

use std::path::Path;
use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use glia::model::{DisplayFilter, Source, Theme};
use glia::render::{GpuContext, TraceRenderer, ViewTarget};
use glia::session::{RecordingData, Session};

const SIZE: [u32; 2] = [1920, 1080];

fn trace_frame(c: &mut Criterion) {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/compare/out/eeg_256ch_10min.edf");
    assert!(
        path.exists(),
        "run `.venv/bin/python benches/compare/make_big_edf.py {} 256 512 600` first",
        path.display()
    );
    let gpu = GpuContext::headless().expect("a GPU adapter");
    eprintln!("adapter: {}", gpu.adapter_description());
    let recording = glia::formats::load(&path)
        .expect("EDF")
        .recording
        .expect("a recording");
    let data = Arc::new(RecordingData::new(recording));
    let mut session = Session::default();
    let id = session.add_recording(Source::file(&path), data.clone());
    let pyramids = data.build_pyramids(&|_| {}).expect("pyramids");
    session.set_pyramids(id, data.key, pyramids);
    let mut renderer = TraceRenderer::new(&gpu.device, &gpu.queue);
    let mut target = ViewTarget::new(&gpu.device, SIZE);

    // The overview of the whole file, read from the memory-mapped EDF (int16 decoded to volts).
    let mut pyramid = c.benchmark_group("pyramid");
    pyramid.sample_size(10);
    pyramid.throughput(criterion::Throughput::Bytes(
        std::fs::metadata(&path).expect("EDF").len(),
    ));
    pyramid.bench_function("build_edf_256ch_10min", |b| {
        b.iter(|| data.build_pyramids(&|_| {}).expect("pyramids").len())
    });
    pyramid.finish();

    let mut group = c.benchmark_group("trace_frame");
    group.sample_size(20);
    let mut frame = |session: &Session, layer: &glia::model::RecordingLayer| {
        let screen = session.trace_screen(layer, SIZE, Theme::Dark, None);
        renderer.draw(&mut target, [0.05, 0.055, 0.065, 1.0], &screen.strips);
        gpu.device
            .poll(wgpu::PollType::wait_indefinitely())
            .expect("frame finishes");
    };
    let base = {
        let mut layer = session.scene.recording(id).expect("layer").clone();
        layer.rows = 64;
        layer.scale = 100.0;
        layer.view_secs = 10.0;
        layer
    };
    let mut k = 0u32;
    group.bench_function("scroll_10s_window", |b| {
        b.iter(|| {
            k += 1;
            let mut layer = base.clone();
            layer.view_start_secs = f64::from(k % 2000) * 0.25;
            frame(&session, &layer)
        })
    });
    group.bench_function("scroll_10s_window_bandpass_notch", |b| {
        b.iter(|| {
            k += 1;
            let mut layer = base.clone();
            layer.view_start_secs = f64::from(k % 2000) * 0.25;
            layer.filter = DisplayFilter {
                highpass_hz: Some(1.0),
                lowpass_hz: Some(40.0),
                notch_hz: Some(50.0),
            };
            frame(&session, &layer)
        })
    });
    let mut renderer2 = TraceRenderer::new(&gpu.device, &gpu.queue);
    let mut target2 = ViewTarget::new(&gpu.device, SIZE);
    group.bench_function("empty_gpu_only", |b| {
        b.iter(|| {
            renderer2.draw(&mut target2, [0.05, 0.055, 0.065, 1.0], &[]);
            gpu.device
                .poll(wgpu::PollType::wait_indefinitely())
                .expect("frame finishes");
        })
    });
    let overview_segments = {
        let mut layer = base.clone();
        layer.view_secs = 600.0;
        session.trace_screen(&layer, SIZE, Theme::Dark, None).strips
    };
    eprintln!("overview: {} vertices", overview_segments.len());
    group.bench_function("overview_gpu_only", |b| {
        b.iter(|| {
            renderer2.draw(&mut target2, [0.05, 0.055, 0.065, 1.0], &overview_segments);
            gpu.device
                .poll(wgpu::PollType::wait_indefinitely())
                .expect("frame finishes");
        })
    });
    group.bench_function("scroll_10s_window_cpu_only", |b| {
        b.iter(|| {
            k += 1;
            let mut layer = base.clone();
            layer.view_start_secs = f64::from(k % 2000) * 0.25;
            session
                .trace_screen(&layer, SIZE, Theme::Dark, None)
                .strips
                .len()
        })
    });
    group.bench_function("overview_cpu_only", |b| {
        b.iter(|| {
            let mut layer = base.clone();
            layer.view_secs = 600.0;
            session
                .trace_screen(&layer, SIZE, Theme::Dark, None)
                .strips
                .len()
        })
    });
    group.bench_function("whole_recording_overview", |b| {
        b.iter(|| {
            let mut layer = base.clone();
            layer.view_secs = 600.0;
            frame(&session, &layer)
        })
    });
    group.bench_function("zooming_1s_to_600s", |b| {
        b.iter(|| {
            k += 1;
            let mut layer = base.clone();
            layer.view_secs = 600f64.powf(f64::from(k % 20) / 19.0);
            layer.view_start_secs = 0.0;
            frame(&session, &layer)
        })
    });
    group.finish();
}

criterion_group!(benches, trace_frame);
criterion_main!(benches);
