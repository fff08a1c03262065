//! BrainVision recordings: the `.vhdr` header (INI-like text), the `.vmrk` markers and the binary
//! `.eeg` data, memory-mapped. Follows MNE's `read_raw_brainvision`:
//! - values are `raw · resolution · unit` in volts (resolution per channel, µV by default; a
//!   missing unit is µV, a missing resolution 1);
//! - `\1` in a channel name or marker stands for a comma;
//! - markers become annotations with onset `(position − 1)/fs`, duration `points/fs` and text
//!   `"Type/Description"` (e.g. `"Stimulus/S  1"`); a first "New Segment" marker is dropped;
//! - channels named HEOGL, HEOGR or VEOGb are EOG, channels with a non-voltage unit MISC, the rest
//!   EEG (Glia also types names like "ECG" or "EOG" by name);
//! - the number of samples comes from the data file's size (whole samples of all channels).
//!
//! Unlike MNE, a `.vmrk` named in the header that does not exist (and no `NAME.vmrk` beside the
//! header either) is an error naming it, so a missing marker file is never silently ignored.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use glam::Vec3;
use memmap2::Mmap;

use super::{FormatError, Loaded};
use crate::model::{Annotation, Channel, ChannelKind, Electrode, Recording, SampleSource};

/// Reads a BrainVision recording from its `.vhdr` header (see [`read_recording`]).
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    Ok(Loaded {
        recording: Some(read_recording(path)?),
        ..Default::default()
    })
}

/// Sample types BrainVision stores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binary {
    Int16,
    Int32,
    Float32,
}

impl Binary {
    fn bytes(self) -> usize {
        match self {
            Binary::Int16 => 2,
            Binary::Int32 | Binary::Float32 => 4,
        }
    }
}

/// The parsed `.vhdr`: sections of (lower-cased key, value) pairs, in file order.
struct Ini {
    sections: Vec<(String, Vec<(String, String)>)>,
}

impl Ini {
    fn parse(text: &str) -> Self {
        let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                if name.eq_ignore_ascii_case("Comment") {
                    break; // free text follows, as in MNE
                }
                sections.push((name.trim().to_ascii_lowercase(), Vec::new()));
                continue;
            }
            if let (Some((key, value)), Some(section)) = (line.split_once('='), sections.last_mut())
            {
                section
                    .1
                    .push((key.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        Ini { sections }
    }

    fn section(&self, name: &str) -> Option<&[(String, String)]> {
        self.sections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, entries)| entries.as_slice())
    }

    fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.section(section)?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes BrainVision text: UTF-8 when valid, else Latin-1 (MNE's fallback for old files).
fn decode(bytes: &[u8]) -> String {
    let bytes = bytes
        .strip_prefix(b"\xef\xbb\xbf".as_slice())
        .unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// Opens a recording from its header. Fills `channels`, `annotations` (from the marker file),
/// `duration_secs` (samples / rate) and `electrodes` (from a `[Coordinates]` section, as MNE
/// reads it: radius, theta, phi in degrees; radius 1 means a 95 mm sphere).
pub fn read_recording(path: &Path) -> Result<Recording, FormatError> {
    let raw = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let invalid = |problem: String| FormatError::invalid(path, problem);
    let text = decode(&raw);
    let first = text.lines().next().unwrap_or("").trim();
    if !(first.contains("Brain Vision") || first.contains("BrainVision")) {
        return Err(invalid(
            "is not a BrainVision header (its first line should read \"Brain Vision Data \
             Exchange Header File Version 1.0\" or \"BrainVision Core Data Format 1.0\")"
                .into(),
        ));
    }
    let ini = Ini::parse(&text);
    let common = if ini.section("common infos").is_some() {
        "common infos"
    } else {
        return Err(invalid("has no [Common Infos] section".into()));
    };
    let need = |key: &str, label: &str| -> Result<&str, FormatError> {
        ini.get(common, key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| invalid(format!("[Common Infos] has no {label}")))
    };
    let data_format = ini.get(common, "dataformat").unwrap_or("BINARY");
    if !data_format.eq_ignore_ascii_case("BINARY") {
        return Err(FormatError::unsupported(
            path,
            format!("DataFormat={data_format}: Glia reads binary BrainVision data only"),
        ));
    }
    let vectorized = match ini.get(common, "dataorientation").unwrap_or("MULTIPLEXED") {
        o if o.eq_ignore_ascii_case("MULTIPLEXED") => false,
        o if o.eq_ignore_ascii_case("VECTORIZED") => true,
        o => return Err(invalid(format!("unknown DataOrientation {o:?}"))),
    };
    let binary = match ini
        .get("binary infos", "binaryformat")
        .unwrap_or("INT_16")
        .to_ascii_uppercase()
        .as_str()
    {
        "INT_16" => Binary::Int16,
        "INT_32" => Binary::Int32,
        "IEEE_FLOAT_32" => Binary::Float32,
        other => {
            return Err(FormatError::unsupported(
                path,
                format!(
                    "BinaryFormat={other}: Glia reads INT_16, INT_32 and IEEE_FLOAT_32 (as MNE)"
                ),
            ));
        }
    };
    let n_channels: usize = need("numberofchannels", "NumberOfChannels")?
        .parse()
        .ok()
        .filter(|&n| (1..=1_000_000).contains(&n))
        .ok_or_else(|| invalid("NumberOfChannels is not a number from 1 to 1,000,000".into()))?;
    let interval_us: f64 = need("samplinginterval", "SamplingInterval")?
        .parse()
        .ok()
        .filter(|&v: &f64| v.is_finite() && v > 0.0)
        .ok_or_else(|| invalid("SamplingInterval (µs) is not a positive number".into()))?;
    let sample_rate_hz = 1e6 / interval_us;
    let folder = path.parent().unwrap_or(Path::new(""));
    let data_path = folder.join(need("datafile", "DataFile")?);

    // Channels, as MNE reads [Channel Infos].
    let infos = ini
        .section("channel infos")
        .ok_or_else(|| invalid("has no [Channel Infos] section".into()))?;
    let mut entries: Vec<Option<(String, f64, String)>> = vec![None; n_channels];
    let mut key_to_index = Vec::new();
    for (key, value) in infos {
        let Some(n) = key
            .strip_prefix("ch")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n >= 1)
        else {
            continue;
        };
        if n > n_channels {
            continue;
        }
        let mut props: Vec<String> = value.split(',').map(str::to_owned).collect();
        if props.len() < 4 {
            props.resize(3, String::new());
            props.push("µV".into());
        } else if props[3].is_empty() {
            props[3] = "µV".into();
        }
        let name = props[0].replace("\\1", ",");
        let unit = props[3].replace('\u{c2}', "");
        let resolution = if props[2].trim().is_empty() {
            1.0
        } else {
            props[2].trim().parse::<f64>().map_err(|_| {
                invalid(format!(
                    "channel {n} ({name}): resolution {:?} is not a number",
                    props[2]
                ))
            })?
        };
        key_to_index.push((key.clone(), n - 1));
        entries[n - 1] = Some((name, resolution, unit));
    }
    let mut channels = Vec::with_capacity(n_channels);
    let mut factors = Vec::with_capacity(n_channels);
    for (i, entry) in entries.into_iter().enumerate() {
        let (name, resolution, unit) = entry.ok_or_else(|| {
            invalid(format!(
                "[Channel Infos] has no entry Ch{} (NumberOfChannels is {n_channels})",
                i + 1
            ))
        })?;
        let volts = super::edf::volts_per_unit(&unit);
        let kind = if ["HEOGL", "HEOGR", "VEOGb"].contains(&name.as_str()) {
            ChannelKind::Eog
        } else if volts.is_none() {
            ChannelKind::Misc
        } else {
            super::edf::kind_of(&name, "", true)
        };
        factors.push(resolution * volts.unwrap_or(1.0));
        channels.push(Channel {
            name,
            sample_rate_hz,
            n_samples: 0,
            unit: if volts.is_some() {
                "V".into()
            } else {
                unit.clone()
            },
            file_unit: unit,
            kind,
            bad: false,
        });
    }

    // The data file, mapped.
    if !data_path.is_file() {
        return Err(FormatError::invalid(
            &data_path,
            format!(
                "the data file named by {} (DataFile=) does not exist",
                path.display()
            ),
        ));
    }
    let file = std::fs::File::open(&data_path).map_err(|e| FormatError::io(&data_path, e))?;
    let data_len = file
        .metadata()
        .map_err(|e| FormatError::io(&data_path, e))?
        .len();
    let frame = (binary.bytes() * n_channels) as u64;
    let mut n_samples = data_len / frame;
    if vectorized
        && let Some(points) = ini
            .get(common, "datapoints")
            .and_then(|p| p.parse::<u64>().ok())
            .filter(|&p| p > 0)
    {
        if points > n_samples {
            return Err(FormatError::invalid(
                &data_path,
                format!(
                    "holds {data_len} bytes, fewer than the {points} points × {n_channels} \
                         channels the header promises (truncated?)"
                ),
            ));
        }
        n_samples = points;
    }
    if n_samples == 0 {
        return Err(FormatError::invalid(
            &data_path,
            format!("holds no complete sample ({data_len} bytes for {n_channels} channels)"),
        ));
    }
    for c in &mut channels {
        c.n_samples = n_samples;
    }
    let map = if data_len == 0 {
        None
    } else {
        // SAFETY: read-only map, read through bounds-checked slices (see edf.rs).
        Some(unsafe { Mmap::map(&file) }.map_err(|e| FormatError::io(&data_path, e))?)
    };

    let annotations = match marker_path(path, &ini, common)? {
        Some(vmrk) => read_markers(&vmrk, sample_rate_hz)?,
        None => Vec::new(),
    };
    let electrodes = coordinates(&ini, &key_to_index, &channels);

    let source = BrainVisionSource {
        map,
        binary,
        vectorized,
        n_channels,
        n_samples,
        factors,
    };
    Ok(Recording {
        name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        channels,
        annotations,
        electrodes,
        duration_secs: n_samples as f64 / sample_rate_hz,
        record_onsets_secs: None,
        source: Arc::new(source),
    })
}

/// The marker file: as named in the header, else `NAME.vmrk` beside it (MNE's recovery after a
/// rename); an error naming the file when neither exists. `None` when the header names none.
fn marker_path(path: &Path, ini: &Ini, common: &str) -> Result<Option<PathBuf>, FormatError> {
    let Some(name) = ini.get(common, "markerfile").filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    let named = path.parent().unwrap_or(Path::new("")).join(name);
    if named.is_file() {
        return Ok(Some(named));
    }
    let sibling = path.with_extension("vmrk");
    if sibling.is_file() {
        return Ok(Some(sibling));
    }
    Err(FormatError::invalid(
        &named,
        format!(
            "the marker file named by {} (MarkerFile=) does not exist",
            path.display()
        ),
    ))
}

/// Reads `[Marker Infos]` of a `.vmrk` into annotations, as MNE does.
pub fn read_markers(path: &Path, sample_rate_hz: f64) -> Result<Vec<Annotation>, FormatError> {
    let raw = std::fs::read(path).map_err(|e| FormatError::io(path, e))?;
    let text = decode(&raw);
    let mut in_markers = false;
    let mut markers = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_markers = line.eq_ignore_ascii_case("[Marker Infos]");
            continue;
        }
        if !in_markers || line.starts_with(';') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if !key.starts_with("Mk") {
            continue;
        }
        let fields: Vec<&str> = value.split(',').collect();
        if fields.len() < 4 {
            return Err(FormatError::invalid(
                path,
                format!("marker {key} has fewer than 4 fields: {value:?}"),
            ));
        }
        let kind = fields[0].replace("\\1", ",");
        let description = fields[1].replace("\\1", ",");
        let position: i64 = fields[2].trim().parse().map_err(|_| {
            FormatError::invalid(
                path,
                format!("marker {key}: position {:?} is not a number", fields[2]),
            )
        })?;
        let points: u64 = fields[3].trim().parse().unwrap_or(0);
        markers.push((kind, description, position, points));
    }
    if markers.first().is_some_and(|m| m.0 == "New Segment") {
        markers.remove(0);
    }
    Ok(markers
        .into_iter()
        .map(|(kind, description, position, points)| Annotation {
            onset_secs: (position - 1) as f64 / sample_rate_hz,
            duration_secs: points as f64 / sample_rate_hz,
            text: format!("{kind}/{description}"),
        })
        .collect())
}

