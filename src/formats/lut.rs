//! Label tables for atlas volumes: key → region name and colour ([`LabelTable`]).
//!
//! Formats, told apart by content (and `.lut` by name):
//! - **FreeSurfer** `FreeSurferColorLUT.txt`: `index name R G B A` lines, `#` comments; `A` is a
//!   *transparency* (FreeSurfer stores alpha = 255 − A), so the usual 0 means opaque.
//! - **FSLeyes** `.lut` text: `index R G B name…` with R, G, B in 0..1.
//! - **MRIcron** `.txt`: `index name` lines (tab- or space-separated; AAL adds a numeric code
//!   column, which is ignored). No colours: a same-named binary `.lut` supplies them when present
//!   (`aal.nii.txt` + `aal.nii.lut`), else distinct colours are made up from the key.
//! - **MRIcron** binary `.lut`: 768 bytes, 256 reds, then 256 greens, then 256 blues. Names come
//!   from a same-named `.txt` when present, else each key is its own name (keys 1 to 255).
//! - **BIDS** `dseg.tsv`-style tables: a header row naming an `index` and a `name` column, and
//!   optionally `color` (`#RRGGBB`).
//!
//! Key 0 is the background in all of these conventions: it is kept with its name, with alpha 0.
//! What it does not do: CSV tables, FSL XML atlas descriptions, `.ctbl`.

use std::path::{Path, PathBuf};

use super::FormatError;
use crate::model::{Label, LabelTable};

/// Largest label table read (the biggest real ones are well under 1 MB).
const MAX_BYTES: u64 = 16 << 20;

/// Size of an MRIcron binary `.lut`.
const MRICRON_LUT_BYTES: usize = 768;

/// Reads a label table in any of the formats above.
pub fn read(path: &Path) -> Result<LabelTable, FormatError> {
    let bytes = read_small(path)?;
    let is_lut = has_extension(path, "lut");
    if is_lut && is_binary_lut(&bytes) {
        let colours = lut_colours(&bytes);
        let names = sibling(path, "txt").and_then(|txt| read_small(&txt).ok());
        return match names {
            Some(text) => parse_text(&decode_text(&text), Some(&colours))
                .map_err(|problem| FormatError::invalid(&sibling_or(path, "txt"), problem)),
            None => Ok(unnamed_lut(&colours)),
        };
    }
    if is_lut && !looks_like_text(&bytes) {
        return Err(FormatError::invalid(
            path,
            format!(
                "not a colour table: an MRIcron .lut holds 768 bytes (256 red, 256 green, \
                 256 blue values) and this file has {}",
                bytes.len()
            ),
        ));
    }
    // A text table; an MRIcron name list takes its colours from a same-named binary .lut.
    let colours = sibling(path, "lut")
        .and_then(|lut| read_small(&lut).ok())
        .filter(|b| is_binary_lut(b))
        .map(|b| lut_colours(&b));
    parse_text(&decode_text(&bytes), colours.as_ref()).map_err(|p| FormatError::invalid(path, p))
}

/// The label table that goes with an atlas volume, if one lies next to it with the same name:
/// for `aal.nii.gz`, the first of `aal.nii.txt`, `aal.txt`, `aal.nii.tsv`, `aal.tsv`,
/// `aal.nii.lut`, `aal.lut` that exists and reads as a label table.
pub fn find_for_volume(volume_path: &Path) -> Option<PathBuf> {
    let name = volume_path.file_name()?.to_string_lossy().into_owned();
    let without_gz = strip_suffix_ci(&name, ".gz").unwrap_or(&name);
    let mut stems = vec![without_gz];
    for ext in [".nii", ".mgz", ".mgh", ".hdr", ".img"] {
        if let Some(stem) = strip_suffix_ci(without_gz, ext).filter(|s| !s.is_empty()) {
            stems.push(stem);
        }
    }
    let dir = volume_path.parent().unwrap_or(Path::new(""));
    ["txt", "tsv", "lut"]
        .iter()
        .flat_map(|ext| {
            stems
                .iter()
                .map(move |stem| dir.join(format!("{stem}.{ext}")))
        })
        .filter(|candidate| candidate.as_path() != volume_path && candidate.is_file())
        .find(|candidate| read(candidate).is_ok())
}

