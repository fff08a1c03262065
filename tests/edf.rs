//! EDF, EDF+, BDF and BDF+ against pyedflib: channel names, rates, sample counts, units,
//! annotations and the first and last samples of every channel; then damaged files built from the
//! good ones, none of which may panic, and every error names the file.

mod common;

use std::path::{Path, PathBuf};

use glia::formats::{FileKind, detect, edf, load};
use glia::model::Recording;

fn recording(name: &str) -> PathBuf {
    common::data(&format!("recordings/{name}"))
}

struct Chan {
    name: &'static str,
    rate: f64,
    n: u64,
    /// The unit as the file states it (pyedflib's `getPhysicalDimension`).
    unit: &'static str,
    /// pyedflib's physical values, in `unit`.
    first: [f64; 3],
    last: [f64; 3],
}

struct Expected {
    file: &'static str,
    duration_secs: f64,
    channels: &'static [Chan],
    /// onset (s), duration (s; pyedflib gives −1 for "none"), text.
    annotations: &'static [(f64, f64, &'static str)],
}

// Written by tests/data/recordings/reference_edf.py (pyedflib 0.1.42 on Python 3.11.7).
// `test_legacy.edf` is pyedflib's legacy (plain EDF) test file, which holds the same bytes as
// `test_generator.edf` except for three header fields: the test rebuilds it (see
// `legacy_from_generator`) instead of shipping 2.7 MB twice. In a plain EDF, the
// "EDF Annotations" signal is an ordinary channel, as pyedflib reads it.
const EXPECTED: &[Expected] = &[
    Expected {
        file: "test_generator.edf",
        duration_secs: 600.0,
        channels: &[
            Chan {
                name: "squarewave",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [99.99237048905165, 99.99237048905165, 99.99237048905165],
                last: [-99.96185244525826, -99.96185244525826, -99.96185244525826],
            },
            Chan {
                name: "ramp",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [-99.96185244525826, -98.9547570000763, -97.97817959868772],
                last: [97.00160219729915, 98.00869764248111, 98.98527504386969],
            },
            Chan {
                name: "pulse",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [99.99237048905165, 99.99237048905165, 99.99237048905165],
                last: [
                    0.015259021896696421,
                    0.015259021896696421,
                    0.015259021896696421,
                ],
            },
            Chan {
                name: "noise",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [84.0009155413138, 38.986800946059354, 77.9888609140154],
                last: [34.012359807736324, 38.986800946059354, 25.009536888685435],
            },
            Chan {
                name: "sine 1 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [3.1280994888227664, 6.271457999542229, 9.414816510261693],
                last: [
                    -6.2409399557488365,
                    -3.0975814450293737,
                    0.015259021896696421,
                ],
            },
            Chan {
                name: "sine 8 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [24.85694666971847, 48.1727321278706, 68.46723125047684],
                last: [-48.14221408407721, -24.82642862592508, 0.015259021896696421],
            },
            Chan {
                name: "sine 8.1777 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [25.40627145799954, 49.14930952925917, 69.65743495841916],
                last: [-23.75829709315633, -47.653925383382926, -68.43671320668345],
            },
            Chan {
                name: "sine 8.5 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [26.382848859388112, 50.919356069275956, 71.82421606775006],
                last: [-50.88883802548256, -26.35233081559472, 0.015259021896696421],
            },
            Chan {
                name: "sine 15 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [45.39559014267186, 80.88807507438773, 98.77164873731593],
                last: [
                    -80.85755703059434,
                    -45.365072098878464,
                    0.015259021896696421,
                ],
            },
            Chan {
                name: "sine 17 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [50.919356069275956, 87.63256275272755, 99.96185244525826],
                last: [-87.60204470893416, -50.88883802548256, 0.015259021896696421],
            },
            Chan {
                name: "sine 50 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [99.99237048905165, 0.015259021896696421, -99.96185244525826],
                last: [
                    0.015259021896696421,
                    -99.96185244525826,
                    0.015259021896696421,
                ],
            },
        ],
        annotations: &[
            (0.0, -1.0, "Recording starts"),
            (600.0, -1.0, "Recording ends"),
        ],
    },
    Expected {
        file: "test_legacy.edf",
        duration_secs: 600.0,
        channels: &[
            Chan {
                name: "squarewave",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [99.99237048905165, 99.99237048905165, 99.99237048905165],
                last: [-99.96185244525826, -99.96185244525826, -99.96185244525826],
            },
            Chan {
                name: "ramp",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [-99.96185244525826, -98.9547570000763, -97.97817959868772],
                last: [97.00160219729915, 98.00869764248111, 98.98527504386969],
            },
            Chan {
                name: "pulse",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [99.99237048905165, 99.99237048905165, 99.99237048905165],
                last: [
                    0.015259021896696421,
                    0.015259021896696421,
                    0.015259021896696421,
                ],
            },
            Chan {
                name: "noise",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [84.0009155413138, 38.986800946059354, 77.9888609140154],
                last: [34.012359807736324, 38.986800946059354, 25.009536888685435],
            },
            Chan {
                name: "sine 1 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [3.1280994888227664, 6.271457999542229, 9.414816510261693],
                last: [
                    -6.2409399557488365,
                    -3.0975814450293737,
                    0.015259021896696421,
                ],
            },
            Chan {
                name: "sine 8 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [24.85694666971847, 48.1727321278706, 68.46723125047684],
                last: [-48.14221408407721, -24.82642862592508, 0.015259021896696421],
            },
            Chan {
                name: "sine 8.1777 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [25.40627145799954, 49.14930952925917, 69.65743495841916],
                last: [-23.75829709315633, -47.653925383382926, -68.43671320668345],
            },
            Chan {
                name: "sine 8.5 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [26.382848859388112, 50.919356069275956, 71.82421606775006],
                last: [-50.88883802548256, -26.35233081559472, 0.015259021896696421],
            },
            Chan {
                name: "sine 15 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [45.39559014267186, 80.88807507438773, 98.77164873731593],
                last: [
                    -80.85755703059434,
                    -45.365072098878464,
                    0.015259021896696421,
                ],
            },
            Chan {
                name: "sine 17 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [50.919356069275956, 87.63256275272755, 99.96185244525826],
                last: [-87.60204470893416, -50.88883802548256, 0.015259021896696421],
            },
            Chan {
                name: "sine 50 Hz",
                rate: 200.0,
                n: 120000,
                unit: "uV",
                first: [99.99237048905165, 0.015259021896696421, -99.96185244525826],
                last: [
                    0.015259021896696421,
                    -99.96185244525826,
                    0.015259021896696421,
                ],
            },
            Chan {
                name: "EDF Annotations",
                rate: 57.0,
                n: 34200,
                unit: "",
                first: [0.37633325703822385, 0.1568780041199359, 0.33595788509956515],
                last: [
                    1.5259021896696422e-05,
                    1.5259021896696422e-05,
                    1.5259021896696422e-05,
                ],
            },
        ],
        annotations: &[],
    },
    Expected {
        file: "test_utf8.edf",
        duration_secs: 698.0,
        channels: &[Chan {
            name: "Fp1",
            rate: 128.0,
            n: 89344,
            unit: "uV",
            first: [6.247302967879759, 7.576516365300984, 10.234943160143434],
            last: [
                -0.13292133974212253,
                -0.13292133974212253,
                -0.13292133974212253,
            ],
        }],
        annotations: &[
            (1.5566407, -1.0, "XLSpike"),
            (3.0976563, -1.0, "Clip Note"),
            (119.6054688, -1.0, "中文测试八个字"),
            (290.1074219, -1.0, "XLEvent"),
            (583.1777344, -1.0, "XLSpike"),
        ],
    },
    Expected {
        file: "test_subsecond.edf",
        duration_secs: 698.0,
        channels: &[Chan {
            name: "Fp1",
            rate: 128.0,
            n: 89344,
            unit: "uV",
            first: [6.247302967879759, 7.576516365300984, 10.234943160143434],
            last: [
                -0.13292133974212253,
                -0.13292133974212253,
                -0.13292133974212253,
            ],
        }],
        annotations: &[
            (1.9511719, -1.0, "XLSpike"),
            (3.4921875, -1.0, "Clip Note"),
            (290.5019531, -1.0, "XLEvent"),
            (583.5722656, -1.0, "XLSpike"),
        ],
    },
    Expected {
        file: "test_generator.bdf",
        duration_secs: 30.0,
        channels: &[
            Chan {
                name: "sine 5Hz",
                rate: 1000.0,
                n: 30000,
                unit: "uV",
                first: [31.410636389889834, 62.79033796729705, 94.1081699197397],
                last: [
                    -62.79033796729638,
                    -31.410636389889167,
                    0.00017881394531738047,
                ],
            },
            Chan {
                name: "square 13Hz",
                rate: 800.0,
                n: 24000,
                unit: "uV",
                first: [999.9996423721103, 999.9996423721103, 999.9996423721103],
                last: [-999.9999999999995, -999.9999999999995, -999.9999999999995],
            },
            Chan {
                name: "ramp 7Hz",
                rate: 500.0,
                n: 15000,
                unit: "uV",
                first: [-962.6665093103946, -925.3330186207897, -887.9998855590749],
                last: [-999.9999999999995, -999.9999999999995, -999.9999999999995],
            },
            Chan {
                name: "pink noise",
                rate: 975.0,
                n: 29250,
                unit: "uV",
                first: [108.28310896653619, 38.95014756620843, 295.34288020985633],
                last: [-404.5452716675559, -404.8070552830129, -332.2822649647152],
            },
            Chan {
                name: "white noise",
                rate: 999.0,
                n: 29970,
                unit: "uV",
                first: [-627.7998463988209, 937.3897276753028, 849.589934920665],
                last: [-725.7598475074674, 61.53971323607676, -622.3799957263464],
            },
        ],
        annotations: &[],
    },
    Expected {
        file: "test_generator_datarec_generator_0_5.bdf",
        duration_secs: 30.0,
        channels: &[
            Chan {
                name: "sine 10Hz",
                rate: 2000.0,
                n: 60000,
                unit: "uV",
                first: [31.410636389889834, 62.79033796729705, 94.1081699197397],
                last: [
                    -62.79033796729638,
                    -31.410636389889167,
                    0.00017881394531738047,
                ],
            },
            Chan {
                name: "square 26Hz",
                rate: 1600.0,
                n: 48000,
                unit: "uV",
                first: [999.9996423721103, 999.9996423721103, 999.9996423721103],
                last: [-999.9999999999995, -999.9999999999995, -999.9999999999995],
            },
            Chan {
                name: "ramp 14Hz",
                rate: 1000.0,
                n: 30000,
                unit: "uV",
                first: [-962.6665093103946, -925.3330186207897, -887.9998855590749],
                last: [-999.9999999999995, -999.9999999999995, -999.9996423721096],
            },
            Chan {
                name: "pink noise",
                rate: 1950.0,
                n: 58500,
                unit: "uV",
                first: [222.30131759055394, 147.81851457467795, 86.18134773858507],
                last: [-187.935423131908, -150.569030676426, -198.3685015659628],
            },
            Chan {
                name: "white noise",
                rate: 1998.0,
                n: 59940,
                unit: "uV",
                first: [616.8696651977104, -756.2697980564709, -614.2596968567187],
                last: [724.7298791843583, 722.1599651670438, -923.6299946087591],
            },
        ],
        annotations: &[],
    },
    Expected {
        file: "test_generator_datarec_generator_2.bdf",
        duration_secs: 30.0,
        channels: &[
            Chan {
                name: "sine 2.5Hz",
                rate: 500.0,
                n: 15000,
                unit: "uV",
                first: [31.410636389889834, 62.79033796729705, 94.1081699197397],
                last: [
                    -62.79033796729638,
                    -31.410636389889167,
                    0.00017881394531738047,
                ],
            },
            Chan {
                name: "square 6.5Hz",
                rate: 400.0,
                n: 12000,
                unit: "uV",
                first: [999.9996423721103, 999.9996423721103, 999.9996423721103],
                last: [-999.9999999999995, -999.9999999999995, 999.9996423721103],
            },
            Chan {
                name: "ramp 3.5Hz",
                rate: 250.0,
                n: 7500,
                unit: "uV",
                first: [-962.6665093103946, -925.3330186207897, -887.9998855590749],
                last: [-999.9999999999995, -999.9999999999995, -999.9996423721096],
            },
            Chan {
                name: "pink noise",
                rate: 487.5,
                n: 14625,
                unit: "uV",
                first: [-182.48052492621656, -16.443551566812154, 69.38428100253859],
                last: [-58.20089925532899, 33.95265543178684, 25.82162772546013],
            },
            Chan {
                name: "white noise",
                rate: 499.5,
                n: 14985,
                unit: "uV",
                first: [495.6799444961518, 568.0598955190122, 681.0198832166128],
                last: [404.9197080683537, -108.98978167711353, -895.0097498303498],
            },
        ],
        annotations: &[],
    },
];

