//! BIDS sidecars next to a recording (`sub-01_task-x_eeg.edf`, in the same folder):
//! - `sub-01_task-x_channels.tsv`: `type` → channel kind, `status` = `bad` → bad channel;
//! - `sub-01_task-x_electrodes.tsv`, or the electrodes file of fewer entities
//!   (`sub-01_electrodes.tsv`, `sub-01_ses-1_space-CapTrak_electrodes.tsv` …): `name x y z`
//!   positions, in the units of the matching `*_coordsystem.json` (`EEGCoordinateUnits`,
//!   `iEEGCoordinateUnits`), or, without one, metres when every value is below 1 and
//!   millimetres otherwise; rows with `n/a` are skipped;
//! - `sub-01_task-x_events.tsv`: `onset`, `duration`, `trial_type` (else `value`) → annotations,
//!   which replace the recording's own (as MNE-BIDS's `read_raw_bids` does).
//!
//! A sidecar that cannot be parsed is an error naming it; rows naming no channel of the
//! recording are ignored.

use std::path::{Path, PathBuf};

use glam::Vec3;

use super::FormatError;
use crate::model::{Annotation, ChannelKind, Electrode, Recording};

/// Applies the sidecars found next to `recording_path` (nothing when the name is not BIDS-like).
/// Returns which sidecar files were used.
pub fn apply_sidecars(
    recording_path: &Path,
    recording: &mut Recording,
) -> Result<Vec<PathBuf>, FormatError> {
    let mut used = Vec::new();
    let Some((folder, prefix, entities)) = bids_name(recording_path) else {
        return Ok(used);
    };
    let channels = folder.join(format!("{prefix}channels.tsv"));
    if channels.is_file() {
        apply_channels(&channels, recording)?;
        used.push(channels);
    }
    if let Some(electrodes) = find_electrodes(&folder, &entities) {
        let coordsystem = sibling_with_suffix(&electrodes, "_electrodes.tsv", "_coordsystem.json");
        let units = coordsystem
            .as_deref()
            .filter(|p| p.is_file())
            .map(read_units)
            .transpose()?
            .flatten();
        recording.electrodes = read_electrodes(&electrodes, units.as_deref())?;
        used.push(electrodes);
        if let Some(c) = coordsystem.filter(|p| p.is_file()) {
            used.push(c);
        }
    }
    let events = folder.join(format!("{prefix}events.tsv"));
    if events.is_file() {
        recording.annotations = read_events(&events)?;
        used.push(events);
    }
    Ok(used)
}

/// A BIDS file's folder, name prefix and entities (see [`bids_name`]).
type BidsName = (PathBuf, String, Vec<(String, String)>);

/// The folder, the name prefix up to the data-type suffix (`sub-01_task-x_`), and the
/// key-value entities of a BIDS file name.
fn bids_name(path: &Path) -> Option<BidsName> {
    let name = path.file_name()?.to_str()?;
    if !name.starts_with("sub-") {
        return None;
    }
    let stem = name.split('.').next()?;
    let cut = stem.rfind('_')?;
    let prefix = &stem[..=cut];
    let entities = prefix
        .split('_')
        .filter_map(|e| e.split_once('-'))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some((
        path.parent().unwrap_or(Path::new("")).to_owned(),
        prefix.to_owned(),
        entities,
    ))
}

/// The `*_electrodes.tsv` in `folder` whose entities all belong to the recording's (`space` and
/// `acq` may differ), preferring the one sharing the most.
fn find_electrodes(folder: &Path, entities: &[(String, String)]) -> Option<PathBuf> {
    let mut best: Option<(usize, PathBuf)> = None;
    for entry in std::fs::read_dir(folder).ok()?.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_suffix("_electrodes.tsv") else {
            continue;
        };
        let mut shared = 0;
        let fits = stem.split('_').all(|e| match e.split_once('-') {
            Some((k, _)) if k == "space" || k == "acq" => true,
            Some((k, v)) => {
                let ok = entities.iter().any(|(ek, ev)| ek == k && ev == v);
                shared += usize::from(ok);
                ok
            }
            None => false,
        });
        if fits && best.as_ref().is_none_or(|(n, _)| shared > *n) {
            best = Some((shared, entry.path()));
        }
    }
    best.map(|(_, p)| p)
}

fn sibling_with_suffix(path: &Path, suffix: &str, replacement: &str) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(suffix)?;
    // The coordsystem file carries no `acq` entity when shared; try the exact name first.
    let exact = path.with_file_name(format!("{stem}{replacement}"));
    if exact.is_file() {
        return Some(exact);
    }
    let without_acq: Vec<&str> = stem.split('_').filter(|e| !e.starts_with("acq-")).collect();
    Some(path.with_file_name(format!("{}{replacement}", without_acq.join("_"))))
}

/// A TSV file: header names and rows, split on tabs.
fn read_tsv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Vec<String> = lines
        .next()
        .ok_or_else(|| FormatError::invalid(path, "is empty (a header line is needed)"))?
        .trim_start_matches('\u{feff}')
        .split('\t')
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let rows = lines
        .map(|l| l.split('\t').map(|f| f.trim().to_owned()).collect())
        .collect();
    Ok((header, rows))
}

fn column(path: &Path, header: &[String], name: &str) -> Result<usize, FormatError> {
    header
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| FormatError::invalid(path, format!("has no {name:?} column")))
}

