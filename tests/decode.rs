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
