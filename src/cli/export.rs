//! `glia export`: a recording's channels as the trace browser shows them (re-referenced and
//! filtered), channels × samples in volts, to `.npy` or `.csv`.
//!
//! Filtering matches SciPy exactly: `--filter LO-HI` is
//! `sos = scipy.signal.butter(4, [LO, HI], btype="bandpass", fs=fs, output="sos")`, `--notch F`
//! appends `scipy.signal.iirnotch(k·F, 30, fs)` for every harmonic below Nyquist (as second-order
//! sections), and the sections are applied with `scipy.signal.sosfiltfilt(sos, x)` on exactly
//! the exported stretch (its default odd padding). `--reference average` subtracts, sample by
//! sample, the mean of the recording's good EEG/iEEG channels of the same sample rate.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::CliError;
use crate::model::{DisplayFilter, Reference, Source};
use crate::session::Session;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    /// The recording (EDF, EDF+, BDF, BrainVision .vhdr).
    pub recording: PathBuf,
    /// Channels to export, by name, comma-separated (default: all of the first channel's
    /// sample rate).
    #[arg(long, value_delimiter = ',')]
    pub channels: Vec<String>,
    /// Start, seconds from the beginning.
    #[arg(long, default_value_t = 0.0)]
    pub start: f64,
    /// Length, seconds (default: to the end).
    #[arg(long)]
    pub duration: Option<f64>,
    /// `average`: subtract the mean of the good EEG/iEEG channels.
    #[arg(long)]
    pub reference: Option<String>,
    /// Zero-phase 4th-order Butterworth band-pass, LO-HI in Hz (e.g. 1-40).
    #[arg(long)]
    pub filter: Option<String>,
    /// Mains frequency to notch with its harmonics (50 or 60 Hz).
    #[arg(long)]
    pub notch: Option<f32>,
    /// Output: `.npy` (float64, channels × samples) or `.csv` (a header row of sample times in
    /// seconds, then one row per channel: its name, then its samples).
    #[arg(short, long)]
    pub output: PathBuf,
}

/// Parses `LO-HI` in Hz.
pub fn parse_band(s: &str) -> Result<(f32, f32), String> {
    let bad = || format!("--filter {s:?} must look like LO-HI in Hz, e.g. 1-40");
    let (lo, hi) = s.split_once('-').ok_or_else(bad)?;
    let lo: f32 = lo.trim().parse().map_err(|_| bad())?;
    let hi: f32 = hi.trim().parse().map_err(|_| bad())?;
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && lo < hi) {
        return Err(format!("--filter {s:?}: need 0 < LO < HI"));
    }
    Ok((lo, hi))
}

