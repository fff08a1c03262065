//! BIDS sidecars beside a recording: channels.tsv (types, bad channels), electrodes.tsv (with or
//! without a coordsystem.json giving the units) and events.tsv (replacing the file's annotations).

mod common;

use std::path::{Path, PathBuf};

use glia::formats::load;
use glia::model::{ChannelKind, Recording};

/// A BIDS folder holding pyedflib's test_utf8.edf (one Fp1 channel, five annotations) as
/// `sub-01_task-rest_eeg.edf`, with the given sidecars.
fn bids_folder(dir: &Path, sidecars: &[(&str, &str)]) -> PathBuf {
    let edf = dir.join("sub-01_task-rest_eeg.edf");
    std::fs::copy(common::data("recordings/test_utf8.edf"), &edf).unwrap();
    for (name, text) in sidecars {
        std::fs::write(dir.join(name), text).unwrap();
    }
    edf
}

fn recording(path: &Path) -> Recording {
    load(path)
        .unwrap_or_else(|e| panic!("{e}"))
        .recording
        .expect("a recording")
}

#[test]
fn sidecars_set_types_bad_channels_positions_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let edf = bids_folder(
        dir.path(),
        &[
            (
                "sub-01_task-rest_channels.tsv",
                "name\ttype\tunits\tstatus\nFp1\tEOG\tuV\tbad\nCz\tEEG\tuV\tgood\n",
            ),
            (
                "sub-01_electrodes.tsv",
                "name\tx\ty\tz\nFp1\t-0.03\t0.08\t0.02\nCz\tn/a\tn/a\tn/a\n",
            ),
            (
                "sub-01_task-rest_events.tsv",
                "onset\tduration\ttrial_type\n1.5\t0.5\tblink\n3\tn/a\tn/a\n",
            ),
        ],
    );
    let r = recording(&edf);
    assert_eq!(r.channels.len(), 1);
    assert_eq!(r.channels[0].kind, ChannelKind::Eog);
    assert!(r.channels[0].bad);
    // No coordsystem.json and every value below 1: metres.
    assert_eq!(r.electrodes.len(), 1);
    assert_eq!(r.electrodes[0].name, "Fp1");
    let p = r.electrodes[0].position_mm;
    assert!(
        (p - glam::Vec3::new(-30.0, 80.0, 20.0)).abs().max_element() < 1e-4,
        "{p}"
    );
    // events.tsv replaces the EDF+ annotations.
    let events: Vec<(f64, f64, &str)> = r
        .annotations
        .iter()
        .map(|a| (a.onset_secs, a.duration_secs, a.text.as_str()))
        .collect();
    assert_eq!(events, [(1.5, 0.5, "blink"), (3.0, 0.0, "event")]);
}

#[test]
fn coordsystem_units_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let edf = bids_folder(
        dir.path(),
        &[
            (
                "sub-01_space-CapTrak_electrodes.tsv",
                "name\tx\ty\tz\nFp1\t-3\t8\t2\n",
            ),
            (
                "sub-01_space-CapTrak_coordsystem.json",
                r#"{"EEGCoordinateSystem": "CapTrak", "EEGCoordinateUnits": "cm"}"#,
            ),
        ],
    );
    let r = recording(&edf);
    let p = r.electrodes[0].position_mm;
    assert!(
        (p - glam::Vec3::new(-30.0, 80.0, 20.0)).abs().max_element() < 1e-4,
        "{p}"
    );
    // The recording's own annotations stay without an events.tsv.
    assert_eq!(r.annotations.len(), 5);
}

#[test]
fn without_sidecars_eeg_channels_get_standard_positions() {
    let dir = tempfile::tempdir().unwrap();
    let edf = bids_folder(dir.path(), &[]);
    let r = recording(&edf);
    assert_eq!(r.electrodes.len(), 1);
    assert!(glia::formats::montage::is_standard(&r.electrodes[0]));
}

#[test]
fn a_broken_sidecar_is_an_error_naming_it() {
    for (name, text) in [
        ("sub-01_task-rest_channels.tsv", "label\ttype\nFp1\tEEG\n"),
        ("sub-01_task-rest_events.tsv", "onset\tduration\nsoon\t1\n"),
        ("sub-01_electrodes.tsv", "name\tx\ty\tz\nFp1\t1\tfar\t2\n"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let edf = bids_folder(dir.path(), &[(name, text)]);
        let err = load(&edf).unwrap_err().to_string();
        assert!(err.contains(name), "{name}: {err}");
    }
}
