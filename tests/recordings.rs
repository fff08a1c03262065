//! Recordings end to end: `glia export` against SciPy and NumPy, the session's referenced and
//! filtered rows, what the trace browser draws (from samples and from the min/max overview), the
//! demo EEG, and electrode values in 3D and on the cortex.

mod common;

use std::f64::consts::TAU;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;

use glam::Vec3;
use glia::dsp::{Band, WelchParams, band_power, butter, sosfiltfilt, welch};
use glia::model::{
    Channel, ChannelKind, DisplayFilter, InMemory, LayerId, Recording, RecordingLayer, Reference,
    Source, Surface, Theme,
};
use glia::session::{RAW_WINDOW_SAMPLES, RecordingData, Session, SurfaceData, TraceRow};

/// A stretch of a channel as SciPy/NumPy compute it: samples at some indices, and sums over the
/// whole stretch.
struct Expected {
    channel: &'static str,
    probes: &'static [(usize, f64)],
    sum: f64,
    /// Sum of |y|: the scale of the sum's rounding (a band-passed stretch sums to nearly 0).
    sum_abs: f64,
    sum_sq: f64,
    std: f64,
}

// Everything from here to the end of SINE_WINDOW is the output of
// `.venv/bin/python tests/data/recordings/reference_export.py` (SciPy 1.17.1, NumPy 2.4.6,
// pyedflib 0.1.42, Python 3.11.7): test_generator.edf read by pyedflib, in µV, times 1e-6 (volts,
// as Glia reads it).
//
// EXPORT_FILTERED: samples 400..2400 (`--start 2 --duration 10` at 200 Hz) of each channel,
//   sos = np.vstack([butter(4, [1, 40], "bandpass", fs=200, output="sos"),
//                    tf2sos(*iirnotch(50, 30, fs=200))])
//   y = sosfiltfilt(sos, x[400:2400])
// (100 Hz, the notch's second harmonic, is not below Nyquist and is left out.)
// EXPORT_AVERAGE: y = x[c, 400:2400] - x[:, 400:2400].mean(axis=0) over all 11 channels: Glia
// types every channel of this file as EEG (no label or transducer names another kind, and the
// unit is a voltage; `squarewave`, `ramp`, `pulse` and `noise` included) and none is bad, so all
// 11 are "good EEG" and make the average (the session tests check the kinds).
// CSV_HEADER: "channel", then repr(2 + k/200) for k in 0..4 without Python's ".0" (the shortest
// text that reads back to the f64, as Rust's Display prints it); CSV_RAW: x[c, 400:404].
// SESSION_WHOLE: sosfiltfilt(butter(4, [1, 40], "bandpass", fs=200, output="sos"), x)[60000:62000]
// SESSION_STRETCH: sosfiltfilt(the same sos, x[60000:62000])
// AUTO_SCALE_MEDIAN_UV: median over channels (ranges of 0 left out) of the 2-98 % range of the
// first 2000 samples, x_sorted[int((n - 1) * p)], in µV.
// SINE_WINDOW: "sine 8 Hz": np.mean(x[20000:22002]), np.max(x[20000:22000]),
// np.min(x[20000:22000]).

