//! BrainVision (.vhdr/.vmrk/.eeg) against MNE's `read_raw_brainvision`: names, rate, sample count,
//! units, channel types, markers and samples in volts; then missing and damaged parts.

mod common;

use std::path::{Path, PathBuf};

use glia::formats::{FileKind, brainvision, detect, load};
use glia::model::Recording;

fn recording(name: &str) -> PathBuf {
    common::data(&format!("recordings/{name}"))
}

struct Chan {
    name: &'static str,
    /// MNE's channel type, upper-cased.
    kind: &'static str,
    /// The unit in the header (MNE's `raw._orig_units`).
    unit: &'static str,
    /// `raw.get_data()`: volts for voltage channels, the header's unit otherwise.
    first: [f64; 3],
    last: [f64; 3],
}

struct Expected {
    file: &'static str,
    sfreq: f64,
    n_times: u64,
    channels: &'static [Chan],
    /// onset (s), duration (s), description.
    annotations: &'static [(f64, f64, &'static str)],
    /// MNE's montage from the header's [Coordinates], in mm (positions at the origin left out).
    electrodes_mm: &'static [(&'static str, [f64; 3])],
}

// Written by tests/data/recordings/make_brainvision.py, which also wrote the files (pybv 0.8.1
// and by hand), read back with mne 1.13.2 on Python 3.11.7.
const EXPECTED: &[Expected] = &[
    Expected {
        file: "pybv_float32.vhdr",
        sfreq: 1000.0,
        n_times: 5000,
        channels: &[
            Chan {
                name: "Fp1",
                kind: "EEG",
                unit: "µV",
                first: [
                    1.2958124160766602e-06,
                    1.4412434577941894e-06,
                    -2.8115484714508055e-07,
                ],
                last: [
                    -1.730496597290039e-06,
                    3.905360102653503e-08,
                    -2.4448152542114257e-06,
                ],
            },
            Chan {
                name: "Fp2",
                kind: "EEG",
                unit: "µV",
                first: [
                    1.3169203186035156e-05,
                    1.7380735778808594e-05,
                    1.6514450073242186e-05,
                ],
                last: [
                    1.6937718200683594e-05,
                    1.609517364501953e-05,
                    1.6585113525390624e-05,
                ],
            },
            Chan {
                name: "C3",
                kind: "EEG",
                unit: "µV",
                first: [
                    1.7936931610107423e-05,
                    1.862023162841797e-05,
                    1.6482421875e-05,
                ],
                last: [
                    1.8440073013305664e-05,
                    2.109162139892578e-05,
                    2.143076133728027e-05,
                ],
            },
            Chan {
                name: "C4",
                kind: "EEG",
                unit: "µV",
                first: [
                    3.4538803100585935e-06,
                    4.1437625885009763e-07,
                    -3.358272910118103e-08,
                ],
                last: [
                    5.898586654663086e-06,
                    8.938639831542969e-06,
                    4.439690017700195e-06,
                ],
            },
            Chan {
                name: "O1",
                kind: "EEG",
                unit: "µV",
                first: [
                    -1.3832953453063964e-05,
                    -1.4509675979614257e-05,
                    -1.8201940536499023e-05,
                ],
                last: [
                    -1.614051055908203e-05,
                    -1.1020573616027832e-05,
                    -1.532672882080078e-05,
                ],
            },
            Chan {
                name: "O2",
                kind: "EEG",
                unit: "µV",
                first: [
                    -2.108097229003906e-05,
                    -2.0105404663085936e-05,
                    -1.7938067626953123e-05,
                ],
                last: [
                    -1.751549377441406e-05,
                    -2.0037591552734373e-05,
                    -2.3570809936523438e-05,
                ],
            },
            Chan {
                name: "ECG",
                kind: "EEG",
                unit: "mV",
                first: [0.0, 7.539751052856445e-06, 1.5079072952270507e-05],
                last: [
                    -2.2617538452148436e-05,
                    -1.5079072952270507e-05,
                    -7.539751052856445e-06,
                ],
            },
            Chan {
                name: "TEMP",
                kind: "MISC",
                unit: "°C",
                first: [36.6, 36.600124511718754, 36.60025146484375],
                last: [36.5996240234375, 36.59974853515625, 36.59987548828125],
            },
        ],
        annotations: &[
            (0.5, 0.001, "Stimulus/S  1"),
            (1.25, 0.25, "Stimulus/S  2"),
            (2.0, 0.001, "Response/R  3"),
            (3.999, 0.01, "Comment/eyes closed"),
        ],
        electrodes_mm: &[],
    },
    Expected {
        file: "pybv_int16.vhdr",
        sfreq: 500.0,
        n_times: 1000,
        channels: &[
            Chan {
                name: "Fz",
                kind: "EEG",
                unit: "µV",
                first: [0.0, 3e-07, 7e-07],
                last: [-1.1e-06, -7e-07, -3e-07],
            },
            Chan {
                name: "Cz",
                kind: "EEG",
                unit: "µV",
                first: [0.0, 1.1e-06, 2.2e-06],
                last: [-3.2999999999999997e-06, -2.2e-06, -1.1e-06],
            },
            Chan {
                name: "Pz",
                kind: "EEG",
                unit: "µV",
                first: [0.0, 2.5999999999999997e-06, 5.199999999999999e-06],
                last: [-7.8e-06, -5.199999999999999e-06, -2.5999999999999997e-06],
            },
            Chan {
                name: "Oz",
                kind: "EEG",
                unit: "µV",
                first: [0.0, 4.1e-06, 8.1e-06],
                last: [-1.2e-05, -8.1e-06, -4.1e-06],
            },
        ],
        annotations: &[(0.2, 0.002, "Stimulus/S  5"), (1.8, 0.002, "Stimulus/S  7")],
        electrodes_mm: &[],
    },
    Expected {
        file: "vectorized_int16.vhdr",
        sfreq: 250.0,
        n_times: 500,
        channels: &[
            Chan {
                name: "Fz",
                kind: "EEG",
                unit: "µV",
                first: [0.0, 6.25e-05, 0.000124],
                last: [-0.000184, -0.000124, -6.25e-05],
            },
            Chan {
                name: "Cz,ref",
                kind: "EEG",
                unit: "µV",
                first: [-9.999999999999999e-06, -9.9e-06, -9.8e-06],
                last: [-3e-07, -2e-07, -1e-07],
            },
            Chan {
                name: "Pz",
                kind: "EEG",
                unit: "µV",
                first: [-0.032768, -0.032637, -0.032506],
                last: [0.032339, 0.03247, 0.032601],
            },
            Chan {
                name: "HEOGL",
                kind: "EOG",
                unit: "mV",
                first: [4.0, 4.0, 4.0],
                last: [-4.0, -4.0, -4.0],
            },
        ],
        annotations: &[
            (0.1, 0.004, "Stimulus/S  1"),
            (0.4, 0.2, "Comment/a,b"),
            (1.996, 0.0, "Response/R  2"),
        ],
        electrodes_mm: &[
            (
                "Fz",
                [4.1132912671185925e-15, 67.175144212722, 67.17514421272202],
            ),
            ("Cz,ref", [0.0, 0.0, 95.0]),
            (
                "Pz",
                [4.1132912671185925e-15, -67.175144212722, 67.17514421272202],
            ),
        ],
    },
    Expected {
        file: "multiplexed_int32.vhdr",
        sfreq: 2048.0,
        n_times: 300,
        channels: &[
            Chan {
                name: "T7",
                kind: "EEG",
                unit: "µV",
                first: [
                    -0.00015000000000000001,
                    -0.00014900000000000002,
                    -0.00014800000000000002,
                ],
                last: [
                    0.00014700000000000002,
                    0.00014800000000000002,
                    0.00014900000000000002,
                ],
            },
            Chan {
                name: "T8",
                kind: "EEG",
                unit: "nV",
                first: [0.0, -0.002, -0.004],
                last: [-0.006, -0.008, -0.01],
            },
            Chan {
                name: "EMG",
                kind: "EEG",
                unit: "V",
                first: [2.0, 2.0, 2.0],
                last: [2.0, 2.0, 2.0],
            },
        ],
        annotations: &[],
        electrodes_mm: &[],
    },
];

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs() + 1e-15,
        "{what}: got {got:e}, MNE {want:e}"
    );
}

