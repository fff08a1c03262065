//! Stanford PLY meshes (`.ply`) in all three encodings: `ascii`, `binary_little_endian` and
//! `binary_big_endian`.
//!
//! Reads the `vertex` element's `x`, `y`, `z` (any numeric type) and the `face` element's
//! `vertex_indices`/`vertex_index` list (any count and index types), fan-triangulating polygons.
//! Other per-vertex scalar properties (curvature, thickness, quality …) become scalar overlays.
//!
//! What it does not do: colours, normals and texture coordinates are skipped, as are other
//! elements (edges, materials) and other face properties.

use std::path::Path;

use glam::Vec3;

use super::{ArrayInfo, FormatError, Loaded, surface_arrays};
use crate::model::{Overlay, OverlayData, Surface};

/// Reads a PLY file into one surface plus any extra per-vertex properties as overlays.
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse(&bytes, &name).map_err(|p| FormatError::invalid(path, p))
}

/// Parses a whole PLY file held in memory.
pub fn parse(bytes: &[u8], name: &str) -> Result<Loaded, String> {
    let (header, body_start) = parse_header(bytes)?;
    let body = &bytes[body_start..];
    let mut mesh = Mesh::new(&header);
    match header.encoding {
        Encoding::Ascii => read_ascii(body, &header, &mut mesh)?,
        Encoding::Binary { big_endian } => read_binary(body, &header, big_endian, &mut mesh)?,
    }
    mesh.into_loaded(name)
}

// ---------------------------------------------------------------------------------------------
// Header

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    F32,
    F64,
}

impl Scalar {
    fn parse(name: &str) -> Result<Scalar, String> {
        Ok(match name {
            "char" | "int8" => Scalar::I8,
            "uchar" | "uint8" => Scalar::U8,
            "short" | "int16" => Scalar::I16,
            "ushort" | "uint16" => Scalar::U16,
            "int" | "int32" => Scalar::I32,
            "uint" | "uint32" => Scalar::U32,
            "float" | "float32" => Scalar::F32,
            "double" | "float64" => Scalar::F64,
            other => return Err(format!("unknown property type \"{other}\"")),
        })
    }

    fn size(self) -> usize {
        match self {
            Scalar::I8 | Scalar::U8 => 1,
            Scalar::I16 | Scalar::U16 => 2,
            Scalar::I32 | Scalar::U32 | Scalar::F32 => 4,
            Scalar::F64 => 8,
        }
    }
}

#[derive(Clone, Debug)]
enum Property {
    Scalar {
        name: String,
        kind: Scalar,
    },
    List {
        name: String,
        count: Scalar,
        item: Scalar,
    },
}

#[derive(Clone, Debug)]
struct Element {
    name: String,
    count: usize,
    properties: Vec<Property>,
}

impl Element {
    /// Bytes one record takes at least (lists counted as empty).
    fn min_record_bytes(&self) -> usize {
        self.properties
            .iter()
            .map(|p| match p {
                Property::Scalar { kind, .. } => kind.size(),
                Property::List { count, .. } => count.size(),
            })
            .sum()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Ascii,
    Binary { big_endian: bool },
}

struct Header {
    encoding: Encoding,
    elements: Vec<Element>,
}

/// Parses the header; returns it and the offset of the first body byte.
fn parse_header(bytes: &[u8]) -> Result<(Header, usize), String> {
    if !bytes.starts_with(b"ply") {
        return Err("not a PLY file (it does not start with \"ply\")".into());
    }
    let mut encoding = None;
    let mut elements: Vec<Element> = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &bytes[pos..];
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("truncated: the header has no end_header line")?;
        let line = String::from_utf8_lossy(&rest[..end]);
        pos += end + 1;
        let fields: Vec<&str> = line.split_ascii_whitespace().collect();
        match fields.as_slice() {
            ["end_header"] => break,
            ["format", kind, _version] => {
                encoding = Some(match *kind {
                    "ascii" => Encoding::Ascii,
                    "binary_little_endian" => Encoding::Binary { big_endian: false },
                    "binary_big_endian" => Encoding::Binary { big_endian: true },
                    other => return Err(format!("unknown PLY format \"{other}\"")),
                })
            }
            ["element", name, count] => elements.push(Element {
                name: name.to_string(),
                count: count
                    .parse()
                    .map_err(|_| format!("element {name} has an invalid count \"{count}\""))?,
                properties: Vec::new(),
            }),
            ["property", "list", count, item, name] => last_element(&mut elements)?
                .properties
                .push(Property::List {
                    name: name.to_string(),
                    count: Scalar::parse(count)?,
                    item: Scalar::parse(item)?,
                }),
            ["property", kind, name] => {
                last_element(&mut elements)?
                    .properties
                    .push(Property::Scalar {
                        name: name.to_string(),
                        kind: Scalar::parse(kind)?,
                    })
            }
            [] | ["ply"] | ["comment", ..] | ["obj_info", ..] => {}
            _ => return Err(format!("unexpected header line \"{}\"", line.trim())),
        }
    }
    let encoding = encoding.ok_or("the header has no format line")?;
    Ok((Header { encoding, elements }, pos))
}

