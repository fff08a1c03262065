//! NIfTI reader against nibabel 5.4.2: every expected number below was printed by nibabel
//! (`img.shape`, `img.affine`, `np.asanyarray(img.dataobj, dtype=np.float64)` min/max/mean, and
//! the mean of frame 0 for 4D images), mostly via `../shared/tools/reference_info.py`.

use std::path::{Path, PathBuf};

use glia::formats::{FormatError, nifti};
use glia::model::{Volume, Voxels};

/// Checks voxel values (`frame, [x, y, z], value`) against nibabel's `get_fdata()`, and the mean
/// of the last frame.
fn check_frames(volume: &Volume, values: &[(usize, [i64; 3], f64)], last_frame_mean: f64) {
    for &(frame, voxel, want) in values {
        let got = volume.value_at(frame, voxel).expect("inside") as f64;
        assert_eq!(got, want, "{}: frame {frame} voxel {voxel:?}", volume.name);
    }
    let last = volume.frame_f32(volume.n_frames - 1);
    let mean = last.iter().map(|&v| v as f64).sum::<f64>() / last.len() as f64;
    assert!(
        (mean - last_frame_mean).abs() < 1e-9 * last_frame_mean.abs().max(1.0),
        "{mean}"
    );
}

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

struct Expected {
    shape: &'static [usize],
    affine: [[f64; 4]; 3],
    min: f64,
    max: f64,
    /// Mean over all frames.
    mean: f64,
    /// Mean of frame 0.
    frame0_mean: f64,
    dtype: &'static str,
}

fn check(path: &Path, e: &Expected) {
    let loaded = nifti::read(path).unwrap_or_else(|err| panic!("{err}"));
    let volume = loaded.volume.as_ref().expect("a volume");
    let info = &loaded.arrays[0];
    assert_eq!(info.intent, "volume");
    assert_eq!(info.shape, e.shape, "{}", path.display());
    assert_eq!(volume.dims[..], e.shape[..3]);
    let m = volume.world_from_voxel.to_cols_array_2d();
    for (r, row) in e.affine.iter().enumerate() {
        for (c, &want) in row.iter().enumerate() {
            assert!(
                (m[c][r] - want).abs() < 1e-9,
                "{}: affine[{r}][{c}] = {} but nibabel gives {want}",
                path.display(),
                m[c][r]
            );
        }
    }
    assert_eq!(m[0][3], 0.0);
    assert_eq!(m[3][3], 1.0);
    assert_eq!((info.min, info.max), (e.min, e.max), "{}", path.display());
    let mean = info.mean.expect("a mean");
    assert!(
        (mean - e.mean).abs() < 1e-9 * e.mean.abs().max(1.0),
        "mean {mean} vs {}",
        e.mean
    );
    assert_eq!(volume.n_frames, e.shape.iter().skip(3).product::<usize>());
    assert_eq!(volume.voxels.len(), e.shape.iter().product::<usize>());
    let frame = volume.frame_f32(0);
    let frame0 = frame.iter().map(|&v| v as f64).sum::<f64>() / frame.len() as f64;
    assert!(
        (frame0 - e.frame0_mean).abs() < 1e-5 * e.frame0_mean.abs().max(1.0),
        "frame-0 mean {frame0} vs {}",
        e.frame0_mean
    );
    assert_eq!(nifti::read_header(path).unwrap().dtype_name(), e.dtype);
}

#[test]
fn anatomical_big_endian_int16() {
    check(
        &data("anatomical.nii"),
        &Expected {
            shape: &[33, 41, 25],
            affine: [
                [-2.0, 0.0, 0.0, 32.0],
                [0.0, 2.0, 0.0, -40.0],
                [0.0, 0.0, 2.0, -16.0],
            ],
            min: -610.0,
            max: 30393.0,
            mean: 8401.066725794532,
            frame0_mean: 8401.066725794532,
            dtype: ">i2",
        },
    );
}

#[test]
fn example4d_qform_and_sform() {
    check(
        &data("example4d.nii.gz"),
        &Expected {
            shape: &[128, 96, 24, 2],
            affine: [
                [
                    -2.0,
                    6.714715653593746e-19,
                    9.081024511081715e-18,
                    117.8551025390625,
                ],
                [
                    -6.714715653593746e-19,
                    1.9737114906311035,
                    -0.35552823543548584,
                    -35.72294235229492,
                ],
                [
                    8.25548088896093e-18,
                    0.3232076168060303,
                    2.171081781387329,
                    -7.248798370361328,
                ],
            ],
            min: 0.0,
            max: 1162.0,
            mean: 172.90811496310764,
            frame0_mean: 172.9139438205295,
            dtype: "int16",
        },
    );
}

