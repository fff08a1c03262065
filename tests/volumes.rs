//! Volumes as users see them: roles and defaults chosen from the data, values and region names
//! at the crosshair equal to nibabel's, cluster sizes equal to SciPy's, slice and volume-render
//! figures, projection onto a surface.

mod common;

use common::{assert_matches_snapshot, data};
use glam::Vec3;
use glia::model::{Colormap, SliceAxis, VolumeRole};
use glia::render::GpuContext;
use glia::session::{Applied, Session};

fn t1() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/mni152_t1_1mm.nii.gz")
}

fn anatomy_and_tmap() -> Session {
    let mut session = Session::default();
    for r in session.open_files(&[t1(), data("image_10426.nii.gz")]) {
        assert!(matches!(r, Ok(Applied::Volume(_))), "{r:?}");
    }
    session
}

#[test]
fn an_anatomy_then_a_tmap_get_sensible_defaults() {
    let session = anatomy_and_tmap();
    let [anatomy, tmap] = [&session.scene.volumes[0], &session.scene.volumes[1]];
    assert_eq!(anatomy.role, VolumeRole::Anatomy);
    assert_eq!(anatomy.colormap, Colormap::Gray);
    // numpy: the T1's 2nd and 98th percentiles are 0 and 221.
    assert_eq!(anatomy.range, [0.0, 221.0]);
    assert_eq!(tmap.role, VolumeRole::Statistic);
    assert!(tmap.threshold.enabled);
    assert_eq!(
        (tmap.threshold.positive, tmap.threshold.negative),
        (3.1, -3.1)
    );
    // nibabel: the t-map's largest magnitude is 7.94134521484375.
    assert!((tmap.range[1] - 7.941345).abs() < 1e-4);
    assert!(
        session.scene.cursor_mm.is_some(),
        "the crosshair starts in the first volume"
    );
}

#[test]
fn values_at_the_crosshair_equal_nibabels() {
    let session = anatomy_and_tmap();
    // nibabel: voxel (20, 30, 40) of image_10426 sits at world (18, -22, 70), value 6.694798469543457.
    let readout = session.volume_readout(Vec3::new(18.0, -22.0, 70.0));
    let value: f32 = readout[1].1.parse().unwrap();
    assert!((value - 6.6948).abs() < 1e-3, "{readout:?}");
    // nibabel: its maximum, voxel (6, 31, 32), at (60, -19, 46).
    let value: f32 = session.volume_readout(Vec3::new(60.0, -19.0, 46.0))[1]
        .1
        .parse()
        .unwrap();
    assert!((value - 7.9413).abs() < 1e-3);
    assert_eq!(
        session.volume_readout(Vec3::new(500.0, 0.0, 0.0))[1].1,
        "outside"
    );
}

#[test]
fn an_atlas_names_the_region_under_the_crosshair() {
    let mut session = Session::default();
    for r in session.open_files(&[t1(), data("aal.nii.gz")]) {
        r.unwrap();
    }
    let atlas = &session.scene.volumes[1];
    assert_eq!(
        atlas.role,
        VolumeRole::Labels,
        "aal.nii.txt next to it makes it an atlas"
    );
    // nibabel + aal.nii.txt: MNI (-38,-22,58) is label 1, (40,-22,58) label 2, (-4,-62,40) label 67.
    let region = |p: Vec3| session.volume_readout(p)[1].1.clone();
    assert_eq!(region(Vec3::new(-38.0, -22.0, 58.0)), "Precentral_L (1)");
    assert_eq!(region(Vec3::new(40.0, -22.0, 58.0)), "Precentral_R (2)");
    assert_eq!(region(Vec3::new(-4.0, -62.0, 40.0)), "Precuneus_L (67)");
}

#[test]
fn small_clusters_are_hidden_as_scipy_counts_them() {
    let mut session = anatomy_and_tmap();
    let id = session.scene.volumes[1].id;
    session.scene.volume_mut(id).unwrap().min_cluster_voxels = 50;
    session.update_cluster_masks();
    let draws = session.volume_draws();
    let mask = draws[1].mask.expect("a cluster mask").1;
    // scipy.ndimage.label (26-connected) on |t| >= 3.1: 3684 voxels, 3549 in clusters of 50+.
    assert_eq!(mask.iter().filter(|&&m| m == 1).count(), 3549);
}

#[test]
fn a_statistical_map_projects_onto_a_cortical_surface() {
    let mut session = anatomy_and_tmap();
    for r in session.open_files(&[data("fsaverage5/pial_left.gii.gz")]) {
        r.unwrap();
    }
    let volume = session.scene.volumes[1].id;
    let surface = session.scene.surfaces[0].id;
    let overlay = session.add_projection(volume, surface, 3.0).unwrap();
    let values = session
        .overlay_data(overlay)
        .unwrap()
        .overlay
        .frame(0)
        .unwrap()
        .to_vec();
    assert_eq!(values.len(), 10242);
    let finite: Vec<f32> = values.iter().copied().filter(|v| v.is_finite()).collect();
    assert!(finite.len() > 9000, "the cortex lies inside the map");
    let max = finite.iter().copied().fold(f32::MIN, f32::max);
    assert!(max > 3.1 && max <= 7.95, "{max}");
}

#[test]
fn ortho_slices_match_golden_image() {
    let gpu = GpuContext::headless().expect("a GPU adapter");
    let mut session = anatomy_and_tmap();
    session.scene.cursor_mm = Some(Vec3::new(-38.0, -22.0, 58.0));
    let image =
        glia::ui::figure::render_slices(&gpu, &mut session, [600, 200], &SliceAxis::ALL, false)
            .unwrap();
    assert_eq!(image.dimensions(), (600, 200));
    assert_matches_snapshot("slices_ortho_tmap", &image, 3, 0.01);
}

#[test]
fn volume_rendering_matches_golden_image() {
    let gpu = GpuContext::headless().expect("a GPU adapter");
    let mut session = Session::default();
    for r in session.open_files(&[t1()]) {
        r.unwrap();
    }
    session.scene.slices_in_3d = false;
    session.scene.volumes[0].render_3d = true;
    let image = glia::ui::figure::render_figure(&gpu, &mut session, [240, 180], false).unwrap();
    assert_matches_snapshot("volume_rendering_t1", &image, 3, 0.01);
}
