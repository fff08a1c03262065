//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Compares an image with `tests/snapshots/NAME.png`. A pixel differs when any channel differs
/// by more than `channel_tolerance`; the test fails when more than `max_differing_fraction` of
/// the pixels differ. `UPDATE_SNAPSHOTS=1` rewrites the reference instead.
pub fn assert_matches_snapshot(
    name: &str,
    image: &image::RgbaImage,
    channel_tolerance: u8,
    max_differing_fraction: f64,
) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let path = dir.join(format!("{name}.png"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() || !path.exists() {
        std::fs::create_dir_all(&dir).unwrap();
        image.save(&path).unwrap();
        if std::env::var_os("UPDATE_SNAPSHOTS").is_none() {
            panic!(
                "{} did not exist; written now: look at it, then run again",
                path.display()
            );
        }
        return;
    }
    let reference = image::open(&path).unwrap().to_rgba8();
    assert_eq!(
        reference.dimensions(),
        image.dimensions(),
        "{name}: size differs from the snapshot"
    );
    let differing = reference
        .pixels()
        .zip(image.pixels())
        .filter(|(a, b)| {
            a.0.iter()
                .zip(b.0.iter())
                .any(|(x, y)| x.abs_diff(*y) > channel_tolerance)
        })
        .count();
    let fraction = differing as f64 / (image.width() * image.height()) as f64;
    if fraction > max_differing_fraction {
        let new_path = dir.join(format!("{name}.new.png"));
        image.save(&new_path).unwrap();
        panic!(
            "{name}: {:.3}% of pixels differ from the snapshot (allowed {:.3}%); see {}",
            fraction * 100.0,
            max_differing_fraction * 100.0,
            new_path.display()
        );
    }
}

/// Fraction of pixels that differ between two images of the same size.
pub fn differing_fraction(a: &image::RgbaImage, b: &image::RgbaImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let n = a.pixels().zip(b.pixels()).filter(|(p, q)| p != q).count();
    n as f64 / (a.width() * a.height()) as f64
}