fn last_element(elements: &mut [Element]) -> Result<&mut Element, String> {
    elements
        .last_mut()
        .ok_or_else(|| "a property comes before any element".to_owned())
}

// ---------------------------------------------------------------------------------------------
// What we collect

/// Vertex properties that describe appearance or geometry, not data to show.
const NOT_OVERLAYS: [&str; 17] = [
    "x", "y", "z", "nx", "ny", "nz", "red", "green", "blue", "alpha", "r", "g", "b", "a", "u", "v",
    "s",
];

fn is_overlay(name: &str) -> bool {
    !NOT_OVERLAYS.contains(&name)
        && !name.starts_with("texture_")
        && !name.starts_with("diffuse_")
        && name != "t"
}

/// What a vertex property is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Coordinate(usize),
    Overlay(usize),
    Skip,
}

struct Mesh {
    positions: Vec<Vec3>,
    triangles: Vec<[u32; 3]>,
    /// The role of each property of the `vertex` element.
    roles: Vec<Role>,
    /// (property name, values) for each extra scalar vertex property.
    extra: Vec<(String, Vec<f32>)>,
    polygon: Vec<u32>,
}

impl Mesh {
    fn new(header: &Header) -> Mesh {
        let mut extra = Vec::new();
        let properties = header
            .elements
            .iter()
            .find(|e| e.name == "vertex")
            .map(|e| e.properties.as_slice())
            .unwrap_or_default();
        let roles = properties
            .iter()
            .map(|p| match p {
                Property::Scalar { name, .. } => match name.as_str() {
                    "x" => Role::Coordinate(0),
                    "y" => Role::Coordinate(1),
                    "z" => Role::Coordinate(2),
                    other if is_overlay(other) => {
                        extra.push((other.to_owned(), Vec::new()));
                        Role::Overlay(extra.len() - 1)
                    }
                    _ => Role::Skip,
                },
                Property::List { .. } => Role::Skip,
            })
            .collect();
        Mesh {
            positions: Vec::new(),
            triangles: Vec::new(),
            roles,
            extra,
            polygon: Vec::new(),
        }
    }

    /// Takes one vertex record, given as (property index, value) pairs.
    fn vertex(&mut self, values: &[(usize, f64)]) -> Result<(), String> {
        let mut xyz = [None; 3];
        for &(index, value) in values {
            match self.roles[index] {
                Role::Coordinate(axis) => xyz[axis] = Some(value as f32),
                Role::Overlay(k) => self.extra[k].1.push(value as f32),
                Role::Skip => {}
            }
        }
        match xyz {
            [Some(x), Some(y), Some(z)] => {
                self.positions.push(Vec3::new(x, y, z));
                Ok(())
            }
            _ => Err("the vertex element has no x, y and z properties".into()),
        }
    }

    fn face(&mut self) -> Result<(), String> {
        if self.polygon.len() < 3 {
            return Err(format!(
                "face {} has {} vertices; a face needs at least 3",
                self.triangles.len(),
                self.polygon.len()
            ));
        }
        super::mesh_obj::fan(&self.polygon, &mut self.triangles);
        Ok(())
    }

    fn into_loaded(self, name: &str) -> Result<Loaded, String> {
        let surface = Surface {
            name: name.to_owned(),
            positions: self.positions,
            triangles: self.triangles,
            hemisphere: Surface::hemisphere_from_name(name),
        };
        surface.validate()?;
        let n = surface.n_vertices();
        let mut arrays = surface_arrays(&surface);
        let mut overlays = Vec::new();
        for (property, values) in self.extra {
            arrays.push(ArrayInfo::of_values(
                &format!("vertex property {property}"),
                vec![n],
                &values,
            ));
            overlays.push(Overlay {
                name: format!("{name}: {property}"),
                data: OverlayData::Scalar {
                    n_vertices: n,
                    n_frames: 1,
                    values,
                },
            });
        }
        Ok(Loaded {
            surface: Some(surface),
            overlays,
            arrays,
            ..Default::default()
        })
    }
}

