//! Wavefront OBJ meshes (`.obj`): `v` positions and `f` faces in every index form (`a`, `a/t`,
//! `a//n`, `a/t/n`, negative indices counting back from the last vertex), polygons fan-triangulated.
//!
//! What it does not do: texture coordinates, normals, materials, groups, lines, curves and vertex
//! colours are skipped; all groups become one surface.

use std::path::Path;

use glam::Vec3;

use super::{FormatError, Loaded, surface_arrays};
use crate::model::Surface;

/// Reads an OBJ file into one surface.
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let surface = parse(&bytes, &name).map_err(|p| FormatError::invalid(path, p))?;
    Ok(Loaded {
        arrays: surface_arrays(&surface),
        surface: Some(surface),
        ..Default::default()
    })
}

/// Parses OBJ text into a validated surface.
pub fn parse(bytes: &[u8], name: &str) -> Result<Surface, String> {
    let mut positions = Vec::new();
    let mut triangles = Vec::new();
    let mut polygon = Vec::new();
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = std::str::from_utf8(raw)
            .map_err(|_| format!("line {}: not text (is this really an OBJ file?)", i + 1))?;
        let mut fields = line.split_ascii_whitespace();
        let result = match fields.next() {
            Some("v") => vertex(fields).map(|v| positions.push(v)),
            Some("f") => {
                face(fields, positions.len(), &mut polygon).map(|()| fan(&polygon, &mut triangles))
            }
            _ => Ok(()),
        };
        result.map_err(|problem| format!("line {}: {problem}", i + 1))?;
    }
    if positions.is_empty() {
        return Err("no vertices (`v` lines) found: not an OBJ mesh".into());
    }
    let surface = Surface {
        name: name.to_owned(),
        positions,
        triangles,
        hemisphere: Surface::hemisphere_from_name(name),
    };
    surface.validate()?;
    Ok(surface)
}

fn vertex<'a>(mut fields: impl Iterator<Item = &'a str>) -> Result<Vec3, String> {
    let mut coordinate = || -> Result<f32, String> {
        let text = fields.next().ok_or("a vertex needs x, y and z")?;
        text.parse()
            .map_err(|_| format!("\"{text}\" is not a number"))
    };
    Ok(Vec3::new(coordinate()?, coordinate()?, coordinate()?))
}

/// Resolves a face's vertex references (1-based, or negative counting back) into `polygon`.
fn face<'a>(
    fields: impl Iterator<Item = &'a str>,
    n_vertices: usize,
    polygon: &mut Vec<u32>,
) -> Result<(), String> {
    polygon.clear();
    for field in fields {
        let text = field.split('/').next().unwrap_or_default();
        let index: i64 = text
            .parse()
            .map_err(|_| format!("\"{field}\" is not a vertex reference"))?;
        let resolved = match index {
            0 => return Err("vertex references start at 1, not 0".into()),
            i if i > 0 => i - 1,
            i => n_vertices as i64 + i,
        };
        let resolved = u32::try_from(resolved)
            .map_err(|_| format!("vertex reference {index} points before the first vertex"))?;
        polygon.push(resolved);
    }
    if polygon.len() < 3 {
        return Err(format!(
            "a face needs at least 3 vertices, this one has {}",
            polygon.len()
        ));
    }
    Ok(())
}

/// Splits a convex polygon into triangles sharing its first vertex.
pub(crate) fn fan(polygon: &[u32], triangles: &mut Vec<[u32; 3]>) {
    for k in 1..polygon.len().saturating_sub(1) {
        triangles.push([polygon[0], polygon[k], polygon[k + 1]]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_face_forms_and_negative_indices() {
        let text = "# a square and a triangle\nmtllib x.mtl\nv 0 0 0\nv 1 0 0\nv 1 1 0\r\nv 0 1 0 1.0\n\
                    vt 0 0\nvn 0 0 1\ng square\nf 1/1/1 2/1/1 3//1 4\nf -4 -3 -1\ns off\n";
        let s = parse(text.as_bytes(), "lh.test.obj").unwrap();
        assert_eq!(s.n_vertices(), 4);
        assert_eq!(s.triangles, vec![[0, 1, 2], [0, 2, 3], [0, 1, 3]]);
        assert_eq!(s.hemisphere, Some(crate::model::Hemisphere::Left));
    }

    #[test]
    fn bad_files_are_errors() {
        let err = |t: &str| parse(t.as_bytes(), "x.obj").unwrap_err();
        assert!(err("v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 4\n").contains("refers to vertex 3"));
        assert!(err("v 0 0 0\nf 0 1 2\n").contains("line 2: vertex references start at 1"));
        assert!(err("v 0 0 0\nf -2 1 1\n").contains("before the first vertex"));
        assert!(err("v 0 0\n").contains("x, y and z"));
        assert!(err("v 0 zero 0\n").contains("\"zero\" is not a number"));
        assert!(err("v 0 0 0\nf 1 1\n").contains("at least 3"));
        assert!(err("hello\n").contains("no vertices"));
        assert!(
            parse(b"v 0 0 0\n\xff\xfe", "x")
                .unwrap_err()
                .contains("not text")
        );
        assert!(err("v nan 0 0\n").contains("non-finite"));
    }
}
