//! The command line as users and scripts see it: outputs, exit codes and messages.

mod common;

use std::process::Command;

use common::data;

fn glia(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(args)
        .env(
            "GLIA_CONFIG_DIR",
            std::env::temp_dir().join("glia-cli-test"),
        )
        .output()
        .expect("glia runs")
}

fn path(name: &str) -> String {
    data(name).to_string_lossy().into_owned()
}

#[test]
fn info_json_reports_counts_arrays_and_ranges() {
    let out = glia(&["info", &path("fsaverage5/pial_left.gii.gz"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // nibabel 5.4: pial_left.gii.gz has 10242 vertices and 20480 faces.
    assert_eq!(info["n_vertices"], 10242);
    assert_eq!(info["n_faces"], 20480);
    let arrays = info["arrays"].as_array().unwrap();
    assert_eq!(arrays[0]["intent"], "pointset"); // nibabel's intent label
    assert_eq!(arrays[0]["shape"], serde_json::json!([10242, 3]));
    assert_eq!(arrays[1]["intent"], "triangle");
}

#[test]
fn info_of_a_missing_file_exits_2_naming_it() {
    let out = glia(&["info", "/no/such/lh.pial"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/no/such/lh.pial"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

#[test]
fn info_of_a_truncated_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("cut.gii.gz");
    let bytes = std::fs::read(data("fsaverage5/pial_left.gii.gz")).unwrap();
    std::fs::write(&bad, &bytes[..bytes.len() / 3]).unwrap();
    let out = glia(&["info", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut.gii.gz"));
}

#[test]
fn render_writes_a_png_of_exactly_the_asked_size() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("lh.png");
    let out = glia(&[
        "render",
        &path("fsaverage5/pial_left.gii.gz"),
        &path("fsaverage5/thick_left.gii.gz"),
        "--view",
        "left-medial",
        "--size",
        "333x222",
        "--colorbar",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let image = image::open(&png).unwrap();
    assert_eq!((image.width(), image.height()), (333, 222));
}

#[test]
fn render_transparent_gives_rgba_with_clear_corners() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("t.png");
    let out = glia(&[
        "render",
        &path("fsaverage5/infl_left.gii.gz"),
        "--transparent",
        "--size",
        "100x80",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let image = image::open(&png).unwrap();
    assert_eq!(image.color(), image::ColorType::Rgba8);
    assert_eq!(image.to_rgba8().get_pixel(0, 0).0[3], 0);
}

#[test]
fn render_rejects_bad_arguments_with_exit_2() {
    for args in [
        vec!["render", "--view", "sideways", "-o", "/tmp/x.png"],
        vec!["render", "--size", "0x10", "-o", "/tmp/x.png"],
        vec!["render", "/no/such/file.gii", "-o", "/tmp/x.png"],
    ] {
        let out = glia(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn an_overlay_that_does_not_fit_the_surface_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("x.png");
    // 10242-vertex overlay on... itself a mesh: use the demo-free path with a mismatched file.
    let mesh = dir.path().join("tri.obj");
    std::fs::write(&mesh, "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n").unwrap();
    let out = glia(&[
        "render",
        mesh.to_str().unwrap(),
        &path("fsaverage5/thick_left.gii.gz"),
        "-o",
        png.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("thick_left.gii.gz") && stderr.contains("10242"),
        "{stderr}"
    );
}

#[test]
fn a_saved_session_renders_the_same_pixels_as_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let direct = dir.path().join("direct.png");
    let files = [
        path("fsaverage5/pial_left.gii.gz"),
        path("fsaverage5/sulc_left.gii.gz"),
        path("fsaverage5/thick_left.gii.gz"),
    ];
    let mut args: Vec<&str> = vec!["render"];
    args.extend(files.iter().map(String::as_str));
    args.extend([
        "--view",
        "dorsal",
        "--size",
        "200x160",
        "-o",
        direct.to_str().unwrap(),
    ]);
    let out = glia(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The same Scene, written as File ▸ Save session writes it.
    let mut session = glia::session::Session::default();
    for r in session.open_files(&files.iter().map(Into::into).collect::<Vec<_>>()) {
        r.unwrap();
    }
    session.scene.camera = glia::model::CameraState::from_view(glia::model::StandardView::Dorsal);
    session.scene.colorbar = false;
    let toml_path = dir.path().join("session.toml");
    std::fs::write(&toml_path, session.scene.to_toml().unwrap()).unwrap();
    let from_scene = dir.path().join("scene.png");
    let out = glia(&[
        "render",
        "--scene",
        toml_path.to_str().unwrap(),
        "--size",
        "200x160",
        "-o",
        from_scene.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        image::open(&direct).unwrap().to_rgba8(),
        image::open(&from_scene).unwrap().to_rgba8()
    );
}

#[test]
fn a_corrupt_session_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let toml_path = dir.path().join("bad.toml");
    std::fs::write(&toml_path, "glia_scene = \"yes\"\n[[surfaces]]\n").unwrap();
    let out = glia(&[
        "render",
        "--scene",
        toml_path.to_str().unwrap(),
        "-o",
        "/tmp/never.png",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad.toml"));
}

#[test]
fn snapshot_draws_the_whole_window() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("ui.png");
    let out = glia(&[
        "snapshot",
        &path("fsaverage5/pial_left.gii.gz"),
        "--size",
        "900x600",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let image = image::open(&png).unwrap();
    assert_eq!((image.width(), image.height()), (900, 600));
}

#[test]
fn info_json_of_a_volume_matches_nibabel() {
    let out = glia(&["info", &path("anatomical.nii"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // nibabel 5.4.2 (shared/tools/reference_info.py): big-endian int16, LAS, 33x41x25.
    assert_eq!(info["shape"], serde_json::json!([33, 41, 25]));
    assert_eq!(info["dtype"], ">i2");
    assert_eq!(info["orientation"], "LAS");
    assert!((info["mean"].as_f64().unwrap() - 8401.066725794532).abs() < 1e-6);
    assert_eq!(info["affine"][3], serde_json::json!([0.0, 0.0, 0.0, 1.0]));
}

#[test]
fn slice_figures_through_a_point() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("axial.png");
    let t1 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/mni152_t1_1mm.nii.gz");
    let out = glia(&[
        "render",
        t1.to_str().unwrap(),
        &path("image_10426.nii.gz"),
        "--view",
        "axial",
        "--at",
        "-38,-22,58",
        "--size",
        "300x300",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(image::open(&png).unwrap().width(), 300);
}

#[test]
fn slices_without_a_volume_are_an_input_error() {
    let out = glia(&[
        "render",
        &path("fsaverage5/pial_left.gii.gz"),
        "--view",
        "coronal",
        "-o",
        "/tmp/never.png",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("volume"));
    let out = glia(&["render", "--at", "1,2", "-o", "/tmp/never.png"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn info_json_of_an_edf_recording_matches_pyedflib() {
    let out = glia(&["info", &path("recordings/test_utf8.edf"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // pyedflib 0.1.42 (shared/tools/reference_info.py): one 128 Hz "Fp1" signal in uV, 698 s,
    // five annotations; the TALs have no duration (pyedflib says -1, Glia 0 as MNE does).
    let channels = info["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 1);
    assert_eq!(channels[0]["name"], "Fp1");
    assert_eq!(channels[0]["sample_rate_hz"], 128.0);
    assert_eq!(channels[0]["n_samples"], 89344);
    assert_eq!(channels[0]["unit"], "uV");
    assert_eq!(info["duration_secs"], 698.0);
    let annotations = info["annotations"].as_array().unwrap();
    assert_eq!(annotations.len(), 5);
    assert_eq!(annotations[2]["text"], "中文测试八个字");
    assert!((annotations[2]["onset_secs"].as_f64().unwrap() - 119.6054688).abs() < 1e-9);
    assert_eq!(annotations[2]["duration_secs"], 0.0);
    // Fp1 is a 10-05 site: Glia's standard position (MNE's fsaverage_1005, in mm).
    let electrodes = info["electrodes"].as_array().unwrap();
    assert_eq!(electrodes.len(), 1);
    assert_eq!(electrodes[0]["name"], "Fp1");
    assert!((electrodes[0]["x"].as_f64().unwrap() + 29.2811604883705).abs() < 1e-3);
    assert_eq!(info["electrodes_source"], "standard");
}

#[test]
fn info_json_of_a_brainvision_recording_matches_mne() {
    let out = glia(&["info", &path("recordings/vectorized_int16.vhdr"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // mne 1.13.2 read_raw_brainvision (tests/data/recordings/make_brainvision.py).
    let names: Vec<&str> = info["channels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Fz", "Cz,ref", "Pz", "HEOGL"]);
    assert_eq!(info["channels"][0]["sample_rate_hz"], 250.0);
    assert_eq!(info["channels"][0]["n_samples"], 500);
    assert_eq!(info["channels"][3]["unit"], "mV");
    assert_eq!(info["duration_secs"], 2.0);
    assert_eq!(info["annotations"][1]["text"], "Comment/a,b");
    assert_eq!(info["annotations"][1]["onset_secs"], 0.4);
    assert_eq!(info["electrodes"].as_array().unwrap().len(), 3);
    assert_eq!(info["electrodes_source"], "file");
}

#[test]
fn info_of_a_recording_without_its_data_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["vhdr", "vmrk"] {
        std::fs::copy(
            data(&format!("recordings/pybv_int16.{ext}")),
            dir.path().join(format!("pybv_int16.{ext}")),
        )
        .unwrap();
    }
    let out = glia(&["info", dir.path().join("pybv_int16.vhdr").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pybv_int16.eeg"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
}

#[test]
fn info_json_of_spikes_reports_units_and_events() {
    let out = glia(&["info", &path("spikes/phy"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // numpy on the fixture (tests/data/spikes/REFERENCE.md): 3193 spikes in 7 clusters.
    assert_eq!(info["n_spikes"], 3193);
    // serde_json parses floats to within an ulp.
    assert!((info["duration_secs"].as_f64().unwrap() - 99.98333333333333).abs() < 1e-12);
    assert_eq!(info["sample_rate_hz"], 30000.0);
    let units = info["units"].as_array().unwrap();
    assert_eq!(units.len(), 7);
    assert_eq!(units[1]["id"], 2);
    assert_eq!(units[1]["n_spikes"], 679);
    assert_eq!(units[1]["label"], "good");
    assert_eq!(units[1]["depth_um"], 100.0);
    assert!(units[5].get("label").is_none(), "cluster 12 is unlabelled");
    assert_eq!(info["n_trials"], 0);
    assert_eq!(info["n_events"], 0);

    // NWB units with trials (pynwb 4.2.0 wrote 20 trials, 6 units).
    let out = glia(&["info", &path("spikes/units.nwb"), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["n_trials"], 20);
    assert_eq!(info["units"].as_array().unwrap().len(), 6);

    // A text spike train with its unit given.
    let out = glia(&[
        "info",
        &path("spikes/grasshopper_spike_times1.txt"),
        "--json",
        "--time-unit",
        "us",
    ]);
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(info["n_spikes"], 929);
    assert_eq!(info["time_unit"], "us");
    let out = glia(&[
        "info",
        &path("spikes/grasshopper_spike_times1.txt"),
        "--time-unit",
        "fortnights",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn corrupt_spike_folders_exit_2_naming_the_file() {
    for folder in ["phy_bad_lengths", "phy_unsorted", "phy_no_params"] {
        let out = glia(&["info", &path(&format!("spikes/{folder}"))]);
        assert_eq!(out.status.code(), Some(2), "{folder}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(folder), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
}

#[test]
fn render_raster_and_psth_of_spikes() {
    let dir = tempfile::tempdir().unwrap();
    let raster = dir.path().join("raster.png");
    let out = glia(&[
        "render",
        &path("spikes/phy"),
        "--size",
        "640x360",
        "-o",
        raster.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let image = image::open(&raster).unwrap().to_rgba8();
    assert_eq!(image.dimensions(), (640, 360));
    // Ticks in the label colours (good green, mua orange) fill the raster.
    let green = image
        .pixels()
        .filter(|p| p[1] > 150 && p[0] < 140 && p[2] < 170)
        .count();
    assert!(green > 500, "{green} green pixels");
    let psth = dir.path().join("psth.png");
    let out = glia(&[
        "render",
        &path("spikes/phy"),
        &path("spikes/events.csv"),
        "--view",
        "psth",
        "--size",
        "800x450",
        "-o",
        psth.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The population heatmap (inferno) fills the top right.
    let image = image::open(&psth).unwrap().to_rgba8();
    let warm = (480..790)
        .flat_map(|x| (20..200).map(move |y| (x, y)))
        .filter(|&(x, y)| {
            let p = image.get_pixel(x, y);
            p[0] > 120 && p[2] < 110
        })
        .count();
    assert!(warm > 2000, "{warm} heatmap pixels");
    // Views that need spikes say so.
    let out = glia(&[
        "render",
        &path("fsaverage5/pial_left.gii.gz"),
        "--view",
        "raster",
        "-o",
        psth.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("spikes"));
}
