//! FreeSurfer's own files: binary triangle surfaces (`lh.pial`, `lh.white`, `lh.inflated`,
//! `lh.sphere` …), per-vertex morphometry (`lh.curv`, `lh.sulc`, `lh.thickness`, `*.area`, in the
//! "new" format with magic 0xFFFFFF and the old 3-byte format), parcellations (`.annot`, old and
//! version-2 colour tables) and ASCII regions (`.label`).
//!
//! Everything is big-endian, as FreeSurfer writes it. Surface coordinates are returned as stored
//! (FreeSurfer's tkregister space), like nibabel's `read_geometry`; the optional volume-geometry
//! footer after the faces is skipped. Quad surfaces (magic 0xFFFFFF / 0xFFFFFD with quads) are
//! refused with an "unsupported" error: FreeSurfer has not written them for decades.
//!
//! What it does not do: `.annot` files without a colour table (as nibabel, an error), `.label`
//! coordinates (only the vertex numbers and values are kept), and gzipped FreeSurfer files.

use std::path::Path;

use glam::Vec3;

use super::{ArrayInfo, FormatError, Loaded};
use crate::model::{Label, LabelTable, Overlay, OverlayData, Surface};

/// What a FreeSurfer file holds, as recognised from its first bytes and name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FreeSurferKind {
    /// Triangle surface (magic 0xFFFFFE).
    Surface,
    /// Quad surface (magic 0xFFFFFF or 0xFFFFFD, not a curv file): recognised, not read.
    QuadSurface,
    /// Per-vertex values, "new" format (magic 0xFFFFFF).
    Curv,
    /// Per-vertex values, old format (3-byte vertex count, 16-bit values / 100).
    OldCurv,
    /// Parcellation (`.annot`).
    Annot,
    /// ASCII region (`.label`).
    Label,
}

const TRIANGLE_MAGIC: u32 = 0xFF_FFFE;
const NEW_CURV_OR_QUAD_MAGIC: u32 = 0xFF_FFFF;
const NEW_QUAD_MAGIC: u32 = 0xFF_FFFD;

/// Recognises a FreeSurfer file from its first bytes, total length and name; `None` if it is not
/// one. The old curv format has no magic number: it is recognised only when the name says curv
/// data (`lh.curv`, `*.sulc`, `*.thickness`, `*.area` …) and the length matches the header.
pub fn sniff(head: &[u8], file_len: u64, name: &str) -> Option<FreeSurferKind> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".annot") {
        return Some(FreeSurferKind::Annot);
    }
    if lower.ends_with(".label") && head.starts_with(b"#") {
        return Some(FreeSurferKind::Label);
    }
    let magic = (head.len() >= 3).then(|| u32::from_be_bytes([0, head[0], head[1], head[2]]))?;
    match magic {
        TRIANGLE_MAGIC => Some(FreeSurferKind::Surface),
        NEW_QUAD_MAGIC => Some(FreeSurferKind::QuadSurface),
        NEW_CURV_OR_QUAD_MAGIC => Some(if new_curv_length(head) == Some(file_len) {
            FreeSurferKind::Curv
        } else {
            FreeSurferKind::QuadSurface
        }),
        _ if looks_like_curv_name(&lower) && old_curv_length(head) == Some(file_len) => {
            Some(FreeSurferKind::OldCurv)
        }
        _ => None,
    }
}

/// File names FreeSurfer gives per-vertex data (`lh.curv`, `rh.sulc`, `lh.thickness`,
/// `lh.area.pial`, `lh.jacobian_white`, `subj.curv` …).
pub fn looks_like_curv_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    const MEASURES: [&str; 7] = [
        "curv",
        "sulc",
        "thickness",
        "area",
        "volume",
        "jacobian",
        "avg_curv",
    ];
    base.split('.')
        .skip(1)
        .chain(base.split('.').take(1))
        .any(|part| {
            MEASURES
                .iter()
                .any(|m| part == *m || part.starts_with(&format!("{m}_")))
        })
}

/// File names FreeSurfer gives surfaces (`lh.pial`, `rh.white`, `lh.inflated`, `lh.sphere.reg` …).
pub fn looks_like_surface_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    const SURFACES: [&str; 9] = [
        "pial",
        "white",
        "inflated",
        "sphere",
        "orig",
        "smoothwm",
        "midthickness",
        "graymid",
        "qsphere",
    ];
    (base.starts_with("lh.") || base.starts_with("rh."))
        && base
            .split('.')
            .nth(1)
            .is_some_and(|s| SURFACES.iter().any(|k| s.starts_with(k)))
}

