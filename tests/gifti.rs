//! GIfTI reader against nibabel 5.4.2: intents, shapes, min/max, sums and sample values below were
//! printed by nibabel (`nib.load(f).darrays`, `np.asarray(d.data, dtype=np.float64)`), mostly via
//! `../shared/tools/reference_info.py`.
// nibabel prints float32 values with float64 digits; they are kept verbatim.
#![allow(clippy::excessive_precision)]

use std::path::{Path, PathBuf};

use glia::formats::{Loaded, gifti};
use glia::model::{Hemisphere, OverlayData};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn load(name: &str) -> Loaded {
    gifti::read(&data(name)).unwrap_or_else(|e| panic!("{e}"))
}

/// (intent, shape, min, max) for each array, as nibabel reports them.
fn check_arrays(loaded: &Loaded, expected: &[(&str, &[usize], f64, f64)]) {
    assert_eq!(loaded.arrays.len(), expected.len());
    for (info, &(intent, shape, min, max)) in loaded.arrays.iter().zip(expected) {
        assert_eq!(info.intent, intent);
        assert_eq!(info.shape, shape);
        assert_eq!((info.min, info.max), (min, max), "{intent}");
    }
}

fn sum_positions(loaded: &Loaded) -> f64 {
    let s = loaded.surface.as_ref().unwrap();
    s.positions
        .iter()
        .map(|p| p.x as f64 + p.y as f64 + p.z as f64)
        .sum()
}

fn scalar(loaded: &Loaded) -> (usize, usize, &[f32]) {
    match &loaded.overlays[0].data {
        OverlayData::Scalar {
            n_vertices,
            n_frames,
            values,
        } => (*n_vertices, *n_frames, values),
        other => panic!("not scalar: {other:?}"),
    }
}

#[test]
fn ascii_surface() {
    let loaded = load("ascii.gii");
    check_arrays(
        &loaded,
        &[
            ("pointset", &[3, 3], -66.18751525878906, 21.26699447631836),
            ("triangle", &[1, 3], 0.0, 2.0),
        ],
    );
    let s = loaded.surface.as_ref().unwrap();
    assert_eq!(
        s.positions[0].to_array(),
        [-16.072010040283203, -66.18751525878906, 21.26699447631836]
    );
    assert_eq!(s.triangles, vec![[0, 1, 2]]);
    assert_eq!(s.hemisphere, Some(Hemisphere::Left)); // AnatomicalStructurePrimary CortexLeft
}

#[test]
fn base64_and_flat_ascii_fragments_are_rejected_alike() {
    // nibabel reads these 10-vertex fragments (pointset [10, 3] min 31.022052764892578, max
    // 202.28720092773438; triangle [10, 3] min 1123, max 25604), but their triangles index
    // vertices that do not exist, so they are no usable surface: both encodings must decode to
    // the same data and fail on the same triangle.
    let message = |name: &str| gifti::read(&data(name)).unwrap_err().to_string();
    let (base64, ascii) = (message("base64bin.gii"), message("ascii_flat_data.gii"));
    assert!(
        base64.contains("triangle 0 refers to vertex 25602 but the mesh has 10 vertices"),
        "{base64}"
    );
    assert_eq!(
        base64.replace("base64bin", ""),
        ascii.replace("ascii_flat_data", "")
    );
}

#[test]
fn external_binary() {
    let loaded = load("external.gii");
    check_arrays(
        &loaded,
        &[
            ("pointset", &[8, 3], -1.0, 1.0),
            ("triangle", &[12, 3], 0.0, 7.0),
        ],
    );
    let s = loaded.surface.as_ref().unwrap();
    assert_eq!(s.triangles[0], [0, 6, 4]);
    assert_eq!(
        s.triangles.iter().flatten().map(|&i| i as u64).sum::<u64>(),
        126
    );
}

#[test]
fn external_binary_missing_dat_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let gii = dir.path().join("external.gii");
    std::fs::copy(data("external.gii"), &gii).unwrap();
    let err = gifti::read(&gii).unwrap_err().to_string();
    assert!(err.contains("external.dat"), "{err}");
}

#[test]
fn gzip_base64_shape() {
    let loaded = load("gzipbase64.gii");
    check_arrays(
        &loaded,
        &[(
            "shape",
            &[143479, 1],
            -16.719654083251953,
            21.15378189086914,
        )],
    );
    let (n, frames, values) = scalar(&loaded);
    assert_eq!((n, frames), (143479, 1));
    assert_eq!(values[0], 0.4363569915294647);
    assert_eq!(values[143478], 0.3262079954147339);
    let sum: f64 = values.iter().map(|&v| v as f64).sum();
    assert!((sum - -4798.401461647083).abs() < 1e-6);
}

#[test]
fn labels() {
    let loaded = load("label.gii");
    check_arrays(&loaded, &[("label", &[71723], 0.0, 2.0)]);
    assert_eq!(loaded.label_names, ["???", "Positive", "Negative"]);
    let OverlayData::Labels { keys, table } = &loaded.overlays[0].data else {
        panic!("not labels")
    };
    // nibabel: np.bincount(data) = [49389, 11979, 10355]
    let count = |k| keys.iter().filter(|&&x| x == k).count();
    assert_eq!([count(0), count(1), count(2)], [49389, 11979, 10355]);
    // The file gives no colours: each label gets its own.
    let colours: Vec<_> = table.labels.iter().map(|l| l.rgba).collect();
    assert!(colours[0] != colours[1] && colours[1] != colours[2] && colours[0] != colours[2]);
}

