//! Montage files and the built-in standard positions against MNE: names in order and positions
//! in millimetres (MNE gives metres).

mod common;

use std::path::PathBuf;

use glam::Vec3;
use glia::formats::montage;
use glia::model::Electrode;

fn montage_file(name: &str) -> PathBuf {
    common::data(&format!("montages/{name}"))
}

struct Expected {
    file: &'static str,
    /// Channel names in file order, space-separated.
    names: &'static str,
    centroid_mm: [f64; 3],
    mean_norm_mm: f64,
    picks: &'static [(&'static str, [f64; 3])],
}

// Written by tests/data/montages/reference_montage.py (which says which MNE call gives each
// file's reference; .elc with head_size=None, the others with MNE's defaults).
const EXPECTED: &[Expected] = &[
    Expected {
        file: "mgh60.elc",
        names: "EEG001 EEG002 EEG003 EEG004 EEG005 EEG006 EEG007 EEG008 EEG009 EEG010 EEG011 EEG012 EEG013 EEG014 EEG015 EEG016 EEG017 EEG018 EEG019 EEG020 EEG021 EEG022 EEG023 EEG024 EEG025 EEG026 EEG027 EEG028 EEG029 EEG030 EEG031 EEG032 EEG033 EEG034 EEG035 EEG036 EEG037 EEG038 EEG039 EEG040 EEG041 EEG042 EEG043 EEG044 EEG045 EEG046 EEG047 EEG048 EEG049 EEG050 EEG051 EEG052 EEG053 EEG054 EEG055 EEG056 EEG057 EEG058 EEG059 EEG060",
        centroid_mm: [0.6918999999999997, -15.045616666666668, 23.555466666666653],
        mean_norm_mm: 97.93026911005121,
        picks: &[
            ("EEG001", [-29.4367, 83.9171, -6.99]),
            (
                "EEG060",
                [0.0045000000000000005, -118.565, -23.078000000000003],
            ),
        ],
    },
    Expected {
        file: "artinis-octamon.elc",
        names: "D1 D2 S1 S2 S3 S4 S5 S6 S7 S8",
        centroid_mm: [1.624000000000001, 62.484, 9.818999999999999],
        mean_norm_mm: 82.68075261467129,
        picks: &[
            ("D1", [47.77000000000001, 65.28, 7.28]),
            ("S8", [-65.28, 48.14, -10.73]),
        ],
    },
    Expected {
        file: "GSN-HydroCel-32.sfp",
        names: "E1 E2 E3 E4 E5 E6 E7 E8 E9 E10 E11 E12 E13 E14 E15 E16 E17 E18 E19 E20 E21 E22 E23 E24 E25 E26 E27 E28 E29 E30 E31 E32 Cz",
        centroid_mm: [0.0, 6.908174632399371, 1.9392467837667826],
        mean_norm_mm: 95.12946541786589,
        picks: &[
            (
                "E1",
                [-29.11660633981228, 95.9765762090683, 11.75624132156372],
            ),
            ("E17", [0.0, 86.01497858762741, 54.49460446834564]),
            ("Cz", [0.0, 0.0, 96.13177925348282]),
        ],
    },
    Expected {
        file: "EGI_256.csd",
        names: "E1 E2 E3 E4 E5 E6 E7 E8 E9 E10 E11 E12 E13 E14 E15 E16 E17 E18 E19 E20 E21 E22 E23 E24 E25 E26 E27 E28 E29 E30 E31 E32 E33 E34 E35 E36 E37 E38 E39 E40 E41 E42 E43 E44 E45 E46 E47 E48 E49 E50 E51 E52 E53 E54 E55 E56 E57 E58 E59 E60 E61 E62 E63 E64 E65 E66 E67 E68 E69 E70 E71 E72 E73 E74 E75 E76 E77 E78 E79 E80 E81 E82 E83 E84 E85 E86 E87 E88 E89 E90 E91 E92 E93 E94 E95 E96 E97 E98 E99 E100 E101 E102 E103 E104 E105 E106 E107 E108 E109 E110 E111 E112 E113 E114 E115 E116 E117 E118 E119 E120 E121 E122 E123 E124 E125 E126 E127 E128 E129 E130 E131 E132 E133 E134 E135 E136 E137 E138 E139 E140 E141 E142 E143 E144 E145 E146 E147 E148 E149 E150 E151 E152 E153 E154 E155 E156 E157 E158 E159 E160 E161 E162 E163 E164 E165 E166 E167 E168 E169 E170 E171 E172 E173 E174 E175 E176 E177 E178 E179 E180 E181 E182 E183 E184 E185 E186 E187 E188 E189 E190 E191 E192 E193 E194 E195 E196 E197 E198 E199 E200 E201 E202 E203 E204 E205 E206 E207 E208 E209 E210 E211 E212 E213 E214 E215 E216 E217 E218 E219 E220 E221 E222 E223 E224 E225 E226 E227 E228 E229 E230 E231 E232 E233 E234 E235 E236 E237 E238 E239 E240 E241 E242 E243 E244 E245 E246 E247 E248 E249 E250 E251 E252 E253 E254 E255 E256",
        centroid_mm: [0.0, -6.3557186217622075, 5.6648907193448395],
        mean_norm_mm: 94.9999426480843,
        picks: &[
            (
                "E1",
                [72.9314535856247, 56.37296289205551, -22.98048511147499],
            ),
            (
                "E17",
                [-23.331984877586365, 29.649481177330017, 87.19094842672348],
            ),
            (
                "E256",
                [-57.02846497297287, -1.1969992192462087, -75.97145438194275],
            ),
        ],
    },
    Expected {
        file: "biosemi32.txt",
        names: "Fp1 AF3 F7 F3 FC1 FC5 T7 C3 CP1 CP5 P7 P3 Pz PO3 O1 Oz O2 PO4 P4 P8 CP6 CP2 C4 T8 FC6 FC2 F4 F8 AF4 Fp2 Fz Cz",
        centroid_mm: [
            -1.3125258187650748e-15,
            -2.9669415177129426,
            33.02897301039647,
        ],
        mean_norm_mm: 95.0,
        picks: &[
            (
                "Fp1",
                [-29.338731209276727, 90.2953300444008, -3.315452186737591],
            ),
            ("T7", [-94.94212856681409, -0.0, -3.315452186737591]),
            (
                "Oz",
                [
                    5.813528692679268e-15,
                    -94.94212856681409,
                    -3.315452186737591,
                ],
            ),
            ("Cz", [0.0, 0.0, 95.0]),
        ],
    },
    Expected {
        file: "easycap-M1.txt",
        names: "Fp1 Fp2 F3 F4 C3 C4 P3 P4 O1 O2 F7 F8 T7 T8 P7 P8 Fz Cz Pz F1 F2 FC1 FC2 C1 C2 CP1 CP2 P1 P2 AF3 AF4 FC3 FC4 CP3 CP4 PO3 PO4 F5 F6 FC5 FC6 C5 C6 CP5 CP6 P5 P6 AF7 AF8 FT7 FT8 TP7 TP8 PO7 PO8 F9 F10 FT9 FT10 TP9 TP10 P9 P10 PO9 PO10 O9 O10 Fpz AFz FCz CPz POz Oz Iz",
        centroid_mm: [6.286108396698854e-16, -5.244348072041849, 21.14942219016264],
        mean_norm_mm: 95.0,
        picks: &[
            (
                "Fp1",
                [-29.338731209276727, 90.2953300444008, -3.315452186737591],
            ),
            ("T7", [-94.94212856681409, -0.0, -3.315452186737591]),
            ("Cz", [0.0, 0.0, 95.0]),
            (
                "Oz",
                [
                    5.813528692679268e-15,
                    -94.94212856681409,
                    -3.315452186737591,
                ],
            ),
            (
                "Iz",
                [
                    5.272057919574584e-15,
                    -86.09923976848175,
                    -40.148734865366436,
                ],
            ),
        ],
    },
    Expected {
        file: "fsaverage_1020.tsv",
        names: "LPA RPA NAS Fp1 Fpz Fp2 F7 F3 Fz F4 F8 T7 C3 Cz C4 T8 P7 P3 Pz P4 P8 O1 Oz O2",
        centroid_mm: [1.0067285552844745, -14.97881626913253, 19.93822406097167],
        mean_norm_mm: 99.63983810991361,
        picks: &[
            (
                "LPA",
                [-82.07872247670849, -29.3041925438933, -41.1245510037724],
            ),
            (
                "NAS",
                [1.5257470752712, 85.7120972834004, -35.2920505030129],
            ),
            (
                "Fp1",
                [-29.2811604883705, 83.9923366306848, 2.7166993525041],
            ),
            (
                "T7",
                [-83.5937487603662, -19.525372193334, -2.3491726668447],
            ),
            (
                "Cz",
                [-0.1033324215976, -22.3617287453268, 104.808602517519],
            ),
            (
                "Oz",
                [3.0278390474609, -122.43247011338799, -0.0344789193595093],
            ),
        ],
    },
    Expected {
        file: "spherical_1020.tsv",
        names: "C3 C4 Cz F3 F4 F7 F8 Fp1 Fp2 Fpz Fz LPA NAS O1 O2 Oz P3 P4 P7 P8 Pz RPA T7 T8",
        centroid_mm: [0.0, 3.958190425447821, 42.09931336506302],
        mean_norm_mm: 94.99842710740786,
        picks: &[
            ("Cz", [0.0, 0.0, 94.99657021074769]),
            (
                "Fp1",
                [-27.919491984938745, 85.92439775562129, 29.353940195121037],
            ),
            ("LPA", [-94.99657021074769, 0.0, 0.0]),
            ("NAS", [0.0, 94.99657021074769, 0.0]),
            ("Oz", [0.0, -90.35123792744213, 29.353940195121037]),
            ("T7", [-90.35123792744213, 0.0, 29.353940195121037]),
        ],
    },
];

