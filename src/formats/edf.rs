//! EDF, EDF+ (continuous and discontinuous), BDF and BDF+ recordings, memory-mapped.
//!
//! Samples are decoded on demand straight from the map; nothing but the header and the
//! annotations is read when a file is opened. Numbers follow EDFlib (and so pyedflib) exactly:
//! physical = bitvalue · (offset + digital) with bitvalue = (pmax − pmin)/(dmax − dmin) and
//! offset = pmax/bitvalue − dmax, in f64, then scaled to volts for voltage channels; sample rates
//! (samples per record · 10⁷ / ticks, correctly rounded: 800 samples per 0.5 s give exactly
//! 1600 Hz, as pyedflib reports) and durations come from the record duration in EDFlib's 100 ns
//! ticks.
//!
//! What a damaged header does (EDFlib refuses most of these; Glia reads what MNE and EDFbrowser
//! can make sense of):
//! - a record count of −1, or one larger than the file holds: the whole records present are read
//!   (MNE infers the count from the file size); a count smaller than the file holds: only that
//!   many records are read (trailing bytes ignored, as EDFlib reads them); a truncated last record
//!   is ignored. A file without one whole record is an error.
//! - a header-size field that disagrees with the number of signals: the size the signal count
//!   implies (256 · (signals + 1)) is used.
//! - labels and units that are not ASCII: decoded as UTF-8 when valid, else as Latin-1 (MNE).
//! - a channel with 0 (or negative) samples per record: an error naming the channel, as EDFlib
//!   and EDFbrowser refuse such files ("samples per record must be at least 1").
//! - a digital range of 0 or a physical range of 0: read as MNE reads it (the range taken as 1).
//! - a record duration of 0 or less with signals present: 1 s, as MNE assumes.
//! - a plain EDF/BDF (not "+") keeps an "EDF Annotations" signal as an ordinary channel, as
//!   pyedflib does. In an EDF+/BDF+ file a signal labelled "EDF Annotations" or "BDF Annotations"
//!   is an annotation signal whichever of the two the file is (MNE accepts both).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::Mmap;

use super::{FormatError, Loaded};
use crate::model::{Annotation, Channel, ChannelKind, Recording, SampleSource};

/// EDFlib's time unit: 100 ns.
const TICKS_PER_SEC: i64 = 10_000_000;

/// Whether the first bytes are an EDF ("0" and seven spaces) or BDF ("\xffBIOSEMI") header.
pub fn sniff(head: &[u8]) -> bool {
    head.len() >= 256 && (head.starts_with(b"0       ") || head.starts_with(b"\xffBIOSEMI"))
}

/// Reads an EDF/BDF file (see [`read_recording`]).
pub fn read(path: &Path) -> Result<Loaded, FormatError> {
    Ok(Loaded {
        recording: Some(read_recording(path)?),
        ..Default::default()
    })
}

/// One signal as the header describes it.
#[derive(Clone, Debug)]
struct Signal {
    label: String,
    transducer: String,
    unit: String,
    phys_min: f64,
    phys_max: f64,
    dig_min: f64,
    dig_max: f64,
    samples_per_record: u64,
    /// Offset of this signal's samples inside a data record, in bytes.
    offset_in_record: u64,
    annotation: bool,
}