// SciPy 1.17.1, NumPy 2.4.6, pyedflib 0.1.42
const EXPORT_FILTERED: [Expected; 2] = [
    Expected {
        channel: "sine 8 Hz",
        probes: &[
            (0, 1.62634256859894e-05),
            (1, 3.9193929835880055e-05),
            (2, 5.957791470823804e-05),
            (250, 2.427398972024919e-05),
            (777, 6.843713888387635e-05),
            (1000, 2.4853422267889062e-05),
            (1499, -1.2045976684329764e-07),
            (1997, -1.6896557369324182e-05),
            (1998, 5.448761464197246e-06),
            (1999, 2.9186062604650828e-05),
        ],
        sum: 2.749585228580963e-05,
        sum_abs: 0.12713031708340236,
        sum_sq: 1.0020413715739376e-05,
        std: 7.07828133720624e-05,
    },
    Expected {
        channel: "noise",
        probes: &[
            (0, 8.018097225440335e-06),
            (1, 4.2105562513559384e-05),
            (2, 5.717329635276912e-05),
            (250, 1.4430603456205659e-05),
            (777, 9.408440946850926e-06),
            (1000, 2.913574862119506e-06),
            (1499, -1.0194739146753192e-05),
            (1997, 3.666899536811779e-05),
            (1998, 2.3925333473136473e-05),
            (1999, 7.039482182825386e-06),
        ],
        sum: 0.001202092164173788,
        sum_abs: 0.029001714342868863,
        sum_sq: 6.459369412499335e-07,
        std: 1.7961269839078046e-05,
    },
];
const EXPORT_AVERAGE: [Expected; 2] = [
    Expected {
        channel: "sine 8 Hz",
        probes: &[
            (0, -1.3538913973796096e-05),
            (1, 5.318462722903097e-06),
            (2, 3.017402220881277e-05),
            (250, 2.4550379047975754e-05),
            (777, 3.983714462084799e-05),
            (1000, 6.7999750306914435e-06),
            (1499, 2.377078174743545e-05),
            (1997, -4.673977125338993e-05),
            (1998, -2.9635794891002033e-05),
            (1999, -2.6622831658308874e-05),
        ],
        sum: -0.009190139897487114,
        sum_abs: 0.11820804427890716,
        sum_sq: 9.01725202973781e-06,
        std: 6.698888972833524e-05,
    },
    Expected {
        channel: "noise",
        probes: &[
            (0, -2.7394105855996446e-05),
            (1, 1.514527282437559e-05),
            (2, 1.869923774249706e-05),
            (250, 8.5708538809935e-05),
            (777, 2.436449641759782e-05),
            (1000, -1.5050944325377833e-05),
            (1499, 5.575369164291115e-05),
            (1997, 3.1416938901489134e-05),
            (1998, 4.6201543935579175e-05),
            (1999, -6.633512973636563e-06),
        ],
        sum: 0.08940313087385643,
        sum_abs: 0.0934744043779521,
        sum_sq: 5.987529189449105e-06,
        std: 3.155209410185919e-05,
    },
];
const CSV_HEADER: [&str; 5] = ["channel", "2", "2.005", "2.01", "2.015"];
const CSV_RAW: [(&str, [f64; 4]); 2] = [
    (
        "sine 8 Hz",
        [
            2.485694666971847e-05,
            4.81727321278706e-05,
            6.846723125047684e-05,
            8.44281681544213e-05,
        ],
    ),
    (
        "noise",
        [
            1.100175478751812e-05,
            5.7999542229343096e-05,
            5.6992446784161126e-05,
            5.198748760204471e-05,
        ],
    ),
];
const SESSION_WHOLE: [Expected; 2] = [
    Expected {
        channel: "noise",
        probes: &[
            (0, 7.745945336908569e-06),
            (1, -1.4848415119899041e-05),
            (2, -2.4514438723056266e-05),
            (250, -1.662876992681735e-05),
            (777, 1.2165420319706318e-06),
            (1000, -1.099139986551615e-05),
            (1499, 9.371913257457683e-06),
            (1997, -3.1074501026667645e-05),
            (1998, -7.0111144829116034e-06),
            (1999, 1.3613766949778046e-05),
        ],
        sum: -2.666136957941527e-05,
        sum_abs: 0.028082286495419558,
        sum_sq: 6.010766310511787e-07,
        std: 1.733603581613837e-05,
    },
    Expected {
        channel: "sine 8 Hz",
        probes: &[
            (0, 2.4854625934919466e-05),
            (1, 4.815580807011584e-05),
            (2, 6.843907793505942e-05),
            (250, 2.4854625934918605e-05),
            (777, 6.843907793505512e-05),
            (1000, 2.4854625934915962e-05),
            (1499, -3.889575293791747e-18),
            (1997, -4.815580807011274e-05),
            (1998, -2.485462593491641e-05),
            (1999, 7.318364664277155e-19),
        ],
        sum: -8.222047175043823e-16,
        sum_abs: 0.12712907419528596,
        sum_sq: 9.996040907729614e-06,
        std: 7.069667922798643e-05,
    },
];
const SESSION_STRETCH: [Expected; 2] = [
    Expected {
        channel: "noise",
        probes: &[
            (0, -1.423321704211579e-06),
            (1, -4.429539925187622e-05),
            (2, -5.240569399033999e-05),
            (250, -1.6713246825949166e-05),
            (777, 1.2170066592305817e-06),
            (1000, -1.0991386994163937e-05),
            (1499, 9.43788476651344e-06),
            (1997, -7.745068272900035e-05),
            (1998, -4.729209968312514e-05),
            (1999, -3.197847570371184e-06),
        ],
        sum: -0.0009633640555460627,
        sum_abs: 0.028569278088638086,
        sum_sq: 6.376560804536184e-07,
        std: 1.7849258322152482e-05,
    },
    Expected {
        channel: "sine 8 Hz",
        probes: &[
            (0, 1.3565257318874487e-05),
            (1, 3.6577152610207687e-05),
            (2, 5.7049649752142385e-05),
            (250, 2.427933526679599e-05),
            (777, 6.844028998124422e-05),
            (1000, 2.4854681059907556e-05),
            (1499, -5.4422702374123694e-08),
            (1997, -3.260408772464706e-05),
            (1998, -9.336530866560494e-06),
            (1999, 1.5447606520045108e-05),
        ],
        sum: -0.0003798217431353016,
        sum_abs: 0.12705411262103683,
        sum_sq: 9.988768882662828e-06,
        std: 7.067070379720492e-05,
    },
];
const AUTO_SCALE_MEDIAN_UV: f64 = 199.5880064087892;
/// (mean of samples 20000..22002, max and min of samples 20000..22000), volts.
const SINE_WINDOW: (f64, f64, f64) = (
    5.172213915633543e-08,
    9.980926222629129e-05,
    -9.97787441824979e-05,
);

const EDF_RATE_HZ: f64 = 200.0;
const EDF_SAMPLES: u64 = 120_000;
/// Channels of test_generator.edf in file order (pyedflib 0.1.42).
const EDF_CHANNELS: [&str; 11] = [
    "squarewave",
    "ramp",
    "pulse",
    "noise",
    "sine 1 Hz",
    "sine 8 Hz",
    "sine 8.1777 Hz",
    "sine 8.5 Hz",
    "sine 15 Hz",
    "sine 17 Hz",
    "sine 50 Hz",
];

fn edf() -> PathBuf {
    common::data("recordings/test_generator.edf")
}

fn glia(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(args)
        .env(
            "GLIA_CONFIG_DIR",
            std::env::temp_dir().join("glia-recordings-test"),
        )
        .output()
        .expect("glia runs")
}

/// `glia export test_generator.edf ARGS -o OUTPUT`.
fn export(args: &[&str], output: &Path) -> Output {
    let edf = edf();
    let mut all = vec!["export", edf.to_str().unwrap()];
    all.extend_from_slice(args);
    all.extend(["-o", output.to_str().unwrap()]);
    glia(&all)
}

#[track_caller]
fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Exit code 2 and one line on stderr that contains each of `needles`.
#[track_caller]
fn assert_input_error(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(*needle),
            "stderr should name {needle:?}: {stderr}"
        );
    }
}

/// A NumPy `.npy` file: its shape and its float64 values in C order. Checks the format: the
/// magic, a version 1.0 (u16 header length) or 2.0/3.0 (u32) header that is a dict with
/// `'descr': '<f8'`, `'fortran_order': False` and the shape, padded with spaces to a multiple of
/// 64 bytes and ended by a newline, then exactly 8 bytes per value.
fn read_npy(path: &Path) -> (Vec<usize>, Vec<f64>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(bytes.len() >= 10, "{}: too short for .npy", path.display());
    assert_eq!(&bytes[..6], b"\x93NUMPY", "magic");
    let (header_len, header_start) = match bytes[6] {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => (
            u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
            12,
        ),
        v => panic!("unknown .npy version {v}"),
    };
    let data_start = header_start + header_len;
    assert!(bytes.len() >= data_start, "header runs past the end");
    assert_eq!(
        data_start % 64,
        0,
        "the header is padded to a multiple of 64 bytes"
    );
    let header = std::str::from_utf8(&bytes[header_start..data_start]).expect("ASCII header");
    assert!(header.ends_with('\n'), "{header:?}");
    let dict = header.trim_end();
    assert!(dict.starts_with('{') && dict.ends_with('}'), "{header:?}");
    assert!(dict.contains("'descr': '<f8'"), "{header:?}");
    assert!(dict.contains("'fortran_order': False"), "{header:?}");
    let key = "'shape': (";
    let at = dict.find(key).expect("a shape") + key.len();
    let end = at
        + dict[at..]
            .find(')')
            .expect("the shape's closing parenthesis");
    let shape: Vec<usize> = dict[at..end]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().expect("a dimension"))
        .collect();
    let n: usize = shape.iter().product();
    let data = &bytes[data_start..];
    assert_eq!(data.len(), 8 * n, "8 bytes per value of shape {shape:?}");
    let values = data
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    (shape, values)
}