/// Whether a file Glia does not otherwise read is a label table (for a clearer message): a
/// `.lut`, or text whose first lines parse as one.
pub fn looks_like_label_table(head: &[u8], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".lut") {
        return true;
    }
    if !(lower.ends_with(".txt") || lower.ends_with(".tsv")) || !looks_like_text(head) {
        return false;
    }
    // Only whole lines: the head may end mid-line.
    let text = decode_text(head);
    let complete = text.rfind('\n').map_or(&text[..], |end| &text[..end]);
    parse_text(complete, None).is_ok()
}

/// Parses a text table (FreeSurfer, FSLeyes, MRIcron or TSV); `colours` (an MRIcron `.lut`)
/// colour the keys 0..=255 of a table that names no colours. Errors name the line.
pub fn parse_text(text: &str, colours: Option<&[[u8; 3]; 256]>) -> Result<LabelTable, String> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with("//"))
        .collect();
    let Some(&(_, first)) = lines.first() else {
        return Err("no labels: the file holds no `index name` lines".into());
    };
    let labels = if is_tsv_header(first) {
        parse_tsv(&lines)?
    } else {
        // A header line of words (not starting with a number) is allowed and skipped.
        let body = if first_token_is_int(first) {
            &lines[..]
        } else {
            &lines[1..]
        };
        parse_rows(body, colours)?
    };
    if labels.is_empty() {
        return Err("no labels: the file holds no `index name` lines".into());
    }
    let mut labels = labels;
    for label in labels.iter_mut().filter(|l| l.key == 0) {
        label.rgba[3] = 0.0;
    }
    Ok(LabelTable { labels })
}

/// A distinct, deterministic colour for a key (golden-ratio hues, alternating saturation and
/// brightness so that neighbouring keys differ).
pub fn distinct_colour(key: i32) -> [f32; 4] {
    let hue = (key as f64 * 0.618_033_988_749_895).rem_euclid(1.0);
    let saturation = if key.rem_euclid(2) == 0 { 0.75 } else { 0.5 };
    let value = if key.rem_euclid(3) == 0 { 0.8 } else { 1.0 };
    let [r, g, b] = hsv_to_rgb(hue, saturation, value);
    [r as f32, g as f32, b as f32, 1.0]
}

fn hsv_to_rgb(h: f64, s: f64, v: f64) -> [f64; 3] {
    let sector = (h * 6.0).floor();
    let f = h * 6.0 - sector;
    let (p, q, t) = (v * (1.0 - s), v * (1.0 - s * f), v * (1.0 - s * (1.0 - f)));
    match sector as i32 % 6 {
        0 => [v, t, p],
        1 => [q, v, p],
        2 => [p, v, t],
        3 => [p, q, v],
        4 => [t, p, v],
        _ => [v, p, q],
    }
}

// ---------------------------------------------------------------------------------------------
// Text tables

/// Column layouts of whitespace-separated tables.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    /// `index name R G B [A]`, 0..255 integers, A a transparency.
    FreeSurfer,
    /// `index R G B name…`, 0..1 floats.
    Fsleyes,
    /// `index name [number]` (AAL's trailing code column is dropped).
    IndexNameCode,
    /// `index name…`: the rest of the line (or the second tab-separated field).
    IndexName,
}