/// `make_standard_montage("fsaverage_1005")`: 335 names (MNE drops the file's
/// fiducials NAS, LPA, RPA, INI and its extra Nz).
const FSAVERAGE_1005_NAMES: &str = "Fp1 Fpz Fp2 AF9 AF7 AF5 AF3 AF1 AFz AF2 AF4 AF6 AF8 AF10 F9 F7 F5 F3 F1 Fz F2 F4 F6 F8 F10 FT9 FT7 FC5 FC3 FC1 FCz FC2 FC4 FC6 FT8 FT10 T9 T7 C5 C3 C1 Cz C2 C4 C6 T8 T10 TP9 TP7 CP5 CP3 CP1 CPz CP2 CP4 CP6 TP8 TP10 P9 P7 P5 P3 P1 Pz P2 P4 P6 P8 P10 PO9 PO7 PO5 PO3 PO1 POz PO2 PO4 PO6 PO8 PO10 O1 Oz O2 I1 Iz I2 AFp9h AFp7h AFp5h AFp3h AFp1h AFp2h AFp4h AFp6h AFp8h AFp10h AFF9h AFF7h AFF5h AFF3h AFF1h AFF2h AFF4h AFF6h AFF8h AFF10h FFT9h FFT7h FFC5h FFC3h FFC1h FFC2h FFC4h FFC6h FFT8h FFT10h FTT9h FTT7h FCC5h FCC3h FCC1h FCC2h FCC4h FCC6h FTT8h FTT10h TTP9h TTP7h CCP5h CCP3h CCP1h CCP2h CCP4h CCP6h TTP8h TTP10h TPP9h TPP7h CPP5h CPP3h CPP1h CPP2h CPP4h CPP6h TPP8h TPP10h PPO9h PPO7h PPO5h PPO3h PPO1h PPO2h PPO4h PPO6h PPO8h PPO10h POO9h POO7h POO5h POO3h POO1h POO2h POO4h POO6h POO8h POO10h OI1h OI2h Fp1h Fp2h AF9h AF7h AF5h AF3h AF1h AF2h AF4h AF6h AF8h AF10h F9h F7h F5h F3h F1h F2h F4h F6h F8h F10h FT9h FT7h FC5h FC3h FC1h FC2h FC4h FC6h FT8h FT10h T9h T7h C5h C3h C1h C2h C4h C6h T8h T10h TP9h TP7h CP5h CP3h CP1h CP2h CP4h CP6h TP8h TP10h P9h P7h P5h P3h P1h P2h P4h P6h P8h P10h PO9h PO7h PO5h PO3h PO1h PO2h PO4h PO6h PO8h PO10h O1h O2h I1h I2h AFp9 AFp7 AFp5 AFp3 AFp1 AFpz AFp2 AFp4 AFp6 AFp8 AFp10 AFF9 AFF7 AFF5 AFF3 AFF1 AFFz AFF2 AFF4 AFF6 AFF8 AFF10 FFT9 FFT7 FFC5 FFC3 FFC1 FFCz FFC2 FFC4 FFC6 FFT8 FFT10 FTT9 FTT7 FCC5 FCC3 FCC1 FCCz FCC2 FCC4 FCC6 FTT8 FTT10 TTP9 TTP7 CCP5 CCP3 CCP1 CCPz CCP2 CCP4 CCP6 TTP8 TTP10 TPP9 TPP7 CPP5 CPP3 CPP1 CPPz CPP2 CPP4 CPP6 TPP8 TPP10 PPO9 PPO7 PPO5 PPO3 PPO1 PPOz PPO2 PPO4 PPO6 PPO8 PPO10 POO9 POO7 POO5 POO3 POO1 POOz POO2 POO4 POO6 POO8 POO10 OI1 OIz OI2";
const FSAVERAGE_1005_PICKS: &[(&str, [f64; 3])] = &[
    (
        "Cz",
        [-0.103332421597682, -22.3617287453268, 104.808602517519],
    ),
    (
        "Oz",
        [3.02783904746099, -122.43247011338799, -0.0344789193595093],
    ),
    (
        "Fp1",
        [-29.2811604883705, 83.9923366306848, 2.71669935250412],
    ),
    (
        "Fpz",
        [1.01453845881654, 88.77705812717241, 4.403346335422739],
    ),
    (
        "T7",
        [-83.5937487603662, -19.525372193334, -2.34917266684479],
    ),
    (
        "T8",
        [85.2272127651827, -16.8727641993645, -1.96061883978119],
    ),
    (
        "O2",
        [32.5761868875559, -116.985044736657, -1.39428029044554],
    ),
    (
        "AF3",
        [-34.564700119294706, 75.56812903005739, 31.383516978349],
    ),
    (
        "Iz",
        [3.46596750181931, -117.416783675416, -39.8592714008632],
    ),
    (
        "POO10h",
        [46.333717883649996, -109.579480529432, -21.650111222575802],
    ),
];