#[test]
fn standard_sform_only() {
    check(
        &data("standard.nii.gz"),
        &Expected {
            shape: &[4, 5, 7],
            affine: [
                [1.0, 0.0, 0.0, 0.0],
                [0.0, 3.0, 0.0, 0.0],
                [0.0, 0.0, 2.0, 0.0],
            ],
            min: 0.0,
            max: 255.0,
            mean: 54.642857142857146,
            frame0_mean: 54.642857142857146,
            dtype: "uint8",
        },
    );
}

#[test]
fn nifti2() {
    let path = data("example_nifti2.nii.gz");
    check(
        &path,
        &Expected {
            shape: &[32, 20, 12, 2],
            affine: [
                [
                    -2.0,
                    6.714715653593746e-19,
                    9.081024511081715e-18,
                    117.8551025390625,
                ],
                [
                    -6.714715653593746e-19,
                    1.9737114906311035,
                    -0.35552823543548584,
                    -35.72294235229492,
                ],
                [
                    8.25548088896093e-18,
                    0.3232076168060303,
                    2.171081781387329,
                    -7.248798370361328,
                ],
            ],
            min: 46.0,
            max: 757.0,
            mean: 450.963671875,
            frame0_mean: 450.7484375,
            dtype: "int16",
        },
    );
    let header = nifti::read_header(&path).unwrap();
    assert_eq!(header.version, nifti::NiftiVersion::Nifti2);
    assert_eq!((header.qform_code, header.sform_code), (1, 1));
    assert_eq!(header.vox_offset, 608); // after a 64-byte extension
}

#[test]
fn minimal_uses_the_base_affine() {
    // qform_code = sform_code = 0: nibabel's get_base_affine (see CONVENTIONS.md).
    check(
        &data("minimal.nii"),
        &Expected {
            shape: &[64, 64, 10],
            affine: [
                [-3.0, 0.0, 0.0, 94.5],
                [0.0, 3.0, 0.0, -94.5],
                [0.0, 0.0, 3.0, -13.5],
            ],
            min: 0.0,
            max: 63.0,
            mean: 31.5,
            frame0_mean: 31.5,
            dtype: "uint8",
        },
    );
}

#[test]
fn functional_is_scaled() {
    // scl_slope 0.07540696859359741, scl_inter 3100.76171875.
    let path = data("functional.nii");
    check(
        &path,
        &Expected {
            shape: &[17, 21, 3, 20],
            affine: [
                [-4.0, 0.0, 0.0, 32.0],
                [0.0, 4.0, 0.0, -40.0],
                [0.0, 0.0, 8.0, 0.0],
            ],
            min: 629.826171875,
            max: 5571.621858656406,
            mean: 3637.408513675239,
            frame0_mean: 3626.2806277588415,
            dtype: "int16",
        },
    );
    let volume = nifti::read(&path).unwrap().volume.unwrap();
    // Stored as int16, scaled on read (nibabel's dataobj.slope and .inter).
    assert!(matches!(volume.voxels, Voxels::I16(_)));
    assert_eq!(volume.scaling, Some((0.07540696859359741, 3100.76171875)));
    // nibabel get_fdata(): data[1, 2, 0, 0], data[0, 0, 0, 1], data[3, 4, 2, 19].
    for (frame, [x, y, z], want) in [
        (0, [1, 2, 0], 3700.850374817848),
        (1, [0, 0, 0], 4039.729291677475),
        (19, [3, 4, 2], 3727.695255637169),
    ] {
        let got = volume.value_at(frame, [x, y, z]).unwrap() as f64;
        assert!(
            (got - want).abs() < 1e-3,
            "{frame} {x} {y} {z}: {got} vs {want}"
        );
    }
    assert_eq!(volume.frame_secs, Some(2.0));
}

#[test]
fn nitime_fmri_lsp() {
    check(
        &data("fmri1.nii.gz"),
        &Expected {
            shape: &[10, 10, 18, 40],
            affine: [
                [
                    -2.0833280086517334,
                    -0.004364801105111837,
                    -0.0019200218375772238,
                    96.9955062866211,
                ],
                [
                    0.000812872196547687,
                    0.4246859848499298,
                    -2.2517049312591553,
                    -30.810714721679688,
                ],
                [
                    -0.004627675749361515,
                    2.039583206176758,
                    0.4688502550125122,
                    -71.39714813232422,
                ],
            ],
            min: 0.0,
            max: 1147.0,
            mean: 692.0674166666666,
            frame0_mean: 616.3588888888889,
            dtype: "int16",
        },
    );
}

