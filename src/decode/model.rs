//! A decoding model as saved (`--model M.json`): the features it takes, the decoder, and the
//! names of its outputs; and training from calibration data with k-fold cross-validation.

use super::features::{FeatureRow, FeatureSpec, Features};
use super::lda::{Csp, Lda};
use super::stream::{Chunk, StreamInfo, Truth};
use super::{DecodeError, Kalman, Ridge};

/// The decoder proper, tagged by `method` in JSON.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Decoder {
    Ridge(Ridge),
    Kalman(Kalman),
    Lda(Lda),
}

impl Decoder {
    pub fn method(&self) -> &'static str {
        match self {
            Decoder::Ridge(_) => "ridge",
            Decoder::Kalman(_) => "kalman",
            Decoder::Lda(_) => "lda",
        }
    }

    /// Checks the shapes and values of a decoder read from a file.
    pub fn validate(&self) -> Result<(), String> {
        let finite = |v: &[f64]| v.iter().all(|x| x.is_finite());
        let bad = |what: &str| Err(format!("the {} model's {what}", self.method()));
        match self {
            Decoder::Ridge(r) => {
                let q = r.intercept.len();
                if r.weights.is_empty() || q == 0 {
                    return bad("weights or intercept are empty");
                }
                if r.weights.iter().any(|w| w.len() != q || !finite(w)) || !finite(&r.intercept) {
                    return bad("weights are not features × targets of finite numbers");
                }
            }
            Decoder::Kalman(k) => {
                let (d, p) = (k.n_states(), k.n_features());
                let sized = [
                    (&k.a, d * d),
                    (&k.w, d * d),
                    (&k.h, p * d),
                    (&k.ht_qinv, d * p),
                    (&k.ht_qinv_h, d * d),
                ];
                if d == 0 || p == 0 {
                    return bad("x_mean or z_mean is empty");
                }
                if sized.iter().any(|(v, n)| v.len() != *n || !finite(v))
                    || k.steady_gain
                        .as_ref()
                        .is_some_and(|g| g.len() != d * p || !finite(g))
                    || !finite(&k.x_mean)
                    || !finite(&k.z_mean)
                {
                    return bad("matrices do not match x_mean and z_mean, or are not finite");
                }
            }
            Decoder::Lda(l) => {
                let k = l.classes.len();
                if k < 2
                    || l.intercept.len() != k
                    || l.coef.is_empty()
                    || !l.coef.len().is_multiple_of(k)
                    || !finite(&l.coef)
                    || !finite(&l.intercept)
                {
                    return bad("classes, coef and intercept do not match");
                }
            }
        }
        Ok(())
    }

    pub fn n_features(&self) -> usize {
        match self {
            Decoder::Ridge(r) => r.n_features(),
            Decoder::Kalman(k) => k.n_features(),
            Decoder::Lda(l) => l.n_features(),
        }
    }

    /// Outputs per step: targets, or class probabilities.
    pub fn n_outputs(&self) -> usize {
        match self {
            Decoder::Ridge(r) => r.n_targets(),
            Decoder::Kalman(k) => k.n_states(),
            Decoder::Lda(l) => l.classes.len(),
        }
    }

    pub fn reset(&mut self) {
        if let Decoder::Kalman(k) = self {
            k.reset();
        }
    }

    /// One step: features in, outputs (targets or class probabilities) out.
    pub fn step(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), DecodeError> {
        match self {
            Decoder::Ridge(r) => r.predict_one(x, out),
            Decoder::Kalman(k) => k.step(x, out)?,
            Decoder::Lda(l) => l.predict_proba_one(x, out),
        }
        Ok(())
    }

    /// Per-feature importance for display: the norm of each feature's weights over the outputs
    /// (for LDA, of the difference between the classes' discriminants), times the feature's
    /// spread, so features on different scales compare.
    pub fn feature_weights(&self) -> Vec<f64> {
        match self {
            Decoder::Ridge(r) => r
                .weights
                .iter()
                .map(|w| w.iter().map(|v| v * v).sum::<f64>().sqrt())
                .collect(),
            Decoder::Kalman(k) => {
                // The steady-state gain, else HᵀQ⁻¹: how much each feature moves the state.
                let g = k.steady_gain.as_ref().unwrap_or(&k.ht_qinv);
                let (d, p) = (k.n_states(), k.n_features());
                (0..p)
                    .map(|j| (0..d).map(|i| g[i * p + j].powi(2)).sum::<f64>().sqrt())
                    .collect()
            }
            Decoder::Lda(l) => {
                let p = l.n_features();
                let k = l.classes.len();
                (0..p)
                    .map(|j| {
                        let col: Vec<f64> = (0..k).map(|c| l.coef[c * p + j]).collect();
                        let m = col.iter().sum::<f64>() / k as f64;
                        col.iter().map(|v| (v - m).powi(2)).sum::<f64>().sqrt()
                    })
                    .collect()
            }
        }
    }
}