/// `got` against SciPy: each probe to `rel` of max(|value|, the stretch's std) (a probe near a
/// zero crossing is right when it is right on the signal's scale), the sum to `rel` of the sum
/// of |y|, the sum of squares to `rel`.
#[track_caller]
fn assert_matches(what: &str, got: &[f64], want: &Expected, rel: f64) {
    assert_eq!(got.len(), 2000, "{what}: length");
    for &(i, w) in want.probes {
        let tol = rel * w.abs().max(want.std);
        assert!(
            (got[i] - w).abs() <= tol,
            "{what}: [{i}] is {:e}, SciPy says {w:e} (tolerance {tol:e})",
            got[i]
        );
    }
    let sum: f64 = got.iter().sum();
    assert!(
        (sum - want.sum).abs() <= rel * want.sum_abs,
        "{what}: sum {sum:e}, SciPy says {:e}",
        want.sum
    );
    let sum_sq: f64 = got.iter().map(|v| v * v).sum();
    assert!(
        (sum_sq - want.sum_sq).abs() <= rel * want.sum_sq,
        "{what}: sum of squares {sum_sq:e}, SciPy says {:e}",
        want.sum_sq
    );
}

fn open_edf() -> (Session, LayerId) {
    let path = edf();
    let loaded = glia::formats::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let recording = loaded.recording.expect("test_generator.edf is a recording");
    let mut session = Session::default();
    let id = session.add_recording(
        Source::file(path.clone()),
        Arc::new(RecordingData::new(recording)),
    );
    (session, id)
}

fn layer_of(session: &Session, id: LayerId) -> RecordingLayer {
    session
        .scene
        .recording(id)
        .cloned()
        .expect("the recording's layer")
}

fn find_row(session: &Session, layer: &RecordingLayer, label: &str) -> TraceRow {
    session
        .trace_rows(layer)
        .into_iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| panic!("no row {label:?}"))
}

/// Samples `start .. start + n` of a channel, as the recording reads them.
fn read(session: &Session, id: LayerId, channel: usize, start: u64, n: usize) -> Vec<f64> {
    let mut x = vec![0.0; n];
    session
        .recording_data(id)
        .expect("the recording's data")
        .recording
        .read(channel, start, &mut x)
        .unwrap();
    x
}

fn band_pass_1_40() -> DisplayFilter {
    DisplayFilter {
        highpass_hz: Some(1.0),
        lowpass_hz: Some(40.0),
        notch_hz: None,
    }
}

// ---------------------------------------------------------------------------------------------
// glia export

#[test]
fn export_filtered_npy_matches_scipy() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("out.npy");
    let out = export(
        &[
            "--channels",
            "sine 8 Hz,noise",
            "--start",
            "2",
            "--duration",
            "10",
            "--filter",
            "1-40",
            "--notch",
            "50",
        ],
        &npy,
    );
    assert_success(&out);
    let (shape, values) = read_npy(&npy);
    assert_eq!(shape, [2, 2000]);
    for (c, want) in EXPORT_FILTERED.iter().enumerate() {
        assert_matches(
            &format!("export --filter 1-40 --notch 50, {}", want.channel),
            &values[c * 2000..(c + 1) * 2000],
            want,
            1e-6,
        );
    }
}

#[test]
fn export_average_reference_matches_numpy() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("average.npy");
    let out = export(
        &[
            "--channels",
            "sine 8 Hz,noise",
            "--start",
            "2",
            "--duration",
            "10",
            "--reference",
            "average",
        ],
        &npy,
    );
    assert_success(&out);
    let (shape, values) = read_npy(&npy);
    assert_eq!(shape, [2, 2000]);
    for (c, want) in EXPORT_AVERAGE.iter().enumerate() {
        assert_matches(
            &format!("export --reference average, {}", want.channel),
            &values[c * 2000..(c + 1) * 2000],
            want,
            1e-6,
        );
    }
}

#[test]
fn export_csv_has_a_time_header_and_round_trips_the_npy() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("out.csv");
    let npy = dir.path().join("out.npy");
    let args = [
        "--channels",
        "sine 8 Hz,noise",
        "--start",
        "2",
        "--duration",
        "0.02",
    ];
    assert_success(&export(&args, &csv));
    assert_success(&export(&args, &npy));
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "a header and two channels: {text}");
    assert_eq!(lines[0].split(',').collect::<Vec<_>>(), CSV_HEADER);
    let (shape, values) = read_npy(&npy);
    assert_eq!(shape, [2, 4]);
    for (c, (line, (name, want))) in lines[1..].iter().zip(CSV_RAW).enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 5, "{line}");
        assert_eq!(fields[0], name);
        for k in 0..4 {
            let v: f64 = fields[k + 1]
                .parse()
                .unwrap_or_else(|_| panic!("{name}: {:?} is not a number", fields[k + 1]));
            assert!(
                (v - want[k]).abs() <= 1e-12 * want[k].abs(),
                "{name}[{k}]: {v:e}, pyedflib says {:e}",
                want[k]
            );
            // The CSV's text reads back to exactly the value the .npy holds.
            assert_eq!(v, values[c * 4 + k], "{name}[{k}]: CSV and .npy differ");
        }
    }
}

