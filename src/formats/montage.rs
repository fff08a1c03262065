//! Electrode positions: montage files and the built-in standard 10-20/10-10/10-05 positions.
//!
//! Each reader returns positions in millimetres. Units follow MNE's readers
//! (`mne.channels.read_custom_montage`):
//! - `.elc` (ASA): the file's `UnitPosition` (`mm` or `m`); fiducials Nz/LPA/RPA are dropped, as
//!   MNE moves them out of the channel positions. Positions are kept as the file gives them, as
//!   `read_custom_montage(f, head_size=None)` gives them (MNE's default `head_size=0.095` would
//!   rescale them to a 95 mm median distance from the origin; an `.elc` states its units, so
//!   Glia keeps its real positions).
//! - `.sfp` (BESA/EGI): no units in the file; scaled, as MNE does by default, so that the median
//!   distance from the origin is 95 mm. FidNz/FidT9/FidT10 and `headshape` rows are dropped.
//! - `.csd` (MATLAB/CSD toolbox): the Cartesian columns (a unit sphere), scaled the same way.
//! - BioSemi/EasyCap `.txt` (`Site Theta Phi`, degrees): on a 95 mm sphere, converted as MNE's
//!   `_sph_to_cart(r, az = phi, pol = theta)`; Nz/LPA/RPA dropped.
//! - `.tsv` (`name x y z` with a header line): metres when every coordinate is below 1 in size
//!   (as MNE's montages), a unit sphere (median radius about 1, e.g. MNE's `spherical_1005.tsv`)
//!   scaled to 95 mm as `make_standard_montage("spherical_1005")` scales it (the median taken
//!   over the positions other than the fiducials NAS/LPA/RPA/INI/Nz, which are kept), else
//!   millimetres.
//!
//! The standard positions are MNE's `fsaverage_1005.tsv` (positions on the fsaverage head,
//! FieldTrip's fit; BSD-3), shipped in `assets/` and so in fsaverage/MNI-like space.

use std::path::Path;
use std::sync::OnceLock;

use glam::Vec3;

use super::FormatError;
use crate::model::{ChannelKind, Electrode, Recording};

/// MNE's default head radius, in millimetres.
const HEAD_RADIUS_MM: f64 = 95.0;

/// MNE's `fsaverage_1005.tsv`: label, x, y, z in metres.
const FSAVERAGE_1005: &str = include_str!("../../assets/fsaverage_1005.tsv");

/// Fiducials in the standard table that are not electrodes.
const STANDARD_FIDUCIALS: [&str; 4] = ["LPA", "RPA", "NAS", "INI"];

/// Old 10-20 names and the 10-10 names of the same sites.
const ALIASES: [(&str, &str); 4] = [("T3", "T7"), ("T4", "T8"), ("T5", "P7"), ("T6", "P8")];

/// Whether a `.txt` or `.tsv` file holds electrode positions, from its first line: BioSemi's
/// `Site Theta Phi`, or a name column followed by `x y z` (MNE and BIDS `.tsv`).
pub fn sniff(head: &[u8], name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if !(lower.ends_with(".txt") || lower.ends_with(".tsv")) {
        return false;
    }
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let words: Vec<String> = String::from_utf8_lossy(first)
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["site", "theta", "phi", ..] => lower.ends_with(".txt"),
        [first, "x", "y", "z", ..] => {
            lower.ends_with(".tsv") && matches!(*first, "name" | "label" | "site" | "channel")
        }
        _ => false,
    }
}

/// Reads a montage file, picking the format from the extension.
pub fn read(path: &Path) -> Result<Vec<Electrode>, FormatError> {
    let lower = path.to_string_lossy().to_ascii_lowercase();
    let text = read_text(path)?;
    let electrodes = if lower.ends_with(".elc") {
        parse_elc(&text)
    } else if lower.ends_with(".sfp") {
        parse_sfp(&text)
    } else if lower.ends_with(".csd") {
        parse_csd(&text)
    } else if lower.ends_with(".txt") {
        parse_theta_phi(&text)
    } else if lower.ends_with(".tsv") {
        parse_tsv(&text)
    } else {
        return Err(FormatError::unsupported(
            path,
            "unknown montage file: Glia reads .elc, .sfp, .csd, BioSemi .txt and .tsv",
        ));
    };
    let electrodes = electrodes.map_err(|problem| FormatError::invalid(path, problem))?;
    if electrodes.is_empty() {
        return Err(FormatError::invalid(path, "holds no electrode positions"));
    }
    Ok(electrodes)
}