fn parse_rows(
    lines: &[(usize, &str)],
    colours: Option<&[[u8; 3]; 256]>,
) -> Result<Vec<Label>, String> {
    let tokens: Vec<(usize, &str, Vec<&str>)> = lines
        .iter()
        .map(|&(n, l)| (n, l, l.split_whitespace().collect()))
        .collect();
    let all = |test: &dyn Fn(&[&str]) -> bool| tokens.iter().all(|(_, _, t)| test(t));
    let byte = |s: &str| s.parse::<i64>().is_ok_and(|v| (0..=255).contains(&v));
    let unit = |s: &str| s.parse::<f64>().is_ok_and(|v| (0.0..=1.0).contains(&v));
    let layout = if all(&|t| (5..=6).contains(&t.len()) && t[2..].iter().all(|s| byte(s))) {
        Layout::FreeSurfer
    } else if all(&|t| t.len() >= 5 && t[1..4].iter().all(|s| unit(s))) {
        Layout::Fsleyes
    } else if all(&|t| t.len() == 3 && t[2].parse::<f64>().is_ok()) {
        Layout::IndexNameCode
    } else {
        Layout::IndexName
    };
    let mut labels = Vec::with_capacity(tokens.len());
    for (n, line, t) in &tokens {
        let key = t
            .first()
            .and_then(|s| s.parse::<i32>().ok())
            .ok_or_else(|| {
                format!(
                    "line {n}: expected a label number first, found `{}`",
                    t.first().copied().unwrap_or("")
                )
            })?;
        let (name, rgba) = match layout {
            Layout::FreeSurfer => {
                let v = |i: usize| t.get(i).and_then(|s| s.parse::<f32>().ok()).unwrap_or(0.0);
                let alpha = (255.0 - v(5)) / 255.0;
                (
                    t[1].to_owned(),
                    [v(2) / 255.0, v(3) / 255.0, v(4) / 255.0, alpha],
                )
            }
            Layout::Fsleyes => {
                let v = |i: usize| t[i].parse::<f32>().unwrap_or(0.0);
                (t[4..].join(" "), [v(1), v(2), v(3), 1.0])
            }
            Layout::IndexNameCode => (t[1].to_owned(), mricron_colour(key, colours)),
            Layout::IndexName => {
                let name = if line.contains('\t') {
                    line.split('\t').nth(1).unwrap_or("").trim().to_owned()
                } else {
                    t[1..].join(" ")
                };
                (name, mricron_colour(key, colours))
            }
        };
        if name.is_empty() {
            return Err(format!("line {n}: label {key} has no name"));
        }
        labels.push(Label { key, name, rgba });
    }
    Ok(labels)
}

fn mricron_colour(key: i32, colours: Option<&[[u8; 3]; 256]>) -> [f32; 4] {
    match (colours, usize::try_from(key)) {
        (Some(c), Ok(k)) if k < 256 => {
            let [r, g, b] = c[k];
            [r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0, 1.0]
        }
        _ => distinct_colour(key),
    }
}

fn first_token_is_int(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .is_some_and(|t| t.parse::<i32>().is_ok())
}

fn is_tsv_header(line: &str) -> bool {
    let columns: Vec<String> = line
        .split('\t')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    columns.len() >= 2
        && columns.iter().any(|c| c == "index")
        && columns.iter().any(|c| c == "name")
}

fn parse_tsv(lines: &[(usize, &str)]) -> Result<Vec<Label>, String> {
    let header: Vec<String> = lines[0]
        .1
        .split('\t')
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let column = |name: &str| header.iter().position(|c| c == name);
    let (Some(index), Some(name)) = (column("index"), column("name")) else {
        return Err("the TSV header needs `index` and `name` columns".into());
    };
    let color = column("color").or_else(|| column("colour"));
    let mut labels = Vec::with_capacity(lines.len());
    for &(n, line) in &lines[1..] {
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let field = |i: usize| fields.get(i).copied().unwrap_or("");
        let key = field(index).parse::<i32>().map_err(|_| {
            format!(
                "line {n}: the index column holds `{}`, not a label number",
                field(index)
            )
        })?;
        let label_name = field(name);
        if label_name.is_empty() {
            return Err(format!("line {n}: label {key} has no name"));
        }
        let rgba = match color.map(field).filter(|c| !c.is_empty() && *c != "n/a") {
            Some(c) => hex_colour(c)
                .ok_or_else(|| format!("line {n}: colour `{c}` is not of the form #RRGGBB"))?,
            None => distinct_colour(key),
        };
        labels.push(Label {
            key,
            name: label_name.to_owned(),
            rgba,
        });
    }
    Ok(labels)
}