#[test]
fn export_of_an_unknown_channel_exits_2_naming_the_file_and_channel() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("x.npy");
    let out = export(&["--channels", "sine 8 Hz,no such channel"], &npy);
    assert_input_error(&out, &["test_generator.edf", "no such channel"]);
    assert!(!npy.exists(), "nothing is written");
}

#[test]
fn export_starting_past_the_end_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("x.npy");
    let out = export(&["--start", "700"], &npy);
    assert_input_error(&out, &["test_generator.edf", "700"]);
    assert!(!npy.exists(), "nothing is written");
}

#[test]
fn export_with_bad_filter_text_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("x.npy");
    let out = export(&["--filter", "1to40"], &npy);
    assert_input_error(&out, &["test_generator.edf", "--filter", "1to40"]);
    assert!(!npy.exists(), "nothing is written");
}

#[test]
fn export_to_a_txt_file_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("out.txt");
    let out = export(&["--channels", "noise", "--duration", "1"], &txt);
    assert_input_error(&out, &["out.txt"]);
    assert!(!txt.exists(), "nothing is written");
}

// ---------------------------------------------------------------------------------------------
// Rows of a session

#[test]
fn rows_as_recorded_are_the_samples() {
    let (session, id) = open_edf();
    let layer = layer_of(&session, id);
    assert_eq!(layer.reference, Reference::AsRecorded);
    assert!(!layer.filter.is_active());
    let rows = session.trace_rows(&layer);
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, EDF_CHANNELS);
    let data = session.recording_data(id).unwrap();
    for (i, row) in rows.iter().enumerate() {
        // What the average reference of the export test rests on: every channel is good EEG.
        assert_eq!(row.kind, ChannelKind::Eeg, "{}", row.label);
        assert!(!row.bad, "{}", row.label);
        assert_eq!((row.channel, row.minus), (i, None));
        let channel = &data.recording.channels[i];
        assert_eq!(channel.unit, "V");
        assert_eq!(channel.sample_rate_hz, EDF_RATE_HZ);
        assert_eq!(channel.n_samples, EDF_SAMPLES);
        let got = session.row_signal(&layer, row, 60_000, 2000).unwrap();
        assert_eq!(got, read(&session, id, i, 60_000, 2000), "{}", row.label);
    }
}

#[test]
fn band_passed_rows_match_scipy() {
    let (session, id) = open_edf();
    let mut layer = layer_of(&session, id);
    layer.filter = band_pass_1_40();
    let sos = butter(4, Band::Bandpass(1.0, 40.0), EDF_RATE_HZ).unwrap();
    for (whole, stretch) in SESSION_WHOLE.iter().zip(&SESSION_STRETCH) {
        assert_eq!(whole.channel, stretch.channel);
        let row = find_row(&session, &layer, whole.channel);

        // With its settling margin, the stretch is what filtering the whole channel gives.
        let settled = session.row_signal(&layer, &row, 60_000, 2000).unwrap();
        assert_eq!(settled.len(), 2000);
        let tol = 1e-3 * whole.std;
        for &(i, w) in whole.probes {
            assert!(
                (settled[i] - w).abs() <= tol,
                "{}: [{i}] is {:e}, SciPy over the whole channel says {w:e}",
                whole.channel,
                settled[i]
            );
        }
        let sum_sq: f64 = settled.iter().map(|v| v * v).sum();
        assert!(
            (sum_sq - whole.sum_sq).abs() <= 2e-3 * whole.sum_sq,
            "{}: sum of squares {sum_sq:e}, SciPy says {:e}",
            whole.channel,
            whole.sum_sq
        );
        // Every sample, against the whole channel filtered by the same filter (which
        // tests/dsp.rs holds to SciPy).
        let all = read(&session, id, row.channel, 0, EDF_SAMPLES as usize);
        let filtered = sosfiltfilt(&sos, &all).unwrap();
        for (i, v) in settled.iter().enumerate() {
            let w = filtered[60_000 + i];
            assert!(
                (v - w).abs() <= tol,
                "{}: [{i}] is {v:e}, the whole channel filtered gives {w:e}",
                whole.channel
            );
        }

        // Without settling, the filter sees exactly the stretch: sosfiltfilt(sos, x[a:b]).
        let exact = session
            .row_signal_with(&layer, &row, 60_000, 2000, false)
            .unwrap();
        assert_matches(
            &format!("{} filtered on the stretch alone", stretch.channel),
            &exact,
            stretch,
            1e-6,
        );
        // The two differ at the edges (SciPy's numbers say by half a standard deviation): the
        // margin is what makes the settled stretch right.
        assert!(
            (settled[0] - exact[0]).abs() > 0.05 * whole.std,
            "{}: settling made no difference at the first sample",
            whole.channel
        );
    }
}

#[test]
fn filtered_rows_at_the_end_of_the_recording_stay_finite() {
    let (session, id) = open_edf();
    let mut layer = layer_of(&session, id);
    layer.filter = band_pass_1_40();
    let row = find_row(&session, &layer, "noise");
    let last = session
        .row_signal(&layer, &row, EDF_SAMPLES - 1000, 1000)
        .unwrap();
    assert!(
        last.iter().all(|v| v.is_finite()),
        "the last second has NaN"
    );
    // Asked past the end: the recorded half is filtered, the rest is NaN.
    let past = session
        .row_signal(&layer, &row, EDF_SAMPLES - 500, 1000)
        .unwrap();
    assert!(past[..500].iter().all(|v| v.is_finite()));
    assert!(past[500..].iter().all(|v| v.is_nan()));
}

#[test]
fn bipolar_rows_are_differences_of_named_channels() {
    let (session, id) = open_edf();
    let mut layer = layer_of(&session, id);
    layer.reference = Reference::Bipolar {
        pairs: vec![
            ("sine 8 Hz".into(), "noise".into()),
            // Names match whatever their case; a pair naming no channel is left out.
            ("RAMP".into(), "squarewave".into()),
            ("no such channel".into(), "noise".into()),
        ],
    };
    let rows = session.trace_rows(&layer);
    let labels: Vec<&str> = rows.iter().map(|r| r.label.as_str()).collect();
    assert_eq!(labels, ["sine 8 Hz-noise", "ramp-squarewave"]);
    assert_eq!((rows[0].channel, rows[0].minus), (5, Some(3)));
    assert_eq!((rows[1].channel, rows[1].minus), (1, Some(0)));
    for row in &rows {
        let got = session.row_signal(&layer, row, 10_000, 500).unwrap();
        let a = read(&session, id, row.channel, 10_000, 500);
        let b = read(&session, id, row.minus.unwrap(), 10_000, 500);
        let want: Vec<f64> = a.iter().zip(&b).map(|(a, b)| a - b).collect();
        assert_eq!(got, want, "{}", row.label);
    }
}