/// A saved model.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Model {
    #[serde(flatten)]
    pub decoder: Decoder,
    #[serde(default)]
    pub features: FeatureSpec,
    /// Output names: targets (`"x"`, `"vx"` …) or class names.
    #[serde(default)]
    pub outputs: Vec<String>,
    /// The stream's channels the model was trained on, when it was trained in Glia.
    #[serde(default)]
    pub channels: Vec<String>,
    /// How far ahead of the features the decoded kinematics are, seconds (the neural lead).
    #[serde(default)]
    pub lag_secs: f64,
}

impl Model {
    pub fn from_json(text: &str) -> Result<Model, String> {
        let m: Model = serde_json::from_str(text).map_err(|e| format!("not a Glia model: {e}"))?;
        m.decoder.validate()?;
        m.features.validate()?;
        Ok(m)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn is_classifier(&self) -> bool {
        matches!(self.decoder, Decoder::Lda(_))
    }

    /// Checks that the model takes this stream; the error says why not. A model trained in
    /// Glia also names its channels: a stream that names its own must name the same, in the
    /// same order.
    pub fn accepts(&self, info: &StreamInfo) -> Result<(), String> {
        let generic = |c: &[String]| {
            c.iter()
                .enumerate()
                .all(|(i, n)| *n == format!("ch{}", i + 1) || *n == format!("unit {i}"))
        };
        if !self.channels.is_empty()
            && !generic(&info.channels)
            && !generic(&self.channels)
            && self.channels != info.channels
        {
            let first = self
                .channels
                .iter()
                .zip(&info.channels)
                .position(|(a, b)| a != b)
                .unwrap_or(self.channels.len().min(info.channels.len()));
            return Err(format!(
                "the model was trained on other channels than {} has (channel {}: {} against {})",
                info.name,
                first + 1,
                self.channels.get(first).map_or("none", |s| s.as_str()),
                info.channels.get(first).map_or("none", |s| s.as_str()),
            ));
        }
        let p = self.features.len(info.n_channels());
        if p != self.decoder.n_features() {
            return Err(format!(
                "the model takes {} features but {} ({} channels, {}) gives {p}",
                self.decoder.n_features(),
                info.name,
                info.n_channels(),
                self.features.describe()
            ));
        }
        Ok(())
    }
}

/// How to fit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Method {
    Ridge { alpha: f64 },
    Kalman { steady_state: bool },
    Lda,
}

impl Method {
    pub fn parse(name: &str, alpha: f64) -> Result<Method, String> {
        match name {
            "ridge" | "wiener" => Ok(Method::Ridge { alpha }),
            "kalman" => Ok(Method::Kalman {
                steady_state: false,
            }),
            "kalman-steady" => Ok(Method::Kalman { steady_state: true }),
            "lda" => Ok(Method::Lda),
            other => Err(format!(
                "--method {other}: choose ridge, kalman, kalman-steady or lda"
            )),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Method::Ridge { .. } => "ridge",
            Method::Kalman {
                steady_state: false,
            } => "kalman",
            Method::Kalman { steady_state: true } => "kalman-steady",
            Method::Lda => "lda",
        }
    }