/// `#RRGGBB` (or `RRGGBB`, or `#RRGGBBAA`) → 0..1 RGBA.
fn hex_colour(text: &str) -> Option<[f32; 4]> {
    let hex = text.strip_prefix('#').unwrap_or(text);
    if !(hex.len() == 6 || hex.len() == 8) || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok();
    let alpha = if hex.len() == 8 { byte(3)? } else { 255 };
    Some([byte(0)?, byte(1)?, byte(2)?, alpha].map(|b| b as f32 / 255.0))
}

// ---------------------------------------------------------------------------------------------
// Binary MRIcron .lut

/// 768 bytes that are not a text table (a binary LUT of pale colours only could look like
/// text, so text must also parse).
fn is_binary_lut(bytes: &[u8]) -> bool {
    bytes.len() == MRICRON_LUT_BYTES
        && !(looks_like_text(bytes) && parse_text(&decode_text(bytes), None).is_ok())
}

fn lut_colours(bytes: &[u8]) -> [[u8; 3]; 256] {
    std::array::from_fn(|i| [bytes[i], bytes[256 + i], bytes[512 + i]])
}

/// A binary `.lut` without names: keys 1 to 255, each named by its number.
fn unnamed_lut(colours: &[[u8; 3]; 256]) -> LabelTable {
    LabelTable {
        labels: (1..256)
            .map(|key| Label {
                key,
                name: key.to_string(),
                rgba: mricron_colour(key, Some(colours)),
            })
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// Files

fn read_small(path: &Path) -> Result<Vec<u8>, FormatError> {
    let meta = std::fs::metadata(path).map_err(|e| FormatError::io(path, e))?;
    if meta.is_dir() {
        return Err(FormatError::invalid(path, "is a folder, not a label table"));
    }
    if meta.len() > MAX_BYTES {
        return Err(FormatError::invalid(
            path,
            format!(
                "{} MB is too large for a label table (at most 16 MB)",
                meta.len() >> 20
            ),
        ));
    }
    std::fs::read(path).map_err(|e| FormatError::io(path, e))
}

/// Text without a UTF-8 byte-order mark; bytes that are not UTF-8 (Latin-1 names) are replaced.
fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    String::from_utf8_lossy(bytes).into_owned()
}

/// No control bytes other than tab, line feed, carriage return and form feed (Latin-1 and
/// UTF-8 names are text).
fn looks_like_text(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| (b >= 0x20 && b != 0x7f) || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext))
}

/// `aal.nii.lut` → `aal.nii.txt` when it exists.
fn sibling(path: &Path, ext: &str) -> Option<PathBuf> {
    Some(path.with_extension(ext)).filter(|p| p.is_file() && p != path)
}

fn sibling_or(path: &Path, ext: &str) -> PathBuf {
    sibling(path, ext).unwrap_or_else(|| path.to_owned())
}