#[test]
fn the_average_reference_averages_the_good_eeg_channels() {
    let (session, id) = open_edf();
    let mut layer = layer_of(&session, id);
    layer.reference = Reference::Average;
    let row = find_row(&session, &layer, "noise");
    let (start, n) = (10_000, 500);
    let channels: Vec<Vec<f64>> = (0..EDF_CHANNELS.len())
        .map(|c| read(&session, id, c, start, n))
        .collect();
    let referenced = |members: &[usize]| -> Vec<f64> {
        (0..n)
            .map(|k| {
                let mean =
                    members.iter().map(|&c| channels[c][k]).sum::<f64>() / members.len() as f64;
                channels[3][k] - mean
            })
            .collect()
    };
    #[track_caller]
    fn assert_near(what: &str, got: &[f64], want: &[f64]) {
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            // Volts of order 1e-4: 1e-15 V is rounding.
            assert!((g - w).abs() <= 1e-15, "{what}: [{k}] is {g:e}, want {w:e}");
        }
    }
    let all: Vec<usize> = (0..EDF_CHANNELS.len()).collect();
    let got = session.row_signal(&layer, &row, start, n).unwrap();
    assert_near("average of all 11", &got, &referenced(&all));

    // A channel marked bad leaves the average (and is drawn as bad).
    layer.bad = vec!["SQUAREWAVE".into()];
    assert!(find_row(&session, &layer, "squarewave").bad);
    let got_without = session.row_signal(&layer, &row, start, n).unwrap();
    assert_near(
        "average without squarewave",
        &got_without,
        &referenced(&all[1..]),
    );
    assert!(
        got.iter()
            .zip(&got_without)
            .any(|(a, b)| (a - b).abs() > 1e-6),
        "leaving the ±100 µV square wave out changed nothing"
    );
}

// ---------------------------------------------------------------------------------------------
// The trace browser's picture

#[test]
fn trace_screen_has_one_strip_per_row() {
    let (session, id) = open_edf();
    let mut layer = layer_of(&session, id);
    // The default: every channel (11 of up to 32 rows).
    assert_eq!(layer.rows, EDF_CHANNELS.len());
    for (rows, first, want) in [
        (11, 0, 11),
        (20, 0, 11),
        (4, 0, 4),
        // Scrolled to the last two channels: only two rows are left to show.
        (4, 9, 2),
    ] {
        layer.rows = rows;
        layer.first_row = first;
        let screen = session.trace_screen(&layer, [400, 300], Theme::Dark, None);
        assert_eq!(screen.rows.len(), want, "rows {rows}, first {first}");
        assert_eq!(screen.strips.len(), screen.rows.len());
        assert_eq!(screen.rows[0].label, EDF_CHANNELS[first]);
        let row_height = 300.0 / rows as f32;
        for (i, row) in screen.rows.iter().enumerate() {
            assert!((row.y_px - (i as f32 + 0.5) * row_height).abs() < 1e-3);
        }
    }
}

#[test]
fn trace_screen_draws_a_sine_at_its_amplitude_in_every_column() {
    let (session, id) = open_edf();
    let mut layer = layer_of(&session, id);
    // auto_scale: the median 2-98 % range is 199.59 µV (NumPy, above), rounded up to 200.
    const { assert!(AUTO_SCALE_MEDIAN_UV > 100.0 && AUTO_SCALE_MEDIAN_UV <= 200.0) };
    assert_eq!(layer.scale, 200.0);
    layer.view_start_secs = 100.0;
    layer.view_secs = 10.0;
    let height = 880u32;
    let row_height = height as f32 / layer.rows as f32;
    // 2002 samples over 1000 columns are drawn as per-column envelopes, over 1500 as a line.
    for width in [1000u32, 1500] {
        let screen = session.trace_screen(&layer, [width, height], Theme::Dark, None);
        assert_eq!(screen.note, None);
        assert_eq!(screen.rows.len(), EDF_CHANNELS.len());
        assert_eq!(screen.strips.len(), screen.rows.len());
        for (row, strip) in screen.rows.iter().zip(&screen.strips) {
            assert_eq!(strip.spans.len(), width as usize);
            for (c, s) in strip.spans.iter().enumerate() {
                assert!(
                    s[0].is_finite() && s[1].is_finite() && s[0] <= s[1],
                    "width {width}, {}: column {c} has no trace ({s:?})",
                    row.label
                );
            }
        }
        let i = screen
            .rows
            .iter()
            .position(|r| r.label == "sine 8 Hz")
            .unwrap();
        let (row, strip) = (&screen.rows[i], &screen.strips[i]);
        let y = f64::from(row.y_px);
        let px_per_volt = 1e6 / f64::from(layer.scale) * f64::from(row_height);
        // A 100 µV sine at 200 µV per row spans the row's height, centred on it (the mean over
        // the window, 0.05 µV, is removed).
        let half = (100e-6 + 1e-7) * px_per_volt;
        assert!(half < f64::from(row_height) / 2.0 + 0.05);
        for (c, s) in strip.spans.iter().enumerate() {
            assert!(
                f64::from(s[0]) >= y - half - 1e-3 && f64::from(s[1]) <= y + half + 1e-3,
                "width {width}: column {c} {s:?} is outside {y} ± {half}"
            );
        }
        // Its highest and lowest points are the window's largest and smallest samples.
        let (dc, max, min) = SINE_WINDOW;
        let top = strip
            .spans
            .iter()
            .map(|s| s[0])
            .fold(f32::INFINITY, f32::min);
        let bottom = strip
            .spans
            .iter()
            .map(|s| s[1])
            .fold(f32::NEG_INFINITY, f32::max);
        let (want_top, want_bottom) = (y - (max - dc) * px_per_volt, y - (min - dc) * px_per_volt);
        assert!(
            (f64::from(top) - want_top).abs() < 1e-3,
            "width {width}: top {top}, want {want_top}"
        );
        assert!(
            (f64::from(bottom) - want_bottom).abs() < 1e-3,
            "width {width}: bottom {bottom}, want {want_bottom}"
        );
    }
}

