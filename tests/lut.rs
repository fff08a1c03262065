//! Label tables against the real files: FreeSurfer's colour table (as shipped in mne 1.13.2),
//! MRIcron's AAL names with their binary `.lut`, Brodmann's `.lut` alone, the JHU name list; and
//! an atlas volume finding its table. Expected rows are copied from the files themselves; voxel
//! values of `aal.nii.gz` are nibabel 5.4.2's.

use std::path::{Path, PathBuf};

use glam::DVec3;
use glia::formats::{self, FormatError, lut};
use glia::model::{Interpolation, Label};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn rgb(label: &Label) -> [u8; 3] {
    [label.rgba[0], label.rgba[1], label.rgba[2]].map(|c| (c * 255.0).round() as u8)
}

#[test]
fn freesurfer_color_lut() {
    let table = lut::read(&data("FreeSurferColorLUT.txt")).unwrap();
    // 1266 numbered rows (grep -c '^ *[0-9]').
    assert_eq!(table.labels.len(), 1266);
    let hippo = table.get(17).unwrap();
    assert_eq!(hippo.name, "Left-Hippocampus");
    assert_eq!(rgb(hippo), [220, 216, 20]);
    // A = 0 in the file: opaque (FreeSurfer's alpha is 255 - A).
    assert_eq!(hippo.rgba[3], 1.0);
    let wm = table.get(2).unwrap();
    assert_eq!(
        (wm.name.as_str(), rgb(wm)),
        ("Left-Cerebral-White-Matter", [245, 245, 245])
    );
    assert_eq!(table.get(53).unwrap().name, "Right-Hippocampus");
    let ctx = table.get(1035).unwrap();
    assert_eq!(
        (ctx.name.as_str(), rgb(ctx)),
        ("ctx-lh-insula", [255, 192, 32])
    );
    // Unknown (0) is the background.
    assert_eq!(table.get(0).unwrap().name, "Unknown");
    assert_eq!(table.get(0).unwrap().rgba[3], 0.0);
}

#[test]
fn mricron_aal_names_take_colours_from_the_lut() {
    for path in [data("aal.nii.txt"), data("aal.nii.lut")] {
        let table = lut::read(&path).unwrap();
        // 116 regions, numbered 1 to 116, CRLF line ends.
        assert_eq!(table.labels.len(), 116, "{}", path.display());
        assert_eq!(table.get(1).unwrap().name, "Precentral_L");
        assert_eq!(table.get(116).unwrap().name, "Vermis_10");
        let post = table.get(57).unwrap();
        assert_eq!(post.name, "Postcentral_L");
        // aal.nii.lut bytes 57, 256 + 57, 512 + 57.
        assert_eq!(rgb(post), [81, 0, 176]);
    }
}

#[test]
fn mricron_lut_alone_and_names_alone() {
    let brodmann = lut::read(&data("brodmann.nii.lut")).unwrap();
    assert_eq!(brodmann.labels.len(), 255);
    assert_eq!(brodmann.get(4).unwrap().name, "4");
    // brodmann.nii.lut bytes 1, 257, 513.
    assert_eq!(rgb(brodmann.get(1).unwrap()), [203, 109, 108]);
    let jhu = lut::read(&data("JHU-WhiteMatter-labels-1mm.nii.txt")).unwrap();
    assert_eq!(jhu.labels.len(), 49);
    assert_eq!(jhu.get(3).unwrap().name, "Genu_of_corpus_callosum");
    assert_eq!(jhu.get(0).unwrap().rgba[3], 0.0);
    // No colours in the file: distinct generated ones.
    assert_ne!(jhu.get(3).unwrap().rgba, jhu.get(4).unwrap().rgba);
    assert_eq!(jhu.get(3).unwrap().rgba, lut::distinct_colour(3));
}

