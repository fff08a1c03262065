//! MGH/MGZ reader against nibabel 5.4.2 (`nib.load(f)`: shape, affine, and min/max/mean of
//! `np.asanyarray(img.dataobj, dtype=np.float64)`). `lh.sulc_noise.mgh` was written by nibabel
//! (`MGHImage(array of shape (10242, 1, 1, 5), np.eye(4))`): fsaverage5 sulc plus growing noise.
// nibabel prints float32 values with float64 digits; they are kept verbatim.
#![allow(clippy::excessive_precision)]

use std::path::{Path, PathBuf};

use glia::formats::mgh;
use glia::model::OverlayData;

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn test_mgz_volume() {
    let loaded = mgh::read(&data("test.mgz")).unwrap();
    let volume = loaded.volume.as_ref().unwrap();
    let info = &loaded.arrays[0];
    assert_eq!(info.shape, [3, 4, 5, 2]);
    assert_eq!(volume.dims, [3, 4, 5]);
    let expected = [
        [1.0, 2.0, 3.0, -13.0],
        [2.0, 3.0, 1.0, -11.5],
        [3.0, 1.0, 2.0, -11.5],
        [0.0, 0.0, 0.0, 1.0],
    ];
    assert_eq!(
        volume.world_from_voxel.transpose().to_cols_array_2d(),
        expected
    );
    assert_eq!(
        (info.min, info.max),
        (-2.4256153106689453, 2.472317695617676)
    );
    assert!((info.mean.unwrap() - -0.1296381152914061).abs() < 1e-12);
    let frame0 = volume.frame_f32(0).iter().map(|&v| v as f64).sum::<f64>() / 60.0;
    assert!((frame0 - -0.040788194195677835).abs() < 1e-7);
    // Both frames, as float32; nibabel: get_fdata()[0, 0, 0, 1] and get_fdata()[..., -1].mean().
    assert_eq!(volume.n_frames, 2);
    assert!(matches!(volume.voxels, glia::model::Voxels::F32(_)));
    assert_eq!(volume.value(1, 0), 0.9656998515129089);
    let last = volume.frame_f32(1).iter().map(|&v| v as f64).sum::<f64>() / 60.0;
    assert!((last - -0.21848803638713435).abs() < 1e-7);
    // The footer's TR is 2 ms (nibabel: get_zooms()[3] = 2.0).
    assert_eq!(volume.frame_secs, Some(0.002));
}

#[test]
fn per_vertex_time_series() {
    let loaded = mgh::read(&data("lh.sulc_noise.mgh")).unwrap();
    assert!(loaded.volume.is_none());
    let OverlayData::Scalar {
        n_vertices,
        n_frames,
        values,
    } = &loaded.overlays[0].data
    else {
        panic!("not scalar")
    };
    assert_eq!((*n_vertices, *n_frames), (10242, 5));
    // nibabel: data[0, 0, 0, :] and data[10241, 0, 0, 4]
    let vertex0: Vec<f32> = (0..5).map(|f| values[f * 10242]).collect();
    assert_eq!(
        vertex0,
        [
            -0.781268835067749,
            -0.7931415438652039,
            -0.7021270990371704,
            -0.7739015221595764,
            -0.863773763179779
        ]
    );
    assert_eq!(values[4 * 10242 + 10241], 0.47023460268974304);
    let info = &loaded.arrays[0];
    assert_eq!(info.shape, [10242, 1, 1, 5]);
    assert_eq!(
        (info.min, info.max),
        (-2.350633144378662, 2.5734524726867676)
    );
    assert!((info.mean.unwrap() - 0.028469445898723723).abs() < 1e-12);
}

#[test]
fn test_mgz_as_per_vertex_data() {
    let loaded = mgh::read_per_vertex(&data("test.mgz")).unwrap();
    assert_eq!(loaded.overlays[0].n_vertices(), Some(60));
    assert_eq!(loaded.overlays[0].n_frames(), 2);
}