fn close(got: Vec3, want: [f64; 3], tolerance_mm: f64) -> bool {
    got.to_array()
        .iter()
        .zip(want)
        .all(|(g, w)| (*g as f64 - w).abs() <= tolerance_mm)
}

fn find<'a>(electrodes: &'a [Electrode], name: &str) -> &'a Electrode {
    electrodes
        .iter()
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn montage_files_match_mne() {
    for e in EXPECTED {
        let electrodes = montage::read(&montage_file(e.file)).unwrap_or_else(|err| panic!("{err}"));
        let names: Vec<&str> = electrodes.iter().map(|el| el.name.as_str()).collect();
        let want: Vec<&str> = e.names.split(' ').collect();
        assert_eq!(names, want, "{}", e.file);
        let n = electrodes.len() as f64;
        let mut centroid = [0.0f64; 3];
        let mut mean_norm = 0.0;
        for el in &electrodes {
            let p = el.position_mm.to_array().map(f64::from);
            for k in 0..3 {
                centroid[k] += p[k] / n;
            }
            mean_norm += (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt() / n;
        }
        for k in 0..3 {
            assert!(
                (centroid[k] - e.centroid_mm[k]).abs() < 1e-3,
                "{}: centroid {centroid:?} vs MNE {:?}",
                e.file,
                e.centroid_mm
            );
        }
        assert!(
            (mean_norm - e.mean_norm_mm).abs() < 1e-3,
            "{}: mean norm {mean_norm} vs MNE {}",
            e.file,
            e.mean_norm_mm
        );
        for &(name, p) in e.picks {
            let got = find(&electrodes, name).position_mm;
            assert!(close(got, p, 1e-3), "{} {name}: {got} vs MNE {p:?}", e.file);
        }
    }
}

#[test]
fn new_style_elc_in_metres() {
    // Checked with mne 1.13.2: read_custom_montage(f, head_size=None) gives Fp1 (-30, 85, 0) mm,
    // Cz (0, 0, 100) mm and Oz (0, -100, 0) mm, with Nz as the nasion (not a channel).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.elc");
    std::fs::write(
        &path,
        "# ASA electrode file\nReferenceLabel\tavg\nUnitPosition\tm\nNumberPositions=\t4\n\
         Positions\nNz : 0.0 0.09 -0.03\nFp1 : -0.03 0.085 0.0\nCz : 0.0 0.0 0.1\n\
         Oz : 0.0 -0.1 0.0\nLabels\nNz\tFp1\tCz\tOz\n",
    )
    .unwrap();
    let electrodes = montage::read(&path).unwrap();
    let names: Vec<&str> = electrodes.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["Fp1", "Cz", "Oz"]);
    assert!(close(electrodes[0].position_mm, [-30.0, 85.0, 0.0], 1e-4));
    assert!(close(electrodes[1].position_mm, [0.0, 0.0, 100.0], 1e-4));
    assert!(close(electrodes[2].position_mm, [0.0, -100.0, 0.0], 1e-4));
}

