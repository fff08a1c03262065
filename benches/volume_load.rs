//! Loading a 256³ `.nii.gz` (int16 and float32) to a displayable volume: every voxel in its
//! stored type, plus the range and mean `glia info` prints. Inputs come from
//! `benches/compare/make_volume_fixtures.py`; the peer is nibabel's
//! `nib.load(f).get_fdata()` (`benches/compare/run.py` times both and writes BENCHMARKS.md).

use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

fn volume_load(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/compare/out");
    let mut group = c.benchmark_group("volume_load");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(10));
    for name in ["t1_256_int16", "t1_256_float32"] {
        let path = dir.join(format!("{name}.nii.gz"));
        if !path.exists() {
            eprintln!(
                "{} missing: run benches/compare/make_volume_fixtures.py first",
                path.display()
            );
            continue;
        }
        group.bench_function(name, |b| {
            b.iter(|| glia::formats::load(&path).expect("fixture loads"))
        });
    }
    group.finish();
}

criterion_group!(benches, volume_load);
criterion_main!(benches);