fn samples(r: &Recording, channel: usize, start: u64, n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n];
    r.read(channel, start, &mut out).unwrap();
    out
}

/// The channel type Glia gives where it differs from MNE's: Glia also types channels by name
/// (MNE calls every voltage channel not named HEOGL/HEOGR/VEOGb "EEG").
fn glia_kind(name: &str, mne_kind: &'static str) -> &'static str {
    match name {
        "ECG" => "ECG",
        "EMG" => "EMG",
        _ => mne_kind,
    }
}

#[test]
fn every_file_matches_mne() {
    for e in EXPECTED {
        let path = recording(e.file);
        assert_eq!(detect(&path).unwrap(), FileKind::BrainVision, "{}", e.file);
        let r = brainvision::read_recording(&path).unwrap_or_else(|err| panic!("{err}"));
        assert_eq!(r.name, e.file);
        let names: Vec<&str> = r.channels.iter().map(|c| c.name.as_str()).collect();
        let want: Vec<&str> = e.channels.iter().map(|c| c.name).collect();
        assert_eq!(names, want, "{}", e.file);
        assert_close(
            r.duration_secs,
            e.n_times as f64 / e.sfreq,
            &format!("{} duration", e.file),
        );
        assert!(r.record_onsets_secs.is_none());
        for (i, (c, w)) in r.channels.iter().zip(e.channels).enumerate() {
            let what = format!("{} channel {i} ({})", e.file, w.name);
            assert_eq!(c.sample_rate_hz, e.sfreq, "{what}");
            assert_eq!(c.n_samples, e.n_times, "{what}");
            assert_eq!(c.file_unit, w.unit, "{what}");
            let voltage = ["V", "mV", "µV", "uV", "nV"].contains(&w.unit);
            assert_eq!(c.unit, if voltage { "V" } else { w.unit }, "{what}");
            assert_eq!(c.kind.name(), glia_kind(w.name, w.kind), "{what}");
            let first = samples(&r, i, 0, 3);
            let last = samples(&r, i, e.n_times - 3, 3);
            for k in 0..3 {
                assert_close(first[k], w.first[k], &format!("{what}: sample {k}"));
                assert_close(last[k], w.last[k], &format!("{what}: last sample {k}"));
            }
            assert!(samples(&r, i, e.n_times, 2).iter().all(|v| v.is_nan()));
        }
        assert_eq!(
            r.annotations.len(),
            e.annotations.len(),
            "{}: markers",
            e.file
        );
        for (a, &(onset, duration, text)) in r.annotations.iter().zip(e.annotations) {
            assert!((a.onset_secs - onset).abs() < 1e-9, "{}: {a:?}", e.file);
            assert!(
                (a.duration_secs - duration).abs() < 1e-9,
                "{}: {a:?}",
                e.file
            );
            assert_eq!(a.text, text, "{}", e.file);
        }
        assert_eq!(
            r.electrodes.len(),
            e.electrodes_mm.len(),
            "{}: electrodes",
            e.file
        );
        for (el, &(name, p)) in r.electrodes.iter().zip(e.electrodes_mm) {
            assert_eq!(el.name, name);
            let got = el.position_mm.to_array();
            for k in 0..3 {
                assert!(
                    (got[k] as f64 - p[k]).abs() < 1e-3,
                    "{name}: {got:?} vs {p:?}"
                );
            }
        }
    }
}

#[test]
fn a_whole_read_equals_pieces() {
    let r = brainvision::read_recording(&recording("vectorized_int16.vhdr")).unwrap();
    for c in 0..r.channels.len() {
        let all = samples(&r, c, 0, 500);
        let mut pieced = samples(&r, c, 0, 123);
        pieced.extend(samples(&r, c, 123, 377));
        assert_eq!(all, pieced);
    }
    let r = brainvision::read_recording(&recording("pybv_float32.vhdr")).unwrap();
    let all = samples(&r, 7, 0, 5000);
    assert_eq!(&all[4990..], &samples(&r, 7, 4990, 10)[..]);
}

fn copy_parts(dir: &Path, base: &str, exts: &[&str]) -> PathBuf {
    for ext in exts {
        let name = format!("{base}.{ext}");
        std::fs::copy(recording(&name), dir.join(&name)).unwrap();
    }
    dir.join(format!("{base}.vhdr"))
}

#[test]
fn a_missing_data_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let vhdr = copy_parts(dir.path(), "pybv_float32", &["vhdr", "vmrk"]);
    let err = brainvision::read_recording(&vhdr).unwrap_err().to_string();
    assert!(err.contains("pybv_float32.eeg"), "{err}");
    assert!(err.contains("does not exist"), "{err}");
    let err = load(&vhdr).unwrap_err().to_string();
    assert!(err.contains("pybv_float32.eeg"), "{err}");
}

