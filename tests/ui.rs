//! The real app driven through egui_kittest on the software adapter: open files, change a
//! threshold and see the picture change; bad files give an error and lose nothing.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::{data, differing_fraction};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use glia::ui::GliaApp;

fn harness(files: Vec<PathBuf>) -> Harness<'static, GliaApp> {
    // SAFETY of the environment: tests must not write the user's recent-files list.
    let config = std::env::temp_dir().join(format!("glia-ui-test-{}", std::process::id()));
    unsafe { std::env::set_var("GLIA_CONFIG_DIR", &config) };
    // Nor the user's cache of recording overviews.
    unsafe { std::env::set_var("GLIA_CACHE_DIR", config.join("cache")) };
    Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .wgpu()
        .build_eframe(move |cc| {
            let render_state = cc
                .wgpu_render_state
                .clone()
                .expect("kittest gives a wgpu render state");
            GliaApp::new(cc.egui_ctx.clone(), render_state, files)
        })
}

fn wait_for_jobs(harness: &mut Harness<'static, GliaApp>) {
    for _ in 0..6000 {
        harness.step();
        if harness.state().state.is_settled() {
            harness.run_steps(3);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("background jobs did not finish");
}

#[test]
fn open_a_surface_and_threshold_its_overlay() {
    let mut harness = harness(vec![
        data("fsaverage5/pial_left.gii.gz"),
        data("fsaverage5/thick_left.gii.gz"),
    ]);
    wait_for_jobs(&mut harness);
    let scene = &harness.state().state.session.scene;
    assert_eq!(scene.surfaces.len(), 1);
    assert_eq!(scene.surfaces[0].overlays.len(), 1);
    assert!(
        harness.state().state.errors.is_empty(),
        "{:?}",
        harness.state().state.errors
    );

    let before = harness.render().unwrap();
    harness.get_by_label("Threshold").click();
    harness.run_steps(3);
    let threshold = harness.state().state.session.scene.surfaces[0].overlays[0].threshold;
    assert!(threshold.enabled && threshold.positive > 0.0);
    let after = harness.render().unwrap();
    if std::env::var_os("GLIA_DEBUG_UI").is_some() {
        before.save("/tmp/ui_before.png").unwrap();
        after.save("/tmp/ui_after.png").unwrap();
    }
    assert!(
        differing_fraction(&before, &after) > 0.02,
        "the threshold did not change the picture"
    );
    harness.snapshot("ui_fsaverage_thresholded");
}

#[test]
fn a_truncated_file_gives_an_error_and_loses_nothing() {
    let mut harness = harness(vec![data("fsaverage5/pial_left.gii.gz")]);
    wait_for_jobs(&mut harness);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("truncated.gii");
    let text = std::fs::read(data("fsaverage5/pial_left.gii.gz")).unwrap();
    std::fs::write(&bad, &text[..text.len() / 2]).unwrap();
    harness.state_mut().state.open_paths(vec![bad.clone()]);
    wait_for_jobs(&mut harness);
    let state = &harness.state().state;
    assert_eq!(
        state.session.scene.surfaces.len(),
        1,
        "the loaded surface is kept"
    );
    assert_eq!(state.errors.len(), 1);
    assert!(
        state.errors[0].contains("truncated.gii"),
        "{}",
        state.errors[0]
    );
}

#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn dropped_files_open_on_the_current_surface() {
    let mut harness = harness(vec![data("fsaverage5/pial_left.gii.gz")]);
    wait_for_jobs(&mut harness);
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(Dropped(data("fsaverage5/sulc_left.gii.gz"))));
    harness.step();
    wait_for_jobs(&mut harness);
    let surface = &harness.state().state.session.scene.surfaces[0];
    assert!(
        matches!(surface.underlay, glia::model::UnderlayShading::File { .. }),
        "a sulc file shades the underlay"
    );
}

#[test]
fn the_demo_starts_with_a_brain_and_its_activation() {
    let mut harness = harness(Vec::new());
    wait_for_jobs(&mut harness);
    let state = &harness.state().state;
    assert_eq!(state.session.scene.surfaces.len(), 2);
    assert!(state.has_demo_animation());
    assert!(state.errors.is_empty(), "{:?}", state.errors);
}