fn strip_suffix_ci<'a>(name: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(suffix.len())?;
    (name.is_char_boundary(cut) && name[cut..].eq_ignore_ascii_case(suffix)).then(|| &name[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(l: &Label) -> [u8; 3] {
        [l.rgba[0], l.rgba[1], l.rgba[2]].map(|c| (c * 255.0).round() as u8)
    }

    #[test]
    fn freesurfer_rows_with_transparency() {
        let t = parse_text(
            "#No. Label Name: R G B A\n\n0 Unknown 0 0 0 0\n17  Left-Hippocampus  220 216 20 0\n\
             99 Half 10 20 30 255\n",
            None,
        )
        .unwrap();
        assert_eq!(t.labels.len(), 3);
        let hippo = t.get(17).unwrap();
        assert_eq!(
            (hippo.name.as_str(), rgb(hippo), hippo.rgba[3]),
            ("Left-Hippocampus", [220, 216, 20], 1.0)
        );
        assert_eq!(t.get(99).unwrap().rgba[3], 0.0);
        // Key 0 is the background.
        assert_eq!(t.get(0).unwrap().rgba[3], 0.0);
    }

    #[test]
    fn mricron_names_with_codes_tabs_and_generated_colours() {
        let aal = parse_text("1 Precentral_L 2001\r\n2 Precentral_R 2002\r\n\r\n", None).unwrap();
        assert_eq!(aal.get(2).unwrap().name, "Precentral_R");
        assert_ne!(aal.get(1).unwrap().rgba, aal.get(2).unwrap().rgba);
        assert_eq!(aal.get(1).unwrap().rgba, distinct_colour(1));
        let jhu = parse_text("0\tUnclassified\n2\tPontine crossing tract\n", None).unwrap();
        assert_eq!(jhu.get(2).unwrap().name, "Pontine crossing tract");
        let spaced = parse_text("5 Left frontal pole\n", None).unwrap();
        assert_eq!(spaced.get(5).unwrap().name, "Left frontal pole");
        let mut colours = [[0u8; 3]; 256];
        colours[2] = [10, 20, 30];
        let coloured = parse_text("2 B 7\n", Some(&colours)).unwrap();
        assert_eq!(rgb(&coloured.labels[0]), [10, 20, 30]);
    }

    #[test]
    fn fsleyes_and_tsv() {
        let fsl = parse_text("1 0.0 0.5 1.0 Frontal Pole\n2 1 1 1 Insular Cortex\n", None).unwrap();
        assert_eq!(fsl.get(1).unwrap().name, "Frontal Pole");
        assert_eq!(fsl.get(1).unwrap().rgba, [0.0, 0.5, 1.0, 1.0]);
        let tsv = parse_text(
            "index\tname\tabbreviation\tcolor\n1\tCortical grey\tGM\t#FF8000\n2\tWhite matter\tWM\t\n",
            None,
        )
        .unwrap();
        assert_eq!(rgb(tsv.get(1).unwrap()), [255, 128, 0]);
        assert_eq!(tsv.get(2).unwrap().name, "White matter");
        assert_eq!(tsv.get(2).unwrap().rgba, distinct_colour(2));
        assert!(
            parse_text("index\tname\tcolor\n1\tA\tred\n", None)
                .unwrap_err()
                .contains("line 2")
        );
    }

    #[test]
    fn bad_tables_are_errors() {
        assert!(parse_text("", None).unwrap_err().contains("no labels"));
        assert!(parse_text("# only comments\n", None).is_err());
        let err = parse_text("1 A\nB 2\n", None).unwrap_err();
        assert!(err.contains("line 2") && err.contains("`B`"), "{err}");
        assert!(
            parse_text("index\tname\n1\t\n", None)
                .unwrap_err()
                .contains("no name")
        );
        // A first line of words is a header, skipped.
        assert_eq!(
            parse_text("No. Label\n1 A\n", None).unwrap().labels.len(),
            1
        );
    }

    #[test]
    fn colours_are_distinct_and_deterministic() {
        let colours: Vec<[f32; 4]> = (1..=64).map(distinct_colour).collect();
        assert_eq!(colours, (1..=64).map(distinct_colour).collect::<Vec<_>>());
        for (i, a) in colours.iter().enumerate() {
            assert!(a.iter().all(|c| (0.0..=1.0).contains(c)));
            if let Some(b) = colours.get(i + 1) {
                let d: f32 = (0..3).map(|k| (a[k] - b[k]).abs()).sum();
                assert!(d > 0.2, "keys {} and {} look alike", i + 1, i + 2);
            }
        }
    }

    #[test]
    fn suffixes() {
        assert_eq!(strip_suffix_ci("AAL.NII.GZ", ".gz"), Some("AAL.NII"));
        assert_eq!(strip_suffix_ci("x", ".gz"), None);
    }
}