#[test]
fn a_missing_marker_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let vhdr = copy_parts(dir.path(), "pybv_int16", &["vhdr", "eeg"]);
    let err = brainvision::read_recording(&vhdr).unwrap_err().to_string();
    assert!(err.contains("pybv_int16.vmrk"), "{err}");
}

#[test]
fn a_renamed_marker_file_is_found_beside_the_header() {
    // As MNE does after a BIDS rename: MarkerFile= names a file that is gone, NAME.vmrk is there.
    let dir = tempfile::tempdir().unwrap();
    let vhdr = copy_parts(dir.path(), "pybv_int16", &["vhdr", "eeg"]);
    std::fs::copy(
        recording("pybv_int16.vmrk"),
        dir.path().join("renamed.vmrk"),
    )
    .unwrap();
    let header = std::fs::read_to_string(&vhdr).unwrap();
    let renamed = dir.path().join("renamed.vhdr");
    std::fs::write(&renamed, header).unwrap();
    let r = brainvision::read_recording(&renamed).unwrap();
    assert_eq!(r.annotations.len(), 2);
}

#[test]
fn damaged_parts_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    // VECTORIZED data shorter than DataPoints promises.
    let vhdr = copy_parts(dir.path(), "vectorized_int16", &["vhdr", "vmrk"]);
    let eeg = std::fs::read(recording("vectorized_int16.eeg")).unwrap();
    std::fs::write(
        dir.path().join("vectorized_int16.eeg"),
        &eeg[..eeg.len() - 10],
    )
    .unwrap();
    let err = brainvision::read_recording(&vhdr).unwrap_err().to_string();
    assert!(
        err.contains("vectorized_int16.eeg") && err.contains("truncated"),
        "{err}"
    );
    // An empty data file.
    std::fs::write(dir.path().join("vectorized_int16.eeg"), b"").unwrap();
    let err = brainvision::read_recording(&vhdr).unwrap_err().to_string();
    assert!(err.contains("vectorized_int16.eeg"), "{err}");

    let header = std::fs::read_to_string(recording("multiplexed_int32.vhdr")).unwrap();
    std::fs::copy(
        recording("multiplexed_int32.eeg"),
        dir.path().join("multiplexed_int32.eeg"),
    )
    .unwrap();
    let cases = [
        ("format.vhdr", header.replace("INT_32", "UINT_16")),
        (
            "channels.vhdr",
            header.replace("NumberOfChannels=3", "NumberOfChannels=x"),
        ),
        (
            "missing_ch.vhdr",
            header.replace("NumberOfChannels=3", "NumberOfChannels=4"),
        ),
        ("resolution.vhdr", header.replace("T7,,0.001", "T7,,abc")),
        (
            "interval.vhdr",
            header.replace("SamplingInterval=", "SamplingInterval=-"),
        ),
        (
            "orientation.vhdr",
            header.replace("MULTIPLEXED", "SIDEWAYS"),
        ),
        (
            "ascii.vhdr",
            header.replace("DataFormat=BINARY", "DataFormat=ASCII"),
        ),
        ("not_bv.vhdr", "Hello\n[Common Infos]\n".to_owned()),
        (
            "no_channels.vhdr",
            header.replace("[Channel Infos]", "[Other]"),
        ),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = brainvision::read_recording(&path).unwrap_err().to_string();
        assert!(err.contains(name), "{name}: {err}");
    }
    // A marker with a position that is not a number.
    let vhdr = copy_parts(dir.path(), "pybv_int16", &["vhdr", "eeg"]);
    let vmrk = std::fs::read_to_string(recording("pybv_int16.vmrk")).unwrap();
    std::fs::write(
        dir.path().join("pybv_int16.vmrk"),
        vmrk.replace(",101,", ",x,"),
    )
    .unwrap();
    let err = brainvision::read_recording(&vhdr).unwrap_err().to_string();
    assert!(err.contains("pybv_int16.vmrk"), "{err}");
}

#[test]
fn data_and_marker_files_point_to_their_header() {
    for part in ["pybv_float32.eeg", "pybv_float32.vmrk"] {
        let err = detect(&recording(part)).unwrap_err().to_string();
        assert!(
            err.contains(part) && err.contains("pybv_float32.vhdr"),
            "{err}"
        );
    }
}

#[test]
fn load_gives_standard_positions_to_10_05_channel_names() {
    // No [Coordinates]: `load` places the EEG channels named after 10-05 sites.
    let loaded = load(&recording("pybv_float32.vhdr")).unwrap();
    let r = loaded.recording.unwrap();
    let placed: Vec<&str> = r.electrodes.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(placed, ["Fp1", "Fp2", "C3", "C4", "O1", "O2"]);
    // With [Coordinates], the header's positions are kept.
    let loaded = load(&recording("vectorized_int16.vhdr")).unwrap();
    let r = loaded.recording.unwrap();
    assert_eq!(r.electrodes.len(), 3);
    assert!(!r.electrodes.iter().all(glia::formats::montage::is_standard));
}