/// Electrode positions from a `[Coordinates]` section (`ChN=radius,theta,phi`, degrees), in mm,
/// as MNE converts them; (0, 0, 0) means "no position".
fn coordinates(
    ini: &Ini,
    key_to_index: &[(String, usize)],
    channels: &[Channel],
) -> Vec<Electrode> {
    let Some(section) = ini.section("coordinates") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in section {
        let Some(&(_, index)) = key_to_index.iter().find(|(k, _)| k == key) else {
            continue;
        };
        let v: Vec<f64> = value
            .split(',')
            .filter_map(|x| x.trim().parse().ok())
            .collect();
        let [mut radius, theta, phi] = v[..] else {
            continue;
        };
        if radius == 1.0 {
            radius = 95.0; // MNE: HEAD_SIZE_DEFAULT, 0.095 m
        }
        let (pol, az) = (theta.to_radians(), phi.to_radians());
        let p = Vec3::new(
            (radius * pol.sin() * az.cos()) as f32,
            (radius * pol.sin() * az.sin()) as f32,
            (radius * pol.cos()) as f32,
        );
        if p != Vec3::ZERO {
            out.push(Electrode {
                name: channels[index].name.clone(),
                position_mm: p,
            });
        }
    }
    out
}

struct BrainVisionSource {
    map: Option<Mmap>,
    binary: Binary,
    vectorized: bool,
    n_channels: usize,
    n_samples: u64,
    /// Volts (or the file's unit) per stored value, per channel.
    factors: Vec<f64>,
}

