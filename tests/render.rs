//! Golden-image and behaviour tests of the renderer on the software adapter (lavapipe/llvmpipe).
//! Reference images live in tests/snapshots; `UPDATE_SNAPSHOTS=1 cargo test` rewrites them.

mod common;

use common::{assert_matches_snapshot, data, differing_fraction};
use glia::model::{CameraState, StandardView, Threshold};
use glia::render::GpuContext;
use glia::session::Session;
use glia::ui::figure::render_figure;

fn gpu() -> GpuContext {
    GpuContext::headless().expect("a GPU adapter (install mesa-vulkan-drivers for lavapipe)")
}

/// fsaverage5 left pial surface, sulcal depth underlay, cortical thickness overlay.
fn fsaverage() -> Session {
    let files = [
        "fsaverage5/pial_left.gii.gz",
        "fsaverage5/sulc_left.gii.gz",
        "fsaverage5/thick_left.gii.gz",
    ]
    .map(data);
    let mut session = Session::default();
    for result in session.open_files(&files) {
        result.expect("fsaverage5 files open");
    }
    session.scene.colorbar = false;
    session
}

fn background_fraction(image: &image::RgbaImage, background: [u8; 3]) -> f64 {
    let n = image.pixels().filter(|p| p.0[..3] == background).count();
    n as f64 / (image.width() * image.height()) as f64
}

#[test]
fn fsaverage_left_lateral_matches_golden_image() {
    let gpu = gpu();
    let mut session = fsaverage();
    let image = render_figure(&gpu, &mut session, [320, 240], false).unwrap();
    assert_eq!(image.dimensions(), (320, 240));
    assert_matches_snapshot("fsaverage5_left_lateral", &image, 3, 0.01);
}

#[test]
fn colorbar_figure_matches_golden_image() {
    let gpu = gpu();
    let mut session = fsaverage();
    session.scene.colorbar = true;
    session.scene.camera = CameraState::from_view(StandardView::LeftMedial);
    let image = render_figure(&gpu, &mut session, [400, 300], false).unwrap();
    assert_matches_snapshot("fsaverage5_left_medial_colorbar", &image, 3, 0.01);
}

#[test]
fn thresholds_hide_values_and_the_underlay_shows_through() {
    let gpu = gpu();
    let mut session = fsaverage();
    let plain = render_figure(&gpu, &mut session, [200, 150], false).unwrap();
    let overlay = &mut session.scene.surfaces[0].overlays[0];
    overlay.threshold = Threshold {
        enabled: true,
        positive: 3.0,
        negative: f32::NEG_INFINITY,
    };
    let thresholded = render_figure(&gpu, &mut session, [200, 150], false).unwrap();
    assert!(differing_fraction(&plain, &thresholded) > 0.05);
    // Hiding the overlay entirely gives the underlay alone, which the threshold also revealed.
    session.scene.surfaces[0].overlays[0].visible = false;
    let bare = render_figure(&gpu, &mut session, [200, 150], false).unwrap();
    assert!(differing_fraction(&bare, &thresholded) < differing_fraction(&bare, &plain));
}

#[test]
fn every_standard_view_frames_the_brain() {
    let gpu = gpu();
    let mut session = fsaverage();
    let background = [9, 10, 13];
    for view in StandardView::ALL {
        session.scene.camera = CameraState::from_view(view);
        let image = render_figure(&gpu, &mut session, [120, 90], false).unwrap();
        let border_ok = (0..120).all(|x| {
            image.get_pixel(x, 0).0[..3] == background
                && image.get_pixel(x, 89).0[..3] == background
        });
        assert!(
            border_ok,
            "{view:?}: the brain touches the top or bottom edge"
        );
        let covered = 1.0 - background_fraction(&image, background);
        assert!(
            covered > 0.1,
            "{view:?}: the brain covers only {:.0}% of the view",
            covered * 100.0
        );
    }
}

#[test]
fn transparent_figures_have_a_transparent_background() {
    let gpu = gpu();
    let mut session = fsaverage();
    let image = render_figure(&gpu, &mut session, [160, 120], true).unwrap();
    assert_eq!(image.get_pixel(0, 0).0[3], 0);
    assert_eq!(image.get_pixel(159, 119).0[3], 0);
    let centre = image.get_pixel(80, 60).0;
    assert_eq!(centre[3], 255, "the surface itself is opaque");
}

#[test]
fn translucent_surfaces_let_the_background_through() {
    let gpu = gpu();
    let mut session = fsaverage();
    let opaque = render_figure(&gpu, &mut session, [160, 120], true).unwrap();
    session.scene.surfaces[0].opacity = 0.4;
    let glass = render_figure(&gpu, &mut session, [160, 120], true).unwrap();
    let alpha = |img: &image::RgbaImage| img.get_pixel(80, 60).0[3];
    assert_eq!(alpha(&opaque), 255);
    assert!(
        (95..=110).contains(&alpha(&glass)),
        "alpha {}",
        alpha(&glass)
    );
}

#[test]
fn demo_brain_matches_golden_image() {
    let gpu = gpu();
    let mut session = glia::demo::session().unwrap();
    session.scene.time_secs = 0.5;
    let image = render_figure(&gpu, &mut session, [480, 360], false).unwrap();
    assert_matches_snapshot("demo_left_lateral", &image, 3, 0.01);
}

#[test]
fn parcellation_and_label_draw_in_their_colours() {
    let gpu = gpu();
    let files = ["fsaverage5/infl_left.gii.gz", "test.annot", "test.label"].map(data);
    let mut session = Session::default();
    for result in session.open_files(&files) {
        result.expect("fsaverage5 inflated surface, its aparc annotation and a label");
    }
    assert_eq!(session.scene.surfaces[0].overlays.len(), 2);
    let image = render_figure(&gpu, &mut session, [320, 240], false).unwrap();
    assert_matches_snapshot("fsaverage5_inflated_aparc", &image, 3, 0.01);
}