#[test]
fn the_overview_draws_what_the_samples_draw() {
    let (mut session, id) = open_edf();
    let mut layer = layer_of(&session, id);
    // The whole recording: 120 samples per column, drawn from samples until the overview exists.
    layer.view_start_secs = 0.0;
    layer.view_secs = 600.0;
    let size = [1000, 880];
    let raw = session.trace_screen(&layer, size, Theme::Dark, None);
    assert_eq!(raw.note, None);

    let data = session.recording_data(id).unwrap().clone();
    // Pyramids built for other data (another key) are not taken.
    session.set_pyramids(id, data.key.wrapping_add(1), Vec::new());
    assert!(session.pyramids(id).is_none());
    let pyramids = data.build_pyramids(&|_| {}).unwrap();
    assert_eq!(pyramids.len(), EDF_CHANNELS.len());
    session.set_pyramids(id, data.key, pyramids);
    assert!(session.pyramids(id).is_some());
    let overview = session.trace_screen(&layer, size, Theme::Dark, None);
    assert_eq!(overview.note, None);
    assert_eq!(overview.strips.len(), raw.strips.len());
    // Sines whose period divides 120 samples look the same in every column either way (the
    // overview widens columns to whole blocks of 16 samples, which adds no new phase).
    for label in ["sine 8 Hz", "sine 15 Hz"] {
        let i = raw.rows.iter().position(|r| r.label == label).unwrap();
        for (c, (a, b)) in raw.strips[i]
            .spans
            .iter()
            .zip(&overview.strips[i].spans)
            .enumerate()
        {
            assert!(b[0] <= b[1], "{label}: overview column {c} is empty");
            assert!(
                (a[0] - b[0]).abs() < 0.05 && (a[1] - b[1]).abs() < 0.05,
                "{label}: column {c}: samples draw {a:?}, the overview {b:?}"
            );
        }
    }
}

/// Two channels of 450 s at 1 kHz (more samples than a window is drawn from raw): a 10 Hz sine
/// of 50 µV and a 3 Hz sine of 20 µV.
fn long_recording() -> Recording {
    let fs = 1000.0;
    let n = 450_000usize;
    let tone = |f: f64, a: f64| -> Vec<f64> {
        (0..n)
            .map(|k| a * (TAU * f * k as f64 / fs).sin())
            .collect()
    };
    let channels = ["Cz", "Pz"]
        .iter()
        .map(|name| Channel {
            name: (*name).into(),
            sample_rate_hz: fs,
            n_samples: n as u64,
            unit: "V".into(),
            file_unit: "uV".into(),
            kind: ChannelKind::Eeg,
            bad: false,
        })
        .collect();
    Recording {
        name: "long".into(),
        channels,
        annotations: Vec::new(),
        electrodes: Vec::new(),
        duration_secs: n as f64 / fs,
        record_onsets_secs: None,
        source: Arc::new(InMemory(vec![tone(10.0, 50e-6), tone(3.0, 20e-6)])),
    }
}

#[test]
fn windows_longer_than_raw_are_drawn_from_the_overview_once_built() {
    let mut session = Session::default();
    let id = session.add_recording(
        Source::file("/data/long.edf"),
        Arc::new(RecordingData::new(long_recording())),
    );
    let mut layer = layer_of(&session, id);
    layer.view_start_secs = 0.0;
    layer.view_secs = 450.0;
    let n_samples = session.recording_data(id).unwrap().recording.channels[0].n_samples;
    assert!(
        n_samples > RAW_WINDOW_SAMPLES,
        "the window must be too long to draw raw"
    );
    let size = [1000, 400];

    let waiting = session.trace_screen(&layer, size, Theme::Dark, None);
    let note = waiting.note.expect("a note while the overview is built");
    assert!(note.contains("overview"), "{note}");
    assert_eq!(waiting.strips.len(), 2);
    assert!(
        waiting.strips.iter().all(|s| s.is_empty()),
        "nothing to draw yet"
    );

    let data = session.recording_data(id).unwrap().clone();
    let pyramids = data.build_pyramids(&|_| {}).unwrap();
    session.set_pyramids(id, data.key, pyramids);
    let drawn = session.trace_screen(&layer, size, Theme::Dark, None);
    assert_eq!(drawn.note, None);
    let row_height = size[1] as f32 / layer.rows as f32;
    let px_per_volt = 1e6 / f64::from(layer.scale) * f64::from(row_height);
    for ((row, strip), amplitude) in drawn.rows.iter().zip(&drawn.strips).zip([50e-6, 20e-6]) {
        let y = f64::from(row.y_px);
        let half = (amplitude * 1.001) * px_per_volt + 1e-3;
        for (c, s) in strip.spans.iter().enumerate() {
            assert!(s[0] <= s[1], "{}: column {c} is empty", row.label);
            assert!(
                f64::from(s[0]) >= y - half && f64::from(s[1]) <= y + half,
                "{}: column {c} {s:?} is outside {y} ± {half}",
                row.label
            );
        }
        // Each column holds several periods: the envelope spans the full amplitude.
        let middle = strip.spans[500];
        assert!(
            f64::from(middle[1] - middle[0]) > 2.0 * amplitude * 0.99 * px_per_volt,
            "{}: {middle:?}",
            row.label
        );
    }

    // Filters cannot be applied to the overview: it is drawn as recorded, and says so.
    layer.filter = DisplayFilter {
        highpass_hz: Some(1.0),
        lowpass_hz: None,
        notch_hz: None,
    };
    let unfiltered = session.trace_screen(&layer, size, Theme::Dark, None);
    let note = unfiltered
        .note
        .expect("a note that the filter is not applied");
    assert!(note.contains("unfiltered"), "{note}");
    assert!(unfiltered.strips.iter().all(|s| !s.is_empty()));
    // A window within RAW_WINDOW_SAMPLES is filtered from samples.
    layer.view_secs = 100.0;
    let filtered = session.trace_screen(&layer, size, Theme::Dark, None);
    assert_eq!(filtered.note, None);
    for strip in &filtered.strips {
        assert!(strip.spans.iter().all(|s| s[0] <= s[1]));
    }
}