/// Volts per unit, as Glia delivers voltages (and non-voltages as they are).
fn to_delivered(unit: &str) -> f64 {
    match unit {
        "uV" | "µV" => 1e-6,
        "mV" => 1e-3,
        "V" => 1.0,
        "nV" => 1e-9,
        _ => 1.0,
    }
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs() + 1e-15,
        "{what}: got {got:e}, pyedflib {want:e}"
    );
}

/// pyedflib's `test_legacy.edf`, rebuilt from `test_generator.edf` (byte-identical to the file
/// pyedflib 0.1.42 ships: checked by reference_edf.py).
fn legacy_from_generator() -> Vec<u8> {
    let mut b = std::fs::read(recording("test_generator.edf")).unwrap();
    put(&mut b, 8, 80, "Legacy patient description");
    put(&mut b, 88, 80, "Legacy recording description");
    put(&mut b, 192, 44, "");
    b
}

/// Writes `text`, space-padded to `width` bytes, at `at`.
fn put(bytes: &mut [u8], at: usize, width: usize, text: &str) {
    put_bytes(bytes, at, width, text.as_bytes());
}

fn put_bytes(bytes: &mut [u8], at: usize, width: usize, text: &[u8]) {
    assert!(text.len() <= width);
    bytes[at..at + width].fill(b' ');
    bytes[at..at + text.len()].copy_from_slice(text);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn samples(r: &Recording, channel: usize, start: u64, n: usize) -> Vec<f64> {
    let mut out = vec![0.0; n];
    r.read(channel, start, &mut out).unwrap();
    out
}

#[test]
fn every_file_matches_pyedflib() {
    let dir = tempfile::tempdir().unwrap();
    for e in EXPECTED {
        let path = if e.file == "test_legacy.edf" {
            write(dir.path(), e.file, &legacy_from_generator())
        } else {
            recording(e.file)
        };
        let r = edf::read_recording(&path).unwrap_or_else(|err| panic!("{}: {err}", e.file));
        assert_eq!(r.name, e.file);
        let names: Vec<&str> = r.channels.iter().map(|c| c.name.as_str()).collect();
        let want: Vec<&str> = e.channels.iter().map(|c| c.name).collect();
        assert_eq!(names, want, "{}", e.file);
        assert_close(
            r.duration_secs,
            e.duration_secs,
            &format!("{} duration", e.file),
        );
        for (i, (c, w)) in r.channels.iter().zip(e.channels).enumerate() {
            let what = format!("{} channel {i} ({})", e.file, w.name);
            assert_eq!(c.sample_rate_hz, w.rate, "{what}: sample rate");
            assert_eq!(c.n_samples, w.n, "{what}: samples");
            assert_eq!(c.file_unit, w.unit, "{what}: unit");
            let delivered = if to_delivered(w.unit) != 1.0 || w.unit == "V" {
                "V"
            } else {
                w.unit
            };
            assert_eq!(c.unit, delivered, "{what}: delivered unit");
            let scale = to_delivered(w.unit);
            let first = samples(&r, i, 0, 3);
            let last = samples(&r, i, w.n - 3, 3);
            for k in 0..3 {
                assert_close(first[k], w.first[k] * scale, &format!("{what}: sample {k}"));
                assert_close(
                    last[k],
                    w.last[k] * scale,
                    &format!("{what}: sample {}", w.n - 3 + k as u64),
                );
            }
        }
        assert_eq!(
            r.annotations.len(),
            e.annotations.len(),
            "{}: annotations",
            e.file
        );
        for (a, &(onset, duration, text)) in r.annotations.iter().zip(e.annotations) {
            assert!(
                (a.onset_secs - onset).abs() < 1e-9,
                "{}: {a:?} vs {onset}",
                e.file
            );
            // A TAL without a duration: pyedflib reports −1, Glia 0 (as MNE does).
            let duration = if duration < 0.0 { 0.0 } else { duration };
            assert!(
                (a.duration_secs - duration).abs() < 1e-9,
                "{}: {a:?}",
                e.file
            );
            assert_eq!(a.text, text, "{}", e.file);
        }
        assert!(r.record_onsets_secs.is_none(), "{}: continuous", e.file);
        assert!(
            r.electrodes.is_empty(),
            "{}: EDF holds no positions",
            e.file
        );
    }
}

#[test]
fn registry_recognises_edf_and_bdf_by_content() {
    assert_eq!(
        detect(&recording("test_generator.edf")).unwrap(),
        FileKind::Edf
    );
    assert_eq!(
        detect(&recording("test_generator.bdf")).unwrap(),
        FileKind::Edf
    );
    // Old EDF files named .rec (Sleep-EDF, …) are recognised by their first bytes.
    let dir = tempfile::tempdir().unwrap();
    let rec = write(
        dir.path(),
        "night.rec",
        &std::fs::read(recording("test_subsecond.edf")).unwrap(),
    );
    assert_eq!(detect(&rec).unwrap(), FileKind::Edf);
    let loaded = load(&rec).unwrap();
    let r = loaded.recording.expect("a recording");
    assert_eq!(r.channels.len(), 1);
    // Fp1 is a 10-05 site: `load` gives it the standard position.
    assert_eq!(r.electrodes.len(), 1);
    assert_eq!(r.electrodes[0].name, "Fp1");
}

#[test]
fn reads_across_records_and_past_the_end() {
    let r = edf::read_recording(&recording("test_generator.bdf")).unwrap();
    // "pink noise": 975 samples per 1 s record.
    let channel = 3;
    let n = r.channels[channel].n_samples;
    let long = samples(&r, channel, 900, 2000);
    let mut pieced = samples(&r, channel, 900, 75);
    pieced.extend(samples(&r, channel, 975, 975));
    pieced.extend(samples(&r, channel, 1950, 950));
    assert_eq!(long, pieced);
    let tail = samples(&r, channel, n - 2, 5);
    assert!(tail[..2].iter().all(|v| v.is_finite()));
    assert!(tail[2..].iter().all(|v| v.is_nan()), "{tail:?}");
    assert!(samples(&r, channel, n + 100, 4).iter().all(|v| v.is_nan()));
    let mut out = [0.0; 2];
    assert!(r.read(99, 0, &mut out).is_err());
}

#[test]
fn a_truncated_last_record_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(recording("test_generator.edf")).unwrap();
    // 12 signals: 3328-byte header; records of 11 × 200 + 57 samples, 4514 bytes.
    let (header, record) = (3328, 4514);
    let path = write(dir.path(), "cut.edf", &good[..header + 10 * record + 2000]);
    let r = edf::read_recording(&path).unwrap();
    assert_eq!(r.channels.len(), 11);
    assert!(r.channels.iter().all(|c| c.n_samples == 10 * 200));
    assert_eq!(r.duration_secs, 10.0);
    // Both annotations live in the first two records.
    assert_eq!(r.annotations.len(), 2);
    let full = edf::read_recording(&recording("test_generator.edf")).unwrap();
    assert_eq!(samples(&r, 2, 1990, 10), samples(&full, 2, 1990, 10));
    assert!(samples(&r, 2, 2000, 1)[0].is_nan());

    // Less than one whole record: an error naming the file.
    let path = write(dir.path(), "stub.edf", &good[..header + 1000]);
    let err = edf::read_recording(&path).unwrap_err().to_string();
    assert!(
        err.contains("stub.edf") && err.contains("no complete data record"),
        "{err}"
    );
}

