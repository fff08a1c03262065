//! NWB units, electrodes and trials against pynwb: ids, spike counts, first and last times,
//! labels, depths, electrode positions, trials and their events of `units.nwb`; then damaged
//! files (truncated, without units, random bytes) and small HDF5 files written here with
//! hdf5-pure, one defect each, none of which may panic, and every error names the file.

mod common;

use std::path::{Path, PathBuf};

use glia::formats::{FileKind, detect, load, nwb};
use glia::model::SpikeSet;
use hdf5_pure::{AttrValue, FileBuilder};

fn spikes(name: &str) -> PathBuf {
    common::data(&format!("spikes/{name}"))
}

// Written by tests/data/spikes/make_nwb.py: pynwb 4.2.0 (hdmf 6.2.0, h5py 3.16.0, numpy 2.4.6,
// Python 3.11.7) reads units.nwb, which the same script wrote with pynwb.
// (id, n_spikes, first secs, last secs, quality, depth um, electrode row)
#[rustfmt::skip]
const UNITS: &[(i64, usize, f64, f64, &str, f64, usize)] = &[
    (3, 225, 0.0007801543006280554, 59.43761769643296, "good", -1.4865479935249182, 0),
    (7, 427, 0.05488222276567534, 59.9819270701291, "mua", 20.33010719193333, 1),
    (12, 181, 0.004539139041563889, 59.7472567042462, "good", 18.375056566496973, 1),
    (15, 301, 0.3670554666664061, 59.64786622832329, "noise", 42.78705028505122, 2),
    (21, 225, 0.3315284938193641, 59.8191998741972, "good", 57.278956424183825, 3),
    (30, 340, 0.07135908651531464, 59.849331364111876, "mua", 3.0799348916233953, 0),
];
const N_SPIKES: usize = 1699;
const LAST_SPIKE_SECS: f64 = 59.9819270701291;
// electrodes table rows: [x, y, z, rel_x, rel_y]
const ELECTRODES: &[[f64; 5]] = &[
    [-37.0, -21.0, 58.0, 0.0, 0.0],
    [-36.875, -21.0625, 58.25, 16.0, 20.0],
    [-36.75, -21.125, 58.5, 0.0, 40.0],
    [-36.625, -21.1875, 58.75, 16.0, 60.0],
];
// trials columns: ['start_time', 'stop_time', 'go_cue_time', 'target']
const N_TRIALS: usize = 20;
// (start, stop, go_cue, target)
const FIRST_TRIAL: (f64, f64, f64, i64) = (1.0, 3.2110034293230587, 1.7022382904671098, 3);
const LAST_TRIAL: (f64, f64, f64, i64) =
    (52.82673801967433, 55.308179781063544, 53.53561869656796, 2);
const TARGETS: [i64; 20] = [3, 5, 3, 1, 6, 7, 6, 5, 1, 4, 6, 1, 7, 5, 7, 4, 5, 5, 0, 2];