// ---------------------------------------------------------------------------------------------
// The demo EEG

/// Welch power (V², periodogram segments of 2 s) in 8–13 Hz of `secs` seconds from `from_secs`.
fn alpha_power(rec: &Recording, channel: usize, from_secs: f64, secs: f64) -> f64 {
    let fs = rec.channels[channel].sample_rate_hz;
    let mut x = vec![0.0; (secs * fs) as usize];
    rec.read(channel, (from_secs * fs) as u64, &mut x).unwrap();
    let params = WelchParams {
        nperseg: (2.0 * fs) as usize,
        ..Default::default()
    };
    let (freqs, psd) = welch(&x, fs, &params).unwrap();
    band_power(&freqs, &psd, 8.0, 13.0).unwrap()
}

fn channel_index(rec: &Recording, name: &str) -> usize {
    rec.channels
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no channel {name}"))
}

#[test]
fn the_demo_eeg_is_64_placed_channels_with_occipital_alpha() {
    let rec = glia::demo::recording(glia::demo::EEG).unwrap();
    assert_eq!(rec.channels.len(), 64);
    for (c, channel) in rec.channels.iter().enumerate() {
        assert!(
            rec.electrode_of(c).is_some(),
            "{} has no position",
            channel.name
        );
        assert_eq!(channel.kind, ChannelKind::Eeg);
        assert_eq!(channel.unit, "V");
        assert_eq!(channel.sample_rate_hz, 256.0);
        assert_eq!(channel.n_samples, 300 * 256);
    }
    assert_eq!(rec.duration_secs, 300.0);
    let texts: Vec<&str> = rec.annotations.iter().map(|a| a.text.as_str()).collect();
    assert!(texts.contains(&"stimulus"), "{texts:?}");
    assert!(texts.contains(&"eyes closed"), "{texts:?}");
    let closed = rec
        .annotations
        .iter()
        .find(|a| a.text == "eyes closed")
        .unwrap();
    assert_eq!((closed.onset_secs, closed.duration_secs), (0.0, 20.0));

    // Samples are computed on demand and are the same however they are asked for.
    let oz = channel_index(&rec, "Oz");
    let fz = channel_index(&rec, "Fz");
    let mut a = vec![0.0; 1000];
    let mut b = vec![0.0; 1000];
    rec.read(oz, 12_345, &mut a).unwrap();
    rec.read(oz, 12_345, &mut b).unwrap();
    assert!(a.iter().all(|v| v.is_finite()));
    assert_eq!(a, b);
    let mut part = vec![0.0; 100];
    rec.read(oz, 12_845, &mut part).unwrap();
    assert_eq!(part[..], a[500..600]);
    let mut end = vec![0.0; 20];
    rec.read(oz, 300 * 256 - 10, &mut end).unwrap();
    assert!(end[..10].iter().all(|v| v.is_finite()) && end[10..].iter().all(|v| v.is_nan()));

    // Alpha over occipital sites, with the eyes closed (the first 20 s).
    let oz_closed = alpha_power(&rec, oz, 0.0, 20.0);
    let fz_closed = alpha_power(&rec, fz, 0.0, 20.0);
    assert!(
        oz_closed > 5.0 * fz_closed,
        "alpha power at Oz {oz_closed:e} V², at Fz {fz_closed:e} V²"
    );
    // And weaker with the eyes open (20–40 s).
    let oz_open = alpha_power(&rec, oz, 20.0, 20.0);
    assert!(
        oz_closed > 2.0 * oz_open,
        "alpha power at Oz, eyes closed {oz_closed:e} V², open {oz_open:e} V²"
    );
}

// ---------------------------------------------------------------------------------------------
// Electrodes in 3D and on the cortex

/// An octahedron of radius 80 mm about (0, −20, 20) whose back (−y) vertex, vertex 2, is moved
/// to `back`; faces wound counter-clockwise seen from outside.
fn octahedron(back: Vec3) -> Surface {
    let c = Vec3::new(0.0, -20.0, 20.0);
    let r = 80.0;
    let positions = vec![
        c + Vec3::X * r,
        c - Vec3::X * r,
        back,
        c + Vec3::Y * r,
        c + Vec3::Z * r,
        c - Vec3::Z * r,
    ];
    let mut triangles = Vec::new();
    for (x, sx) in [(0u32, 1.0f32), (1, -1.0)] {
        for (y, sy) in [(3u32, 1.0f32), (2, -1.0)] {
            for (z, sz) in [(4u32, 1.0f32), (5, -1.0)] {
                triangles.push(if sx * sy * sz > 0.0 {
                    [x, y, z]
                } else {
                    [x, z, y]
                });
            }
        }
    }
    Surface {
        name: "octahedron".into(),
        positions,
        triangles,
        hemisphere: None,
    }
}