#[test]
fn record_count_minus_one_or_too_large_is_inferred_from_the_size() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(recording("test_generator.bdf")).unwrap();
    for (field, name) in [("-1", "running.bdf"), ("9999", "lying.bdf")] {
        let mut b = good.clone();
        put(&mut b, 236, 8, field);
        let path = write(dir.path(), name, &b);
        let r = edf::read_recording(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.duration_secs, 30.0, "{name}");
        assert_eq!(r.channels[0].n_samples, 30 * 1000, "{name}");
    }
    // A count smaller than the file holds: only that many records (as EDFlib reads them).
    let mut b = good.clone();
    put(&mut b, 236, 8, "12");
    let path = write(dir.path(), "short.bdf", &b);
    let r = edf::read_recording(&path).unwrap();
    assert_eq!(r.duration_secs, 12.0);
    assert_eq!(r.channels[4].n_samples, 12 * 999);
    // -1 with a truncated final record.
    let mut b = good[..good.len() - 5000].to_vec();
    put(&mut b, 236, 8, "-1");
    let path = write(dir.path(), "running_cut.bdf", &b);
    let r = edf::read_recording(&path).unwrap();
    assert_eq!(r.duration_secs, 29.0);
}

#[test]
fn non_ascii_labels_and_units() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = std::fs::read(recording("test_generator.edf")).unwrap();
    let ns = 12;
    // Labels: UTF-8 for signal 1, Latin-1 for signal 2; units: "µV" in UTF-8 and in Latin-1.
    put_bytes(&mut b, 256, 16, "Fp1-Réf".as_bytes());
    put_bytes(&mut b, 256 + 16, 16, b"T\xe9mp");
    put_bytes(&mut b, 256 + 96 * ns, 8, "µV".as_bytes());
    put_bytes(&mut b, 256 + 96 * ns + 8, 8, b"\xb5V");
    let path = write(dir.path(), "labels.edf", &b);
    let r = edf::read_recording(&path).unwrap();
    assert_eq!(r.channels[0].name, "Fp1-Réf");
    assert_eq!(r.channels[1].name, "Témp");
    for c in &r.channels[..2] {
        assert_eq!(c.file_unit, "µV");
        assert_eq!(c.unit, "V");
    }
    let full = edf::read_recording(&recording("test_generator.edf")).unwrap();
    assert_eq!(samples(&r, 1, 0, 50), samples(&full, 1, 0, 50));
}

