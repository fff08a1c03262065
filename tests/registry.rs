//! The registry recognises every test file by content or name, and refuses what it cannot read
//! with a clear message.

use std::path::{Path, PathBuf};

use glia::formats::freesurfer::FreeSurferKind;
use glia::formats::{FileKind, FormatError, detect, load};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn every_test_file_is_recognised_and_loads() {
    let cases = [
        ("anatomical.nii", FileKind::Nifti),
        ("example4d.nii.gz", FileKind::Nifti),
        ("example_nifti2.nii.gz", FileKind::Nifti),
        ("analyze.hdr", FileKind::Nifti),
        ("ascii.gii", FileKind::Gifti),
        ("gzipbase64.gii", FileKind::Gifti),
        ("fsaverage5/pial_left.gii.gz", FileKind::Gifti),
        ("test.mgz", FileKind::Mgh),
        ("lh.sulc_noise.mgh", FileKind::Mgh),
        ("lh.pial", FileKind::FreeSurfer(FreeSurferKind::Surface)),
        ("lh.sulc", FileKind::FreeSurfer(FreeSurferKind::Curv)),
        ("test.annot", FileKind::FreeSurfer(FreeSurferKind::Annot)),
        ("test.label", FileKind::FreeSurfer(FreeSurferKind::Label)),
    ];
    for (name, kind) in cases {
        assert_eq!(detect(&data(name)).unwrap(), kind, "{name}");
        let loaded = load(&data(name));
        // analyze.hdr has no .img: recognised, then refused by the reader.
        assert_eq!(
            loaded.is_ok(),
            name != "analyze.hdr",
            "{name}: {:?}",
            loaded.err()
        );
    }
}

#[test]
fn meshes_are_recognised_by_content_and_name() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    let obj = write("tri.obj", b"v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n");
    assert_eq!(detect(&obj).unwrap(), FileKind::Obj);
    let ply = write(
        "tri.data",
        b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n\
          property float z\nelement face 1\nproperty list uchar int vertex_indices\nend_header\n\
          0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n",
    );
    assert_eq!(detect(&ply).unwrap(), FileKind::Ply);
    let mut stl = vec![0u8; 80];
    stl.extend(1u32.to_le_bytes());
    stl.extend([0u8; 12]);
    for v in [[0f32, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]] {
        stl.extend(v.iter().flat_map(|c| c.to_le_bytes()));
    }
    stl.extend([0u8; 2]);
    let stl = write("tri.bin", &stl);
    assert_eq!(detect(&stl).unwrap(), FileKind::Stl);
    for path in [obj, ply, stl] {
        assert_eq!(load(&path).unwrap().surface.unwrap().n_faces(), 1);
    }
}

#[test]
fn folders_empty_missing_and_unknown_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(dir.path()).unwrap_err().to_string();
    assert!(err.contains("is a folder"), "{err}");

    let empty = dir.path().join("empty.nii");
    std::fs::write(&empty, b"").unwrap();
    assert!(load(&empty).unwrap_err().to_string().contains("empty"));

    let missing = dir.path().join("missing.gii");
    let err = load(&missing).unwrap_err();
    assert!(matches!(err, FormatError::Io { .. }));
    assert!(err.to_string().contains("missing.gii"), "{err}");

    let text = dir.path().join("notes.txt");
    std::fs::write(&text, b"just some text").unwrap();
    let err = load(&text).unwrap_err();
    assert!(matches!(err, FormatError::Unsupported { .. }));
    let message = err.to_string();
    assert!(
        message.contains("notes.txt") && message.contains("GIfTI") && message.contains("STL"),
        "{message}"
    );
}