#[test]
fn electrodes_follow_the_time_cursor_and_reach_the_cortex() {
    let rec = glia::demo::recording(glia::demo::EEG).unwrap();
    let oz_channel = channel_index(&rec, "Oz");
    let oz_mm = rec.electrode_of(oz_channel).unwrap().position_mm;
    let mut session = Session::default();
    let id = session.add_recording(
        Source::Demo {
            name: glia::demo::EEG.into(),
        },
        Arc::new(RecordingData::new(rec)),
    );
    {
        let layer = session.scene.recording_mut(id).unwrap();
        assert!(
            layer.electrodes_in_3d,
            "electrodes are shown when positions are known"
        );
        layer.electrodes_in_3d = true;
    }
    let data = session.recording_data(id).unwrap().clone();

    session.scene.time_cursor_secs = 1.35;
    session.update_electrodes();
    let mesh = session
        .electrode_mesh(id)
        .cloned()
        .expect("electrode spheres");
    assert_eq!(mesh.centres.len(), 64);
    assert_eq!(mesh.channels.len(), 64);
    let state = session.electrode_state(id).expect("electrode values");
    assert_eq!(state.time_secs, 1.35);
    let at_first: Vec<f32> = state.values.to_vec();
    assert_eq!(at_first.len(), 64);
    // The amplitude at the cursor, µV: the sample nearest the cursor, as recorded.
    let k = (1.35f64 * 256.0).round() as u64;
    for (e, &c) in mesh.channels.iter().enumerate() {
        assert!(at_first[e].is_finite(), "electrode {e}");
        let mut v = [0.0];
        data.recording.read(c, k, &mut v).unwrap();
        assert_eq!(at_first[e], (v[0] * 1e6) as f32, "{}", mesh.names[e]);
    }

    session.scene.time_cursor_secs = 7.0;
    session.update_electrodes();
    let at_second: Vec<f32> = session.electrode_state(id).unwrap().values.to_vec();
    assert_eq!(at_second.len(), 64);
    assert!(at_second.iter().all(|v| v.is_finite()));
    let changed = at_first
        .iter()
        .zip(&at_second)
        .filter(|(a, b)| (*a - *b).abs() > 1e-3)
        .count();
    assert!(changed > 32, "only {changed} of 64 electrodes changed");

    // Onto a surface: one value per vertex, each a weighted mean of electrode values.
    let surface = session.add_surface(
        Source::file("/data/octahedron.obj"),
        Arc::new(SurfaceData::new(octahedron(oz_mm))),
    );
    session.scene.recording_mut(id).unwrap().on_cortex = true;
    session.update_electrodes();
    let electrode_values: Vec<f32> = session.electrode_state(id).unwrap().values.to_vec();
    let (key, values) = session
        .cortex_values(id, surface)
        .map(|(k, v)| (k, v.to_vec()))
        .expect("values on the cortex");
    assert_eq!(values.len(), 6);
    let lo = electrode_values
        .iter()
        .copied()
        .fold(f32::INFINITY, f32::min);
    let hi = electrode_values
        .iter()
        .copied()
        .fold(f32::NEG_INFINITY, f32::max);
    let eps = 1e-4 * lo.abs().max(hi.abs());
    for (v, value) in values.iter().enumerate() {
        assert!(
            value.is_finite() && *value >= lo - eps && *value <= hi + eps,
            "vertex {v}: {value} is outside the electrodes' {lo}..{hi}"
        );
    }
    // The vertex on Oz takes Oz's value, give or take the inverse-square weights (1/d² mm⁻²)
    // of the three next nearest electrodes against Oz's 1.
    let oz = mesh.names.iter().position(|n| n == "Oz").unwrap();
    let d_min = mesh
        .centres
        .iter()
        .enumerate()
        .filter(|&(e, _)| e != oz)
        .map(|(_, c)| c.distance(mesh.centres[oz]))
        .fold(f32::INFINITY, f32::min);
    assert!(d_min > 1.0, "electrodes {d_min} mm apart");
    let bound = 3.0 / (d_min * d_min) * (hi - lo) + eps;
    assert!(
        (values[2] - electrode_values[oz]).abs() <= bound,
        "the vertex on Oz has {}, Oz {} (within {bound})",
        values[2],
        electrode_values[oz]
    );

    // The cortex follows the cursor.
    session.scene.time_cursor_secs = 12.5;
    session.update_electrodes();
    let (key_later, later) = session
        .cortex_values(id, surface)
        .map(|(k, v)| (k, v.to_vec()))
        .expect("values on the cortex");
    assert_ne!(key_later, key, "new values get a new key");
    assert_ne!(later, values);
}

/// A montage file opened after a recording gives its channels the file's positions (the unit
/// sphere of `spherical_1020.tsv`, scaled to a 95 mm head as MNE reads it), replacing the
/// built-in standard ones; it survives a session round trip; alone it is an error naming it.
#[test]
fn a_montage_file_places_the_electrodes_of_the_open_recording() {
    let dir = tempfile::tempdir().unwrap();
    let montage = dir.path().join("spherical_electrodes.tsv");
    std::fs::copy(common::data("montages/spherical_1020.tsv"), &montage).unwrap();

    let mut alone = Session::default();
    let result = alone.open_files(std::slice::from_ref(&montage));
    let message = result[0].as_ref().unwrap_err();
    assert!(message.contains("spherical_electrodes.tsv"), "{message}");

    let mut session = Session::default();
    let vhdr = common::data("recordings/pybv_float32.vhdr");
    for r in session.open_files(&[vhdr]) {
        r.unwrap();
    }
    let id = session.scene.recordings[0].id;
    let c3 = |s: &Session| {
        let rec = &s.recording_data(id).unwrap().recording;
        let c = rec.channels.iter().position(|c| c.name == "C3").unwrap();
        rec.electrode_of(c).unwrap().position_mm
    };
    let standard = c3(&session);
    for r in session.open_files(std::slice::from_ref(&montage)) {
        r.unwrap();
    }
    let placed = c3(&session);
    assert_ne!(placed, standard);
    // C3 at (-0.5878, 0, 0.8090) on the unit sphere: 95 mm from the centre.
    let expected = Vec3::new(-0.5878, 0.0, 0.8090) * 95.0;
    assert!(
        (placed - expected).length() < 0.5,
        "{placed} against {expected}"
    );
    assert_eq!(
        session.scene.recordings[0]
            .montage
            .as_ref()
            .and_then(|m| m.path()),
        Some(montage.as_path())
    );

    // Saved and loaded, the recording keeps the montage's positions.
    let text = session.scene.to_toml().unwrap();
    let scene = glia::model::Scene::from_toml(&text).unwrap();
    let (reloaded, errors) = glia::session::load_scene(scene, &|_| {});
    assert!(errors.is_empty(), "{errors:?}");
    let id = reloaded.scene.recordings[0].id;
    let rec = &reloaded.recording_data(id).unwrap().recording;
    let c = rec.channels.iter().position(|c| c.name == "C3").unwrap();
    assert_eq!(rec.electrode_of(c).unwrap().position_mm, placed);
}