#[test]
fn zero_samples_per_record_is_an_error_naming_file_and_signal() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = std::fs::read(recording("test_generator.edf")).unwrap();
    let ns = 12;
    put(&mut b, 256 + 216 * ns + 2 * 8, 8, "0");
    let path = write(dir.path(), "zero.edf", &b);
    let err = edf::read_recording(&path).unwrap_err().to_string();
    assert!(err.contains("zero.edf"), "{err}");
    assert!(
        err.contains("signal 3 (pulse)") && err.contains("0 samples"),
        "{err}"
    );
}

#[test]
fn garbage_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 24) as u8
    };
    let noise: Vec<u8> = (0..5000).map(|_| random()).collect();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        ("noise.edf", noise.clone()),
        ("tiny.edf", b"0       abc".to_vec()),
        ("empty_header.bdf", b"\xffBIOSEMI".to_vec()),
    ];
    // The right first bytes, then noise.
    let mut magic = noise.clone();
    magic[..8].copy_from_slice(b"0       ");
    cases.push(("magic_then_noise.edf", magic));
    // A header promising 9999 signals.
    let good = std::fs::read(recording("test_subsecond.edf")).unwrap();
    let mut many = good.clone();
    put(&mut many, 252, 4, "9999");
    cases.push(("many_signals.edf", many));
    // A physical minimum that is not a number.
    let mut pmin = good.clone();
    put(&mut pmin, 256 + 104 * 2, 8, "abc");
    cases.push(("pmin.edf", pmin));
    // No signals.
    let mut none = good.clone();
    put(&mut none, 252, 4, "0");
    cases.push(("no_signals.edf", none));
    for (name, bytes) in cases {
        let path = write(dir.path(), name, &bytes);
        let err = edf::read_recording(&path).unwrap_err().to_string();
        assert!(err.contains(name), "{name}: {err}");
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains(name), "{name} via load: {err}");
    }
}