#[test]
fn aparc_annotation() {
    let loaded = load("rh.aparc.annot.gii");
    check_arrays(&loaded, &[("label", &[151533], 0.0, 14474380.0)]);
    assert_eq!(loaded.label_names.len(), 36);
    assert_eq!(
        loaded.label_names[..3],
        ["unknown", "bankssts", "caudalanteriorcingulate"]
    );
    let OverlayData::Labels { keys, table } = &loaded.overlays[0].data else {
        panic!("not labels")
    };
    assert_eq!(keys[0], 9182740);
    assert_eq!(keys.iter().map(|&k| k as i64).sum::<i64>(), 1135595694639);
    let bankssts = table.get(2647065).unwrap();
    assert_eq!(bankssts.name, "bankssts");
    assert_eq!(bankssts.rgba, [0.0980392, 0.392157, 0.156863, 1.0]);
}

#[test]
fn curvature() {
    let loaded = load("rh.shape.curv.gii");
    check_arrays(
        &loaded,
        &[(
            "shape",
            &[133764, 1],
            -1.2428309917449951,
            1.1438806056976318,
        )],
    );
    let (_, _, values) = scalar(&loaded);
    assert_eq!(values[0], -0.5781160593032837);
}

#[test]
fn time_series_of_ten_arrays() {
    let loaded = load("task.func.gii");
    assert_eq!(loaded.arrays.len(), 10);
    assert!(
        loaded
            .arrays
            .iter()
            .all(|a| a.intent == "time series" && a.shape == [642])
    );
    assert_eq!(loaded.arrays[0].max, 721.5560913085938);
    assert_eq!(loaded.arrays[9].max, 715.3900146484375);
    assert_eq!(loaded.overlays.len(), 1);
    let (n, frames, values) = scalar(&loaded);
    assert_eq!((n, frames), (642, 10));
    assert_eq!(values[0], 545.4326171875);
    assert_eq!(values[642], 535.8471069335938); // frame 1, vertex 0
    assert_eq!(values[10 * 642 - 1], 259.71270751953125);
    let frame0: f64 = values[..642].iter().map(|&v| v as f64).sum();
    assert!((frame0 - 334971.45460796356).abs() < 1e-6);
}

#[test]
fn gifti_reader_js_encodings_decode_identically() {
    let ascii = load("ascii.surf.gii");
    let base64 = load("base64.surf.gii");
    let gzip = load("gzip.surf.gii");
    let (a, b, c) = (
        ascii.surface.as_ref().unwrap(),
        base64.surface.as_ref().unwrap(),
        gzip.surface.as_ref().unwrap(),
    );
    assert_eq!((b.n_vertices(), b.n_faces()), (5124, 10240));
    assert_eq!(b.positions, c.positions);
    assert_eq!(a.triangles, b.triangles);
    assert_eq!(b.triangles, c.triangles);
    // The ASCII copy prints 6 decimals: nibabel finds at most 9.5e-7 between it and Base64.
    let worst = a
        .positions
        .iter()
        .zip(&b.positions)
        .map(|(p, q)| (*p - *q).abs().max_element())
        .fold(0.0f32, f32::max);
    assert!(worst <= 9.6e-7, "{worst}");
    assert_eq!(b.triangles[0], [1121, 1096, 1095]);
    assert!((sum_positions(&base64) - -24479.80433618836).abs() < 1e-6);
    for l in [&ascii, &base64, &gzip] {
        assert_eq!(l.arrays[0].intent, "triangle");
        assert_eq!(l.arrays[1].intent, "pointset");
    }
}

#[test]
fn truncated_ascii_label_is_an_error() {
    let err = gifti::read(&data("ascii.label.gii"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("truncated: header promises 71723 values, data holds 10"),
        "{err}"
    );
}

#[test]
fn fsaverage5_gzipped_gifti() {
    let pial = load("fsaverage5/pial_left.gii.gz");
    check_arrays(
        &pial,
        &[
            (
                "pointset",
                &[10242, 3],
                -104.69203186035156,
                78.12399291992188,
            ),
            ("triangle", &[20480, 3], 0.0, 10241.0),
        ],
    );
    let s = pial.surface.as_ref().unwrap();
    assert_eq!((s.n_vertices(), s.n_faces()), (10242, 20480));
    assert_eq!(s.hemisphere, Some(Hemisphere::Left));
    assert_eq!(
        s.positions[0].to_array(),
        [-38.735958099365234, -19.343364715576172, 67.22013854980469]
    );
    assert_eq!(s.triangles[0], [0, 2564, 2562]);
    assert!((sum_positions(&pial) - -349541.7265559135).abs() < 1e-6);

    let sulc = load("fsaverage5/sulc_left.gii.gz");
    check_arrays(
        &sulc,
        &[("shape", &[10242], -1.4937248229980469, 1.8069095611572266)],
    );
    let (n, frames, values) = scalar(&sulc);
    assert_eq!((n, frames), (10242, 1));
    assert_eq!(values[0], -0.781268835067749);

    let thickness = load("fsaverage5/thick_left.gii.gz");
    check_arrays(
        &thickness,
        &[("shape", &[10242], -0.0027941903099417686, 4.655208587646484)],
    );
    sulc.overlays[0].check_fits(s.n_vertices()).unwrap();
}
