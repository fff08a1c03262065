//! FreeSurfer reader against nibabel 5.4.2 (`nib.freesurfer.read_geometry`, `read_morph_data`,
//! `read_annot`, `read_label`). `lh.pial` and `lh.sulc` were written by nibabel's
//! `write_geometry` (with a volume-geometry footer) and `write_morph_data` from nilearn's
//! fsaverage5 `pial_left.gii.gz` and `sulc_left.gii.gz`.
// nibabel prints float32 values with float64 digits; they are kept verbatim.
#![allow(clippy::excessive_precision)]

use std::path::{Path, PathBuf};

use glia::formats::freesurfer::{self, FreeSurferKind};
use glia::formats::{FormatError, Loaded};
use glia::model::{Hemisphere, OverlayData};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn load(name: &str) -> Loaded {
    freesurfer::read(&data(name)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn pial_surface_with_footer() {
    let loaded = load("lh.pial");
    let s = loaded.surface.as_ref().unwrap();
    assert_eq!((s.n_vertices(), s.n_faces()), (10242, 20480));
    assert_eq!(s.hemisphere, Some(Hemisphere::Left));
    assert_eq!(
        s.positions[0].to_array(),
        [-38.735958099365234, -19.343364715576172, 67.22013854980469]
    );
    assert_eq!(s.triangles[20479], [10161, 11, 9918]);
    let sum: f64 = s
        .positions
        .iter()
        .map(|p| p.x as f64 + p.y as f64 + p.z as f64)
        .sum();
    assert!((sum - -349541.7265559135).abs() < 1e-6, "{sum}");
    // Same mesh as the GIfTI it came from.
    let gifti = glia::formats::gifti::read(&data("fsaverage5/pial_left.gii.gz")).unwrap();
    assert_eq!(gifti.surface.unwrap().triangles, s.triangles);
}

#[test]
fn sulc_new_format() {
    let loaded = load("lh.sulc");
    let OverlayData::Scalar {
        n_vertices,
        n_frames,
        values,
    } = &loaded.overlays[0].data
    else {
        panic!("not scalar")
    };
    assert_eq!((*n_vertices, *n_frames), (10242, 1));
    assert_eq!((values[0], values[10241]), (-0.78126884, 0.41838056));
    let sum: f64 = values.iter().map(|&v| v as f64).sum();
    assert!((sum - 304.6656569574261).abs() < 1e-6);
    assert_eq!(loaded.arrays[0].intent, "shape");
}

#[test]
fn annot_36_labels() {
    let loaded = load("test.annot");
    assert_eq!(loaded.label_names.len(), 36);
    assert_eq!(
        loaded.label_names[..3],
        ["unknown", "bankssts", "caudalanteriorcingulate"]
    );
    assert_eq!(loaded.label_names[35], "insula");
    let OverlayData::Labels { keys, table } = &loaded.overlays[0].data else {
        panic!("not labels")
    };
    // nibabel read_annot(orig_ids=True): 10242 values, first five, min, max and sum.
    assert_eq!(keys.len(), 10242);
    assert_eq!(keys[..5], [14423100, 9221140, 10542100, 8204875, 14423100]);
    assert_eq!(keys.iter().map(|&k| k as i64).sum::<i64>(), 75294031061);
    // nibabel read_annot(): per-label vertex counts (np.bincount(labels + 1)[1:]).
    let counts: [usize; 36] = [
        840, 126, 67, 232, 198, 102, 48, 308, 484, 271, 123, 394, 255, 258, 147, 294, 107, 208,
        181, 56, 123, 115, 587, 180, 675, 460, 76, 472, 759, 651, 442, 547, 18, 41, 68, 329,
    ];
    for (label, &count) in table.labels.iter().zip(&counts) {
        assert_eq!(
            keys.iter().filter(|&&k| k == label.key).count(),
            count,
            "{}",
            label.name
        );
    }
    // ctab row 1: bankssts = (25, 100, 40, 0) → key 25 + 100·256 + 40·65536.
    let bankssts = &table.labels[1];
    assert_eq!(bankssts.key, 2647065);
    assert_eq!(
        bankssts.rgba,
        [25.0 / 255.0, 100.0 / 255.0, 40.0 / 255.0, 1.0]
    );
}

#[test]
fn label_file() {
    let loaded = load("test.label");
    let OverlayData::Roi {
        vertices, values, ..
    } = &loaded.overlays[0].data
    else {
        panic!("not a region")
    };
    // nibabel read_label(read_scalars=True): the file says 326 lines but holds 10.
    assert_eq!(
        vertices,
        &[5900, 5899, 5901, 5902, 2638, 8756, 6241, 8757, 1896, 6243]
    );
    assert_eq!(values[0], 0.444444);
    assert_eq!(values[3], 0.33333299);
    loaded.overlays[0].check_fits(10242).unwrap();
}

#[test]
fn sniffing_real_files() {
    for (name, kind) in [
        ("lh.pial", FreeSurferKind::Surface),
        ("lh.sulc", FreeSurferKind::Curv),
        ("test.annot", FreeSurferKind::Annot),
        ("test.label", FreeSurferKind::Label),
    ] {
        let bytes = std::fs::read(data(name)).unwrap();
        assert_eq!(
            freesurfer::sniff(&bytes, bytes.len() as u64, name),
            Some(kind),
            "{name}"
        );
    }
    assert!(freesurfer::looks_like_surface_name("lh.pial"));
    assert!(freesurfer::looks_like_curv_name("rh.thickness"));
    assert!(!freesurfer::looks_like_curv_name("lh.pial"));
}

#[test]
fn truncated_copies_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["lh.pial", "lh.sulc", "test.annot"] {
        let bytes = std::fs::read(data(name)).unwrap();
        // lh.pial ends with an optional volume-geometry footer: cut inside the triangles.
        for cut in [
            0,
            2,
            20,
            bytes.len() / 2,
            bytes.len() - 4,
            bytes.len() - 1000,
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let result = freesurfer::read(&path);
            let footer_only = name == "lh.pial" && cut == bytes.len() - 4;
            assert!(
                footer_only
                    || matches!(
                        result,
                        Err(FormatError::Invalid { .. } | FormatError::Unsupported { .. })
                    ),
                "{name} cut at {cut} was accepted"
            );
        }
    }
}