impl SampleSource for BrainVisionSource {
    fn read(&self, channel: usize, start: u64, out: &mut [f64]) -> Result<(), String> {
        let factor = *self
            .factors
            .get(channel)
            .ok_or_else(|| format!("no channel {channel}"))?;
        let available = self.n_samples.saturating_sub(start).min(out.len() as u64) as usize;
        out[available..].fill(f64::NAN);
        if available == 0 {
            return Ok(());
        }
        let map = self.map.as_deref().unwrap_or(&[]);
        let bps = self.binary.bytes();
        let start = start as usize;
        let (first, stride) = if self.vectorized {
            ((channel * self.n_samples as usize + start) * bps, bps)
        } else {
            (
                (start * self.n_channels + channel) * bps,
                self.n_channels * bps,
            )
        };
        let end = first + (available - 1) * stride + bps;
        let bytes = map
            .get(first..end)
            .ok_or_else(|| "samples lie past the end of the data file".to_owned())?;
        let dst = &mut out[..available];
        let values = bytes.chunks(stride);
        match self.binary {
            Binary::Int16 => {
                for (o, c) in dst.iter_mut().zip(values) {
                    *o = i16::from_le_bytes([c[0], c[1]]) as f64 * factor;
                }
            }
            Binary::Int32 => {
                for (o, c) in dst.iter_mut().zip(values) {
                    *o = i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64 * factor;
                }
            }
            Binary::Float32 => {
                for (o, c) in dst.iter_mut().zip(values) {
                    *o = f32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f64 * factor;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_sections_and_comment() {
        let ini = Ini::parse(
            "Brain Vision Data Exchange Header File Version 1.0\n; c\n[Common Infos]\n\
             DataFile=a.eeg\n[Channel Infos]\nCh1=Fp1,,0.1,µV\n[Comment]\n[Fake]\nx=1\n",
        );
        assert_eq!(ini.get("common infos", "datafile"), Some("a.eeg"));
        assert_eq!(ini.get("channel infos", "ch1"), Some("Fp1,,0.1,µV"));
        assert!(ini.section("fake").is_none());
    }
}
