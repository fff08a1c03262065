//! How opened files become layers: meshes first, per-vertex data on the surface it fits (vertex
//! count, then hemisphere, then the selected surface), sessions that round-trip.

use std::sync::Arc;

use glam::Vec3;
use glia::model::{Hemisphere, Overlay, OverlayData, Source, Surface};
use glia::session::{Applied, Prepared, Session, SurfaceData};

fn mesh(name: &str, n: usize, hemisphere: Option<Hemisphere>) -> Prepared {
    // A fan of n - 1 triangles around vertex 0.
    let positions = (0..n)
        .map(|i| {
            let a = i as f32;
            Vec3::new(a.cos(), a.sin(), a * 0.1)
        })
        .collect();
    let triangles = (1..n as u32 - 1).map(|i| [0, i, i + 1]).collect();
    Prepared::Surface {
        source: Source::file(format!("/data/{name}")),
        data: Arc::new(SurfaceData::new(Surface {
            name: name.into(),
            positions,
            triangles,
            hemisphere,
        })),
        overlays: Vec::new(),
    }
}

fn scalars(name: &str, n: usize) -> Prepared {
    Prepared::Overlays {
        source: Source::file(format!("/data/{name}")),
        overlays: vec![Overlay {
            name: name.into(),
            data: OverlayData::Scalar {
                n_vertices: n,
                n_frames: 1,
                values: (0..n).map(|i| i as f32).collect(),
            },
        }],
    }
}

fn surface_of(session: &Session, overlay_name: &str) -> String {
    session
        .scene
        .surfaces
        .iter()
        .find(|s| s.overlays.iter().any(|o| o.name == overlay_name))
        .map(|s| s.name.clone())
        .unwrap_or_default()
}

#[test]
fn per_vertex_data_goes_on_the_hemisphere_its_name_says() {
    let mut session = Session::default();
    let results = session.apply(
        vec![
            Ok(mesh("rh.pial", 6, Some(Hemisphere::Right))),
            Ok(mesh("lh.pial", 6, Some(Hemisphere::Left))),
            Ok(scalars("rh.thickness", 6)),
            Ok(scalars("lh.thickness", 6)),
        ],
        None,
    );
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(surface_of(&session, "rh.thickness"), "rh.pial");
    assert_eq!(surface_of(&session, "lh.thickness"), "lh.pial");
}

#[test]
fn data_before_its_mesh_in_one_batch_still_lands_on_it() {
    let mut session = Session::default();
    let results = session.apply(
        vec![Ok(scalars("values", 5)), Ok(mesh("mesh", 5, None))],
        None,
    );
    assert!(matches!(results[0], Ok(Applied::Overlay(_))), "{results:?}");
    assert_eq!(surface_of(&session, "values"), "mesh");
}

#[test]
fn data_goes_on_a_surface_it_fits_else_an_error_names_the_file_and_counts() {
    let mut session = Session::default();
    session.apply(
        vec![Ok(mesh("small", 4, None)), Ok(mesh("big", 7, None))],
        None,
    );
    session.apply(vec![Ok(scalars("fits_small", 4))], None);
    assert_eq!(surface_of(&session, "fits_small"), "small");
    let results = session.apply(vec![Ok(scalars("fits_none", 9))], None);
    let message = results[0].as_ref().unwrap_err();
    assert!(
        message.contains("fits_none") && message.contains('9') && message.contains('7'),
        "{message}"
    );
}

#[test]
fn the_selected_surface_wins_among_equals() {
    let mut session = Session::default();
    session.apply(
        vec![Ok(mesh("first", 5, None)), Ok(mesh("second", 5, None))],
        None,
    );
    let first = session.scene.surfaces[0].id;
    session.apply(vec![Ok(scalars("chosen", 5))], Some(first));
    assert_eq!(surface_of(&session, "chosen"), "first");
    session.apply(vec![Ok(scalars("newest", 5))], None);
    assert_eq!(surface_of(&session, "newest"), "second");
}

#[test]
fn removing_a_surface_removes_its_overlays_and_ids_are_not_reused() {
    let mut session = Session::default();
    session.apply(
        vec![Ok(mesh("mesh", 5, None)), Ok(scalars("values", 5))],
        None,
    );
    let surface = session.scene.surfaces[0].id;
    let overlay = session.scene.surfaces[0].overlays[0].id;
    session.remove(surface);
    assert!(session.scene.surfaces.is_empty());
    assert!(session.overlay_data(overlay).is_none());
    session.apply(vec![Ok(mesh("again", 5, None))], None);
    assert!(session.scene.surfaces[0].id > overlay);
}

#[test]
fn a_saved_scene_loads_back_with_its_settings() {
    let dir = tempfile::tempdir().unwrap();
    let data = |n: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(n)
    };
    let mut session = Session::default();
    for r in session.open_files(&[
        data("fsaverage5/pial_left.gii.gz"),
        data("test.annot"),
        data("fsaverage5/thick_left.gii.gz"),
    ]) {
        r.unwrap();
    }
    session.scene.surfaces[0].overlays[1].opacity = 0.5;
    session.scene.surfaces[0].overlays[1].colormap = glia::model::Colormap::Viridis;
    let path = dir.path().join("s.toml");
    std::fs::write(&path, session.scene.to_toml().unwrap()).unwrap();

    let scene = glia::model::Scene::from_toml(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let (loaded, errors) = glia::session::load_scene(scene, &|_| {});
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(loaded.scene, session.scene);
    let annot = loaded.scene.surfaces[0].overlays[0].id;
    assert!(!loaded.is_scalar_overlay(annot), "the annotation is labels");
}
