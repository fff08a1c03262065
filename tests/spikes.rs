//! Sorted spikes against NumPy, pandas and SciPy: Kilosort/phy folders, unit/time tables, spike
//! trains as text (PySpike's and nitime's real files), events tables, PSTHs (plain, smoothed,
//! by condition), ISI histograms and autocorrelograms; corrupt folders; the raster's counts;
//! and the reaching simulator.
//!
//! The constants below are pasted from `tests/data/spikes/REFERENCE.md`, written by
//! `tests/data/spikes/make_fixtures.py` with NumPy 2.4.6, pandas 3.1.1 and SciPy 1.17.1 reading
//! the same files.

mod common;

use std::path::PathBuf;

use glia::dsp::spikes as stats;
use glia::formats::{FileKind, detect, load, spike_text};
use glia::model::{SpikeSet, UnitSort};
use glia::session::Session;

fn data(name: &str) -> PathBuf {
    common::data(&format!("spikes/{name}"))
}

fn spikes(name: &str) -> SpikeSet {
    load(&data(name))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .spikes
        .unwrap_or_else(|| panic!("{name}: no spikes"))
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * b.abs().max(1.0)
}

// phy/: params.py sample_rate = 30000.; labels: cluster_group.tsv, else cluster_info.tsv `group`
// (empty = none); depth_um: cluster_info.tsv `depth`.
const PHY_SAMPLE_RATE: f64 = 30000.0;
const PHY_N_SPIKES: usize = 3193;
const PHY_N_UNITS: usize = 7;
const PHY_DURATION_SECS: f64 = 99.98333333333333; // the last spike
// (cluster id, n_spikes, first secs, last secs, label, depth_um), ascending id
/// (cluster id, n_spikes, first secs, last secs, label, depth_um).
type PhyUnit = (i64, usize, f64, f64, Option<&'static str>, f32);
const PHY_UNITS: &[PhyUnit] = &[
    (
        0,
        800,
        0.4066666666666667,
        99.97466666666666,
        Some("noise"),
        20.0,
    ),
    (
        2,
        679,
        0.029766666666666667,
        99.73643333333334,
        Some("good"),
        100.0,
    ),
    (
        3,
        418,
        0.06626666666666667,
        99.90046666666667,
        Some("mua"),
        120.0,
    ),
    (7, 622, 0.119, 99.84693333333334, Some("good"), 160.0),
    (
        11,
        392,
        0.8741333333333333,
        99.79013333333333,
        Some("mua"),
        240.0,
    ),
    (12, 281, 0.6324666666666666, 99.98333333333333, None, 240.0),
    (
        40,
        1,
        41.30056666666667,
        41.30056666666667,
        Some("noise"),
        300.0,
    ),
];
// with `s as f64 * (1.0 / 30000.0)` instead of `/ 30000.0`, the times of samples [2999240, 3570, 26224, 2993704, 18974]
// above come out 1 ulp apart: divide, or compare with a tolerance.
// sample indices that occur twice (clusters 11 and 12): [57563, 404656, 746297, 1047582, 1324547, 1689628]

// phy_templates/: spike_times.npy int64 shape (3193, 1), units = templates
const PHY_TEMPLATES_N_SPIKES: usize = 3193;
// (template id, n_spikes, first secs, last secs), ascending id
const PHY_TEMPLATE_UNITS: &[(i64, usize, f64, f64)] = &[
    (0, 800, 0.4066666666666667, 99.97466666666666),
    (1, 334, 0.029766666666666667, 99.4274),
    (2, 345, 0.05653333333333333, 99.73643333333334),
    (3, 418, 0.06626666666666667, 99.90046666666667),
    (5, 1, 41.30056666666667, 41.30056666666667),
    (6, 308, 0.119, 99.6558),
    (7, 314, 0.7213333333333334, 99.84693333333334),
    (9, 673, 0.6324666666666666, 99.98333333333333),
];

// Corrupt folders: the first 200 spikes of phy/, one defect each:
//   phy_bad_lengths: spike_clusters.npy has 199 elements, spike_times.npy 200
//   phy_unsorted: elements 10 and 190 swapped; first descent at index 10 -> 11 (204875 > 14960)
//   phy_float_clusters: spike_clusters.npy dtype float32
//   phy_no_params: no params.py
//   phy_negative: spike_times.npy int64, element 0 = -30
//   phy_truncated: spike_times.npy is 864 bytes; its header promises 200 uint64 (128 + 1600 bytes)

// events.csv: 40 events, 20 stim and 20 go; stim left 10, right 10
const EVENTS_N: usize = 40;
const EVENTS_FIRST_ONSET: f64 = 4.419289;
const EVENTS_LAST_ONSET: f64 = 90.495046;
const STIM_ONSETS: [f64; 20] = [
    4.419289, 8.966244, 13.363212, 17.751243, 22.093308, 26.697192, 31.046517, 35.839493,
    40.169444, 44.910047, 49.122543, 53.84058, 58.29925, 62.54255, 67.485713, 71.628876, 76.280008,
    80.688585, 85.426545, 89.80911,
];

// spikes.csv (and spikes.tsv, the same rows): 1942 rows
const CSV_N_SPIKES: usize = 1942;
// (unit id, n_spikes, first secs, last secs), ascending id, times sorted
const CSV_UNITS: &[(i64, usize, f64, f64)] = &[
    (1, 538, 0.2485, 59.7308),
    (2, 244, 0.2675, 59.9761),
    (5, 690, 0.0326, 59.9919),
    (9, 89, 0.0223, 57.9895),
    (10, 381, 0.0351, 59.9932),
];

// PySpike_testdata.txt: one train per non-empty line not starting with '#'
// (count, first, last) per train, in the file's units; 40 trains
const PYSPIKE_N_TRAINS: usize = 40;
const PYSPIKE_TRAINS: &[(usize, f64, f64)] = &[
    (16, 64.886, 3936.3),
    (16, 65.553, 3944.0),
    (14, 69.064, 3470.1),
    (16, 59.955, 3788.9),
    (16, 59.977, 3913.9),
    (16, 66.415, 3804.9),
    (16, 66.449, 3831.2),
    (16, 63.764, 3998.3),
    (16, 63.906, 3849.5),
    (16, 69.493, 3903.3),
    (16, 61.789, 3771.0),
    (16, 64.098, 3999.7),
    (16, 68.59, 3884.4),
    (16, 66.507, 3893.9),
    (16, 72.744, 3884.8),
    (16, 64.779, 3807.5),
    (15, 64.852, 3617.2),
    (16, 63.089, 3803.8),
    (16, 62.23, 3882.2),
    (16, 69.662, 3991.1),
    (16, 183.42, 3956.0),
    (16, 188.49, 3819.6),
    (16, 177.0, 3881.6),
    (14, 193.9, 3359.8),
    (16, 193.01, 3914.7),
    (16, 194.71, 3848.2),
    (16, 184.88, 3952.1),
    (16, 189.66, 3815.4),
    (16, 190.41, 3939.3),
    (16, 181.16, 3770.6),
    (16, 181.09, 3932.7),
    (16, 186.7, 3808.6),
    (16, 196.76, 3952.8),
    (16, 200.68, 3928.1),
    (15, 190.83, 3689.8),
    (16, 181.47, 3855.9),
    (16, 191.38, 3829.2),
    (16, 191.97, 3863.4),
    (16, 189.51, 3893.6),
    (16, 190.88, 3838.9),
];
// numpy.median(np.concatenate([np.diff(t) for t in trains])), 594 intervals (middle values 250.0 and 250.0)
const PYSPIKE_MEDIAN_ISI: f64 = 250.0;

// grasshopper_spike_times1.txt: '#' header blocks, the numbers after each block one trial
// (count, first, last) per train, in the file's units; 1 trains
const GRASSHOPPER_N_TRAINS: usize = 1;
const GRASSHOPPER_TRAINS: &[(usize, f64, f64)] = &[(929, 6700.0, 9999300.0)];
// numpy.median(np.concatenate([np.diff(t) for t in trains])), 928 intervals (middle values 9300.0 and 9300.0)
const GRASSHOPPER_MEDIAN_ISI: f64 = 9300.0;

// PSTH of phy/ on events.csv `stim` events, window [-0.5, 1.0) s, 0.05 s bins (30):
// counts[k] = #{(e, t): -0.5 + k*0.05 <= t - e < -0.5 + (k+1)*0.05, -0.5 <= t - e < 1.0} summed
// over events; rate_hz = counts / (n_events * 0.05); smoothed = scipy.ndimage.gaussian_filter1d(
// rate_hz, sigma=2.0 (0.1 s / 0.05 s), mode='reflect' (d c b a | a b c d | d c b a), truncate=4.0:
// radius 8 bins).
const PSTH_STIM_U2_COUNTS: [u32; 30] = [
    8, 5, 6, 10, 6, 2, 7, 5, 7, 7, 7, 24, 44, 21, 6, 3, 5, 14, 9, 6, 10, 9, 7, 7, 3, 7, 8, 2, 4, 4,
];
const PSTH_STIM_U2_RATE_HZ: [f64; 30] = [
    8.0, 5.0, 6.0, 10.0, 6.0, 2.0, 7.0, 5.0, 7.0, 7.0, 7.0, 24.0, 44.0, 21.0, 6.0, 3.0, 5.0, 14.0,
    9.0, 6.0, 10.0, 9.0, 7.0, 7.0, 3.0, 7.0, 8.0, 2.0, 4.0, 4.0,
];
const PSTH_STIM_U2_SMOOTH_HZ: [f64; 30] = [
    6.779316036168104,
    6.746208384181965,
    6.643113494627601,
    6.419839111901154,
    6.109413170077322,
    5.893620407969214,
    6.036061702327343,
    6.813178244447746,
    8.538778445719462,
    11.433174585049017,
    15.13817208136056,
    18.358954763963546,
    19.449420530920438,
    17.774210606870643,
    14.401559062373435,
    11.202895278874536,
    9.338117082978282,
    8.713045526187898,
    8.622947403039703,
    8.53667407022525,
    8.278923568017909,
    7.835803625367266,
    7.250438649862152,
    6.632345331804711,
    6.092812889923466,
    5.636041937302077,
    5.184053343238437,
    4.717086176793177,
    4.322163929467363,
    4.1016305589602355,
];
const PSTH_STIM_U7_COUNTS: [u32; 30] = [
    6, 5, 6, 3, 11, 6, 4, 3, 2, 6, 6, 10, 6, 5, 10, 13, 7, 5, 6, 1, 5, 6, 6, 9, 13, 18, 23, 13, 18,
    17,
];
const PSTH_STIM_U7_RATE_HZ: [f64; 30] = [
    6.0, 5.0, 6.0, 3.0, 11.0, 6.0, 4.0, 3.0, 2.0, 6.0, 6.0, 10.0, 6.0, 5.0, 10.0, 13.0, 7.0, 5.0,
    6.0, 1.0, 5.0, 6.0, 6.0, 9.0, 13.0, 18.0, 23.0, 13.0, 18.0, 17.0,
];
const PSTH_STIM_U7_SMOOTH_HZ: [f64; 30] = [
    5.59942829380947,
    5.655333805128209,
    5.780183629191688,
    5.90573129168372,
    5.859596088891264,
    5.524507221056375,
    5.025708420503875,
    4.693939027851801,
    4.802530334263212,
    5.348373731446255,
    6.088045759486507,
    6.7755610808133975,
    7.342985694306383,
    7.819200783837248,
    8.113036227029676,
    7.997020691534357,
    7.3606505960206015,
    6.405189123224222,
    5.546248346978137,
    5.169259983726973,
    5.48231219377452,
    6.528696065628224,
    8.25653443105682,
    10.50651391640955,
    12.926217928826818,
    15.00978355177516,
    16.362612003269746,
    16.958645211988102,
    17.087236958838147,
    17.068917607649546,
];
// cluster 2, stim events with condition left (10 events), unsmoothed
const PSTH_STIM_U2_LEFT_COUNTS: [u32; 30] = [
    6, 3, 1, 4, 3, 2, 4, 1, 4, 2, 6, 12, 25, 12, 2, 3, 3, 6, 4, 2, 5, 5, 1, 4, 2, 3, 6, 2, 1, 2,
];
const PSTH_STIM_U2_LEFT_RATE_HZ: [f64; 30] = [
    12.0, 6.0, 2.0, 8.0, 6.0, 4.0, 8.0, 2.0, 8.0, 4.0, 12.0, 24.0, 50.0, 24.0, 4.0, 6.0, 6.0, 12.0,
    8.0, 4.0, 10.0, 10.0, 2.0, 8.0, 4.0, 6.0, 12.0, 4.0, 2.0, 4.0,
];
// cluster 2, stim events with condition right (10 events), unsmoothed
const PSTH_STIM_U2_RIGHT_COUNTS: [u32; 30] = [
    2, 2, 5, 6, 3, 0, 3, 4, 3, 5, 1, 12, 19, 9, 4, 0, 2, 8, 5, 4, 5, 4, 6, 3, 1, 4, 2, 0, 3, 2,
];
const PSTH_STIM_U2_RIGHT_RATE_HZ: [f64; 30] = [
    4.0, 4.0, 10.0, 12.0, 6.0, 0.0, 6.0, 8.0, 6.0, 10.0, 2.0, 24.0, 38.0, 18.0, 8.0, 0.0, 4.0,
    16.0, 10.0, 8.0, 10.0, 8.0, 12.0, 6.0, 2.0, 8.0, 4.0, 0.0, 6.0, 4.0,
];

// cluster 2 (679 spikes): ISI histogram, np.histogram(np.diff(t), bins=np.arange(0, 0.1 + 1e-12, 0.001))
// (100 bins of 1 ms; 341 of 678 intervals fall in [0, 0.1])
const ISI_U2_COUNTS: [u32; 100] = [
    0, 3, 4, 11, 8, 8, 8, 4, 5, 4, 8, 9, 2, 8, 3, 7, 5, 4, 7, 2, 9, 8, 6, 3, 4, 6, 4, 2, 3, 5, 4,
    3, 3, 3, 8, 6, 2, 6, 4, 0, 3, 3, 4, 2, 2, 4, 1, 2, 2, 2, 2, 2, 3, 4, 1, 3, 4, 2, 4, 5, 3, 1, 3,
    1, 1, 3, 2, 3, 5, 1, 0, 3, 4, 4, 4, 2, 3, 3, 2, 4, 0, 2, 0, 2, 3, 1, 2, 4, 0, 0, 1, 1, 2, 3, 2,
    0, 3, 1, 4, 4,
];
// autocorrelogram: every ordered pair i != j with |t_j - t_i| < 0.05, histogram of t_j - t_i,
// edges -0.05 + k*0.001 (k = 0..=100); 672 pairs
const ACG_U2_COUNTS: [u32; 100] = [
    5, 4, 7, 4, 6, 5, 5, 7, 9, 7, 3, 7, 11, 5, 10, 10, 4, 6, 4, 8, 7, 5, 5, 7, 9, 5, 4, 12, 9, 13,
    5, 9, 4, 8, 8, 5, 10, 4, 10, 9, 6, 6, 4, 10, 9, 8, 11, 4, 3, 0, 0, 3, 4, 11, 8, 9, 10, 4, 6, 6,
    9, 10, 4, 10, 5, 8, 8, 4, 9, 5, 13, 9, 12, 4, 5, 9, 7, 5, 5, 7, 8, 4, 6, 4, 10, 10, 5, 11, 7,
    3, 7, 9, 7, 5, 5, 6, 4, 7, 4, 5,
];

#[test]
fn phy_folder_matches_numpy() {
    assert_eq!(detect(&data("phy")).unwrap(), FileKind::Phy);
    let set = spikes("phy");
    assert_eq!(set.sample_rate_hz, Some(PHY_SAMPLE_RATE));
    assert_eq!(set.n_spikes(), PHY_N_SPIKES);
    assert_eq!(set.n_units(), PHY_N_UNITS);
    assert_eq!(set.end_secs, PHY_DURATION_SECS);
    assert_eq!(set.duration_secs(), PHY_DURATION_SECS);
    for (i, &(id, n, first, last, label, depth)) in PHY_UNITS.iter().enumerate() {
        let u = &set.units[i];
        assert_eq!(u.id, id);
        let t = set.unit_times(i);
        assert_eq!(t.len(), n, "unit {id}");
        assert_eq!(t[0], first, "unit {id} first");
        assert_eq!(t[n - 1], last, "unit {id} last");
        assert!(t.windows(2).all(|w| w[0] <= w[1]), "unit {id} sorted");
        assert_eq!(u.label.as_deref(), label, "unit {id} label");
        assert_eq!(u.depth_um, Some(depth), "unit {id} depth");
    }
    // The same folder opened through its params.py or spike_times.npy.
    for file in ["phy/params.py", "phy/spike_times.npy"] {
        assert_eq!(detect(&data(file)).unwrap(), FileKind::Phy);
        assert_eq!(spikes(file), set);
    }
}

#[test]
fn phy_without_clusters_uses_templates() {
    let set = spikes("phy_templates");
    assert_eq!(set.n_spikes(), PHY_TEMPLATES_N_SPIKES);
    assert_eq!(set.n_units(), PHY_TEMPLATE_UNITS.len());
    for (i, &(id, n, first, last)) in PHY_TEMPLATE_UNITS.iter().enumerate() {
        assert_eq!(set.units[i].id, id);
        let t = set.unit_times(i);
        assert_eq!((t.len(), t[0], t[n - 1]), (n, first, last), "template {id}");
        assert_eq!(set.units[i].label, None);
    }
}

#[test]
fn corrupt_phy_folders_give_clear_errors() {
    for (folder, needle) in [
        (
            "phy_bad_lengths",
            "199 unit ids but spike_times.npy holds 200",
        ),
        ("phy_unsorted", "not in ascending order"),
        (
            "phy_float_clusters",
            "must be integers, but the array holds float32",
        ),
        ("phy_no_params", "no params.py"),
        ("phy_negative", "negative sample index (-30)"),
        ("phy_truncated", "truncated"),
    ] {
        let e = load(&data(folder)).expect_err(folder).to_string();
        assert!(
            e.contains(folder),
            "{folder}: the message names the folder: {e}"
        );
        assert!(e.contains(needle), "{folder}: {e}");
    }
}

#[test]
fn unit_time_tables_match_pandas() {
    for file in ["spikes.csv", "spikes.tsv"] {
        assert_eq!(detect(&data(file)).unwrap(), FileKind::SpikeText);
        let set = spikes(file);
        assert_eq!(set.n_spikes(), CSV_N_SPIKES);
        for (i, &(id, n, first, last)) in CSV_UNITS.iter().enumerate() {
            let t = set.unit_times(i);
            assert_eq!(set.units[i].id, id);
            assert_eq!(
                (t.len(), t[0], t[n - 1]),
                (n, first, last),
                "{file} unit {id}"
            );
        }
    }
}

#[test]
fn spike_trains_as_text_match_numpy() {
    // PySpike: one train per line, milliseconds (median ISI 250 ms).
    let read = spike_text::read_spikes(&data("PySpike_testdata.txt"), None).unwrap();
    assert_eq!(read.time_unit, spike_text::TimeUnit::Ms);
    assert!(read.guessed);
    let set = read.spikes;
    assert_eq!(set.n_units(), PYSPIKE_N_TRAINS);
    for (i, &(n, first, last)) in PYSPIKE_TRAINS.iter().enumerate() {
        let t = set.unit_times(i);
        assert_eq!(t.len(), n, "train {i}");
        assert!(close(t[0], first * 1e-3, 1e-15) && close(t[n - 1], last * 1e-3, 1e-15));
    }
    let trains: Vec<Vec<f64>> = (0..set.n_units())
        .map(|i| set.unit_times(i).to_vec())
        .collect();
    let mut isis: Vec<f64> = trains
        .iter()
        .flat_map(|t| t.windows(2).map(|w| w[1] - w[0]))
        .collect();
    isis.sort_by(f64::total_cmp);
    assert!(close(
        isis[isis.len() / 2],
        PYSPIKE_MEDIAN_ISI * 1e-3,
        1e-12
    ));

    // nitime's grasshopper: one time per line after a '#' header block, microseconds.
    let read = spike_text::read_spikes(&data("grasshopper_spike_times1.txt"), None).unwrap();
    assert_eq!(read.time_unit, spike_text::TimeUnit::Us);
    assert_eq!(read.spikes.n_units(), GRASSHOPPER_N_TRAINS);
    let (n, first, last) = GRASSHOPPER_TRAINS[0];
    let t = read.spikes.unit_times(0);
    assert_eq!(t.len(), n);
    assert!(close(t[0], first * 1e-6, 1e-15) && close(t[n - 1], last * 1e-6, 1e-15));
    // An explicit unit wins over the guess.
    let read = spike_text::read_spikes(
        &data("grasshopper_spike_times1.txt"),
        Some(spike_text::TimeUnit::Ms),
    )
    .unwrap();
    assert!(close(read.spikes.unit_times(0)[0], first * 1e-3, 1e-15));
    assert!(!read.guessed);
    let _ = GRASSHOPPER_MEDIAN_ISI;
}

#[test]
fn events_tables() {
    for file in ["events.csv", "events.tsv"] {
        assert_eq!(detect(&data(file)).unwrap(), FileKind::Events);
        let events = load(&data(file)).unwrap().events;
        assert_eq!(events.len(), EVENTS_N, "{file}");
        assert_eq!(events[0].time_secs, EVENTS_FIRST_ONSET);
        assert_eq!(events[EVENTS_N - 1].time_secs, EVENTS_LAST_ONSET);
        let stim: Vec<f64> = events
            .iter()
            .filter(|e| e.kind == "stim")
            .map(|e| e.time_secs)
            .collect();
        assert_eq!(stim, STIM_ONSETS);
    }
    let events = load(&data("events.csv")).unwrap().events;
    let left = events
        .iter()
        .filter(|e| e.kind == "stim" && e.condition.as_deref() == Some("left"))
        .count();
    assert_eq!(left, 10);
}

#[test]
fn psth_matches_numpy_and_scipy() {
    let set = spikes("phy");
    let unit = |id: i64| set.units.iter().position(|u| u.id == id).unwrap();
    let window = (-0.5, 1.0);
    for (id, counts, rate, smooth) in [
        (
            2,
            PSTH_STIM_U2_COUNTS,
            PSTH_STIM_U2_RATE_HZ,
            PSTH_STIM_U2_SMOOTH_HZ,
        ),
        (
            7,
            PSTH_STIM_U7_COUNTS,
            PSTH_STIM_U7_RATE_HZ,
            PSTH_STIM_U7_SMOOTH_HZ,
        ),
    ] {
        let t = set.unit_times(unit(id));
        let c = stats::aligned_counts(t, &STIM_ONSETS, window, 0.05);
        assert_eq!(c, counts.map(f64::from), "unit {id} counts");
        let r = stats::psth(t, &STIM_ONSETS, window, 0.05);
        for (a, b) in r.iter().zip(rate) {
            assert!(close(*a, b, 1e-12), "unit {id}: {a} vs {b}");
        }
        let s = stats::gaussian_filter1d(&r, 0.1 / 0.05);
        for (a, b) in s.iter().zip(smooth) {
            assert!(close(*a, b, 1e-12), "unit {id} smoothed: {a} vs {b}");
        }
    }
}

#[test]
fn psth_by_condition_in_the_session() {
    let mut session = Session::default();
    let results = session.open_files(&[data("phy"), data("events.csv")]);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let mut layer = session.scene.spikes[0].clone();
    layer.align.event = Some("stim".into());
    layer.align.window_secs = [-0.5, 1.0];
    layer.align.bin_secs = 0.05;
    layer.align.smooth_secs = 0.0;
    layer.align.by_condition = true;
    layer.selected_unit = Some(2);
    let views = session.aligned_views(&layer, 300);
    assert_eq!(views.n_events, 20);
    let curves: Vec<(&str, usize)> = views
        .curves
        .iter()
        .map(|c| (c.condition.as_str(), c.n_events))
        .collect();
    assert_eq!(curves, [("left", 10), ("right", 10)]);
    for (a, b) in views.curves[0]
        .rate_hz
        .iter()
        .zip(PSTH_STIM_U2_LEFT_RATE_HZ)
    {
        assert!(close(*a, b, 1e-12));
    }
    for (a, b) in views.curves[1]
        .rate_hz
        .iter()
        .zip(PSTH_STIM_U2_RIGHT_RATE_HZ)
    {
        assert!(close(*a, b, 1e-12));
    }
    let set = &session.spike_data(layer.id).unwrap().set;
    let u2 = set.units.iter().position(|u| u.id == 2).unwrap();
    for (condition, counts) in [
        ("left", PSTH_STIM_U2_LEFT_COUNTS),
        ("right", PSTH_STIM_U2_RIGHT_COUNTS),
    ] {
        let onsets: Vec<f64> = session
            .spike_events(&layer)
            .iter()
            .filter(|e| e.kind == "stim" && e.condition.as_deref() == Some(condition))
            .map(|e| e.time_secs)
            .collect();
        let c = stats::aligned_counts(set.unit_times(u2), &onsets, (-0.5, 1.0), 0.05);
        assert_eq!(c, counts.map(f64::from), "{condition}");
    }
    // The aligned raster holds every spike of the window: as many as the PSTH counted.
    let in_raster: u32 = views.raster.counts.iter().sum();
    assert_eq!(in_raster, PSTH_STIM_U2_COUNTS.iter().sum::<u32>());
    assert_eq!(views.raster.rows.len(), 20);
    // The heatmap has every unit, each scaled to its peak.
    assert_eq!(views.heatmap.len(), PHY_N_UNITS);
    let isi: Vec<u32> = views.isi.iter().map(|&v| v as u32).collect();
    assert_eq!(isi, ISI_U2_COUNTS);
    let acg: Vec<u32> = views.acg.iter().map(|&v| v as u32).collect();
    assert_eq!(acg, ACG_U2_COUNTS);
}

#[test]
fn raster_counts_every_spike_and_sorts() {
    let mut session = Session::default();
    session.open_files(&[data("phy")]);
    let mut layer = session.scene.spikes[0].clone();
    layer.view_start_secs = 0.0;
    layer.view_secs = 100.0;
    let image = session.raster_image(&layer, [977, 400]);
    assert_eq!(image.rows.len(), PHY_N_UNITS);
    assert_eq!(
        image.counts.iter().map(|&c| c as usize).sum::<usize>(),
        PHY_N_SPIKES
    );
    // A 10 s window holds the spikes numpy finds in it.
    layer.view_start_secs = 20.0;
    layer.view_secs = 10.0;
    let image = session.raster_image(&layer, [500, 400]);
    let set = &session.spike_data(layer.id).unwrap().set;
    let expected: usize = (0..set.n_units())
        .map(|i| {
            set.unit_times(i)
                .iter()
                .filter(|&&t| (20.0..30.0).contains(&t))
                .count()
        })
        .sum();
    assert_eq!(
        image.counts.iter().map(|&c| c as usize).sum::<usize>(),
        expected
    );
    // Deepest first; noise hidden on request.
    layer.sort = UnitSort::Depth;
    let order: Vec<i64> = session
        .unit_order(&layer)
        .iter()
        .map(|&i| set.units[i].id)
        .collect();
    assert_eq!(order[0], 40);
    assert_eq!(*order.last().unwrap(), 0);
    layer.hide_noise = true;
    layer.sort = UnitSort::Rate;
    let order: Vec<i64> = session
        .unit_order(&layer)
        .iter()
        .map(|&i| set.units[i].id)
        .collect();
    assert_eq!(order, [2, 7, 3, 11, 12]);
}

#[test]
fn simulated_reaching_is_tuned() {
    use glia::sim::{Reaching, ReachingParams};
    let sim = Reaching::new(ReachingParams {
        n_units: 24,
        duration_secs: 200.0,
        ..Default::default()
    });
    let set = sim.spikes();
    assert_eq!(set, sim.spikes(), "the same seed gives the same spikes");
    // Each unit's mean rate in the 300 ms after movement onset, per target, peaks near its
    // preferred direction (a cosine fitted by least squares recovers it).
    let moves: Vec<(f64, usize)> = set
        .events
        .iter()
        .filter(|e| e.kind == "move")
        .map(|e| {
            let target: usize = e
                .condition
                .as_deref()
                .unwrap()
                .trim_end_matches('°')
                .parse::<usize>()
                .unwrap()
                / 45;
            (e.time_secs, target)
        })
        .collect();
    assert!(moves.len() > 60);
    let mut good = 0;
    for u in 0..set.n_units() {
        let (mut c, mut s) = (0.0, 0.0);
        for &(t, k) in &moves {
            let n = set.unit_window(u, t, t + 0.3).len() as f64;
            let a = glia::sim::reaching::target_angle(k);
            c += n * a.cos();
            s += n * a.sin();
        }
        let fitted = s.atan2(c);
        let truth = sim.units[u].preferred_rad;
        let err = (fitted - truth).sin().atan2((fitted - truth).cos()).abs();
        if err < 0.35 {
            good += 1;
        }
    }
    assert!(good >= 22, "{good} of 24 units tuned as simulated");
    // No spike within the refractory period.
    for u in 0..set.n_units() {
        assert!(set.unit_times(u).windows(2).all(|w| w[1] - w[0] >= 0.002));
    }
}

#[test]
fn a_placed_probe_puts_units_in_the_brain() {
    use glia::model::ProbePlacement;
    use glia::session::unit_positions;
    let mut session = Session::default();
    session.open_files(&[data("phy")]);
    let id = session.scene.spikes[0].id;
    let set = session.spike_data(id).unwrap().set.clone();
    assert!(
        unit_positions(&set, None).is_empty(),
        "a phy folder alone has no brain positions"
    );
    let placement = ProbePlacement {
        tip_mm: [-38.0, -22.0, 50.0],
        azimuth_deg: 0.0,
        elevation_deg: 90.0,
    };
    let at = unit_positions(&set, Some(&placement));
    assert_eq!(at.len(), PHY_N_UNITS);
    for (i, p) in &at {
        // A vertical shank: each unit its depth (µm) above the tip.
        let depth = set.units[*i].depth_um.unwrap();
        assert!(
            (p.z - (50.0 + depth / 1000.0)).abs() < 1e-4,
            "unit {}",
            set.units[*i].id
        );
        assert!((p.y + 22.0).abs() < 1e-4);
    }
    // Drawn in 3D once placed.
    let layer = session.scene.spike_layer_mut(id).unwrap();
    layer.placement = Some(placement);
    layer.units_in_3d = true;
    let before = session.draw_list(None).len();
    session.update_units_3d();
    assert_eq!(session.draw_list(None).len(), before + 1);
}

#[test]
fn the_time_unit_of_text_trains_can_be_chosen_and_is_kept() {
    let mut session = Session::default();
    session.open_files(&[data("PySpike_testdata.txt")]);
    let id = session.scene.spikes[0].id;
    let first = |s: &Session| s.spike_data(id).unwrap().set.unit_times(0)[0];
    assert!(
        close(first(&session), PYSPIKE_TRAINS[0].1 * 1e-3, 1e-15),
        "guessed: ms"
    );
    session.set_spike_time_unit(id, "s").unwrap();
    assert!(
        close(first(&session), PYSPIKE_TRAINS[0].1, 1e-15),
        "chosen: s"
    );
    assert_eq!(session.scene.spikes[0].time_unit.as_deref(), Some("s"));
    // A saved session keeps the choice.
    let (reloaded, errors) = glia::session::load_scene(session.scene.clone(), &|_| {});
    assert!(errors.is_empty(), "{errors:?}");
    assert!(close(first(&reloaded), PYSPIKE_TRAINS[0].1, 1e-15));
}