pub fn run(args: &ExportArgs) -> Result<(), CliError> {
    let path = &args.recording;
    let loaded = crate::formats::load(path)?;
    let recording = loaded.recording.ok_or_else(|| {
        CliError::input(format!(
            "{}: not a recording (EDF, BDF or BrainVision)",
            path.display()
        ))
    })?;
    let mut session = Session::default();
    let id = session.add_recording(
        Source::file(path),
        std::sync::Arc::new(crate::session::RecordingData::new(recording)),
    );
    let mut layer = session
        .scene
        .recording(id)
        .cloned()
        .ok_or_else(|| CliError::other("the recording vanished"))?;
    layer.reference = match args.reference.as_deref() {
        None | Some("none") | Some("as-recorded") => Reference::AsRecorded,
        Some("average") => Reference::Average,
        Some(other) => {
            return Err(CliError::input(format!(
                "--reference {other:?}: use `average`"
            )));
        }
    };
    let band = args
        .filter
        .as_deref()
        .map(parse_band)
        .transpose()
        .map_err(|e| CliError::input(format!("{}: {e}", path.display())))?;
    layer.filter = DisplayFilter {
        highpass_hz: band.map(|b| b.0),
        lowpass_hz: band.map(|b| b.1),
        notch_hz: args.notch,
    };
    let data = session
        .recording_data(id)
        .cloned()
        .ok_or_else(|| CliError::other("the recording vanished"))?;
    let rec = &data.recording;
    let rows = session.trace_rows(&layer);
    let chosen: Vec<_> = if args.channels.is_empty() {
        let fs = rows.first().map(|r| rec.channels[r.channel].sample_rate_hz);
        rows.into_iter()
            .filter(|r| Some(rec.channels[r.channel].sample_rate_hz) == fs)
            .collect()
    } else {
        args.channels
            .iter()
            .map(|name| {
                rows.iter()
                    .find(|r| r.label.eq_ignore_ascii_case(name.trim()))
                    .cloned()
                    .ok_or_else(|| {
                        CliError::input(format!("{}: no channel named {name:?}", path.display()))
                    })
            })
            .collect::<Result<_, _>>()?
    };
    let Some(first) = chosen.first() else {
        return Err(CliError::input(format!(
            "{}: no channels to export",
            path.display()
        )));
    };
    let fs = rec.channels[first.channel].sample_rate_hz;
    if let Some(other) = chosen
        .iter()
        .find(|r| rec.channels[r.channel].sample_rate_hz != fs)
    {
        return Err(CliError::input(format!(
            "{}: {} is sampled at {} Hz but {} at {} Hz; export channels of one rate at a time (--channels)",
            path.display(),
            first.label,
            fs,
            other.label,
            rec.channels[other.channel].sample_rate_hz
        )));
    }
    let n_total = chosen
        .iter()
        .map(|r| rec.channels[r.channel].n_samples)
        .min()
        .unwrap_or(0);
    if !(args.start.is_finite() && args.start >= 0.0) {
        return Err(CliError::input(format!(
            "--start {}: must be 0 or more seconds",
            args.start
        )));
    }
    let start = (args.start * fs).round() as u64;
    if start >= n_total {
        return Err(CliError::input(format!(
            "{}: --start {} s is past the end ({:.3} s)",
            path.display(),
            args.start,
            n_total as f64 / fs
        )));
    }
    let n = match args.duration {
        Some(d) if !(d.is_finite() && d > 0.0) => {
            return Err(CliError::input(format!(
                "--duration {d}: must be more than 0 seconds"
            )));
        }
        Some(d) => ((d * fs).round() as u64).min(n_total - start),
        None => n_total - start,
    } as usize;
    let mut out = Vec::with_capacity(chosen.len());
    for row in &chosen {
        let x = session
            .row_signal_with(&layer, row, start, n, false)
            .map_err(|e| CliError::input(format!("{}: {}: {e}", path.display(), row.label)))?;
        out.push(x);
    }
    let labels: Vec<&str> = chosen.iter().map(|r| r.label.as_str()).collect();
    write(&args.output, &labels, &out, start as f64 / fs, fs)
}

fn write(
    path: &Path,
    labels: &[&str],
    data: &[Vec<f64>],
    start_secs: f64,
    fs: f64,
) -> Result<(), CliError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let bytes = match ext.as_deref() {
        Some("npy") => npy(data),
        Some("csv") => csv(labels, data, start_secs, fs),
        _ => {
            return Err(CliError::input(format!(
                "{}: the output must end in .npy or .csv",
                path.display()
            )));
        }
    };
    let write = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
        f.write_all(&bytes)?;
        f.flush()
    };
    write().map_err(|e| CliError::input(format!("{}: cannot write: {e}", path.display())))
}

/// A NumPy `.npy` (format 1.0) of float64, C order, shape (channels, samples).
pub fn npy(data: &[Vec<f64>]) -> Vec<u8> {
    let n = data.first().map_or(0, Vec::len);
    let mut out = crate::formats::npy::header("<f8", &[data.len(), n]);
    out.reserve(data.len() * n * 8);
    for row in data {
        for v in row {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    out
}

/// A header row (`channel`, then each sample's time in seconds from the recording's start),
/// then one row per channel: its name, then its samples in volts.
fn csv(labels: &[&str], data: &[Vec<f64>], start_secs: f64, fs: f64) -> Vec<u8> {
    let mut out = String::from("channel");
    for k in 0..data.first().map_or(0, Vec::len) {
        out.push(',');
        out.push_str(&format!("{}", start_secs + k as f64 / fs));
    }
    out.push('\n');
    for (label, row) in labels.iter().zip(data) {
        out.push_str(&label.replace(',', ";"));
        for v in row {
            out.push(',');
            // Shortest text that reads back to the same f64.
            out.push_str(&format!("{v:e}"));
        }
        out.push('\n');
    }
    out.into_bytes()
}
