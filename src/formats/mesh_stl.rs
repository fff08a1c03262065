//! STL meshes (`.stl`), binary and ASCII. STL stores every triangle with its own three corners;
//! corners at identical positions are welded into one vertex so the result is an indexed mesh
//! whose normals can be smoothed.
//!
//! A file is binary when its length is exactly 84 + 50 × the triangle count in its header (some
//! binary files also start with "solid"), else ASCII if it starts with "solid".
//!
//! What it does not do: facet normals and the binary attribute bytes (colour extensions) are
//! ignored; normals are recomputed from the geometry downstream.

use std::collections::HashMap;
use std::path::Path;

use glam::Vec3;

use super::{FormatError, Loaded, surface_arrays};
use crate::model::Surface;

/// Reads an STL file into one welded surface.
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

/// Whether these bytes are a binary STL (length matches the triangle count).
pub fn is_binary(bytes: &[u8]) -> bool {
    binary_count(bytes).is_some_and(|n| bytes.len() as u64 == 84 + 50 * n as u64)
}

fn binary_count(bytes: &[u8]) -> Option<u32> {
    let b = bytes.get(80..84)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Parses STL bytes (either encoding) into a validated, welded surface.
pub fn parse(bytes: &[u8], name: &str) -> Result<Surface, String> {
    let corners = if is_binary(bytes) {
        binary_corners(bytes)?
    } else if bytes.trim_ascii_start().starts_with(b"solid") {
        ascii_corners(bytes)?
    } else {
        return Err(match binary_count(bytes) {
            Some(n) => format!(
                "truncated: header promises {n} triangles ({} bytes), file holds {} bytes",
                84 + 50 * n as u64,
                bytes.len()
            ),
            None => "not an STL file (too short, and no \"solid\" line)".into(),
        });
    };
    if corners.is_empty() {
        return Err("the STL holds no triangles".into());
    }
    let surface = weld(&corners, name);
    surface.validate()?;
    Ok(surface)
}

fn binary_corners(bytes: &[u8]) -> Result<Vec<Vec3>, String> {
    let records = &bytes[84..];
    let f = |b: &[u8], at: usize| f32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let mut corners = Vec::with_capacity(records.len() / 50 * 3);
    for record in records.chunks_exact(50) {
        for k in 0..3 {
            let at = 12 + 12 * k;
            corners.push(Vec3::new(
                f(record, at),
                f(record, at + 4),
                f(record, at + 8),
            ));
        }
    }
    Ok(corners)
}

/// Corners of every facet (`vertex x y z` lines), fan-triangulating facets with more than three.
fn ascii_corners(bytes: &[u8]) -> Result<Vec<Vec3>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "an ASCII STL must be text".to_owned())?;
    let mut corners = Vec::new();
    let mut facet: Vec<Vec3> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut fields = line.split_ascii_whitespace();
        match fields.next() {
            Some("vertex") => {
                let mut next = || -> Result<f32, String> {
                    let t = fields.next().ok_or("a vertex needs x, y and z")?;
                    t.parse().map_err(|_| format!("\"{t}\" is not a number"))
                };
                let v = (|| Ok::<_, String>(Vec3::new(next()?, next()?, next()?)))()
                    .map_err(|p| format!("line {}: {p}", i + 1))?;
                facet.push(v);
            }
            Some("endloop") | Some("endfacet") => close_facet(&mut facet, &mut corners, i)?,
            Some("endsolid") => return finish_ascii(facet, corners),
            _ => {}
        }
    }
    Err("truncated: the file ends before its endsolid line".into())
}

fn finish_ascii(facet: Vec<Vec3>, corners: Vec<Vec3>) -> Result<Vec<Vec3>, String> {
    if !facet.is_empty() {
        return Err("the last facet never ends".into());
    }
    Ok(corners)
}

