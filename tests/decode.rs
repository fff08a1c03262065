//! Decoders against scikit-learn on the same data (`tests/data/decode/make_ridge.py`,
//! scikit-learn 1.9.1).

mod common;

use std::process::Command;

use glia::decode::Ridge;
use glia::formats::npy::Npy;

fn matrix(name: &str) -> (usize, usize, Vec<f64>) {
    Npy::open(&common::data(&format!("decode/{name}")))
        .unwrap()
        .matrix_f64()
}

#[test]
fn ridge_predicts_as_scikit_learn() {
    let (n, _, x) = matrix("ridge_x.npy");
    let (_, q, y) = matrix("ridge_y.npy");
    for alpha in ["0.1", "10"] {
        let model = Ridge::fit(&x, &y, n, alpha.parse().unwrap()).unwrap();
        let (_, _, expected) = matrix(&format!("ridge_pred_alpha{alpha}.npy"));
        let got = model.predict(&x);
        assert_eq!(got.len(), n * q);
        for (a, b) in got.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-6, "alpha {alpha}: {a} vs {b}");
        }
    }
}

#[test]
fn decode_train_and_predict_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let out = dir.path().join("yhat.npy");
    let x = common::data("decode/ridge_x.npy");
    let y = common::data("decode/ridge_y.npy");
    let glia = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_glia"))
            .args(args)
            .output()
            .unwrap()
    };
    let r = glia(&[
        "decode",
        "train",
        "--features",
        x.to_str().unwrap(),
        "--targets",
        y.to_str().unwrap(),
        "--method",
        "ridge",
        "--alpha",
        "10",
        "--model",
        model.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let r = glia(&[
        "decode",
        "predict",
        "--model",
        model.to_str().unwrap(),
        "--features",
        x.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let (_, _, got) = Npy::open(&out).unwrap().matrix_f64();
    let (_, _, expected) = matrix("ridge_pred_alpha10.npy");
    for (a, b) in got.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-6);
    }
    // Mismatched samples: exit 2.
    let r = glia(&[
        "decode",
        "train",
        "--features",
        x.to_str().unwrap(),
        "--targets",
        common::data("spikes/phy/amplitudes.npy").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
}

/// `LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")` of scikit-learn 1.9.1 on
/// `make_lda.py`'s data (three classes with unequal priors, and two; columns scaled 0.5 to 100
/// so the standardisation inside the Ledoit–Wolf step matters).
#[test]
fn lda_equals_scikit_learn() {
    for (prefix, binary) in [("lda", false), ("lda2", true)] {
        let (n, p, x) = matrix(&format!("{prefix}_x.npy"));
        let (_, _, y) = matrix(&format!("{prefix}_y.npy"));
        let labels: Vec<i64> = y.iter().map(|&v| v as i64).collect();
        assert_eq!(labels.len(), n);
        let lda = glia::decode::Lda::fit(&x, &labels, p).unwrap();
        let (_, k, expected) = matrix(&format!("{prefix}_proba.npy"));
        assert_eq!(lda.classes.len(), k);
        let got = lda.predict_proba(&x);
        for (a, b) in got.iter().zip(&expected) {
            assert!((a - b).abs() < 1e-6, "{prefix}: probability {a} vs {b}");
        }
        let (_, _, coef) = matrix(&format!("{prefix}_coef.npy"));
        let ours: Vec<f64> = if binary {
            (0..p).map(|j| lda.coef[p + j] - lda.coef[j]).collect()
        } else {
            lda.coef.clone()
        };
        let scale = coef.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for (a, b) in ours.iter().zip(&coef) {
            assert!((a - b).abs() < 1e-7 * scale, "{prefix}: coef {a} vs {b}");
        }
    }
}

fn glia(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(args)
        .output()
        .unwrap()
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn kalman_decodes_simulated_reaching_velocity() {
    let j = json_of(&glia(&[
        "decode",
        "simulate",
        "--paradigm",
        "reaching",
        "--units",
        "96",
        "--duration-secs",
        "300",
        "--method",
        "kalman",
        "--json",
    ]));
    let r2 = j["r2"].as_f64().unwrap();
    assert!(r2 >= 0.7, "cross-validated velocity R² {r2}");
    assert_eq!(j["r2_per_fold"].as_array().unwrap().len(), 5);
}

#[test]
fn lda_classifies_simulated_motor_imagery() {
    let j = json_of(&glia(&[
        "decode",
        "simulate",
        "--paradigm",
        "motor-imagery",
        "--duration-secs",
        "300",
        "--method",
        "lda",
        "--json",
    ]));
    let acc = j["accuracy"].as_f64().unwrap();
    assert!(acc >= 0.9, "cross-validated accuracy {acc}");
    // Chance is 50 %: with the imagery switched off the classes could not be told apart, so
    // the score comes from the desynchronisation, not from a leak.
    assert!(j["features"].as_str().unwrap().contains("CSP"));
}

#[test]
fn kalman_and_lda_train_and_predict_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("m.json");
    let out = dir.path().join("p.npy");
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    for (x, y, method, cols) in [
        ("ridge_x.npy", "ridge_y.npy", "kalman", 0),
        ("lda_x.npy", "lda_y.npy", "lda", 3),
    ] {
        let r = glia(&[
            "decode",
            "train",
            "--features",
            &s(&common::data(&format!("decode/{x}"))),
            "--targets",
            &s(&common::data(&format!("decode/{y}"))),
            "--method",
            method,
            "--model",
            &s(&model),
        ]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let text = std::fs::read_to_string(&model).unwrap();
        assert!(text.contains(&format!("\"method\": \"{method}\"")));
        let r = glia(&[
            "decode",
            "predict",
            "--model",
            &s(&model),
            "--features",
            &s(&common::data(&format!("decode/{x}"))),
            "-o",
            &s(&out),
        ]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
        let (n, q, _) = Npy::open(&out).unwrap().matrix_f64();
        assert!(n > 0);
        if cols > 0 {
            assert_eq!(q, cols);
        }
    }
    // A model that is not one, and the wrong number of features: exit 2 with the file named.
    std::fs::write(&model, "{\"method\": \"svm\"}").unwrap();
    let r = glia(&[
        "decode",
        "predict",
        "--model",
        &s(&model),
        "--features",
        &s(&common::data("decode/ridge_x.npy")),
        "-o",
        &s(&out),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("m.json"));
}

/// Python with pylsl (`.venv/bin/python` of the checkout, else `python3`), or `None`: the LSL
/// tests then say so and pass, unless `GLIA_REQUIRE_LSL` is set (as `.ci/run` sets it).
fn python_with_pylsl() -> Option<std::path::PathBuf> {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    for py in [venv, "python3".into()] {
        let ok = Command::new(&py)
            .args(["-c", "import pylsl"])
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(py);
        }
    }
    assert!(
        std::env::var_os("GLIA_REQUIRE_LSL").is_none(),
        "GLIA_REQUIRE_LSL is set but no python with pylsl was found"
    );
    eprintln!("skipping: no python with pylsl (pip install pylsl)");
    None
}

/// Starts `tests/lsl/outlet.py` and waits for its "ready".
fn outlet(py: &std::path::Path, name: &str, extra: &[&str]) -> std::process::Child {
    use std::io::BufRead;
    let mut child = Command::new(py)
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsl/outlet.py"))
        .args(["--name", name])
        .args(extra)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    child
}

/// A ridge model whose features are the stream's channels: output = sum of the channels.
fn sum_model(dir: &std::path::Path, channels: usize) -> std::path::PathBuf {
    let path = dir.join("sum.json");
    let weights: Vec<Vec<f64>> = (0..channels).map(|_| vec![1.0]).collect();
    let model = serde_json::json!({
        "method": "ridge", "alpha": 0.0, "weights": weights, "intercept": [0.0],
        "features": {"kind": "raw", "history": 0}, "outputs": ["sum"],
    });
    std::fs::write(&path, model.to_string()).unwrap();
    path
}

/// A pylsl outlet streams a ramp; Glia's inlet decodes every sample with the model, in order.
#[test]
fn lsl_stream_from_pylsl_is_decoded_live() {
    use glia::decode::engine::{Output, Runner};
    let Some(py) = python_with_pylsl() else {
        return;
    };
    let name = format!("glia-test-ramp-{}", std::process::id());
    let mut child = outlet(
        &py,
        &name,
        &[
            "--channels",
            "4",
            "--rate",
            "1000",
            "--chunk",
            "10",
            "--duration-secs",
            "2",
            "--pattern",
            "ramp",
        ],
    );
    let lsl = glia::decode::lsl::Lsl::load().unwrap();
    let inlet = lsl.open_inlet("name", &name, 15.0).unwrap();
    let mut runner = Runner::new(Box::new(inlet));
    let dir = tempfile::tempdir().unwrap();
    let model =
        glia::decode::Model::from_json(&std::fs::read_to_string(sum_model(dir.path(), 4)).unwrap())
            .unwrap();
    runner.set_model(&model).unwrap();
    let mut outputs: Vec<Output> = Vec::new();
    let start = std::time::Instant::now();
    while start.elapsed().as_secs_f64() < 20.0 {
        match runner.poll(0.1, &mut outputs) {
            Ok(()) => {}
            Err(glia::decode::stream::StreamError::Lost(_)) => break,
            Err(e) => panic!("{e}"),
        }
    }
    let _ = child.wait();
    assert!(outputs.len() >= 1900, "{} outputs", outputs.len());
    // Sample i of channel j is 4i + j, so each output is 16i + 6, with i rising by one.
    let idx: Vec<f64> = outputs.iter().map(|o| (o.values[0] - 6.0) / 16.0).collect();
    assert!(idx.iter().all(|i| i.fract() == 0.0), "{:?}", &idx[..10]);
    assert!(idx.windows(2).all(|w| w[1] == w[0] + 1.0));
    assert!(
        outputs
            .iter()
            .all(|o| o.latency_secs.is_finite() && o.latency_secs > -0.01)
    );
    assert_eq!(
        runner.guard.faults.out_of_order + runner.guard.faults.gaps,
        0
    );
}

/// The outlet vanishing, a gap, out-of-order timestamps and NaN samples: `glia decode live`
/// keeps going, exits 0, and reports each fault.
#[test]
fn lsl_stream_faults_are_survived_and_reported() {
    let Some(py) = python_with_pylsl() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let model = sum_model(dir.path(), 3);
    let runs: Vec<_> = ["vanish", "gap", "out-of-order", "nan"]
        .into_iter()
        .map(|fault| {
            let py = py.clone();
            let model = model.clone();
            std::thread::spawn(move || {
                let name = format!("glia-test-{fault}-{}", std::process::id());
                let mut child = outlet(
                    &py,
                    &name,
                    &["--channels", "3", "--duration-secs", "3", "--fault", fault],
                );
                let out = glia(&[
                    "decode",
                    "live",
                    "--lsl-name",
                    &name,
                    "--model",
                    model.to_str().unwrap(),
                    "--duration-secs",
                    "5",
                    "--resolve-secs",
                    "15",
                    "--json",
                ]);
                let _ = child.wait();
                (fault, json_of(&out))
            })
        })
        .collect();
    for run in runs {
        let (fault, j) = run.join().unwrap();
        let f = &j["faults"];
        let key = match fault {
            "vanish" => "lost",
            "gap" => "gaps",
            "out-of-order" => "out_of_order",
            _ => "non_finite",
        };
        assert!(f[key].as_u64().unwrap() >= 1, "{fault}: {j}");
        if fault == "vanish" {
            // One loss, counted once however long it lasts.
            assert_eq!(f["lost"].as_u64(), Some(1), "{j}");
        }
        assert!(j["n_samples"].as_u64().unwrap() > 500, "{fault}: {j}");
        assert!(j["latency_ms_median"].as_f64().is_some(), "{fault}: {j}");
    }
}

/// An outlet that vanishes and is started again under the same name: `glia decode live`
/// finds it again and decodes the second run too.
#[test]
fn lsl_stream_that_comes_back_is_decoded_again() {
    let Some(py) = python_with_pylsl() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let model = sum_model(dir.path(), 3);
    let name = format!("glia-test-back-{}", std::process::id());
    let mut first = outlet(
        &py,
        &name,
        &[
            "--channels",
            "3",
            "--duration-secs",
            "2",
            "--fault",
            "vanish",
        ],
    );
    let live = {
        let model = model.clone();
        let name = name.clone();
        std::thread::spawn(move || {
            glia(&[
                "decode",
                "live",
                "--lsl-name",
                &name,
                "--model",
                model.to_str().unwrap(),
                "--duration-secs",
                "12",
                "--resolve-secs",
                "15",
                "--json",
            ])
        })
    };
    let _ = first.wait();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let mut second = outlet(&py, &name, &["--channels", "3", "--duration-secs", "3"]);
    let out = live.join().unwrap();
    let _ = second.wait();
    let j = json_of(&out);
    // Lost when the first outlet went (and again if the second ends before Glia does), with
    // the break between them shown as a gap.
    assert!(j["faults"]["lost"].as_u64().unwrap() >= 1, "{j}");
    assert!(j["faults"]["gaps"].as_u64().unwrap() >= 1, "{j}");
    // About 1 s before the loss and 3 s after it came back.
    assert!(j["n_samples"].as_u64().unwrap() > 2500, "{j}");
}

/// A loaded recording replayed as a stream: rows at its sample rate in microvolts, the same
/// samples the file holds, and its annotations as the classes a calibration trains on.
#[test]
fn a_recording_replays_as_a_stream_with_its_annotations_as_classes() {
    use glia::decode::sources::{Generator, RecordingReplay, generate};
    let path = common::data("recordings/test_generator.edf");
    let recording = glia::formats::load(&path).unwrap().recording.unwrap();
    let data = std::sync::Arc::new(glia::session::RecordingData::new(recording));
    let mut replay = RecordingReplay::new(data.clone()).unwrap();
    let rec = &data.recording;
    let info = replay.info().clone();
    let rate = info.rate_hz;
    let first = rec
        .channels
        .iter()
        .position(|c| c.sample_rate_hz == rate)
        .unwrap();
    let chunk = generate(&mut replay, 2.0);
    assert_eq!(chunk.len(), (2.0 * rate) as usize);
    let mut expected = vec![0.0; 5];
    rec.read(first, 0, &mut expected).unwrap();
    let scale = if rec.channels[first].unit == "V" {
        1e6
    } else {
        1.0
    };
    let c = info.n_channels();
    for (k, e) in expected.iter().enumerate() {
        let got = chunk.data[k * c] as f64;
        assert!(
            (got - e * scale).abs() <= 1e-5 * (e * scale).abs().max(1.0),
            "{got} vs {e}"
        );
    }
    // Each annotation's text is a class, active from its onset.
    let classes = replay.class_names();
    assert!(!classes.is_empty());
    for a in &rec.annotations {
        let truth = replay.truth(a.onset_secs + 1e-3).unwrap();
        let k = truth.class.expect("a class during an annotation");
        assert!(rec.annotations.iter().any(|b| b.text == classes[k]));
    }
}

/// Without liblsl anywhere, `glia decode live` says in one line how to get it (exit 2).
#[test]
fn decode_live_without_liblsl_says_how_to_get_it() {
    let dir = tempfile::tempdir().unwrap();
    let model = sum_model(dir.path(), 2);
    let out = Command::new(env!("CARGO_BIN_EXE_glia"))
        .args(["decode", "live", "--lsl-name", "nothing", "--model"])
        .arg(&model)
        .args(["--duration-secs", "1"])
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .env_remove("VIRTUAL_ENV")
        .env("GLIA_LIBLSL", dir.path().join("no-liblsl.so"))
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("GLIA_LIBLSL") && err.contains("pip install pylsl"),
        "{err}"
    );
}