#[test]
fn pointing_at_the_brain_shows_coordinates_and_values() {
    let mut harness = harness(vec![
        data("fsaverage5/pial_left.gii.gz"),
        data("fsaverage5/thick_left.gii.gz"),
    ]);
    wait_for_jobs(&mut harness);
    // The 3D view fills the right three quarters of the 1100×720 window; its centre is on the brain.
    harness.hover_at(egui::pos2(680.0, 360.0));
    harness.run_steps(3);
    let hover = harness
        .state()
        .state
        .hover
        .clone()
        .expect("the cursor is over the brain");
    assert!(
        hover.point_mm.x < 0.0,
        "a left hemisphere point: {:?}",
        hover.point_mm
    );
    assert_eq!(hover.values.len(), 1);
    assert_eq!(hover.values[0].0, "thick_left");
    let shown: f32 = hover.values[0].1.parse().unwrap();
    assert!(
        (0.0..=5.0).contains(&shown),
        "cortical thickness in mm: {shown}"
    );
    harness.get_by_label("RAS (mm)");
}

#[test]
fn a_time_series_overlay_plays() {
    // 10242 × 1 × 1 × 5 per-vertex MGH (fsaverage5 sulcal depth plus noise, see tests/data).
    let dir = tempfile::tempdir().unwrap();
    let series = dir.path().join("lh.timeseries.mgh");
    std::fs::copy(data("lh.sulc_noise.mgh"), &series).unwrap();
    let mut harness = harness(vec![data("fsaverage5/pial_left.gii.gz"), series]);
    wait_for_jobs(&mut harness);
    let overlay = &harness.state().state.session.scene.surfaces[0].overlays[0];
    assert_eq!(
        harness
            .state()
            .state
            .session
            .overlay_data(overlay.id)
            .unwrap()
            .overlay
            .n_frames(),
        5
    );
    assert_eq!(overlay.frame, 0);
    harness.get_by_label("▶ Play").click();
    // Ten frames a second; kittest steps a quarter second: the frame moves on.
    let mut frames = std::collections::BTreeSet::new();
    for _ in 0..6 {
        harness.step();
        frames.insert(harness.state().state.session.scene.surfaces[0].overlays[0].frame);
    }
    assert!(harness.state().state.playback.playing);
    assert!(
        frames.len() > 1,
        "playback shows several frames: {frames:?}"
    );
}