fn units_nwb() -> SpikeSet {
    nwb::read(&spikes("units.nwb")).expect("units.nwb reads")
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn units_match_pynwb() {
    let set = units_nwb();
    assert_eq!(set.n_units(), UNITS.len());
    assert_eq!(set.n_spikes(), N_SPIKES);
    assert_eq!(set.offsets.len(), UNITS.len() + 1);
    assert_eq!(set.sample_rate_hz, None);
    for (i, &(id, n, first, last, label, depth, electrode)) in UNITS.iter().enumerate() {
        let unit = &set.units[i];
        assert_eq!(unit.id, id, "row {i}");
        assert_eq!(set.unit_count(i), n, "unit {id}");
        let times = set.unit_times(i);
        assert!(
            close(times[0], first, 1e-12),
            "unit {id}: first {}",
            times[0]
        );
        assert!(
            close(times[n - 1], last, 1e-12),
            "unit {id}: last {}",
            times[n - 1]
        );
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "unit {id}: not ascending"
        );
        assert_eq!(unit.label.as_deref(), Some(label), "unit {id}");
        let got_depth = unit.depth_um.expect("depth column");
        assert!(
            close(f64::from(got_depth), depth, 1e-4),
            "unit {id}: depth {got_depth}"
        );
        assert_eq!(
            unit.channel,
            Some(electrode as u32),
            "unit {id}: electrode row"
        );

        let [x, y, z, rel_x, rel_y] = ELECTRODES[electrode];
        let p = unit.position_mm.expect("electrode x, y, z");
        for (got, want) in [(p.x, x), (p.y, y), (p.z, z)] {
            assert!(
                close(f64::from(got), want, 1e-4),
                "unit {id}: position {p:?}"
            );
        }
        let probe = unit.probe_um.expect("electrode rel_x, rel_y");
        assert!(
            close(f64::from(probe[0]), rel_x, 1e-4),
            "unit {id}: probe {probe:?}"
        );
        assert!(
            close(f64::from(probe[1]), rel_y, 1e-4),
            "unit {id}: probe {probe:?}"
        );
    }
}

#[test]
fn trials_and_events_match_pynwb() {
    let set = units_nwb();
    assert_eq!(set.trials.len(), N_TRIALS);
    for (label, trial, (start, stop, _, target)) in [
        ("first", &set.trials[0], FIRST_TRIAL),
        ("last", &set.trials[N_TRIALS - 1], LAST_TRIAL),
    ] {
        assert!(close(trial.start_secs, start, 1e-12), "{label}: {trial:?}");
        assert!(close(trial.stop_secs, stop, 1e-12), "{label}: {trial:?}");
        assert_eq!(
            trial.condition,
            Some(target.to_string()),
            "{label}: {trial:?}"
        );
    }
    let conditions: Vec<Option<String>> = set.trials.iter().map(|t| t.condition.clone()).collect();
    let expected: Vec<Option<String>> = TARGETS.iter().map(|t| Some(t.to_string())).collect();
    assert_eq!(conditions, expected);

    // One trial_start per trial (at its start) and one go_cue per trial (from go_cue_time), in
    // time order, each with its trial's target as condition.
    assert_eq!(set.event_kinds(), ["trial_start", "go_cue"]);
    assert_eq!(set.events.len(), 2 * N_TRIALS);
    assert!(
        set.events
            .windows(2)
            .all(|w| w[0].time_secs <= w[1].time_secs)
    );
    for kind in ["trial_start", "go_cue"] {
        assert_eq!(
            set.events.iter().filter(|e| e.kind == kind).count(),
            N_TRIALS,
            "{kind}"
        );
    }
    let first_cue = set.events.iter().find(|e| e.kind == "go_cue").unwrap();
    assert!(
        close(first_cue.time_secs, FIRST_TRIAL.2, 1e-12),
        "{first_cue:?}"
    );
    assert_eq!(first_cue.condition, Some(FIRST_TRIAL.3.to_string()));
    let last_cue = set.events.iter().rfind(|e| e.kind == "go_cue").unwrap();
    assert!(
        close(last_cue.time_secs, LAST_TRIAL.2, 1e-12),
        "{last_cue:?}"
    );
    assert_eq!(last_cue.condition, Some(LAST_TRIAL.3.to_string()));
    let first_start = &set.events[0];
    assert_eq!(first_start.kind, "trial_start");
    assert_eq!(first_start.time_secs, FIRST_TRIAL.0);
    assert_eq!(first_start.condition, Some(FIRST_TRIAL.3.to_string()));
}

#[test]
fn span_covers_spikes_and_trials() {
    let set = units_nwb();
    assert_eq!(set.start_secs, 0.0);
    assert_eq!(set.end_secs, LAST_SPIKE_SECS);
}

#[test]
fn registry_recognises_and_loads_nwb() {
    let path = spikes("units.nwb");
    assert_eq!(detect(&path).unwrap(), FileKind::Nwb);
    let loaded = load(&path).unwrap();
    assert_eq!(loaded.spikes.expect("spikes").n_units(), UNITS.len());
}