/// Reads any FreeSurfer file [`sniff`] recognises.
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let name = file_name(path);
    let kind = sniff(&bytes, bytes.len() as u64, &name)
        .or_else(|| looks_like_curv_name(&name).then_some(FreeSurferKind::OldCurv));
    let result = match kind {
        Some(FreeSurferKind::Surface) => parse_surface(&bytes, &name),
        Some(FreeSurferKind::QuadSurface) => {
            return Err(FormatError::unsupported(
                path,
                "FreeSurfer quad surfaces are not supported (convert with `mris_convert` to a triangle surface)",
            ));
        }
        Some(FreeSurferKind::Curv) => parse_new_curv(&bytes, &name),
        Some(FreeSurferKind::OldCurv) => parse_old_curv(&bytes, &name),
        Some(FreeSurferKind::Annot) => parse_annot(&bytes, &name),
        Some(FreeSurferKind::Label) => parse_label(&bytes, &name),
        None => {
            return Err(FormatError::unsupported(
                path,
                "not a FreeSurfer surface, curv, .annot or .label file",
            ));
        }
    };
    result.map_err(|problem| FormatError::invalid(path, problem))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

// ---------------------------------------------------------------------------------------------
// Big-endian cursor

/// Reads big-endian fields, failing with a message instead of running off the end.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Cursor { bytes, pos: 0 }
    }

    fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        if n > self.remaining() {
            return Err(format!(
                "truncated: {what} needs {n} bytes, only {} remain",
                self.remaining()
            ));
        }
        let out = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn i32(&mut self, what: &str) -> Result<i32, String> {
        let b = self.take(4, what)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u24(&mut self, what: &str) -> Result<u32, String> {
        let b = self.take(3, what)?;
        Ok(u32::from_be_bytes([0, b[0], b[1], b[2]]))
    }

    /// A count (non-negative) whose `item_bytes`-sized items must fit in what remains.
    fn count(&mut self, what: &str, item_bytes: usize) -> Result<usize, String> {
        let n = self.i32(what)?;
        let n = usize::try_from(n).map_err(|_| format!("negative {what} ({n})"))?;
        if n.saturating_mul(item_bytes) > self.remaining() {
            return Err(format!(
                "truncated: header promises {n} {what}, data holds {}",
                self.remaining() / item_bytes.max(1)
            ));
        }
        Ok(n)
    }

    /// A length-prefixed, NUL-padded string.
    fn string(&mut self, what: &str) -> Result<String, String> {
        let n = self.count(what, 1)?;
        let raw = self.take(n, what)?;
        let end = raw.iter().position(|&b| b == 0).unwrap_or(raw.len());
        Ok(String::from_utf8_lossy(&raw[..end]).into_owned())
    }

    fn f32s(&mut self, n: usize, what: &str) -> Result<impl Iterator<Item = f32> + 'a, String> {
        let raw = self.take(n * 4, what)?;
        Ok(raw
            .chunks_exact(4)
            .map(|b| f32::from_be_bytes([b[0], b[1], b[2], b[3]])))
    }
}

// ---------------------------------------------------------------------------------------------
// Surfaces

fn parse_surface(bytes: &[u8], name: &str) -> Result<Loaded, String> {
    let mut c = Cursor::new(bytes);
    c.take(3, "magic number")?;
    skip_comment_lines(&mut c)?;
    let n_vertices = c.i32("vertex count")?;
    let n_faces = c.i32("face count")?;
    let (n_vertices, n_faces) = match (usize::try_from(n_vertices), usize::try_from(n_faces)) {
        (Ok(v), Ok(f)) => (v, f),
        _ => {
            return Err(format!(
                "invalid counts: {n_vertices} vertices, {n_faces} faces"
            ));
        }
    };
    let needed = (n_vertices as u64 + n_faces as u64) * 12;
    if needed > c.remaining() as u64 {
        return Err(format!(
            "truncated: header promises {n_vertices} vertices and {n_faces} triangles ({needed} bytes), data holds {} bytes",
            c.remaining()
        ));
    }
    let coords: Vec<f32> = c.f32s(n_vertices * 3, "vertices")?.collect();
    let positions: Vec<Vec3> = coords.chunks_exact(3).map(Vec3::from_slice).collect();
    let raw_faces = c.take(n_faces * 12, "triangles")?;
    let triangles: Vec<[u32; 3]> = raw_faces
        .chunks_exact(12)
        .map(|t| {
            std::array::from_fn(|k| {
                u32::from_be_bytes([t[4 * k], t[4 * k + 1], t[4 * k + 2], t[4 * k + 3]])
            })
        })
        .collect();
    // What follows (volume geometry, command history tags) is not needed to draw the surface.
    let surface = Surface {
        name: name.to_owned(),
        positions,
        triangles,
        hemisphere: Surface::hemisphere_from_name(name),
    };
    surface.validate()?;
    Ok(Loaded {
        arrays: super::surface_arrays(&surface),
        surface: Some(surface),
        ..Default::default()
    })
}