fn is_face_list(element: &Element, property: &Property) -> bool {
    element.name == "face"
        && matches!(property, Property::List { name, .. } if name == "vertex_indices" || name == "vertex_index")
}

fn index(value: f64) -> Result<u32, String> {
    if value >= 0.0 && value <= u32::MAX as f64 && value.fract() == 0.0 {
        Ok(value as u32)
    } else {
        Err(format!("invalid vertex index {value}"))
    }
}

// ---------------------------------------------------------------------------------------------
// ASCII body

fn read_ascii(body: &[u8], header: &Header, mesh: &mut Mesh) -> Result<(), String> {
    let text = std::str::from_utf8(body).map_err(|_| "the ASCII body is not text".to_owned())?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let mut values = Vec::new();
    for element in &header.elements {
        // Each record takes at least one line: a lying count fails before anything is kept.
        if element.count > body.len() {
            return Err(truncated(element, body.len() / 2));
        }
        if element.name == "vertex" {
            mesh.positions.reserve(element.count);
        }
        for record in 0..element.count {
            let line = lines.next().ok_or_else(|| truncated(element, record))?;
            let mut tokens = line.split_ascii_whitespace().map(|t| {
                t.parse::<f64>()
                    .map_err(|_| format!("{} {record}: \"{t}\" is not a number", element.name))
            });
            let mut next = || {
                tokens
                    .next()
                    .ok_or_else(|| format!("{} {record}: too few values", element.name))?
            };
            values.clear();
            mesh.polygon.clear();
            for (i, property) in element.properties.iter().enumerate() {
                match property {
                    Property::Scalar { .. } => values.push((i, next()?)),
                    Property::List { .. } => {
                        let count = next()?;
                        let keep = is_face_list(element, property);
                        for _ in 0..list_length(count)? {
                            let v = next()?;
                            if keep {
                                mesh.polygon.push(index(v)?);
                            }
                        }
                    }
                }
            }
            store(element, &values, mesh)?;
        }
    }
    Ok(())
}

fn list_length(count: f64) -> Result<usize, String> {
    if count >= 0.0 && count.fract() == 0.0 && count < 1e6 {
        Ok(count as usize)
    } else {
        Err(format!("invalid list length {count}"))
    }
}

fn truncated(element: &Element, holds: usize) -> String {
    format!(
        "truncated: header promises {} {} records, data holds {holds}",
        element.count, element.name
    )
}

fn store(element: &Element, values: &[(usize, f64)], mesh: &mut Mesh) -> Result<(), String> {
    match element.name.as_str() {
        "vertex" => mesh.vertex(values),
        "face" => mesh.face(),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Binary body

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
    big_endian: bool,
}

impl Cursor<'_> {
    fn scalar(&mut self, kind: Scalar) -> Option<f64> {
        let size = kind.size();
        let raw = self.bytes.get(self.pos..self.pos + size)?;
        self.pos += size;
        let mut b = [0u8; 8];
        b[..size].copy_from_slice(raw);
        if self.big_endian {
            b[..size].reverse();
        }
        Some(match kind {
            Scalar::I8 => b[0] as i8 as f64,
            Scalar::U8 => b[0] as f64,
            Scalar::I16 => i16::from_le_bytes([b[0], b[1]]) as f64,
            Scalar::U16 => u16::from_le_bytes([b[0], b[1]]) as f64,
            Scalar::I32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Scalar::U32 => u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Scalar::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64,
            Scalar::F64 => f64::from_le_bytes(b),
        })
    }
}

