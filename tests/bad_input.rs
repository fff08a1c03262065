//! Broken input never panics: every reader is run on truncated and byte-flipped copies of real
//! files (truncated copies must be refused; flipped ones may still be valid, but must not panic),
//! and on headers that promise absurd sizes, which must be refused at once, before allocating.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use glia::formats::{
    FormatError, Loaded, freesurfer, gifti, load, mesh_obj, mesh_ply, mesh_stl, mgh, nifti,
};

type Reader = fn(&Path) -> Result<Loaded, FormatError>;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// Real files with the reader that owns them.
const FILES: [(&str, Reader); 17] = [
    ("anatomical.nii", nifti::read),
    ("minimal.nii", nifti::read),
    ("standard.nii.gz", nifti::read),
    ("example_nifti2.nii.gz", nifti::read),
    ("fmri1.nii.gz", nifti::read),
    ("ascii.gii", gifti::read),
    ("base64bin.gii", gifti::read),
    ("task.func.gii", gifti::read),
    ("rh.aparc.annot.gii", gifti::read),
    ("fsaverage5/sulc_left.gii.gz", gifti::read),
    ("test.mgz", mgh::read),
    ("lh.sulc_noise.mgh", mgh::read),
    ("lh.pial", freesurfer::read),
    ("lh.sulc", freesurfer::read),
    ("test.annot", freesurfer::read),
    ("test.label", freesurfer::read),
    ("external.gii", gifti::read),
];

/// Runs `reader` on `bytes` saved under `name`, through the registry too; panics are failures.
fn run(dir: &Path, name: &str, bytes: &[u8], reader: Reader) -> [Result<Loaded, FormatError>; 2] {
    let path = dir.join(Path::new(name).file_name().unwrap());
    std::fs::write(&path, bytes).unwrap();
    [reader, load as Reader].map(|read| {
        catch_unwind(AssertUnwindSafe(|| read(&path)))
            .unwrap_or_else(|_| panic!("{name} ({} bytes) made a reader panic", bytes.len()))
    })
}

/// A folder holding the external.gii data file too, so its ExternalFileBinary array resolves.
fn work_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(data("external.dat"), dir.path().join("external.dat")).unwrap();
    dir
}

#[test]
fn truncated_copies_are_refused() {
    let dir = work_dir();
    // A .label file has no reliable count (nibabel ignores it): a cut between lines is valid.
    for (name, reader) in FILES
        .into_iter()
        .filter(|(name, _)| !name.ends_with(".label"))
    {
        let bytes = std::fs::read(data(name)).unwrap();
        let n = bytes.len();
        // Cuts before the end of the data (lh.pial and .mgh files may end with optional footers).
        for cut in [0, 1, 3, 100.min(n / 2), n / 10, n / 2, n * 9 / 10] {
            for result in run(dir.path(), name, &bytes[..cut], reader) {
                let accepted = result.is_ok();
                assert!(!accepted, "{name} cut to {cut} of {n} bytes was accepted");
            }
        }
    }
}

#[test]
fn flipped_bytes_never_panic() {
    let dir = work_dir();
    for (name, reader) in FILES {
        let bytes = std::fs::read(data(name)).unwrap();
        let n = bytes.len();
        // Every other byte of the first 400 (headers), then positions spread over the rest.
        let positions = (0..n.min(400))
            .step_by(2)
            .chain((1..30).map(|k| k * n / 30));
        for at in positions {
            let mut copy = bytes.clone();
            copy[at] ^= 0xff;
            let _ = run(dir.path(), name, &copy, reader);
        }
    }
}

#[test]
fn meshes_survive_truncation_and_flips() {
    let dir = tempfile::tempdir().unwrap();
    let obj = b"v 0 0 0\nv 1 0 0\nv 0 1 0\nv 1 1 0\nf 1 2 3\nf 2/1/1 4/1/1 3/1/1\n".to_vec();
    let ply = b"ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n\
        property float z\nproperty float quality\nelement face 1\n\
        property list uchar int vertex_indices\nend_header\n0 0 0 1\n1 0 0 2\n0 1 0 3\n3 0 1 2\n"
        .to_vec();
    let mut stl = vec![0u8; 80];
    stl.extend(1u32.to_le_bytes());
    stl.extend([0u8; 12]);
    for v in [[0f32, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]] {
        stl.extend(v.iter().flat_map(|c| c.to_le_bytes()));
    }
    stl.extend([0u8; 2]);
    let cases: [(&str, Vec<u8>, Reader); 3] = [
        ("m.obj", obj, mesh_obj::read),
        ("m.ply", ply, mesh_ply::read),
        ("m.stl", stl, mesh_stl::read),
    ];
    for (name, bytes, reader) in cases {
        assert!(
            run(dir.path(), name, &bytes, reader)
                .iter()
                .all(Result::is_ok)
        );
        // Dropping only the final newline leaves a valid file.
        for at in 0..bytes.len() - 1 {
            let mut copy = bytes.clone();
            copy[at] ^= 0xff;
            let _ = run(dir.path(), name, &copy, reader);
            // OBJ has no counts: a cut at a line end is a smaller valid mesh.
            if !name.ends_with(".obj") {
                for result in run(dir.path(), name, &bytes[..at], reader) {
                    assert!(result.is_err(), "{name} cut to {at} bytes was accepted");
                }
            }
        }
    }
}