#[test]
fn embedded_mni152_grey_matter() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/mni152_gm_1mm.nii.gz");
    let expected = Expected {
        shape: &[197, 233, 189],
        affine: [
            [1.0, 0.0, 0.0, -98.0],
            [0.0, 1.0, 0.0, -134.0],
            [0.0, 0.0, 1.0, -72.0],
        ],
        min: 0.0,
        max: 255.0,
        mean: 29.634838447456907,
        frame0_mean: 29.634838447456907,
        dtype: "uint8",
    };
    check(&path, &expected);
    let bytes = std::fs::read(&path).unwrap();
    let volume = nifti::read_bytes(&bytes, "mni152").unwrap();
    assert_eq!(volume.dims, [197, 233, 189]);
    assert_eq!(volume.name, "mni152");
}

#[test]
fn header_without_its_img_is_a_clear_error() {
    let err = nifti::read(&data("analyze.hdr")).unwrap_err();
    assert!(matches!(err, FormatError::Invalid { .. }));
    assert!(
        err.to_string().contains(".img data file is missing"),
        "{err}"
    );
    assert!(err.to_string().contains("analyze.hdr"), "{err}");
}

#[test]
fn hdr_img_pair_reads_like_the_single_file() {
    // Split standard.nii.gz into a NIfTI pair: magic "ni1", vox_offset 0.
    let dir = tempfile::tempdir().unwrap();
    let single = {
        use std::io::Read;
        let raw = std::fs::read(data("standard.nii.gz")).unwrap();
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let mut header = single[..348].to_vec();
    header[344..348].copy_from_slice(b"ni1\0");
    header[108..112].copy_from_slice(&0f32.to_le_bytes());
    std::fs::write(dir.path().join("pair.hdr"), &header).unwrap();
    std::fs::write(dir.path().join("pair.img"), &single[352..]).unwrap();
    let from_pair = nifti::read(&dir.path().join("pair.hdr")).unwrap();
    let from_img = nifti::read(&dir.path().join("pair.img")).unwrap();
    let from_single = nifti::read(&data("standard.nii.gz")).unwrap();
    for loaded in [&from_pair, &from_img] {
        let (a, b) = (
            loaded.volume.as_ref().unwrap(),
            from_single.volume.as_ref().unwrap(),
        );
        assert_eq!(a.voxels, b.voxels);
        assert_eq!(a.world_from_voxel, b.world_from_voxel);
    }
    std::fs::remove_file(dir.path().join("pair.img")).unwrap();
    assert!(nifti::read(&dir.path().join("pair.hdr")).is_err());
}

#[test]
fn four_d_files_keep_every_frame_in_their_type() {
    // nibabel 5.4.2: img.get_fdata()[x, y, z, t], and get_fdata()[..., -1].mean().
    let v = nifti::read(&data("example4d.nii.gz"))
        .unwrap()
        .volume
        .unwrap();
    assert_eq!((v.dims, v.n_frames), ([128, 96, 24], 2));
    assert!(matches!(v.voxels, Voxels::I16(_)));
    assert_eq!(v.voxels.size_bytes(), 128 * 96 * 24 * 2 * 2);
    check_frames(&v, &[(1, [64, 48, 12], 266.0)], 172.90228610568576);
    // pixdim[4] = 2000 with xyzt_units saying seconds: taken as written, as nibabel does.
    assert_eq!(v.frame_secs, Some(2000.0));

    let v = nifti::read(&data("fmri1.nii.gz")).unwrap().volume.unwrap();
    assert_eq!((v.dims, v.n_frames), ([10, 10, 18], 40));
    assert!(matches!(v.voxels, Voxels::I16(_)));
    assert_eq!(v.scaling, None);
    check_frames(
        &v,
        &[
            (1, [0, 0, 0], 789.0),
            (1, [5, 5, 9], 689.0),
            (39, [5, 5, 9], 683.0),
            (39, [3, 4, 2], 108.0),
        ],
        691.1,
    );
    assert!((v.frame_secs.unwrap() - 1.35).abs() < 1e-6);

    let v = nifti::read(&data("example_nifti2.nii.gz"))
        .unwrap()
        .volume
        .unwrap();
    assert_eq!(v.n_frames, 2);
    check_frames(
        &v,
        &[(1, [3, 4, 2], 396.0), (1, [0, 0, 0], 439.0)],
        451.17890625,
    );
}

#[test]
fn big_endian_int16_stays_int16_in_native_order() {
    let v = nifti::read(&data("anatomical.nii"))
        .unwrap()
        .volume
        .unwrap();
    let Voxels::I16(values) = &v.voxels else {
        panic!("{}", v.voxels.type_name())
    };
    assert_eq!(values.len(), 33 * 41 * 25);
    assert_eq!(v.scaling, None);
    // nibabel's min and max of this file.
    assert_eq!(values.iter().min(), Some(&-610));
    assert_eq!(values.iter().max(), Some(&30393));
}