fn close_facet(facet: &mut Vec<Vec3>, corners: &mut Vec<Vec3>, line: usize) -> Result<(), String> {
    if facet.is_empty() {
        return Ok(());
    }
    if facet.len() < 3 {
        return Err(format!(
            "line {}: a facet needs 3 vertices, this one has {}",
            line + 1,
            facet.len()
        ));
    }
    for k in 1..facet.len() - 1 {
        corners.extend([facet[0], facet[k], facet[k + 1]]);
    }
    facet.clear();
    Ok(())
}

/// Merges corners with bit-identical positions (−0 and +0 count as the same).
fn weld(corners: &[Vec3], name: &str) -> Surface {
    let key = |v: Vec3| v.to_array().map(|c| (c + 0.0).to_bits());
    let mut index: HashMap<[u32; 3], u32> = HashMap::with_capacity(corners.len() / 2);
    let mut positions = Vec::with_capacity(corners.len() / 2);
    let ids: Vec<u32> = corners
        .iter()
        .map(|&v| {
            *index.entry(key(v)).or_insert_with(|| {
                positions.push(v);
                (positions.len() - 1) as u32
            })
        })
        .collect();
    Surface {
        name: name.to_owned(),
        positions,
        triangles: ids.chunks_exact(3).map(|t| [t[0], t[1], t[2]]).collect(),
        hemisphere: Surface::hemisphere_from_name(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUAD: [[f32; 3]; 6] = [
        [0.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
        [1.0, 1.0, 0.0],
        [0.0, 0.0, 0.0],
        [1.0, 1.0, 0.0],
        [-0.0, 1.0, 0.0],
    ];

    fn binary(header: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; 80];
        b[..header.len()].copy_from_slice(header);
        b.extend(2u32.to_le_bytes());
        for t in QUAD.chunks(3) {
            b.extend([0u8; 12]);
            b.extend(t.iter().flatten().flat_map(|v| v.to_le_bytes()));
            b.extend([0u8; 2]);
        }
        b
    }

    fn ascii() -> String {
        let mut s = String::from("solid quad\n");
        for t in QUAD.chunks(3) {
            s += "  facet normal 0 0 1\n    outer loop\n";
            for v in t {
                s += &format!("      vertex {} {} {}\n", v[0], v[1], v[2]);
            }
            s += "    endloop\n  endfacet\n";
        }
        s + "endsolid quad\n"
    }

    #[test]
    fn binary_and_ascii_weld_to_the_same_mesh() {
        for bytes in [
            binary(b"binary"),
            binary(b"solid but really binary"),
            ascii().into_bytes(),
        ] {
            let s = parse(&bytes, "rh.stl").unwrap();
            assert_eq!(s.n_vertices(), 4, "shared corners are welded (−0 = +0)");
            assert_eq!(s.triangles, vec![[0, 1, 2], [0, 2, 3]]);
            assert_eq!(s.hemisphere, Some(crate::model::Hemisphere::Right));
        }
    }

    #[test]
    fn bad_files_are_errors() {
        let b = binary(b"x");
        for cut in [10, 83, 84, 100, b.len() - 1] {
            assert!(parse(&b[..cut], "x.stl").is_err(), "cut at {cut}");
        }
        let mut lying = binary(b"x");
        lying[80..84].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(
            parse(&lying, "x.stl")
                .unwrap_err()
                .contains("truncated: header promises 4294967295")
        );
        let text = ascii();
        for cut in [20, text.len() / 2, text.len() - 45] {
            assert!(parse(&text.as_bytes()[..cut], "x").is_err(), "cut at {cut}");
        }
        assert!(
            parse(
                text.replacen("vertex 1 0 0", "vertex 1 zero 0", 1)
                    .as_bytes(),
                "x"
            )
            .unwrap_err()
            .contains("not a number")
        );
        assert!(
            parse(
                text.replacen("vertex 1 0 0", "vertex nan 0 0", 1)
                    .as_bytes(),
                "x"
            )
            .unwrap_err()
            .contains("non-finite")
        );
    }
}