    /// Fits a regression (`Ridge`, `Kalman`) on `x` (`n × p`) and `y` (`n × q`).
    pub fn fit_regression(self, x: &[f64], y: &[f64], n: usize) -> Result<Decoder, DecodeError> {
        match self {
            Method::Ridge { alpha } => Ok(Decoder::Ridge(Ridge::fit(x, y, n, alpha)?)),
            Method::Kalman { steady_state } => {
                Ok(Decoder::Kalman(Kalman::fit(y, x, n, steady_state)?))
            }
            Method::Lda => Err(DecodeError::Shape(
                "LDA classifies: its targets are class labels".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_with_wrong_shapes_are_refused() {
        let ok = r#"{"method":"ridge","alpha":1,"weights":[[1],[2]],"intercept":[0]}"#;
        assert!(Model::from_json(ok).is_ok());
        for bad in [
            r#"{"method":"ridge","alpha":1,"weights":[[1],[2,3]],"intercept":[0]}"#,
            r#"{"method":"lda","classes":[0,1],"coef":[1,2,3],"intercept":[0,0]}"#,
            r#"{"method":"kalman","a":[1],"w":[1],"h":[1,2],"ht_qinv":[1],"ht_qinv_h":[1],"x_mean":[0],"z_mean":[0,0]}"#,
            r#"{"method":"ridge","alpha":1,"weights":[[1]],"intercept":[0],"features":{"kind":"binned_counts","bin_secs":0}}"#,
        ] {
            assert!(Model::from_json(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_model_refuses_a_stream_with_other_channels() {
        let mut m =
            Model::from_json(r#"{"method":"ridge","alpha":1,"weights":[[1],[2]],"intercept":[0]}"#)
                .unwrap();
        m.channels = vec!["C3".into(), "C4".into()];
        let info = |names: &[&str]| StreamInfo {
            name: "s".into(),
            kind: "EEG".into(),
            channels: names.iter().map(|s| s.to_string()).collect(),
            rate_hz: 250.0,
        };
        assert!(m.accepts(&info(&["C3", "C4"])).is_ok());
        assert!(m.accepts(&info(&["ch1", "ch2"])).is_ok());
        let e = m.accepts(&info(&["C4", "C3"])).unwrap_err();
        assert!(e.contains("C3") && e.contains("C4"), "{e}");
        assert!(m.accepts(&info(&["C3", "C4", "Cz"])).is_err());
    }
}

/// scikit-learn's `r2_score` for one column: `1 − SS_res / SS_tot`.
pub fn r2_score(truth: &[f64], pred: &[f64]) -> f64 {
    let n = truth.len() as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let ss_tot: f64 = truth.iter().map(|t| (t - mean).powi(2)).sum();
    let ss_res: f64 = truth.iter().zip(pred).map(|(t, p)| (t - p).powi(2)).sum();
    if ss_tot == 0.0 {
        if ss_res == 0.0 { 1.0 } else { 0.0 }
    } else {
        1.0 - ss_res / ss_tot
    }
}

/// Cross-validated scores.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct CvReport {
    /// Per fold, per output: R² (regression), or one accuracy per fold (classes).
    pub folds: Vec<Vec<f64>>,
    /// Mean over folds, per output.
    pub mean: Vec<f64>,
    pub outputs: Vec<String>,
    /// The held-out predictions in time order (regression: `n × q`; classes: probabilities),
    /// for the panel's plot.
    pub predicted: Vec<f64>,
    pub truth: Vec<f64>,
}

/// Contiguous folds (scikit-learn's `KFold` without shuffling): the test ranges.
pub fn kfold(n: usize, k: usize) -> Vec<std::ops::Range<usize>> {
    let k = k.clamp(2, n.max(2));
    let mut out = Vec::with_capacity(k);
    let mut start = 0;
    for i in 0..k {
        let size = n / k + usize::from(i < n % k);
        out.push(start..start + size);
        start += size;
    }
    out
}

/// k-fold cross-validation of a regression, folds contiguous in time; each test fold is
/// decoded from rest, step by step, as it would be live.
pub fn cross_validate(
    method: Method,
    x: &[f64],
    y: &[f64],
    n: usize,
    folds: usize,
    outputs: &[String],
) -> Result<CvReport, DecodeError> {
    let (p, q) = (x.len() / n.max(1), y.len() / n.max(1));
    let mut report = CvReport {
        outputs: outputs.to_vec(),
        predicted: vec![0.0; n * q],
        truth: y.to_vec(),
        ..Default::default()
    };
    for test in kfold(n, folds) {
        let train: Vec<usize> = (0..n).filter(|i| !test.contains(i)).collect();
        let xt: Vec<f64> = train
            .iter()
            .flat_map(|&i| x[i * p..(i + 1) * p].iter().copied())
            .collect();
        let yt: Vec<f64> = train
            .iter()
            .flat_map(|&i| y[i * q..(i + 1) * q].iter().copied())
            .collect();
        let mut dec = method.fit_regression(&xt, &yt, train.len())?;
        let mut out = vec![0.0; q];
        for i in test.clone() {
            dec.step(&x[i * p..(i + 1) * p], &mut out)?;
            report.predicted[i * q..(i + 1) * q].copy_from_slice(&out);
        }
        report.folds.push(
            (0..q)
                .map(|j| {
                    let t: Vec<f64> = test.clone().map(|i| y[i * q + j]).collect();
                    let e: Vec<f64> = test.clone().map(|i| report.predicted[i * q + j]).collect();
                    r2_score(&t, &e)
                })
                .collect(),
        );
    }
    report.mean = (0..q)
        .map(|j| report.folds.iter().map(|f| f[j]).sum::<f64>() / report.folds.len() as f64)
        .collect();
    Ok(report)
}

/// Calibration data from a stream: the feature rows and what the subject was doing at each.
#[derive(Clone, Debug)]
pub struct Calibration {
    pub info: StreamInfo,
    pub spec: FeatureSpec,
    pub rows: Vec<FeatureRow>,
    /// The truth at each row's time plus the lag (regression), or at the row's time (classes).
    pub truth: Vec<Truth>,
    /// The raw samples and their truth, kept for classifiers (CSP is fitted on them).
    pub samples: Chunk,
    pub sample_truth: Vec<Option<usize>>,
    /// Names of the classes in `sample_truth` (empty: the paradigm's own).
    pub classes: Vec<String>,
}

/// What the panel and `decode simulate` need back from training.
#[derive(Clone, Debug)]
pub struct Trained {
    pub model: Model,
    pub report: CvReport,
}

/// The kinematic targets decoded from a reaching population.
pub const KINEMATICS: [&str; 4] = ["x", "y", "vx", "vy"];

/// Trains a kinematic decoder (position and velocity) from calibration rows.
pub fn train_kinematics(
    cal: &Calibration,
    method: Method,
    folds: usize,
    lag_secs: f64,
) -> Result<Trained, String> {
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut n = 0;
    for (row, truth) in cal.rows.iter().zip(&cal.truth) {
        if let (Some(p), Some(v)) = (truth.position, truth.velocity) {
            x.extend_from_slice(&row.values);
            y.extend_from_slice(&[p[0], p[1], v[0], v[1]]);
            n += 1;
        }
    }
    if n < 20 {
        return Err(format!(
            "{} gives no cursor to calibrate against ({n} usable steps)",
            cal.info.name
        ));
    }
    let outputs: Vec<String> = KINEMATICS.iter().map(|s| s.to_string()).collect();
    let report = cross_validate(method, &x, &y, n, folds, &outputs).map_err(|e| e.to_string())?;
    let decoder = method
        .fit_regression(&x, &y, n)
        .map_err(|e| e.to_string())?;
    Ok(Trained {
        model: Model {
            decoder,
            features: cal.spec.clone(),
            outputs,
            channels: cal.info.channels.clone(),
            lag_secs,
        },
        report,
    })
}

/// Windows for a classifier: for each cued stretch of `class`, windows of `window` samples
/// ending every `step` samples from `skip` samples after the cue, to its end. Returns
/// `(end sample, class, trial index)`.
pub fn class_windows(
    labels: &[Option<usize>],
    window: usize,
    step: usize,
    skip: usize,
) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut trial = 0;
    while i < labels.len() {
        let Some(c) = labels[i] else {
            i += 1;
            continue;
        };
        let start = i;
        while i < labels.len() && labels[i] == Some(c) {
            i += 1;
        }
        let mut end = start + skip.max(window);
        let before = out.len();
        while end <= i {
            out.push((end, c, trial));
            end += step.max(1);
        }
        // Only stretches long enough to hold a window count as trials (a calibration that
        // starts mid-cue begins with a short one).
        if out.len() > before {
            trial += 1;
        }
    }
    out
}

/// Band power features (log mean square over each window) of rows already filtered and
/// projected, for the windows given.
fn window_log_power(
    rows: &[f64],
    width: usize,
    windows: &[(usize, usize, usize)],
    len: usize,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(windows.len() * width);
    for &(end, _, _) in windows {
        for j in 0..width {
            let s: f64 = (end - len..end).map(|i| rows[i * width + j].powi(2)).sum();
            out.push((s / len as f64 + 1e-20).ln());
        }
    }
    out
}

/// Trains a motor-imagery classifier: band-pass 8–30 Hz (causal, as online), CSP for two
/// classes (per-channel log power otherwise), log power over 1 s windows, shrinkage LDA.
/// Cross-validation holds out whole trials (contiguous folds of trials), with CSP refitted in
/// each fold so no test trial leaks into the filters.
pub fn train_classes(
    cal: &Calibration,
    folds: usize,
    class_names: &[String],
) -> Result<Trained, String> {
    let info = &cal.info;
    let c = info.n_channels();
    let fs = info.rate_hz;
    let (low, high, window_secs, step_secs) = (8.0, 30.0, 1.0, 0.1);
    let base = FeatureSpec::BandPower {
        low_hz: low,
        high_hz: high,
        window_secs,
        step_secs,
        csp: None,
        history: 0,
    };
    // The band-passed samples, exactly as the online filter produces them.
    let sos = crate::dsp::butter::butter(4, crate::dsp::butter::Band::Bandpass(low, high), fs)
        .map_err(|e| e.to_string())?;
    let n = cal.samples.len();
    let mut filtered = vec![0.0; n * c];
    for j in 0..c {
        let mut x: Vec<f64> = (0..n).map(|i| cal.samples.data[i * c + j] as f64).collect();
        let mut f = crate::dsp::filter::SosFilter::new(sos.clone()).map_err(|e| e.to_string())?;
        f.process(&mut x);
        for i in 0..n {
            filtered[i * c + j] = x[i];
        }
    }
    let len = (window_secs * fs).round() as usize;
    let windows = class_windows(
        &cal.sample_truth,
        len,
        (step_secs * fs).round() as usize,
        (0.5 * fs) as usize + len,
    );
    let n_classes = windows.iter().map(|w| w.1 + 1).max().unwrap_or(0);
    let n_trials = windows.iter().map(|w| w.2 + 1).max().unwrap_or(0);
    if n_classes < 2 || n_trials < 4 {
        return Err(format!(
            "calibration holds {n_trials} cued trials of {n_classes} classes; training needs at \
             least 4 trials of 2 classes (record longer)"
        ));
    }
    let use_csp = n_classes == 2 && c >= 4;
    // Fits CSP + LDA on some trials; returns the model's pieces.
    let fit = |trials: &[usize]| -> Result<(Option<Csp>, Lda), String> {
        let train: Vec<&(usize, usize, usize)> =
            windows.iter().filter(|w| trials.contains(&w.2)).collect();
        let csp = if use_csp {
            // One epoch per trial: from its first window's start to its last window's end.
            let mut epochs = Vec::new();
            for &t in trials {
                let ws: Vec<_> = windows.iter().filter(|w| w.2 == t).collect();
                if let (Some(first), Some(last)) = (ws.first(), ws.last()) {
                    epochs.push((&filtered[(first.0 - len) * c..last.0 * c], first.1));
                }
            }
            Some(Csp::fit(&epochs, c, 3).map_err(|e| e.to_string())?)
        } else {
            None
        };
        let (rows, width) = project(&filtered, c, csp.as_ref());
        let own: Vec<(usize, usize, usize)> = train.iter().map(|w| **w).collect();
        let x = window_log_power(&rows, width, &own, len);
        let y: Vec<i64> = own.iter().map(|w| w.1 as i64).collect();
        let lda = Lda::fit(&x, &y, width).map_err(|e| e.to_string())?;
        Ok((csp, lda))
    };
    let mut report = CvReport {
        outputs: vec!["accuracy".into()],
        ..Default::default()
    };
    for test in kfold(n_trials, folds) {
        let train: Vec<usize> = (0..n_trials).filter(|t| !test.contains(t)).collect();
        let (csp, lda) = fit(&train)?;
        let (rows, width) = project(&filtered, c, csp.as_ref());
        let held: Vec<(usize, usize, usize)> = windows
            .iter()
            .filter(|w| test.contains(&w.2))
            .copied()
            .collect();
        if held.is_empty() || train.is_empty() {
            continue;
        }
        let x = window_log_power(&rows, width, &held, len);
        let pred = lda.predict(&x);
        let right = pred
            .iter()
            .zip(&held)
            .filter(|(p, w)| **p == w.1 as i64)
            .count();
        report
            .folds
            .push(vec![right as f64 / held.len().max(1) as f64]);
        let proba = lda.predict_proba(&x);
        report.predicted.extend(
            proba
                .chunks_exact(lda.classes.len())
                .map(|p| p[p.len() - 1]),
        );
        report.truth.extend(held.iter().map(|w| w.1 as f64));
    }
    report.mean = vec![report.folds.iter().map(|f| f[0]).sum::<f64>() / report.folds.len() as f64];
    let all: Vec<usize> = (0..n_trials).collect();
    let (csp, lda) = fit(&all)?;
    let features = match base {
        FeatureSpec::BandPower { .. } => FeatureSpec::BandPower {
            low_hz: low,
            high_hz: high,
            window_secs,
            step_secs,
            csp,
            history: 0,
        },
        other => other,
    };
    let outputs = (0..n_classes)
        .map(|k| {
            class_names
                .get(k)
                .cloned()
                .unwrap_or_else(|| format!("class {k}"))
        })
        .collect();
    Ok(Trained {
        model: Model {
            decoder: Decoder::Lda(lda),
            features,
            outputs,
            channels: info.channels.clone(),
            lag_secs: 0.0,
        },
        report,
    })
}

/// Rows projected through CSP (or as they are): `(rows, width)`.
fn project(filtered: &[f64], c: usize, csp: Option<&Csp>) -> (Vec<f64>, usize) {
    match csp {
        None => (filtered.to_vec(), c),
        Some(csp) => {
            let k = csp.n_components();
            let mut out = vec![0.0; filtered.len() / c * k];
            for (row, o) in filtered.chunks_exact(c).zip(out.chunks_exact_mut(k)) {
                csp.apply(row, o);
            }
            (out, k)
        }
    }
}

/// Collects calibration data from a stretch of samples (offline or recorded live): runs the
/// features and looks up the truth (kinematics at `t + lag`, classes at each sample).
pub fn calibrate(
    info: &StreamInfo,
    spec: &FeatureSpec,
    samples: Chunk,
    truth: &dyn Fn(f64) -> Option<Truth>,
    lag_secs: f64,
    classes: Vec<String>,
) -> Result<Calibration, String> {
    let mut f = Features::new(spec, info)?;
    // Raw rows are the samples themselves: classifiers train on the samples, so none are
    // copied.
    let rows = if matches!(spec, FeatureSpec::Raw { .. }) {
        Vec::new()
    } else {
        f.all(&samples)
    };
    let row_truth = rows
        .iter()
        .map(|r| truth(r.t + lag_secs).unwrap_or_default())
        .collect();
    let sample_truth = samples
        .timestamps
        .iter()
        .map(|&t| truth(t).and_then(|tr| tr.class))
        .collect();
    // Spike counts are not needed once binned (and a long calibration of many units is large).
    let samples = if matches!(spec, FeatureSpec::BinnedCounts { .. }) {
        Chunk::default()
    } else {
        samples
    };
    Ok(Calibration {
        info: info.clone(),
        spec: spec.clone(),
        rows,
        truth: row_truth,
        samples,
        sample_truth,
        classes,
    })
}