fn read_text(path: &Path) -> Result<String, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| b as char).collect(),
    })
}

fn number(s: &str, line: usize) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("line {line}: {s:?} is not a number"))
}

fn electrode(name: &str, p: [f64; 3]) -> Electrode {
    Electrode {
        name: name.to_owned(),
        position_mm: Vec3::new(p[0] as f32, p[1] as f32, p[2] as f32),
    }
}

/// ASA `.elc`: `UnitPosition mm|m`, `Positions` (old `x y z` or new `Name : x y z`), `Labels`.
pub fn parse_elc(text: &str) -> Result<Vec<Electrode>, String> {
    let mut scale = None;
    let mut positions: Vec<[f64; 3]> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    #[derive(PartialEq)]
    enum Part {
        Head,
        Positions,
        Labels,
    }
    let mut part = Part::Head;
    let mut new_style = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        match part {
            Part::Head => {
                if line.starts_with("UnitPosition") {
                    let unit = line.split_whitespace().nth(1).unwrap_or("");
                    scale = Some(match unit {
                        "mm" => 1.0,
                        "cm" => 10.0,
                        "m" => 1000.0,
                        other => return Err(format!("unknown UnitPosition {other:?}")),
                    });
                } else if line == "Positions" {
                    part = Part::Positions;
                }
            }
            Part::Positions => {
                if line == "Labels" {
                    part = Part::Labels;
                    continue;
                }
                if line.is_empty() {
                    continue;
                }
                let coords = match line.split_once(':') {
                    Some((_, c)) => {
                        new_style = true;
                        c
                    }
                    None => line,
                };
                let v: Vec<f64> = coords
                    .split_whitespace()
                    .map(|s| number(s, i + 1))
                    .collect::<Result<_, _>>()?;
                let [x, y, z] = v[..] else {
                    return Err(format!("line {}: expected x y z, found {line:?}", i + 1));
                };
                positions.push([x, y, z]);
            }
            Part::Labels => {
                if line.is_empty() {
                    break;
                }
                if new_style {
                    labels.extend(line.split_whitespace().map(str::to_owned));
                } else {
                    labels.push(line.to_owned());
                }
            }
        }
    }
    let scale = scale.ok_or("no UnitPosition line (the units of the positions are unknown)")?;
    if labels.len() != positions.len() {
        return Err(format!(
            "{} positions but {} labels",
            positions.len(),
            labels.len()
        ));
    }
    Ok(labels
        .iter()
        .zip(&positions)
        .filter(|(name, _)| !["Nz", "LPA", "RPA"].contains(&name.as_str()))
        .map(|(name, p)| electrode(name, p.map(|c| c * scale)))
        .collect())
}

/// Scales positions so that their median distance from the origin is 95 mm (MNE's default); the
/// median leaves out the positions named in `not_in_median`.
fn to_head_size(named: Vec<(String, [f64; 3])>, not_in_median: &[&str]) -> Vec<Electrode> {
    let mut norms: Vec<f64> = named
        .iter()
        .filter(|(name, _)| !not_in_median.contains(&name.as_str()))
        .map(|(_, p)| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt())
        .collect();
    norms.sort_by(f64::total_cmp);
    let median = match norms.len() {
        0 => 1.0,
        n if n % 2 == 1 => norms[n / 2],
        n => (norms[n / 2 - 1] + norms[n / 2]) / 2.0,
    };
    let scale = if median > 0.0 {
        HEAD_RADIUS_MM / median
    } else {
        1.0
    };
    named
        .iter()
        .map(|(name, p)| electrode(name, p.map(|c| c * scale)))
        .collect()
}