#[test]
fn garbage_annotations_and_mutated_headers_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read(recording("test_subsecond.edf")).unwrap();
    // test_subsecond.edf: 768-byte header; records of 128 Fp1 samples + 20 annotation samples.
    let (header, record, tal_at, tal_len) = (768, 296, 256, 40);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Noise in every record's annotation signal, including \0, \x14, \x15, '+', '-' and digits.
    let alphabet = b"\0\x14\x15+-.0123456789eE xyz\xff\xc3";
    let mut b = good.clone();
    for r in 0..698 {
        for k in 0..tal_len {
            b[header + r * record + tal_at + k] =
                alphabet[(random() % alphabet.len() as u64) as usize];
        }
    }
    let path = write(dir.path(), "noisy_tals.edf", &b);
    let r = edf::read_recording(&path).unwrap();
    assert_eq!(r.channels.len(), 1);
    assert!(r.annotations.iter().all(|a| a.onset_secs.is_finite()));

    // Header mutations on a 20-record copy: any outcome but a panic; errors name the file.
    let mut small = good[..header + 20 * record].to_vec();
    put(&mut small, 236, 8, "20");
    let printable = b" 0123456789+-.,eE-1xX\xb5";
    for i in 0..400 {
        let mut m = small.clone();
        for _ in 0..1 + random() % 4 {
            let at = (random() % header as u64) as usize;
            m[at] = printable[(random() % printable.len() as u64) as usize];
        }
        let name = format!("mutant{i}.edf");
        let path = write(dir.path(), &name, &m);
        match edf::read_recording(&path) {
            Ok(r) => {
                for c in 0..r.channels.len() {
                    let n = r.channels[c].n_samples;
                    samples(&r, c, 0, 4);
                    samples(&r, c, n.saturating_sub(4), 8);
                }
            }
            Err(e) => assert!(e.to_string().contains(&name), "{e}"),
        }
    }
}