#[test]
fn sniff_finds_the_hdf5_signature() {
    let bytes = std::fs::read(spikes("units.nwb")).unwrap();
    assert!(nwb::sniff(&bytes[..4096]));
    let mut userblock = vec![0u8; 512];
    userblock.extend_from_slice(&bytes[..1024]);
    assert!(nwb::sniff(&userblock));
    assert!(!nwb::sniff(&random_bytes(4096, 7)));
    assert!(!nwb::sniff(b"0       "));
}

/// `n` bytes of xorshift noise.
fn random_bytes(n: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Reads `path`, expecting an error that names the file; returns the message.
fn read_err(path: &Path) -> String {
    match nwb::read(path) {
        Ok(set) => panic!("{} read as {} units", path.display(), set.n_units()),
        Err(e) => {
            let message = e.to_string();
            assert!(
                message.starts_with(&path.display().to_string()),
                "the error does not name the file: {message}"
            );
            message
        }
    }
}

#[test]
fn truncated_file_is_an_error() {
    let bytes = std::fs::read(spikes("units.nwb")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.nwb");
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    read_err(&path);
}

#[test]
fn every_truncation_reads_whole_or_fails_cleanly() {
    // Cut anywhere: either everything needed lies before the cut and the file reads exactly as
    // the whole one, or it is an error naming the file. Never a panic.
    let bytes = std::fs::read(spikes("units.nwb")).unwrap();
    let whole = units_nwb();
    let dir = tempfile::tempdir().unwrap();
    for sixteenth in 0..16 {
        let cut = bytes.len() * sixteenth / 16 + 7;
        let path = dir.path().join(format!("cut_{cut}.nwb"));
        std::fs::write(&path, &bytes[..cut]).unwrap();
        match nwb::read(&path) {
            Ok(set) => assert_eq!(set, whole, "cut at {cut}"),
            Err(e) => assert!(
                e.to_string().starts_with(&path.display().to_string()),
                "cut at {cut}: {e}"
            ),
        }
    }
}

#[test]
fn hdf5_without_units_is_an_error() {
    let message = read_err(&spikes("no_units.nwb"));
    assert!(message.contains("units"), "{message}");
}

#[test]
fn random_bytes_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let noise = dir.path().join("noise.nwb");
    std::fs::write(&noise, random_bytes(8192, 1)).unwrap();
    read_err(&noise);

    // The signature, then noise: looks like HDF5 to the registry, is not.
    let mut bytes = b"\x89HDF\r\n\x1a\n".to_vec();
    bytes.extend(random_bytes(8192, 2));
    let fake = dir.path().join("fake.nwb");
    std::fs::write(&fake, &bytes).unwrap();
    read_err(&fake);

    let empty = dir.path().join("empty.nwb");
    std::fs::write(&empty, b"").unwrap();
    read_err(&empty);

    read_err(&dir.path().join("missing.nwb"));
}

// Small files written with hdf5-pure, laid out as NWB lays out its tables.

/// Spike trains of `/units`, as `spike_times` and `spike_times_index`.
struct UnitsTable<'a> {
    times: &'a [f64],
    index: &'a [u64],
}

/// Writes an HDF5 file with `/units` and whatever `more` adds to it and to the file.
fn write_units(
    dir: &Path,
    name: &str,
    table: UnitsTable<'_>,
    more: impl FnOnce(&mut FileBuilder, &mut hdf5_pure::GroupBuilder),
) -> PathBuf {
    let mut builder = FileBuilder::new();
    let mut units = builder.create_group("units");
    units
        .create_dataset("spike_times")
        .with_f64_data(table.times);
    units
        .create_dataset("spike_times_index")
        .with_u64_data(table.index);
    more(&mut builder, &mut units);
    builder.add_group(units.finish());
    let path = dir.join(name);
    builder.write(&path).unwrap();
    path
}

