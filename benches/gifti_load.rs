//! GIfTI loading (GZipBase64Binary) at fsaverage5 (10k vertices) and fsaverage (164k) sizes.
//! Inputs come from `benches/compare/make_fixtures.py`; the peer is nibabel
//! (`benches/compare/run.py` times both and writes BENCHMARKS.md).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};

fn gifti_load(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/compare/out");
    for name in ["pial10k", "pial164k"] {
        let path = dir.join(format!("{name}.gii"));
        if !path.exists() {
            eprintln!(
                "{} missing: run benches/compare/make_fixtures.py first",
                path.display()
            );
            continue;
        }
        c.bench_function(&format!("gifti_load_{name}"), |b| {
            b.iter(|| glia::formats::load(&path).expect("fixture loads"))
        });
    }
}

criterion_group!(benches, gifti_load);
criterion_main!(benches);