/// Each file promises about 10^12 vertices or voxels in a few bytes.
#[test]
fn absurd_counts_fail_fast() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases: Vec<(&str, Vec<u8>, Reader)> = Vec::new();

    let gifti = "<?xml version=\"1.0\"?><GIFTI><DataArray Intent=\"NIFTI_INTENT_SHAPE\" \
        DataType=\"NIFTI_TYPE_FLOAT32\" Dimensionality=\"1\" Dim0=\"DIM\" Encoding=\"ENC\">\
        <Data>AAAAAAAAAAA=</Data></DataArray></GIFTI>";
    for (dim, enc) in [
        ("1000000000000", "Base64Binary"),
        ("1000000000", "GZipBase64Binary"),
        ("1000000000", "Base64Binary"),
        ("1000000000", "ASCII"),
    ] {
        let xml = gifti.replace("DIM", dim).replace("ENC", enc);
        cases.push(("huge.gii", xml.into_bytes(), gifti::read));
    }

    let mut nifti2 = vec![0u8; 544];
    nifti2[0..4].copy_from_slice(&540i32.to_le_bytes());
    nifti2[4..8].copy_from_slice(b"n+2\0");
    nifti2[12..14].copy_from_slice(&16i16.to_le_bytes());
    for (i, d) in [3i64, 10_000, 10_000, 10_000].iter().enumerate() {
        nifti2[16 + 8 * i..24 + 8 * i].copy_from_slice(&d.to_le_bytes());
    }
    nifti2[168..176].copy_from_slice(&544i64.to_le_bytes());
    nifti2.extend([0u8; 64]);
    cases.push(("huge.nii", nifti2.clone(), nifti::read));
    cases.push(("huge.nii.gz", gzip(&nifti2), nifti::read));

    let mut surface = vec![0xff, 0xff, 0xfe];
    surface.extend_from_slice(b"created by a liar\n\n");
    surface.extend(i32::MAX.to_be_bytes());
    surface.extend(i32::MAX.to_be_bytes());
    surface.extend([0u8; 48]);
    cases.push(("lh.white", surface, freesurfer::read));

    let mut curv = vec![0xff, 0xff, 0xff];
    curv.extend(i32::MAX.to_be_bytes());
    curv.extend(0i32.to_be_bytes());
    curv.extend(1i32.to_be_bytes());
    curv.extend([0u8; 16]);
    cases.push(("lh.curv", curv, freesurfer::read));

    let mut annot = i32::MAX.to_be_bytes().to_vec();
    annot.extend([0u8; 32]);
    cases.push(("lh.aparc.annot", annot, freesurfer::read));

    let mut mgh_bytes = vec![0u8; 284];
    mgh_bytes[0..4].copy_from_slice(&1i32.to_be_bytes());
    for (i, d) in [1_000_000i32, 1_000_000, 1, 1].iter().enumerate() {
        mgh_bytes[4 + 4 * i..8 + 4 * i].copy_from_slice(&d.to_be_bytes());
    }
    mgh_bytes[20..24].copy_from_slice(&3i32.to_be_bytes());
    mgh_bytes.extend([0u8; 64]);
    cases.push(("huge.mgz", gzip(&mgh_bytes), mgh::read));

    let ply = "ply\nformat FORMAT 1.0\nelement vertex 1000000000000\nproperty float x\n\
        property float y\nproperty float z\nend_header\n0 0 0\n";
    for format in ["ascii", "binary_little_endian"] {
        cases.push((
            "huge.ply",
            ply.replace("FORMAT", format).into_bytes(),
            mesh_ply::read,
        ));
    }

    let mut stl = vec![0u8; 80];
    stl.extend(u32::MAX.to_le_bytes());
    stl.extend([0u8; 50]);
    cases.push(("huge.stl", stl, mesh_stl::read));

    for (name, bytes, reader) in cases {
        let start = Instant::now();
        for result in run(dir.path(), name, &bytes, reader) {
            let err = result
                .err()
                .unwrap_or_else(|| panic!("{name} was accepted"));
            assert!(!err.to_string().is_empty());
        }
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "{name} took {:?}",
            start.elapsed()
        );
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}