/// BESA/EGI `.sfp`: `name x y z` per line, no units.
pub fn parse_sfp(text: &str) -> Result<Vec<Electrode>, String> {
    let mut named = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let [name, x, y, z] = fields[..] else {
            return Err(format!(
                "line {}: expected name x y z, found {line:?}",
                i + 1
            ));
        };
        let p = [number(x, i + 1)?, number(y, i + 1)?, number(z, i + 1)?];
        if name != "headshape" {
            named.push((name.to_owned(), p));
        }
    }
    // MNE takes the median over all channel rows (fiducials included) before dropping them.
    let scaled = to_head_size(named, &[]);
    Ok(scaled
        .into_iter()
        .filter(|e| !["FidNz", "FidT9", "FidT10"].contains(&e.name.as_str()))
        .collect())
}

/// `.csd`: `// comment` lines, then `Label Theta Phi Radius X Y Z off-sphere`.
pub fn parse_csd(text: &str) -> Result<Vec<Electrode>, String> {
    let mut named = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split("//").next().unwrap_or("");
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        if fields.len() < 7 {
            return Err(format!(
                "line {}: expected Label Theta Phi Radius X Y Z, found {line:?}",
                i + 1
            ));
        }
        let p = [
            number(fields[4], i + 1)?,
            number(fields[5], i + 1)?,
            number(fields[6], i + 1)?,
        ];
        named.push((fields[0].to_owned(), p));
    }
    Ok(to_head_size(named, &[]))
}

/// BioSemi/EasyCap `.txt`: a header line, then `Site Theta Phi` in degrees.
pub fn parse_theta_phi(text: &str) -> Result<Vec<Electrode>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let [name, theta, phi] = fields[..] else {
            return Err(format!(
                "line {}: expected Site Theta Phi, found {line:?}",
                i + 1
            ));
        };
        let (pol, az) = (
            number(theta, i + 1)?.to_radians(),
            number(phi, i + 1)?.to_radians(),
        );
        if ["Nz", "LPA", "RPA"].contains(&name) {
            continue;
        }
        let r = HEAD_RADIUS_MM;
        out.push(electrode(
            name,
            [
                r * pol.sin() * az.cos(),
                r * pol.sin() * az.sin(),
                r * pol.cos(),
            ],
        ));
    }
    Ok(out)
}

/// `.tsv`: a header line, then `name x y z …` (tab- or space-separated).
pub fn parse_tsv(text: &str) -> Result<Vec<Electrode>, String> {
    let mut named = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = if line.contains('\t') {
            line.split('\t').collect()
        } else {
            line.split_whitespace().collect()
        };
        if fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if fields.len() < 4 {
            return Err(format!(
                "line {}: expected name x y z, found {line:?}",
                i + 1
            ));
        }
        if fields[1..4].iter().any(|f| f.trim() == "n/a") {
            continue;
        }
        let p = [
            number(fields[1], i + 1)?,
            number(fields[2], i + 1)?,
            number(fields[3], i + 1)?,
        ];
        named.push((fields[0].trim().to_owned(), p));
    }
    let all_small = named.iter().all(|(_, p)| p.iter().all(|c| c.abs() < 1.0));
    let mut norms: Vec<f64> = named
        .iter()
        .map(|(_, p)| (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt())
        .collect();
    norms.sort_by(f64::total_cmp);
    let median = norms.get(norms.len() / 2).copied().unwrap_or(0.0);
    if (0.9..=1.1).contains(&median) && named.iter().all(|(_, p)| p.iter().all(|c| c.abs() <= 1.2))
    {
        return Ok(to_head_size(named, &["NAS", "LPA", "RPA", "INI", "Nz"]));
    }
    let scale = if all_small { 1000.0 } else { 1.0 };
    Ok(named
        .iter()
        .map(|(name, p)| electrode(name, p.map(|c| c * scale)))
        .collect())
}