/// Opens a recording: parses the header, reads the annotations, and maps the data.
///
/// Fills every [`Recording`] field: `channels` (annotation signals excluded), `annotations`
/// (EDF+/BDF+ TALs; onsets relative to the first record's start, as pyedflib gives them; a TAL
/// without a duration has duration 0, as MNE gives it, where pyedflib reports −1),
/// `duration_secs` (records × record duration) and, for EDF+D/BDF+D, `record_onsets_secs`.
/// `electrodes` stays empty (EDF holds no positions).
pub fn read_recording(path: &Path) -> Result<Recording, FormatError> {
    let file = std::fs::File::open(path).map_err(|e| FormatError::io(path, e))?;
    let file_len = file.metadata().map_err(|e| FormatError::io(path, e))?.len();
    let invalid = |problem: String| FormatError::invalid(path, problem);
    if file_len < 256 {
        return Err(invalid(format!(
            "is {file_len} bytes long, shorter than an EDF/BDF header (256 bytes)"
        )));
    }
    // SAFETY: the map is read-only and only read through bounds-checked slices; a file changed
    // by another program while mapped can give wrong samples, never memory unsafety beyond what
    // every mmap-based reader accepts (SIGBUS if it is truncated meanwhile).
    let map = unsafe { Mmap::map(&file) }.map_err(|e| FormatError::io(path, e))?;
    let head = &map[..256];
    let bdf = if head.starts_with(b"\xffBIOSEMI") {
        true
    } else if head.starts_with(b"0       ") {
        false
    } else {
        return Err(invalid(
            "is not an EDF or BDF file (the first 8 bytes are neither \"0\" nor \"\\xffBIOSEMI\")"
                .into(),
        ));
    };
    let format = if bdf { "BDF" } else { "EDF" };
    let bytes_per_sample: u64 = if bdf { 3 } else { 2 };
    let reserved = text(&head[192..236]);
    let plus = reserved.starts_with("EDF+") || reserved.starts_with("BDF+");
    let discontinuous = plus && reserved[4..].starts_with('D');

    let n_signals = parse_int(&head[252..256]).ok_or_else(|| {
        invalid(format!(
            "the {format} header's number of signals is not a number"
        ))
    })?;
    if n_signals < 1 {
        return Err(invalid(format!(
            "the {format} header says it holds {n_signals} signals"
        )));
    }
    let n_signals = n_signals as u64;
    let header_len = 256 * (n_signals + 1);
    if header_len > file_len {
        return Err(invalid(format!(
            "the header promises {n_signals} signals ({header_len} header bytes) but the file has \
             only {file_len} bytes (truncated, or not a {format} file)"
        )));
    }
    let ns = n_signals as usize;
    let hdr = &map[..header_len as usize];
    // Field `k` of signal `i`: fields are stored signal after signal, field after field.
    let field = |start: usize, width: usize, i: usize| -> &[u8] {
        let at = 256 + start * ns + i * width;
        &hdr[at..at + width]
    };
    let is_annotation_label =
        |label: &str| label == "EDF Annotations" || label == "BDF Annotations";
    let mut signals = Vec::with_capacity(ns);
    let mut record_samples: u64 = 0;
    for i in 0..ns {
        let label = text(field(0, 16, i));
        let name = if label.is_empty() {
            format!("signal {}", i + 1)
        } else {
            format!("signal {} ({label})", i + 1)
        };
        let number = |start: usize, what: &str| -> Result<f64, FormatError> {
            parse_f64(field(start, 8, i)).ok_or_else(|| {
                invalid(format!(
                    "{name}: the {what} in the header is not a number ({:?})",
                    text(field(start, 8, i))
                ))
            })
        };
        let phys_min = number(104, "physical minimum")?;
        let phys_max = number(112, "physical maximum")?;
        let dig_min = number(120, "digital minimum")?;
        let dig_max = number(128, "digital maximum")?;
        let spr = parse_int(field(216, 8, i)).ok_or_else(|| {
            invalid(format!(
                "{name}: the number of samples per record is not a number ({:?})",
                text(field(216, 8, i))
            ))
        })?;
        if spr < 1 {
            return Err(invalid(format!(
                "{name} has {spr} samples per data record; EDF needs at least 1 (EDFbrowser and \
                 EDFlib refuse such files too)"
            )));
        }
        let spr = spr as u64;
        let offset_in_record = record_samples
            .checked_mul(bytes_per_sample)
            .ok_or_else(|| invalid("absurd samples per record in the header".into()))?;
        record_samples = record_samples
            .checked_add(spr)
            .filter(|&n| n <= u64::MAX / 8)
            .ok_or_else(|| invalid("absurd samples per record in the header".into()))?;
        signals.push(Signal {
            annotation: plus && is_annotation_label(&label),
            label,
            transducer: text(field(16, 80, i)),
            unit: text(field(96, 8, i)),
            phys_min,
            phys_max,
            dig_min,
            dig_max,
            samples_per_record: spr,
            offset_in_record,
        });
    }
    let record_len = record_samples * bytes_per_sample;
    let data_len = file_len - header_len;
    let whole_records = data_len / record_len;
    let header_records = parse_int(&head[236..244]);
    let n_records = match header_records {
        Some(n) if n >= 0 && (n as u64) <= whole_records => n as u64,
        _ => whole_records,
    };
    if n_records == 0 {
        return Err(invalid(format!(
            "holds no complete data record: a record is {record_len} bytes and the file has \
             {data_len} bytes after its {header_len}-byte header{}",
            match header_records {
                Some(0) => " (the header says 0 records)",
                _ => " (truncated?)",
            }
        )));
    }

    let has_signals = signals.iter().any(|s| !s.annotation);
    let duration_field = &head[244..252];
    let mut record_ticks = parse_ticks(&text(duration_field))
        .or_else(|| parse_f64(duration_field).filter(|v| *v < 0.0).map(|_| 0))
        .ok_or_else(|| {
            invalid(format!(
                "the {format} header's record duration is not a number"
            ))
        })?;
    if record_ticks <= 0 && has_signals {
        record_ticks = TICKS_PER_SEC; // as MNE: "record length set to 1"
    }
    let record_secs = record_ticks as f64 / TICKS_PER_SEC as f64;

    let tals = if plus {
        read_tals(
            path,
            &file,
            &signals,
            header_len,
            record_len,
            n_records,
            bytes_per_sample,
        )?
    } else {
        Tals::default()
    };
    let record_onsets_secs = discontinuous.then(|| {
        let onsets = (0..n_records as usize)
            .map(|r| match tals.record_onsets.get(r).copied().flatten() {
                Some(t) => t.saturating_sub(tals.start_offset) as f64 / TICKS_PER_SEC as f64,
                None => r as f64 * record_secs,
            })
            .collect();
        (onsets, record_secs)
    });

    let mut channels = Vec::new();
    let mut layouts = Vec::new();
    for s in signals.iter().filter(|s| !s.annotation) {
        let (scale, unit) = match volts_per_unit(&s.unit) {
            Some(scale) => (scale, "V".to_owned()),
            None => (1.0, s.unit.clone()),
        };
        let (bitvalue, offset) = scaling(s);
        channels.push(Channel {
            name: s.label.clone(),
            sample_rate_hz: s.samples_per_record as f64 * TICKS_PER_SEC as f64
                / record_ticks as f64,
            n_samples: s.samples_per_record * n_records,
            unit,
            file_unit: s.unit.clone(),
            kind: kind_of(&s.label, &s.transducer, volts_per_unit(&s.unit).is_some()),
            bad: false,
        });
        layouts.push(Layout {
            offset_in_record: s.offset_in_record as usize,
            samples_per_record: s.samples_per_record,
            n_samples: s.samples_per_record * n_records,
            bitvalue,
            offset,
            scale,
        });
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let source = EdfSource {
        map,
        data_offset: header_len as usize,
        record_len: record_len as usize,
        bdf,
        layouts,
        touched: AtomicU64::new(0),
    };
    Ok(Recording {
        name,
        channels,
        annotations: tals.annotations,
        electrodes: Vec::new(),
        duration_secs: (record_ticks as i128 * n_records as i128) as f64 / TICKS_PER_SEC as f64,
        record_onsets_secs,
        source: Arc::new(source),
    })
}

/// EDFlib's scaling (bitvalue, offset), with MNE's fallback for degenerate ranges.
fn scaling(s: &Signal) -> (f64, f64) {
    let digital = s.dig_max - s.dig_min;
    let physical = s.phys_max - s.phys_min;
    if digital.is_finite() && digital > 0.0 && physical != 0.0 && physical.is_finite() {
        let bitvalue = physical / digital;
        (bitvalue, s.phys_max / bitvalue - s.dig_max)
    } else {
        // MNE: a range of 0 (or a non-finite one) is taken as 1; value = (d − dmin)·cal + pmin.
        let digital = if digital.is_finite() && digital != 0.0 {
            digital
        } else {
            1.0
        };
        let physical = if physical.is_finite() && physical != 0.0 {
            physical
        } else {
            1.0
        };
        let cal = physical / digital;
        (cal, s.phys_min / cal - s.dig_min)
    }
}

/// Volts per unit for a voltage unit (`uV`, `µV`, `mV` …), `None` for anything else.
pub(crate) fn volts_per_unit(unit: &str) -> Option<f64> {
    Some(match unit.trim() {
        "V" | "v" => 1.0,
        "mV" | "mv" | "MV" => 1e-3,
        "uV" | "µV" | "μV" | "uv" | "UV" | "µv" | "μv" => 1e-6,
        "nV" | "nv" | "NV" => 1e-9,
        "pV" => 1e-12,
        "kV" => 1e3,
        _ => return None,
    })
}

/// A channel's kind: from its label's first word ("EEG Fp1", "ECG", "Status"), else from the
/// transducer's first word, else EEG for voltages and MISC otherwise.
pub(crate) fn kind_of(label: &str, transducer: &str, voltage: bool) -> ChannelKind {
    let first = |s: &str| s.split([' ', '-', '_']).next().map(str::to_owned);
    ChannelKind::from_name(label)
        .or_else(|| first(label).and_then(|w| ChannelKind::from_name(&w)))
        .or_else(|| first(transducer).and_then(|w| ChannelKind::from_name(&w)))
        .unwrap_or(if voltage {
            ChannelKind::Eeg
        } else {
            ChannelKind::Misc
        })
}

/// What the annotation signals hold.
#[derive(Default)]
struct Tals {
    annotations: Vec<Annotation>,
    /// The time-keeping onset of each record, in ticks (`None` when a record has none).
    record_onsets: Vec<Option<i64>>,
    /// The first record's onset (its sub-second start), subtracted from every time as EDFlib does.
    start_offset: i64,
}

/// Reads every record's annotation signals with positioned reads (not through the map, so the
/// pages do not stay resident).
fn read_tals(
    path: &Path,
    file: &std::fs::File,
    signals: &[Signal],
    header_len: u64,
    record_len: u64,
    n_records: u64,
    bytes_per_sample: u64,
) -> Result<Tals, FormatError> {
    use std::os::unix::fs::FileExt;
    let annotation_signals: Vec<&Signal> = signals.iter().filter(|s| s.annotation).collect();
    let mut tals = Tals::default();
    if annotation_signals.is_empty() {
        return Ok(tals);
    }
    // Annotation signals are usually adjacent: read the span covering all of them at once.
    let first = annotation_signals[0].offset_in_record;
    let last = annotation_signals
        .iter()
        .map(|s| s.offset_in_record + s.samples_per_record * bytes_per_sample)
        .max()
        .unwrap_or(first);
    let mut buf = vec![0u8; (last - first) as usize];
    let mut raw = Vec::new();
    for r in 0..n_records {
        let at = header_len + r * record_len + first;
        file.read_exact_at(&mut buf, at)
            .map_err(|e| FormatError::io(path, e))?;
        let mut record_onset = None;
        for (k, s) in annotation_signals.iter().enumerate() {
            let start = (s.offset_in_record - first) as usize;
            let len = (s.samples_per_record * bytes_per_sample) as usize;
            let bytes = &buf[start..start + len];
            parse_tal_signal(bytes, k == 0, &mut record_onset, &mut raw);
        }
        if r == 0 {
            tals.start_offset = record_onset
                .filter(|t| (0..TICKS_PER_SEC).contains(t))
                .unwrap_or(0);
        }
        tals.record_onsets.push(record_onset);
    }
    let offset = tals.start_offset;
    tals.annotations = raw
        .into_iter()
        .map(|(onset, duration, text)| Annotation {
            onset_secs: onset.saturating_sub(offset) as f64 / TICKS_PER_SEC as f64,
            duration_secs: duration,
            text,
        })
        .collect();
    Ok(tals)
}

/// Parses one record's annotation signal: TALs `+onset[\x15duration]\x14text\x14…\x14\0`. In the
/// first annotation signal, the first TAL's first (empty) text marks the record's onset.
fn parse_tal_signal(
    bytes: &[u8],
    time_keeping: bool,
    record_onset: &mut Option<i64>,
    out: &mut Vec<(i64, f64, String)>,
) {
    let mut first_tal = time_keeping;
    for tal in bytes.split(|&b| b == 0).filter(|t| !t.is_empty()) {
        let mut fields = tal.split(|&b| b == 0x14);
        let Some(head) = fields.next() else { continue };
        let (onset, duration) = match head.iter().position(|&b| b == 0x15) {
            Some(p) => (&head[..p], Some(&head[p + 1..])),
            None => (head, None),
        };
        let Some(onset) = std::str::from_utf8(onset).ok().and_then(parse_onset) else {
            first_tal = false;
            continue;
        };
        let duration = duration
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| d.trim().parse::<f64>().ok())
            .filter(|d| d.is_finite())
            .unwrap_or(0.0);
        // The last field is what follows the final \x14: empty in a well-formed TAL.
        let texts: Vec<&[u8]> = fields.collect();
        let texts = match texts.split_last() {
            Some((&[], rest)) => rest,
            _ => &texts[..],
        };
        let mut texts = texts.iter();
        if first_tal {
            *record_onset = Some(onset);
            texts.next(); // the time-keeping TAL's empty text
            first_tal = false;
        }
        for t in texts.filter(|t| !t.is_empty()) {
            out.push((onset, duration, String::from_utf8_lossy(t).into_owned()));
        }
    }
}

