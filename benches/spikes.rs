//! Spikes at scale: raster frames of the 10-million-spike, 300-unit phy folder that
//! `benches/compare/spikes.py --prepare` writes (1 h at 30 kHz), and PSTHs of 500 units over
//! 1000 trials on the data the same script hands NumPy. A raster frame here is what the window
//! pays when the view changes: every spike of every unit counted into its pixel column
//! (`Session::raster_image`), the counts uploaded and drawn by the raster pipeline at
//! 1920×1080, and waited for. On this machine the adapter is the software one (lavapipe); on a
//! machine with a GPU, the GPU.

use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use glia::dsp::spikes as stats;
use glia::formats::npy::Npy;
use glia::model::{SpikeSet, Theme, Unit};
use glia::render::raster_renderer::{bands_for, saturation};
use glia::render::{GpuContext, RasterRenderer, ViewTarget};
use glia::session::Session;

const SIZE: [u32; 2] = [1920, 1080];

fn out(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("benches/compare/out")
        .join(name)
}

fn prepared(name: &str) -> PathBuf {
    let path = out(name);
    assert!(
        path.exists(),
        "run `.venv/bin/python benches/compare/spikes.py --prepare` first ({} is missing)",
        path.display()
    );
    path
}

fn raster_frame(c: &mut Criterion) {
    let folder = prepared("phy_10000000spikes_300units");
    let gpu = GpuContext::headless().expect("a GPU adapter");
    eprintln!("adapter: {}", gpu.adapter_description());
    let mut session = Session::default();
    let opened = session.open_files(&[folder]);
    assert!(opened.iter().all(Result::is_ok), "{opened:?}");
    let base = session.scene.spikes[0].clone();
    let n_spikes = session.spike_data(base.id).expect("spikes").set.n_spikes();
    eprintln!(
        "{n_spikes} spikes in {} units",
        session.unit_order(&base).len()
    );
    let mut renderer = RasterRenderer::new(&gpu.device, &gpu.queue);
    let mut target = ViewTarget::new(&gpu.device, SIZE);
    let mut frame = |session: &Session, layer: &glia::model::SpikeLayer| {
        let image = session.raster_image(layer, SIZE);
        let bands = bands_for(image.rows.iter().map(|r| r.color), SIZE[1] as f32);
        renderer.draw(
            &mut target,
            glia::session::raster_background(Theme::Dark),
            &bands,
            &image.counts,
            image.columns,
            saturation(&image.counts),
        );
        gpu.device
            .poll(wgpu::PollType::wait_indefinitely())
            .expect("frame finishes");
    };
    let mut group = c.benchmark_group("raster_frame");
    group.sample_size(20);
    group.bench_function("10M_spikes_whole_hour", |b| {
        let mut layer = base.clone();
        layer.view_start_secs = 0.0;
        layer.view_secs = 3600.0;
        b.iter(|| frame(&session, &layer))
    });
    let mut k = 0u32;
    group.bench_function("10M_spikes_scroll_10s", |b| {
        b.iter(|| {
            k += 1;
            let mut layer = base.clone();
            layer.view_secs = 10.0;
            layer.view_start_secs = f64::from(k % 3000) * 1.1;
            frame(&session, &layer)
        })
    });
    group.bench_function("10M_spikes_zoom_10ms_to_1h", |b| {
        b.iter(|| {
            k += 1;
            let mut layer = base.clone();
            layer.view_secs = 0.01 * 360_000f64.powf(f64::from(k % 20) / 19.0);
            layer.view_start_secs = 0.0;
            frame(&session, &layer)
        })
    });
    group.bench_function("10M_spikes_whole_hour_cpu_only", |b| {
        let mut layer = base.clone();
        layer.view_secs = 3600.0;
        b.iter(|| session.raster_image(&layer, SIZE).counts.len())
    });
    group.finish();
}

fn psth(c: &mut Criterion) {
    let folder = prepared("psth_1000x500");
    let read = |name: &str| {
        let p = folder.join(name);
        Npy::open(&p).expect("npy").column_f64(0)
    };
    let times = read("times.npy");
    let ends = read("offsets.npy");
    let onsets = read("onsets.npy");
    let mut offsets = vec![0usize];
    offsets.extend(ends.iter().map(|&e| e as usize));
    let units: Vec<Unit> = (0..ends.len()).map(|i| Unit::new(i as i64)).collect();
    let set = SpikeSet {
        units,
        times_secs: times,
        offsets,
        ..Default::default()
    };
    let all: Vec<usize> = (0..set.n_units()).collect();
    let mut group = c.benchmark_group("psth");
    group.sample_size(20);
    group.bench_function(format!("{}x{}", onsets.len(), set.n_units()), |b| {
        b.iter(|| stats::psth_matrix(&set, &all, &onsets, (-0.5, 1.0), 0.05).len())
    });
    group.finish();
}

criterion_group!(benches, raster_frame, psth);
criterion_main!(benches);