fn standard_table() -> &'static [Electrode] {
    static TABLE: OnceLock<Vec<Electrode>> = OnceLock::new();
    TABLE.get_or_init(|| {
        FSAVERAGE_1005
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut f = line.split('\t');
                let name = f.next()?.trim();
                let mut c = || f.next()?.trim().parse::<f64>().ok();
                let p = [c()?, c()?, c()?];
                (!STANDARD_FIDUCIALS.contains(&name)).then(|| electrode(name, p.map(|v| v * 1e3)))
            })
            .collect()
    })
}

/// The standard 10-05 positions (which include every 10-20 and 10-10 site) on the fsaverage head,
/// in millimetres (fsaverage surface RAS, close to MNI space).
pub fn standard_positions() -> Vec<Electrode> {
    standard_table().to_vec()
}

/// The standard position of a 10-05 site by name, case-insensitively; old names T3, T4, T5, T6
/// give T7, T8, P7, P8.
pub fn standard_position(name: &str) -> Option<Vec3> {
    let name = name.trim();
    let name = ALIASES
        .iter()
        .find(|(old, _)| old.eq_ignore_ascii_case(name))
        .map_or(name, |(_, new)| new);
    standard_table()
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(name))
        .map(|e| e.position_mm)
}

/// The standard position for a channel label as recordings name them: "Fp1", "EEG Fp1",
/// "EEG FP1-REF", "Fp1-LE", "T3" …; `None` for bipolar pairs ("Fp1-F7") and other names.
pub fn standard_position_for_channel(label: &str) -> Option<Vec3> {
    standard_position(site_name(label))
}

/// The 10-05 site a channel label names, without the prefixes and reference suffixes
/// recordings add: "EEG Fp1-REF" → "Fp1", "Fp1-LE" → "Fp1" (old names such as T3 are kept;
/// [`standard_position`] maps them). Other labels come back trimmed.
pub fn site_name(label: &str) -> &str {
    let mut name = label.trim();
    if let Some((prefix, rest)) = name.split_once(' ')
        && ChannelKind::from_name(prefix).is_some()
    {
        name = rest.trim();
    }
    for suffix in [
        "-REF", "-LE", "-RE", "-AR", "-AVG", "-AV", "-CAR", "-M1", "-M2", "-A1A2",
    ] {
        let n = name.len();
        if n > suffix.len()
            && name.is_char_boundary(n - suffix.len())
            && name[n - suffix.len()..].eq_ignore_ascii_case(suffix)
        {
            name = &name[..n - suffix.len()];
            break;
        }
    }
    name
}

/// Whether an electrode's position is the standard one for its name: how a caller tells built-in
/// positions (added by [`apply_standard_positions`]) from positions read from a file.
pub fn is_standard(electrode: &Electrode) -> bool {
    standard_position_for_channel(&electrode.name) == Some(electrode.position_mm)
}

/// Gives a recording without electrode positions the standard positions of its EEG channels whose
/// names are 10-05 sites (see [`standard_position_for_channel`]). The electrodes take the
/// channels' names, so [`Recording::electrode_of`] finds them. Returns how many were placed; does
/// nothing when the recording already has positions.
pub fn apply_standard_positions(recording: &mut Recording) -> usize {
    if !recording.electrodes.is_empty() {
        return 0;
    }
    let placed: Vec<Electrode> = recording
        .channels
        .iter()
        .filter(|c| c.kind == ChannelKind::Eeg)
        .filter_map(|c| {
            standard_position_for_channel(&c.name).map(|p| Electrode {
                name: c.name.clone(),
                position_mm: p,
            })
        })
        .collect();
    recording.electrodes = placed;
    recording.electrodes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names_and_aliases() {
        let t7 = standard_position("T7").unwrap();
        assert_eq!(standard_position("t3"), Some(t7));
        assert_eq!(standard_position_for_channel("EEG T3-REF"), Some(t7));
        assert!(standard_position_for_channel("Fp1-F7").is_none());
        assert!(standard_position("LPA").is_none());
        // fsaverage: T7 is left (x < 0), about 84 mm from the midline.
        assert!((t7.x + 83.59).abs() < 0.01, "{t7}");
    }
}