/// Skips "created by … on …\n\n" as nibabel does: two lines.
fn skip_comment_lines(c: &mut Cursor) -> Result<(), String> {
    for _ in 0..2 {
        let rest = &c.bytes[c.pos..];
        let end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("truncated: the comment line after the magic number never ends")?;
        c.pos += end + 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Curv ("morph data")

/// Length a new-format curv file with this header must have (3 + 12 + 4 per value).
fn new_curv_length(head: &[u8]) -> Option<u64> {
    let field = |at: usize| {
        head.get(at..at + 4)
            .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (n, per_vertex) = (field(3)?, field(11)?);
    (n >= 0 && per_vertex >= 1).then(|| 15 + 4 * n as u64 * per_vertex as u64)
}

/// Length an old-format curv file with this header must have (6 + 2 per value).
fn old_curv_length(head: &[u8]) -> Option<u64> {
    let n = u32::from_be_bytes([0, *head.first()?, *head.get(1)?, *head.get(2)?]);
    Some(6 + 2 * n as u64)
}

fn parse_new_curv(bytes: &[u8], name: &str) -> Result<Loaded, String> {
    let mut c = Cursor::new(bytes);
    c.take(3, "magic number")?;
    let n = c.i32("vertex count")?;
    c.i32("face count")?;
    let per_vertex = c.i32("values per vertex")?;
    if per_vertex != 1 {
        return Err(format!(
            "{per_vertex} values per vertex: only one value per vertex is supported"
        ));
    }
    let n = usize::try_from(n).map_err(|_| format!("negative vertex count ({n})"))?;
    if n * 4 > c.remaining() {
        return Err(format!(
            "truncated: header promises {n} values, data holds {}",
            c.remaining() / 4
        ));
    }
    let values: Vec<f32> = c.f32s(n, "values")?.collect();
    Ok(scalar_loaded(values, name))
}

fn parse_old_curv(bytes: &[u8], name: &str) -> Result<Loaded, String> {
    let mut c = Cursor::new(bytes);
    let n = c.u24("vertex count")? as usize;
    c.u24("face count")?;
    if n * 2 > c.remaining() {
        return Err(format!(
            "truncated: header promises {n} values, data holds {}",
            c.remaining() / 2
        ));
    }
    let raw = c.take(n * 2, "values")?;
    let values = raw
        .chunks_exact(2)
        .map(|b| i16::from_be_bytes([b[0], b[1]]) as f32 / 100.0)
        .collect();
    Ok(scalar_loaded(values, name))
}

fn scalar_loaded(values: Vec<f32>, name: &str) -> Loaded {
    Loaded {
        arrays: vec![ArrayInfo::of_values("shape", vec![values.len()], &values)],
        overlays: vec![Overlay {
            name: name.to_owned(),
            data: OverlayData::Scalar {
                n_vertices: values.len(),
                n_frames: 1,
                values,
            },
        }],
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Annotations

fn parse_annot(bytes: &[u8], name: &str) -> Result<Loaded, String> {
    let mut c = Cursor::new(bytes);
    let n = c.count("vertices", 8)?;
    let pairs = c.take(n * 8, "vertex labels")?;
    let has_table = c.i32("colour table flag")?;
    if has_table == 0 {
        return Err("the annotation has no colour table".into());
    }
    let entries = c.i32("colour table size")?;
    let table = if entries > 0 {
        old_colour_table(&mut c, entries as usize)?
    } else if entries == -2 {
        new_colour_table(&mut c)?
    } else {
        return Err(format!(
            "unsupported colour table version {} (expected 2)",
            -(entries as i64)
        ));
    };
    let keys = vertex_keys(pairs, n, &table)?;
    let values: Vec<f64> = pairs
        .chunks_exact(8)
        .map(|p| i32::from_be_bytes([p[4], p[5], p[6], p[7]]) as f64)
        .collect();
    Ok(Loaded {
        arrays: vec![ArrayInfo::of_values("label", vec![n], &values)],
        label_names: table.labels.iter().map(|l| l.name.clone()).collect(),
        overlays: vec![Overlay {
            name: name.to_owned(),
            data: OverlayData::Labels { keys, table },
        }],
        ..Default::default()
    })
}

/// The key of each vertex: its packed RGB value, or -1 for 0 (unlabelled, as nibabel) and for
/// values with no colour-table entry.
fn vertex_keys(pairs: &[u8], n: usize, table: &LabelTable) -> Result<Vec<i32>, String> {
    let known: std::collections::HashSet<i32> = table.labels.iter().map(|l| l.key).collect();
    let mut keys = vec![-1; n];
    for (i, p) in pairs.chunks_exact(8).enumerate() {
        let vertex = i32::from_be_bytes([p[0], p[1], p[2], p[3]]);
        let value = i32::from_be_bytes([p[4], p[5], p[6], p[7]]);
        let slot = usize::try_from(vertex)
            .ok()
            .and_then(|v| keys.get_mut(v))
            .ok_or_else(|| {
                format!("entry {i} names vertex {vertex}, but there are {n} vertices")
            })?;
        *slot = if value != 0 && known.contains(&value) {
            value
        } else {
            -1
        };
    }
    Ok(keys)
}

/// One colour-table entry: name, then R, G, B, T(ransparency) as 0–255 integers.
fn colour_entry(c: &mut Cursor) -> Result<Label, String> {
    let name = c.string("label name")?;
    let mut channel = || -> Result<i32, String> { Ok(c.i32("label colour")?.clamp(0, 255)) };
    let (r, g, b, t) = (channel()?, channel()?, channel()?, channel()?);
    Ok(Label {
        key: r + g * 256 + b * 65536,
        name,
        rgba: [
            r as f32 / 255.0,
            g as f32 / 255.0,
            b as f32 / 255.0,
            (255 - t) as f32 / 255.0,
        ],
    })
}

/// Smallest size of one entry (name length + four channels): bounds counts before allocating.
const MIN_ENTRY_BYTES: usize = 20;

fn old_colour_table(c: &mut Cursor, entries: usize) -> Result<LabelTable, String> {
    c.string("colour table file name")?;
    if entries.saturating_mul(MIN_ENTRY_BYTES) > c.remaining() {
        return Err(format!(
            "truncated: header promises {entries} colour table entries, data holds at most {}",
            c.remaining() / MIN_ENTRY_BYTES
        ));
    }
    let labels = (0..entries)
        .map(|_| colour_entry(c))
        .collect::<Result<_, _>>()?;
    Ok(LabelTable { labels })
}

fn new_colour_table(c: &mut Cursor) -> Result<LabelTable, String> {
    c.i32("largest label index")?;
    c.string("colour table file name")?;
    let entries = c.count("colour table entries", MIN_ENTRY_BYTES + 4)?;
    let labels = (0..entries)
        .map(|_| {
            c.i32("label index")?;
            colour_entry(c)
        })
        .collect::<Result<_, _>>()?;
    Ok(LabelTable { labels })
}

// ---------------------------------------------------------------------------------------------
// Labels (ASCII regions)

/// Colour of a `.label` region: a warm amber that reads well on grey curvature.
pub const LABEL_RGBA: [f32; 4] = [1.0, 0.72, 0.15, 1.0];

/// Reads `#comment`, a count line, then `vertex x y z value` lines. As nibabel, the lines present
/// are what counts (nilearn's test.label says 326 and holds 10).
fn parse_label(bytes: &[u8], name: &str) -> Result<Loaded, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "a .label file must be text".to_owned())?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or_default();
    if !first.starts_with('#') {
        return Err("a .label file starts with a #comment line".into());
    }
    let count_line = lines.next().unwrap_or_default().trim();
    count_line
        .parse::<u64>()
        .map_err(|_| format!("the second line should be the vertex count, not \"{count_line}\""))?;
    let mut vertices = Vec::new();
    let mut values = Vec::new();
    for (i, line) in lines.enumerate() {
        let (vertex, value) = label_line(line).ok_or_else(|| {
            format!(
                "line {}: expected `vertex x y z value`, found \"{}\"",
                i + 3,
                line.trim()
            )
        })?;
        vertices.push(vertex);
        values.push(value);
    }
    Ok(Loaded {
        arrays: vec![ArrayInfo::of_values("roi", vec![values.len()], &values)],
        overlays: vec![Overlay {
            name: name.to_owned(),
            data: OverlayData::Roi {
                vertices,
                values,
                rgba: LABEL_RGBA,
            },
        }],
        ..Default::default()
    })
}

fn label_line(line: &str) -> Option<(u32, f32)> {
    let mut fields = line.split_ascii_whitespace();
    let vertex = fields.next()?.parse().ok()?;
    let rest: Vec<&str> = fields.collect();
    if rest.len() != 4 || rest[..3].iter().any(|f| f.parse::<f32>().is_err()) {
        return None;
    }
    Some((vertex, rest[3].parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FreeSurfer triangle surface as `write_geometry` writes it.
    pub(crate) fn surface_bytes(positions: &[[f32; 3]], faces: &[[i32; 3]]) -> Vec<u8> {
        let mut b = vec![0xff, 0xff, 0xfe];
        b.extend_from_slice(b"created by test on today\n\n");
        b.extend((positions.len() as i32).to_be_bytes());
        b.extend((faces.len() as i32).to_be_bytes());
        b.extend(positions.iter().flatten().flat_map(|v| v.to_be_bytes()));
        b.extend(faces.iter().flatten().flat_map(|v| v.to_be_bytes()));
        b
    }

    fn curv_bytes(values: &[f32]) -> Vec<u8> {
        let mut b = vec![0xff, 0xff, 0xff];
        b.extend((values.len() as i32).to_be_bytes());
        b.extend(7i32.to_be_bytes());
        b.extend(1i32.to_be_bytes());
        b.extend(values.iter().flat_map(|v| v.to_be_bytes()));
        b
    }

    const TETRA: [[f32; 3]; 4] = [
        [0.0, 0.0, 0.0],
        [1.0, 0.0, 0.0],
        [0.0, 1.0, 0.0],
        [0.0, 0.0, 1.0],
    ];
    const FACES: [[i32; 3]; 4] = [[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]];

    #[test]
    fn surface_round_trip_with_footer() {
        let mut bytes = surface_bytes(&TETRA, &FACES);
        assert_eq!(
            sniff(&bytes, bytes.len() as u64, "lh.white"),
            Some(FreeSurferKind::Surface)
        );
        bytes.extend(2i32.to_be_bytes());
        bytes.extend(0i32.to_be_bytes());
        bytes.extend(20i32.to_be_bytes());
        bytes.extend_from_slice(b"valid = 1  # volume info valid\nfilename = x.mgz\n");
        let loaded = parse_surface(&bytes, "lh.white").unwrap();
        let s = loaded.surface.unwrap();
        assert_eq!(s.positions[3], Vec3::new(0.0, 0.0, 1.0));
        assert_eq!(s.triangles[3], [1, 2, 3]);
        assert_eq!(s.hemisphere, Some(crate::model::Hemisphere::Left));
        assert_eq!(loaded.arrays[1].shape, vec![4, 3]);
    }

    #[test]
    fn surface_errors() {
        let bytes = surface_bytes(&TETRA, &FACES);
        for cut in [2, 10, 30, 40, bytes.len() - 1] {
            assert!(parse_surface(&bytes[..cut], "x").is_err(), "cut at {cut}");
        }
        let bad_index = surface_bytes(&TETRA, &[[0, 1, 4]]);
        assert!(
            parse_surface(&bad_index, "x")
                .unwrap_err()
                .contains("refers to vertex 4")
        );
        let mut huge = surface_bytes(&[], &[]);
        let at = huge.len() - 8;
        huge[at..at + 4].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(parse_surface(&huge, "x").unwrap_err().contains("truncated"));
    }

    #[test]
    fn new_and_old_curv() {
        let bytes = curv_bytes(&[0.5, -1.25, 3.0]);
        assert_eq!(
            sniff(&bytes, bytes.len() as u64, "lh.curv"),
            Some(FreeSurferKind::Curv)
        );
        let loaded = parse_new_curv(&bytes, "lh.curv").unwrap();
        assert!(matches!(&loaded.overlays[0].data,
            OverlayData::Scalar { n_vertices: 3, values, .. } if values == &[0.5, -1.25, 3.0]));
        // Old format: 3-byte counts, int16 / 100.
        let mut old = vec![0, 0, 2, 0, 0, 9];
        old.extend(150i16.to_be_bytes());
        old.extend((-25i16).to_be_bytes());
        assert_eq!(
            sniff(&old, old.len() as u64, "lh.sulc"),
            Some(FreeSurferKind::OldCurv)
        );
        assert_eq!(sniff(&old, old.len() as u64, "notes.txt"), None);
        let loaded = parse_old_curv(&old, "lh.sulc").unwrap();
        assert!(matches!(&loaded.overlays[0].data,
            OverlayData::Scalar { values, .. } if values == &[1.5, -0.25]));
        assert!(
            parse_old_curv(&old[..8], "lh.sulc")
                .unwrap_err()
                .contains("promises 2 values")
        );
        assert!(
            parse_new_curv(&bytes[..bytes.len() - 1], "x")
                .unwrap_err()
                .contains("promises 3 values, data holds 2")
        );
    }

    #[test]
    fn quad_surface_is_recognised() {
        let mut quad = vec![0xff, 0xff, 0xff];
        quad.extend(100i32.to_be_bytes()[1..].iter()); // 3-byte counts
        quad.extend([0, 0, 50]);
        quad.extend([0; 64]);
        assert_eq!(
            sniff(&quad, quad.len() as u64, "lh.orig"),
            Some(FreeSurferKind::QuadSurface)
        );
    }

    fn annot_bytes(values: &[i32], table: &[(&str, [i32; 4])]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend((values.len() as i32).to_be_bytes());
        for (i, v) in values.iter().enumerate() {
            b.extend((i as i32).to_be_bytes());
            b.extend(v.to_be_bytes());
        }
        b.extend(1i32.to_be_bytes());
        b.extend((-2i32).to_be_bytes());
        b.extend((table.len() as i32).to_be_bytes());
        b.extend(4i32.to_be_bytes());
        b.extend_from_slice(b"ctab");
        b.extend((table.len() as i32).to_be_bytes());
        for (i, (name, rgbt)) in table.iter().enumerate() {
            b.extend((i as i32).to_be_bytes());
            b.extend((name.len() as i32 + 1).to_be_bytes());
            b.extend_from_slice(name.as_bytes());
            b.push(0);
            b.extend(rgbt.iter().flat_map(|v| v.to_be_bytes()));
        }
        b
    }

    #[test]
    fn annot_keys_are_packed_rgb() {
        let red = 255;
        let teal = 10 + 200 * 256 + 100 * 65536;
        let bytes = annot_bytes(
            &[red, teal, 0, 12345],
            &[("red", [255, 0, 0, 0]), ("teal", [10, 200, 100, 0])],
        );
        let loaded = parse_annot(&bytes, "lh.test.annot").unwrap();
        assert_eq!(loaded.label_names, ["red", "teal"]);
        let OverlayData::Labels { keys, table } = &loaded.overlays[0].data else {
            panic!()
        };
        assert_eq!(keys, &[red, teal, -1, -1]);
        assert_eq!(table.get(teal).unwrap().rgba[1], 200.0 / 255.0);
        for cut in [3, 10, 40, bytes.len() - 3] {
            assert!(parse_annot(&bytes[..cut], "x").is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn label_lines() {
        let text = "#!ascii label\n2\n10 1.0 2.0 3.0 0.5\n7 0 0 0 1\n";
        let loaded = parse_label(text.as_bytes(), "lh.v1.label").unwrap();
        let OverlayData::Roi {
            vertices, values, ..
        } = &loaded.overlays[0].data
        else {
            panic!()
        };
        assert_eq!(
            (vertices.as_slice(), values.as_slice()),
            (&[10u32, 7][..], &[0.5f32, 1.0][..])
        );
        assert!(
            parse_label(b"#x\n1\n10 1.0 2.0\n", "x")
                .unwrap_err()
                .contains("line 3")
        );
        assert!(parse_label(b"no comment\n1\n", "x").is_err());
        assert!(parse_label(b"#x\nmany\n", "x").is_err());
    }
}