/// Adds `/general/extracellular_ephys/electrodes` with `x` positions only, `rows` rows.
fn add_electrodes(builder: &mut FileBuilder, rows: usize) {
    let mut general = builder.create_group("general");
    let mut ecephys = general.create_group("extracellular_ephys");
    let mut electrodes = ecephys.create_group("electrodes");
    let ids: Vec<i64> = (0..rows as i64).collect();
    electrodes.create_dataset("id").with_i64_data(&ids);
    let x: Vec<f64> = (0..rows).map(|i| i as f64).collect();
    electrodes.create_dataset("x").with_f64_data(&x);
    electrodes.create_dataset("y").with_f64_data(&x);
    let nan = vec![f64::NAN; rows];
    electrodes.create_dataset("z").with_f64_data(&nan);
    ecephys.add_group(electrodes.finish());
    general.add_group(ecephys.finish());
    builder.add_group(general.finish());
}

const TWO_UNITS: UnitsTable<'static> = UnitsTable {
    times: &[0.5, 0.25, 2.0, 1.5, 3.0, 0.75],
    index: &[2, 6],
};

#[test]
fn minimal_units_table_reads_with_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_units(dir.path(), "minimal.nwb", TWO_UNITS, |_, _| {});
    let set = nwb::read(&path).unwrap();
    // No id column: ids are row numbers. Times sorted within each unit.
    assert_eq!(set.units.iter().map(|u| u.id).collect::<Vec<_>>(), [0, 1]);
    assert_eq!(set.unit_times(0), [0.25, 0.5]);
    assert_eq!(set.unit_times(1), [0.75, 1.5, 2.0, 3.0]);
    assert!(
        set.units
            .iter()
            .all(|u| u.label.is_none() && u.depth_um.is_none())
    );
    assert!(set.trials.is_empty() && set.events.is_empty());
    assert_eq!((set.start_secs, set.end_secs), (0.0, 3.0));
}

#[test]
fn electrodes_without_z_give_no_position_but_a_channel() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_units(dir.path(), "electrodes.nwb", TWO_UNITS, |b, units| {
        // Unit 0 on electrode 2, unit 1 on none (an empty region).
        units.create_dataset("electrodes").with_i64_data(&[2]);
        units
            .create_dataset("electrodes_index")
            .with_u64_data(&[1, 1]);
        add_electrodes(b, 3);
    });
    let set = nwb::read(&path).unwrap();
    assert_eq!(set.units[0].channel, Some(2));
    assert_eq!(set.units[0].position_mm, None, "z is NaN");
    assert_eq!(set.units[1].channel, None);
}

fn assert_units_error(
    name: &str,
    more: impl FnOnce(&mut FileBuilder, &mut hdf5_pure::GroupBuilder),
    table: UnitsTable<'_>,
    expected: &str,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = write_units(dir.path(), name, table, more);
    let message = read_err(&path);
    assert!(message.contains(expected), "{name}: {message}");
}

#[test]
fn decreasing_spike_times_index_is_an_error() {
    let table = UnitsTable {
        times: TWO_UNITS.times,
        index: &[4, 2],
    };
    assert_units_error("decreasing.nwb", |_, _| {}, table, "spike_times_index");
}

#[test]
fn spike_times_index_past_the_end_is_an_error() {
    let table = UnitsTable {
        times: TWO_UNITS.times,
        index: &[2, 7],
    };
    assert_units_error("past_end.nwb", |_, _| {}, table, "spike_times_index");
}

#[test]
fn non_finite_spike_time_is_an_error() {
    let table = UnitsTable {
        times: &[0.5, f64::NAN, 2.0],
        index: &[1, 3],
    };
    assert_units_error("nan.nwb", |_, _| {}, table, "spike_times");
}

#[test]
fn id_column_of_the_wrong_length_is_an_error() {
    assert_units_error(
        "ids.nwb",
        |_, units| {
            units.create_dataset("id").with_i64_data(&[1, 2, 3]);
        },
        TWO_UNITS,
        "/units/id",
    );
}