#[test]
fn discontinuous_records_keep_their_onsets() {
    let dir = tempfile::tempdir().unwrap();
    let mut b = std::fs::read(recording("test_subsecond.edf")).unwrap();
    let (header, record, tal_at, tal_len) = (768, 296, 256, 40);
    put(&mut b, 192, 44, "EDF+D");
    // Records 0–2 at 0, 1, 2 s; then a 10 s gap; a marker inside record 4.
    for r in 0..698usize {
        let onset = if r < 3 { r } else { r + 10 };
        let mut tal = format!("+{onset}\x14\x14\0").into_bytes();
        if r == 4 {
            tal.extend_from_slice(b"+14.5\x150.25\x14Gap marker\x14\0");
        }
        let at = header + r * record + tal_at;
        b[at..at + tal_len].fill(0);
        b[at..at + tal.len()].copy_from_slice(&tal);
    }
    let path = write(dir.path(), "gaps.edf", &b);
    let r = edf::read_recording(&path).unwrap();
    let (onsets, record_secs) = r.record_onsets_secs.clone().expect("EDF+D onsets");
    assert_eq!(record_secs, 1.0);
    assert_eq!(onsets.len(), 698);
    assert_eq!(&onsets[..5], &[0.0, 1.0, 2.0, 13.0, 14.0]);
    assert_eq!(onsets[697], 707.0);
    assert_eq!(r.annotations.len(), 1);
    assert_eq!(r.annotations[0].text, "Gap marker");
    assert!((r.annotations[0].onset_secs - 14.5).abs() < 1e-12);
    assert!((r.annotations[0].duration_secs - 0.25).abs() < 1e-12);
    // Samples are stored back to back whatever the gaps.
    assert_eq!(r.channels[0].n_samples, 698 * 128);
}
