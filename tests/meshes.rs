//! OBJ, PLY and STL readers on a real mesh: nilearn's fsaverage5 left pial surface (from its
//! GIfTI, checked against nibabel in tests/gifti.rs) is written out in each format here, read
//! back, and must give the same mesh.

use std::fmt::Write as _;
use std::path::Path;

use glia::formats::{gifti, mesh_obj, mesh_ply, mesh_stl};
use glia::model::{OverlayData, Surface};

fn pial() -> Surface {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fsaverage5/pial_left.gii.gz");
    gifti::read(&path).unwrap().surface.unwrap()
}

#[test]
fn obj_with_quads_and_negative_indices() {
    let s = pial();
    let mut text = String::from("# fsaverage5 pial\no pial\n");
    for p in &s.positions {
        writeln!(text, "v {} {} {}", p.x, p.y, p.z).unwrap();
    }
    writeln!(text, "vn 0 0 1").unwrap();
    for t in &s.triangles {
        writeln!(text, "f {}//1 {}//1 {}//1", t[0] + 1, t[1] + 1, t[2] + 1).unwrap();
    }
    let n = s.n_vertices() as i64;
    writeln!(text, "f -{} -{} -{} -{}", n, n - 1, n - 2, n - 3).unwrap(); // a quad at the start
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lh.pial.obj");
    std::fs::write(&path, text).unwrap();
    let back = mesh_obj::read(&path).unwrap().surface.unwrap();
    assert_eq!(back.positions, s.positions);
    assert_eq!(back.triangles[..s.n_faces()], s.triangles[..]);
    assert_eq!(back.triangles[s.n_faces()..], [[0, 1, 2], [0, 2, 3]]);
}

#[test]
fn binary_ply_with_a_scalar_property() {
    let s = pial();
    let mut bytes = format!(
        "ply\nformat binary_big_endian 1.0\nelement vertex {}\nproperty float x\nproperty float y\n\
         property float z\nproperty uchar red\nproperty float depth\nelement face {}\n\
         property list uchar int vertex_indices\nend_header\n",
        s.n_vertices(),
        s.n_faces()
    )
    .into_bytes();
    for (i, p) in s.positions.iter().enumerate() {
        for c in p.to_array() {
            bytes.extend(c.to_be_bytes());
        }
        bytes.push(200);
        bytes.extend((i as f32).to_be_bytes());
    }
    for t in &s.triangles {
        bytes.push(3);
        for &v in t {
            bytes.extend((v as i32).to_be_bytes());
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pial.ply");
    std::fs::write(&path, &bytes).unwrap();
    let loaded = mesh_ply::read(&path).unwrap();
    let back = loaded.surface.as_ref().unwrap();
    assert_eq!(back.positions, s.positions);
    assert_eq!(back.triangles, s.triangles);
    let OverlayData::Scalar {
        n_vertices, values, ..
    } = &loaded.overlays[0].data
    else {
        panic!("not scalar")
    };
    assert_eq!(*n_vertices, 10242);
    assert_eq!(values[10241], 10241.0);
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    assert!(mesh_ply::read(&path).is_err());
}

#[test]
fn binary_stl_welds_back_to_the_indexed_mesh() {
    let s = pial();
    let mut bytes = vec![0u8; 80];
    bytes.extend((s.n_faces() as u32).to_le_bytes());
    for t in &s.triangles {
        bytes.extend([0u8; 12]);
        for &v in t {
            for c in s.positions[v as usize].to_array() {
                bytes.extend(c.to_le_bytes());
            }
        }
        bytes.extend([0u8; 2]);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pial.stl");
    std::fs::write(&path, &bytes).unwrap();
    let back = mesh_stl::read(&path).unwrap().surface.unwrap();
    // Welding numbers vertices in order of first use: compare triangle by triangle.
    assert_eq!(back.n_vertices(), s.n_vertices());
    assert_eq!(back.n_faces(), s.n_faces());
    for (a, b) in back.triangles.iter().zip(&s.triangles) {
        for k in 0..3 {
            assert_eq!(back.positions[a[k] as usize], s.positions[b[k] as usize]);
        }
    }
}