#[test]
fn electrode_row_past_the_table_is_an_error() {
    assert_units_error(
        "electrode_row.nwb",
        |b, units| {
            units.create_dataset("electrodes").with_i64_data(&[0, 5]);
            units
                .create_dataset("electrodes_index")
                .with_u64_data(&[1, 2]);
            add_electrodes(b, 3);
        },
        TWO_UNITS,
        "electrode row 5",
    );
}

#[test]
fn electrodes_without_their_table_are_an_error() {
    assert_units_error(
        "no_electrodes_table.nwb",
        |_, units| {
            units.create_dataset("electrodes").with_i64_data(&[0, 1]);
            units
                .create_dataset("electrodes_index")
                .with_u64_data(&[1, 2]);
        },
        TWO_UNITS,
        "electrodes table",
    );
}

#[test]
fn units_without_spike_times_index_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut builder = FileBuilder::new();
    let mut units = builder.create_group("units");
    units
        .create_dataset("spike_times")
        .with_f64_data(&[0.5, 1.0]);
    builder.add_group(units.finish());
    let path = dir.path().join("no_index.nwb");
    builder.write(&path).unwrap();
    let message = read_err(&path);
    assert!(message.contains("spike_times_index"), "{message}");
}

/// Adds `/intervals/trials` with the given columns.
fn add_trials(builder: &mut FileBuilder, columns: impl FnOnce(&mut hdf5_pure::GroupBuilder)) {
    let mut intervals = builder.create_group("intervals");
    let mut trials = intervals.create_group("trials");
    columns(&mut trials);
    intervals.add_group(trials.finish());
    builder.add_group(intervals.finish());
}

#[test]
fn trials_condition_follows_colnames_and_nan_times_give_no_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_units(dir.path(), "trials.nwb", TWO_UNITS, |b, _| {
        add_trials(b, |trials| {
            trials.set_attr(
                "colnames",
                AttrValue::VarLenStringArray(
                    ["start_time", "stop_time", "side", "block", "stim_time"]
                        .map(String::from)
                        .to_vec(),
                ),
            );
            trials.create_dataset("id").with_i64_data(&[0, 1, 2]);
            trials
                .create_dataset("start_time")
                .with_f64_data(&[0.0, 1.0, 2.0]);
            trials
                .create_dataset("stop_time")
                .with_f64_data(&[0.9, 1.9, 3.5]);
            trials.create_dataset("block").with_i64_data(&[7, 7, 8]);
            trials
                .create_dataset("side")
                .with_vlen_strings(&["left", "right", "left"]);
            trials
                .create_dataset("stim_time")
                .with_f64_data(&[0.2, f64::NAN, 2.2]);
        });
    });
    let set = nwb::read(&path).unwrap();
    let conditions: Vec<_> = set.trials.iter().map(|t| t.condition.as_deref()).collect();
    assert_eq!(conditions, [Some("left"), Some("right"), Some("left")]);
    let events: Vec<(f64, &str, Option<&str>)> = set
        .events
        .iter()
        .map(|e| (e.time_secs, e.kind.as_str(), e.condition.as_deref()))
        .collect();
    assert_eq!(
        events,
        [
            (0.0, "trial_start", Some("left")),
            (0.2, "stim", Some("left")),
            (1.0, "trial_start", Some("right")),
            (2.0, "trial_start", Some("left")),
            (2.2, "stim", Some("left")),
        ]
    );
    assert_eq!(set.end_secs, 3.5, "the last trial's stop");
}

#[test]
fn trials_without_stop_time_are_an_error() {
    assert_units_error(
        "no_stop.nwb",
        |b, _| {
            add_trials(b, |trials| {
                trials.create_dataset("start_time").with_f64_data(&[0.0]);
            })
        },
        TWO_UNITS,
        "stop_time",
    );
}