#[test]
fn bad_montage_files_are_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("positions.xyz2", "a b c d\n"),
        ("no_units.elc", "Positions\n1 2 3\nLabels\nCz\n"),
        (
            "count.elc",
            "UnitPosition\tmm\nPositions\n1 2 3\n4 5 6\nLabels\nCz\n",
        ),
        ("bad_number.sfp", "Cz 0 0 x\n"),
        ("short.sfp", "Cz 0 0\n"),
        ("header_only.txt", "Site\tTheta\tPhi\n"),
        ("bad.csd", "// comment\nE1 1 2\n"),
        ("bad.tsv", "name\tx\ty\tz\nCz\t0\tzero\t1\n"),
        ("empty.tsv", ""),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = montage::read(&path).unwrap_err().to_string();
        assert!(err.contains(name), "{name}: {err}");
    }
    let err = montage::read(&dir.path().join("missing.elc"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.elc"), "{err}");
}

#[test]
fn standard_positions_are_mne_fsaverage_1005_in_mm() {
    let standard = montage::standard_positions();
    // MNE drops the table's Nz (a duplicate of its nasion); Glia keeps it as a 10-05 site.
    let names: Vec<&str> = standard
        .iter()
        .map(|e| e.name.as_str())
        .filter(|&n| n != "Nz")
        .collect();
    let want: Vec<&str> = FSAVERAGE_1005_NAMES.split(' ').collect();
    assert_eq!(names.len(), 335);
    assert_eq!(names, want);
    assert_eq!(standard.len(), 336);
    for &(name, p) in FSAVERAGE_1005_PICKS {
        let got = montage::standard_position(name);
        if name == "LPA" {
            assert!(got.is_none(), "fiducials are not electrodes");
            continue;
        }
        let got = got.unwrap_or_else(|| panic!("no standard {name}"));
        assert!(close(got, p, 1e-4), "{name}: {got} vs MNE {p:?}");
        assert_eq!(find(&standard, name).position_mm, got);
    }
    // Old 10-20 names, any case, and labels as recordings write them.
    let t7 = montage::standard_position("T7").unwrap();
    assert_eq!(montage::standard_position("t3"), Some(t7));
    assert_eq!(
        montage::standard_position_for_channel("EEG T3-REF"),
        Some(t7)
    );
    assert_eq!(
        montage::standard_position_for_channel("EEG FP1-LE"),
        montage::standard_position("Fp1")
    );
    assert!(montage::standard_position_for_channel("Fp1-F7").is_none());
    assert!(montage::standard_position("INI").is_none());
}

/// BioSemi `.txt` and MNE-style `.tsv` montages are recognised by their first line when opened
/// (`.txt` and `.tsv` are also label tables, so the name alone does not say).
#[test]
fn txt_and_tsv_montages_are_recognised_by_their_header() {
    use glia::formats::{FileKind, detect};
    for name in ["biosemi32.txt", "spherical_1020.tsv", "fsaverage_1020.tsv"] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/montages")
            .join(name);
        assert_eq!(detect(&path).unwrap(), FileKind::Montage, "{name}");
        let loaded = glia::formats::load(&path).unwrap();
        assert!(
            loaded.electrodes.len() >= 19,
            "{name}: {}",
            loaded.electrodes.len()
        );
    }
}