/// An onset `+12.5` / `-0.25` in ticks, as EDFlib computes it (digits past the 7th decimal
/// ignored).
fn parse_onset(s: &str) -> Option<i64> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    parse_ticks(rest)
        .map(|t| sign * t)
        .filter(|_| !rest.is_empty())
}

/// A non-negative decimal number of seconds in ticks, exactly (no float rounding).
fn parse_ticks(s: &str) -> Option<i64> {
    let s = s.trim();
    let (int, frac) = s.split_once(['.', ',']).unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        // Exponents and other oddities: through a float.
        let v: f64 = s.replace(',', ".").parse().ok()?;
        return (v.is_finite() && (0.0..1e11).contains(&v)).then(|| (v * 1e7).round() as i64);
    }
    let mut ticks: i64 = 0;
    for b in int.bytes() {
        ticks = ticks.checked_mul(10)?.checked_add((b - b'0') as i64)?;
    }
    ticks = ticks.checked_mul(TICKS_PER_SEC)?;
    let mut radix = TICKS_PER_SEC / 10;
    for b in frac.bytes() {
        ticks = ticks.checked_add((b - b'0') as i64 * radix)?;
        radix /= 10;
    }
    Some(ticks)
}

/// A header field as text: UTF-8 when valid, else Latin-1; trimmed of spaces and NULs.
pub(crate) fn text(bytes: &[u8]) -> String {
    let s = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    s.trim_matches(|c: char| c.is_whitespace() || c == '\0')
        .to_owned()
}