#[test]
fn an_atlas_finds_its_table_and_names_the_region_under_a_point() {
    let atlas = data("aal.nii.gz");
    assert_eq!(lut::find_for_volume(&atlas), Some(data("aal.nii.txt")));
    let table = lut::read(&data("aal.nii.txt")).unwrap();
    let volume = formats::load(&atlas).unwrap().volume.unwrap();
    assert_eq!(volume.voxels.type_name(), "uint8");
    // nibabel: MNI (-40, -20, 50) is voxel (50, 105, 121), label 57; (40, -20, 50) is 58.
    for (world, name) in [
        ((-40.0, -20.0, 50.0), "Postcentral_L"),
        ((40.0, -20.0, 50.0), "Postcentral_R"),
    ] {
        let key = volume
            .sample(
                0,
                DVec3::new(world.0, world.1, world.2),
                Interpolation::Nearest,
            )
            .unwrap();
        assert_eq!(table.get(key as i32).unwrap().name, name);
    }
}

#[test]
fn tables_are_found_by_stem_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = |n: &str| dir.path().join(n);
    std::fs::write(path("atlas.nii.gz"), b"not read here").unwrap();
    assert_eq!(lut::find_for_volume(&path("atlas.nii.gz")), None);
    std::fs::write(
        path("atlas.lut"),
        std::fs::read(data("brodmann.nii.lut")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        lut::find_for_volume(&path("atlas.nii.gz")),
        Some(path("atlas.lut"))
    );
    std::fs::write(path("atlas.tsv"), "index\tname\tcolor\n1\tA\t#102030\n").unwrap();
    assert_eq!(
        lut::find_for_volume(&path("atlas.nii.gz")),
        Some(path("atlas.tsv"))
    );
    // A same-named .txt that is not a table is passed over.
    std::fs::write(path("atlas.txt"), "notes about this atlas\n").unwrap();
    assert_eq!(
        lut::find_for_volume(&path("atlas.nii.gz")),
        Some(path("atlas.tsv"))
    );
    std::fs::write(path("atlas.nii.txt"), "1 A\n").unwrap();
    assert_eq!(
        lut::find_for_volume(&path("atlas.nii.gz")),
        Some(path("atlas.nii.txt"))
    );
    // BIDS: sub-01_dseg.nii.gz + sub-01_dseg.tsv.
    std::fs::write(path("sub-01_dseg.nii"), b"").unwrap();
    std::fs::write(
        path("sub-01_dseg.tsv"),
        "index\tname\n0\tbackground\n1\tGM\n",
    )
    .unwrap();
    assert_eq!(
        lut::find_for_volume(&path("sub-01_dseg.nii")),
        Some(path("sub-01_dseg.tsv"))
    );
}

#[test]
fn bad_tables_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let short = write("short.lut", &[7u8; 700]);
    let err = lut::read(&short).unwrap_err();
    assert!(matches!(err, FormatError::Invalid { .. }));
    assert!(
        err.to_string().contains("768 bytes") && err.to_string().contains("700"),
        "{err}"
    );
    let text = write("notes.txt", b"hello world\nsecond line\n");
    let err = lut::read(&text).unwrap_err().to_string();
    assert!(err.contains("notes.txt") && err.contains("line 2"), "{err}");
    let empty = write("empty.txt", b"");
    assert!(
        lut::read(&empty)
            .unwrap_err()
            .to_string()
            .contains("no labels")
    );
    assert!(
        lut::read(dir.path())
            .unwrap_err()
            .to_string()
            .contains("folder")
    );
    let binary = write("garbage.txt", &[0u8, 1, 2, 3, 255, 254]);
    assert!(lut::read(&binary).is_err());
}

#[test]
fn the_registry_does_not_open_label_tables_but_says_what_they_are() {
    for name in ["FreeSurferColorLUT.txt", "aal.nii.lut", "aal.nii.txt"] {
        let err = formats::load(&data(name)).unwrap_err().to_string();
        assert!(err.contains("label table"), "{name}: {err}");
    }
}