#[test]
fn a_click_in_a_slice_moves_the_crosshair_everywhere() {
    let t1 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/mni152_t1_1mm.nii.gz");
    let mut harness = harness(vec![t1, data("image_10426.nii.gz")]);
    wait_for_jobs(&mut harness);
    let before = harness.state().state.session.cursor();
    // The slice views are added to the layout once a volume is open.
    let axial = harness.get_by_label("Axial").rect();
    let inside = egui::pos2(axial.center().x + 30.0, axial.bottom() + 60.0);
    harness.drag_at(inside);
    harness.step();
    harness.event(egui::Event::PointerButton {
        pos: inside,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    harness.run_steps(2);
    let after = harness.state().state.session.cursor();
    assert_ne!(
        (before.x, before.y),
        (after.x, after.y),
        "the click moved the crosshair within the axial plane"
    );
    assert_eq!(before.z, after.z, "an axial click keeps the slice");
    let readout = harness.state().state.session.volume_readout(after);
    assert_eq!(readout.len(), 2);
}

#[test]
fn a_recording_opens_in_the_trace_browser_and_filters_redraw_it() {
    let mut harness = harness(vec![data("recordings/test_generator.edf")]);
    wait_for_jobs(&mut harness);
    {
        let state = &harness.state().state;
        assert!(state.errors.is_empty(), "{:?}", state.errors);
        assert_eq!(state.session.scene.recordings.len(), 1);
        let id = state.session.scene.recordings[0].id;
        // The overview was built in the background.
        assert!(state.session.pyramids(id).is_some());
    }
    harness.get_by_label("Traces");
    let before = harness.render().unwrap();
    harness.get_by_label("Low-pass").click();
    harness.run_steps(3);
    let filter = harness.state().state.session.scene.recordings[0].filter;
    assert_eq!(filter.lowpass_hz, Some(40.0));
    let after = harness.render().unwrap();
    if std::env::var_os("GLIA_DEBUG_UI").is_some() {
        before.save("/tmp/ui_traces_before.png").unwrap();
        after.save("/tmp/ui_traces_after.png").unwrap();
    }
    // The 50 Hz sine and the noise lose their high frequencies.
    assert!(
        differing_fraction(&before, &after) > 0.005,
        "the low-pass did not change the traces"
    );
    harness.snapshot("ui_traces_lowpass");

    // The spectra of the same window, computed in the background.
    harness.get_by_label("Spectra").click();
    for _ in 0..500 {
        harness.run_steps(2);
        if harness.state().state.spectra.is_ready() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(harness.state().state.spectra.is_ready(), "no spectra");
    harness.run_steps(3);
    if std::env::var_os("GLIA_DEBUG_UI").is_some() {
        harness
            .render()
            .unwrap()
            .save("/tmp/ui_spectra.png")
            .unwrap();
    }
}

#[test]
fn a_truncated_recording_gives_an_error_and_keeps_the_open_one() {
    let mut harness = harness(vec![data("recordings/test_generator.edf")]);
    wait_for_jobs(&mut harness);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("cut.edf");
    let bytes = std::fs::read(data("recordings/test_generator.edf")).unwrap();
    // Header only, and half of it.
    std::fs::write(&bad, &bytes[..1000]).unwrap();
    harness.state_mut().state.open_paths(vec![bad]);
    wait_for_jobs(&mut harness);
    let state = &harness.state().state;
    assert_eq!(state.session.scene.recordings.len(), 1);
    assert_eq!(state.errors.len(), 1, "{:?}", state.errors);
    assert!(state.errors[0].contains("cut.edf"), "{}", state.errors[0]);
}

#[test]
fn a_phy_folder_opens_in_the_raster_and_aligns_to_events() {
    let mut harness = harness(vec![data("spikes/phy"), data("spikes/events.csv")]);
    wait_for_jobs(&mut harness);
    {
        let state = &harness.state().state;
        assert!(state.errors.is_empty(), "{:?}", state.errors);
        assert_eq!(state.session.scene.spikes.len(), 1);
        // Every spike of the window is in the raster.
        let image = &state.raster_view.image;
        assert_eq!(image.rows.len(), 7);
        assert!(image.counts.iter().sum::<u32>() > 500);
    }
    harness.get_by_label("Raster");
    harness.snapshot("ui_raster_phy");
    // Sorting by depth puts the deepest unit (id 40, 300 µm) on top.
    harness.state_mut().state.session.scene.spikes[0].sort = glia::model::UnitSort::Depth;
    harness.run_steps(2);
    let top = harness.state().state.raster_view.image.rows[0].index;
    let set = &harness
        .state()
        .state
        .session
        .spike_data(harness.state().state.session.scene.spikes[0].id)
        .unwrap()
        .set;
    assert_eq!(set.units[top].id, 40);

    harness.get_by_label("PSTH").click();
    harness.run_steps(3);
    let views = &harness.state().state.aligned_view.views;
    assert_eq!(views.event.as_deref(), Some("stim"));
    assert_eq!(views.n_events, 20);
    assert_eq!(views.curves.len(), 2, "left and right");
    if std::env::var_os("GLIA_DEBUG_UI").is_some() {
        harness.render().unwrap().save("/tmp/ui_psth.png").unwrap();
    }

    // Placing the probe puts its units on the template brain, coloured by rate.
    harness
        .get_by_label("Place the probe (7 units by depth)")
        .click();
    wait_for_jobs(&mut harness);
    let state = &harness.state().state;
    assert!(state.session.scene.spikes[0].placement.is_some());
    assert_eq!(
        state.session.scene.surfaces.len(),
        2,
        "the MNI152 template brain"
    );
    if std::env::var_os("GLIA_DEBUG_UI").is_some() {
        harness.render().unwrap().save("/tmp/ui_probe.png").unwrap();
    }
}

#[test]
fn a_corrupt_phy_folder_gives_an_error_and_keeps_the_open_spikes() {
    let mut harness = harness(vec![data("spikes/phy")]);
    wait_for_jobs(&mut harness);
    harness
        .state_mut()
        .state
        .open_paths(vec![data("spikes/phy_bad_lengths")]);
    wait_for_jobs(&mut harness);
    let state = &harness.state().state;
    assert_eq!(state.session.scene.spikes.len(), 1);
    assert_eq!(state.errors.len(), 1, "{:?}", state.errors);
    assert!(
        state.errors[0].contains("phy_bad_lengths"),
        "{}",
        state.errors[0]
    );
}

#[test]
fn text_spike_trains_open_with_their_guessed_time_unit() {
    let mut harness = harness(vec![data("spikes/PySpike_testdata.txt")]);
    wait_for_jobs(&mut harness);
    let state = &harness.state().state;
    assert!(state.errors.is_empty(), "{:?}", state.errors);
    assert_eq!(state.session.scene.spikes.len(), 1);
    // The Layers panel offers the unit (guessed: milliseconds).
    harness.get_by_label("Times in");
    assert!(
        harness
            .query_by_label("(guessed from the intervals)")
            .is_some()
    );
    assert_eq!(harness.state().state.raster_view.image.rows.len(), 40);
}

/// The decoding panel end to end on the simulated motor-imagery EEG (at ×10): start the
/// stream, record a calibration, train (cross-validated), run live, show the weights.
#[test]
fn decoding_panel_calibrates_trains_and_runs_live() {
    use glia::ui::panels::decoding::StreamChoice;
    let mut harness = harness(vec![data("fsaverage5/pial_left.gii.gz")]);
    wait_for_jobs(&mut harness);
    {
        let d = &mut harness.state_mut().state.decoding;
        d.wants_pane = true;
        d.choice = StreamChoice::Imagery;
        d.speed = 10.0;
        d.calibrate_secs = 60.0;
    }
    harness.run_steps(2);
    harness.get_by_label("▶ Start stream").click();
    harness.run_steps(2);
    assert!(harness.state().state.decoding.engine.is_some());
    harness.get_by_label("⏺ Record").click();
    let wait =
        |harness: &mut Harness<'static, GliaApp>, what: &str, done: &dyn Fn(&GliaApp) -> bool| {
            for _ in 0..3000 {
                harness.step();
                if done(harness.state()) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            panic!("{what} did not happen: {:?}", harness.state().state.errors);
        };
    wait(&mut harness, "calibration", &|a| {
        a.state.decoding.calibration.is_some()
    });
    harness.get_by_label("Train").click();
    wait(&mut harness, "training", &|a| {
        a.state.decoding.trained.is_some()
    });
    let acc = harness
        .state()
        .state
        .decoding
        .trained
        .as_ref()
        .unwrap()
        .report
        .mean[0];
    assert!(acc > 0.7, "cross-validated accuracy {acc}");
    harness.get_by_label("▶ Run live").click();
    wait(&mut harness, "live decoding", &|a| {
        a.state
            .decoding
            .engine
            .as_ref()
            .is_some_and(|e| e.snapshot().outputs.len() > 5)
    });
    let live = harness
        .state()
        .state
        .decoding
        .engine
        .as_ref()
        .unwrap()
        .snapshot();
    for o in &live.outputs {
        assert!((o.values.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }
    assert!(!live.latencies.is_empty());
    harness.get_by_label("Weights on brain").click();
    harness.run_steps(2);
    if std::env::var_os("GLIA_DEBUG_UI").is_some() {
        harness
            .render()
            .unwrap()
            .save("/tmp/ui_decoding.png")
            .unwrap();
    }
    let weights = harness
        .state()
        .state
        .session
        .decoder_weights
        .clone()
        .unwrap();
    assert_eq!(weights.1.len(), 16);
    assert!(weights.1.iter().any(|(name, w)| name == "C3" && *w > 0.0));
    assert!(
        harness.state().state.errors.is_empty(),
        "{:?}",
        harness.state().state.errors
    );
}