fn parse_int(bytes: &[u8]) -> Option<i64> {
    let s = text(bytes);
    s.strip_prefix('+').unwrap_or(&s).parse().ok().or_else(|| {
        // "200.0" in an integer field: accepted when it is a whole number.
        let v = parse_f64(bytes)?;
        (v.fract() == 0.0 && v.abs() < 1e15).then_some(v as i64)
    })
}

fn parse_f64(bytes: &[u8]) -> Option<f64> {
    let s = text(bytes).replace(',', ".");
    s.strip_prefix('+')
        .unwrap_or(&s)
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// Where a channel's samples are and how to scale them.
struct Layout {
    offset_in_record: usize,
    samples_per_record: u64,
    n_samples: u64,
    bitvalue: f64,
    offset: f64,
    /// Volts per file unit (1 for non-voltages).
    scale: f64,
}

struct EdfSource {
    map: Mmap,
    data_offset: usize,
    record_len: usize,
    bdf: bool,
    layouts: Vec<Layout>,
    /// Bytes of the map touched since pages were last released (see [`EdfSource::release`]).
    touched: AtomicU64,
}

/// Pages touched before the map's resident pages are dropped (they stay in the page cache; the
/// next read faults them back in cheaply). Keeps the resident size bounded while the whole
/// recording is read, e.g. for pyramids.
const RELEASE_AFTER_BYTES: u64 = 256 << 20;

impl EdfSource {
    fn release_if_needed(&self, touched: u64) {
        let total = self.touched.fetch_add(touched, Ordering::Relaxed) + touched;
        if total >= RELEASE_AFTER_BYTES {
            self.touched.store(0, Ordering::Relaxed);
            // SAFETY: the mapping is read-only and file-backed; MADV_DONTNEED only drops our page
            // table entries, and later reads fault the same file contents back in.
            let _ = unsafe {
                self.map
                    .unchecked_advise(memmap2::UncheckedAdvice::DontNeed)
            };
        }
    }
}

impl SampleSource for EdfSource {
    fn read(&self, channel: usize, start: u64, out: &mut [f64]) -> Result<(), String> {
        let l = self
            .layouts
            .get(channel)
            .ok_or_else(|| format!("no channel {channel}"))?;
        let available = l.n_samples.saturating_sub(start).min(out.len() as u64) as usize;
        out[available..].fill(f64::NAN);
        let bps = if self.bdf { 3 } else { 2 };
        let spr = l.samples_per_record;
        let (a, b, scale) = (l.bitvalue, l.offset, l.scale);
        let mut done = 0usize;
        let mut s = start;
        let mut runs = 0u64;
        while done < available {
            let record = (s / spr) as usize;
            let k = (s % spr) as usize;
            let take = ((spr as usize) - k).min(available - done);
            let at = self.data_offset + record * self.record_len + l.offset_in_record + k * bps;
            let bytes = self.map.get(at..at + take * bps).ok_or_else(|| {
                format!("sample {s} of channel {channel} lies past the file's end")
            })?;
            let dst = &mut out[done..done + take];
            if self.bdf {
                for (o, c) in dst.iter_mut().zip(bytes.chunks_exact(3)) {
                    let d = (i32::from_le_bytes([0, c[0], c[1], c[2]]) >> 8) as f64;
                    *o = a * (b + d) * scale;
                }
            } else {
                for (o, c) in dst.iter_mut().zip(bytes.chunks_exact(2)) {
                    let d = i16::from_le_bytes([c[0], c[1]]) as f64;
                    *o = a * (b + d) * scale;
                }
            }
            done += take;
            s += take as u64;
            runs += 1;
        }
        // Each run touches at least one page.
        self.release_if_needed(runs * 4096 + (available * bps) as u64);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onsets_in_ticks_as_edflib() {
        assert_eq!(parse_onset("+0"), Some(0));
        assert_eq!(parse_onset("+2.3457031"), Some(23_457_031));
        assert_eq!(parse_onset("-0.5"), Some(-5_000_000));
        assert_eq!(parse_onset("+1.123456789"), Some(11_234_567));
        assert_eq!(parse_onset("12"), None);
        assert_eq!(parse_onset("+"), None);
        assert_eq!(parse_ticks("0.5"), Some(5_000_000));
        assert_eq!(parse_ticks("1"), Some(TICKS_PER_SEC));
    }

    #[test]
    fn tal_parsing() {
        let mut onset = None;
        let mut out = Vec::new();
        let bytes = b"+0.25\x14\x14Start\x14\0+3\x152.5\x14Eyes closed\x14\x14\0+4\x14\x14\0\0\0";
        parse_tal_signal(bytes, true, &mut onset, &mut out);
        assert_eq!(onset, Some(2_500_000));
        assert_eq!(
            out,
            vec![
                (2_500_000, 0.0, "Start".to_owned()),
                (30_000_000, 2.5, "Eyes closed".to_owned()),
            ]
        );
    }

    #[test]
    fn kinds_from_labels() {
        assert_eq!(kind_of("EEG Fp1", "", true), ChannelKind::Eeg);
        assert_eq!(kind_of("ECG", "", true), ChannelKind::Ecg);
        assert_eq!(kind_of("EOG L", "", true), ChannelKind::Eog);
        assert_eq!(kind_of("Status", "", false), ChannelKind::Trig);
        assert_eq!(kind_of("Fp1", "", true), ChannelKind::Eeg);
        assert_eq!(kind_of("thermistor", "", false), ChannelKind::Misc);
        assert_eq!(kind_of("x", "EMG electrode", true), ChannelKind::Emg);
    }

    #[test]
    fn latin1_labels() {
        assert_eq!(text(b"Fp1 \xb5V  "), "Fp1 \u{b5}V");
        assert_eq!(text("Fp1 µV".as_bytes()), "Fp1 µV");
    }
}