fn read_binary(
    body: &[u8],
    header: &Header,
    big_endian: bool,
    mesh: &mut Mesh,
) -> Result<(), String> {
    let mut c = Cursor {
        bytes: body,
        pos: 0,
        big_endian,
    };
    let mut values = Vec::new();
    for element in &header.elements {
        let remaining = body.len() - c.pos;
        let min_bytes = element.min_record_bytes().max(1);
        if element.count.saturating_mul(min_bytes) > remaining {
            return Err(truncated(element, remaining / min_bytes));
        }
        if element.name == "vertex" {
            mesh.positions.reserve(element.count);
        }
        for record in 0..element.count {
            let short = || truncated(element, record);
            values.clear();
            mesh.polygon.clear();
            for (i, property) in element.properties.iter().enumerate() {
                match property {
                    Property::Scalar { kind, .. } => {
                        values.push((i, c.scalar(*kind).ok_or_else(short)?))
                    }
                    Property::List { count, item, .. } => {
                        let n = list_length(c.scalar(*count).ok_or_else(short)?)?;
                        let keep = is_face_list(element, property);
                        for _ in 0..n {
                            let v = c.scalar(*item).ok_or_else(short)?;
                            if keep {
                                mesh.polygon.push(index(v)?);
                            }
                        }
                    }
                }
            }
            store(element, &values, mesh)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASCII: &str = "ply\nformat ascii 1.0\ncomment made by hand\nelement vertex 4\n\
        property float x\nproperty float y\nproperty float z\nproperty uchar red\nproperty float quality\n\
        element face 1\nproperty list uchar int vertex_indices\nproperty int flags\nend_header\n\
        0 0 0 255 0.5\n1 0 0 0 1.5\n1 1 0 0 2.5\n0 1 0 0 3.5\n4 0 1 2 3 7\n";

    /// The same mesh in binary, with mixed types: double x, short y, float z; ushort list count,
    /// uint indices; plus an edge element to skip.
    fn binary(big: bool) -> Vec<u8> {
        let mut b = format!(
            "ply\r\nformat binary_{}_endian 1.0\r\nelement vertex 4\r\nproperty double x\r\nproperty short y\r\n\
             property float z\r\nproperty float quality\r\nelement edge 1\r\nproperty int vertex1\r\n\
             property int vertex2\r\nelement face 1\r\nproperty list ushort uint vertex_index\r\nend_header\r\n",
            if big { "big" } else { "little" }
        )
        .into_bytes();
        let e = |bytes: &[u8]| {
            let mut v = bytes.to_vec();
            if big {
                v.reverse();
            }
            v
        };
        for (i, [x, y]) in [[0, 0], [1, 0], [1, 1], [0, 1]].iter().enumerate() {
            b.extend(e(&(*x as f64).to_le_bytes()));
            b.extend(e(&(*y as i16).to_le_bytes()));
            b.extend(e(&0f32.to_le_bytes()));
            b.extend(e(&(i as f32 + 0.5).to_le_bytes()));
        }
        b.extend(e(&0i32.to_le_bytes()));
        b.extend(e(&1i32.to_le_bytes()));
        b.extend(e(&4u16.to_le_bytes()));
        for i in 0..4u32 {
            b.extend(e(&i.to_le_bytes()));
        }
        b
    }

    fn check(loaded: &Loaded) {
        let s = loaded.surface.as_ref().unwrap();
        assert_eq!(s.positions[2], Vec3::new(1.0, 1.0, 0.0));
        assert_eq!(s.triangles, vec![[0, 1, 2], [0, 2, 3]]);
        assert_eq!(loaded.overlays.len(), 1, "colours are not overlays");
        assert!(matches!(&loaded.overlays[0].data,
            OverlayData::Scalar { values, .. } if values == &[0.5, 1.5, 2.5, 3.5]));
    }

    #[test]
    fn three_encodings_agree() {
        check(&parse(ASCII.as_bytes(), "m.ply").unwrap());
        check(&parse(&binary(false), "m.ply").unwrap());
        check(&parse(&binary(true), "m.ply").unwrap());
    }

    #[test]
    fn truncated_and_corrupt() {
        for big in [false, true] {
            let b = binary(big);
            for cut in [3, 40, b.len() - 60, b.len() - 1] {
                assert!(parse(&b[..cut], "m.ply").is_err(), "cut at {cut}");
            }
        }
        let err = |t: &str| parse(t.as_bytes(), "m.ply").unwrap_err();
        assert!(
            err(&ASCII[..ASCII.len() - 12])
                .contains("truncated: header promises 1 face records, data holds 0")
        );
        assert!(err(&ASCII.replace("4 0 1 2 3", "4 0 1 2 9")).contains("refers to vertex 9"));
        assert!(
            err(&ASCII.replace("1 1 0 0 2.5", "1 one 0 0 2.5")).contains("\"one\" is not a number")
        );
        assert!(
            err(&ASCII.replace("element vertex 4", "element vertex 99999999999"))
                .contains("truncated")
        );
        assert!(err(&ASCII.replace("float x", "quad x")).contains("unknown property type"));
        assert!(err("solid x\n").contains("not a PLY"));
        let mut lying = binary(false);
        let text = String::from_utf8_lossy(&lying[..60]).replace("vertex 4", "vertex 9");
        lying.splice(..60, text.bytes());
        assert!(parse(&lying, "m.ply").unwrap_err().contains("truncated"));
    }
}