fn apply_channels(path: &Path, recording: &mut Recording) -> Result<(), FormatError> {
    let (header, rows) = read_tsv(path)?;
    let name_col = column(path, &header, "name")?;
    let type_col = header.iter().position(|h| h == "type");
    let status_col = header.iter().position(|h| h == "status");
    for row in rows {
        let Some(name) = row.get(name_col) else {
            continue;
        };
        let index = (recording.channels.iter().position(|c| &c.name == name)).or_else(|| {
            (recording.channels.iter()).position(|c| c.name.eq_ignore_ascii_case(name))
        });
        let Some(channel) = index.map(|i| &mut recording.channels[i]) else {
            continue;
        };
        if let Some(kind) = type_col.and_then(|c| row.get(c)).and_then(|t| bids_kind(t)) {
            channel.kind = kind;
        }
        if let Some(status) = status_col.and_then(|c| row.get(c)) {
            channel.bad = status.eq_ignore_ascii_case("bad");
        }
    }
    Ok(())
}

/// A BIDS channel type (EEG, SEEG, ECOG, DBS, EOG, HEOG, ECG, EMG, TRIG, MISC …) as a kind; other
/// types (REF, AUDIO …) leave the kind the reader gave.
fn bids_kind(t: &str) -> Option<ChannelKind> {
    ChannelKind::from_name(t).or_else(|| t.eq_ignore_ascii_case("DBS").then_some(ChannelKind::Seeg))
}

/// `EEGCoordinateUnits` (or iEEG's) from a coordsystem JSON; `None` for "n/a" or absent.
fn read_units(path: &Path) -> Result<Option<String>, FormatError> {
    let bytes = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| FormatError::invalid(path, format!("is not valid JSON ({e})")))?;
    Ok([
        "EEGCoordinateUnits",
        "iEEGCoordinateUnits",
        "MEGCoordinateUnits",
    ]
    .iter()
    .find_map(|k| json.get(k).and_then(|v| v.as_str()))
    .filter(|u| !u.eq_ignore_ascii_case("n/a"))
    .map(str::to_owned))
}

fn read_electrodes(path: &Path, units: Option<&str>) -> Result<Vec<Electrode>, FormatError> {
    let (header, rows) = read_tsv(path)?;
    let cols = [
        column(path, &header, "name")?,
        column(path, &header, "x")?,
        column(path, &header, "y")?,
        column(path, &header, "z")?,
    ];
    let mut named = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let field = |c: usize| row.get(c).map(String::as_str).unwrap_or("n/a");
        if cols[1..]
            .iter()
            .any(|&c| field(c) == "n/a" || field(c).is_empty())
        {
            continue;
        }
        let mut p = [0.0f64; 3];
        for (k, &c) in cols[1..].iter().enumerate() {
            p[k] = field(c)
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite())
                .ok_or_else(|| {
                    FormatError::invalid(
                        path,
                        format!("row {}: {:?} is not a number", i + 2, field(c)),
                    )
                })?;
        }
        named.push((field(cols[0]).to_owned(), p));
    }
    let scale = match units.map(str::to_ascii_lowercase).as_deref() {
        Some("m") => 1000.0,
        Some("cm") => 10.0,
        Some("mm") => 1.0,
        Some(other) => {
            return Err(FormatError::invalid(
                path,
                format!("its coordsystem gives units {other:?}; Glia knows m, cm and mm"),
            ));
        }
        None if named.iter().all(|(_, p)| p.iter().all(|c| c.abs() < 1.0)) => 1000.0,
        None => 1.0,
    };
    Ok(named
        .into_iter()
        .map(|(name, p)| Electrode {
            name,
            position_mm: Vec3::new(
                (p[0] * scale) as f32,
                (p[1] * scale) as f32,
                (p[2] * scale) as f32,
            ),
        })
        .collect())
}

fn read_events(path: &Path) -> Result<Vec<Annotation>, FormatError> {
    let (header, rows) = read_tsv(path)?;
    let onset_col = column(path, &header, "onset")?;
    let duration_col = header.iter().position(|h| h == "duration");
    let text_cols: Vec<usize> = ["trial_type", "value"]
        .iter()
        .filter_map(|n| header.iter().position(|h| h == n))
        .collect();
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let onset = row.get(onset_col).map(String::as_str).unwrap_or("");
        if onset == "n/a" {
            continue;
        }
        let onset_secs: f64 = onset
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| {
                FormatError::invalid(
                    path,
                    format!("row {}: onset {onset:?} is not a number", i + 2),
                )
            })?;
        let duration_secs = duration_col
            .and_then(|c| row.get(c))
            .and_then(|d| d.parse::<f64>().ok())
            .filter(|d| d.is_finite())
            .unwrap_or(0.0);
        let text = text_cols
            .iter()
            .filter_map(|&c| row.get(c))
            .find(|t| !t.is_empty() && t.as_str() != "n/a")
            .cloned()
            .unwrap_or_else(|| "event".into());
        out.push(Annotation {
            onset_secs,
            duration_secs,
            text,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let (_, prefix, entities) =
            bids_name(Path::new("/d/sub-01_ses-2_task-rest_eeg.edf")).unwrap();
        assert_eq!(prefix, "sub-01_ses-2_task-rest_");
        assert_eq!(entities.len(), 3);
        assert!(bids_name(Path::new("/d/recording.edf")).is_none());
    }
}
