//! Shrinkage linear discriminant analysis, computed as scikit-learn's
//! `LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")` computes it, and common spatial
//! patterns (CSP) for motor imagery.
//!
//! LDA: each class's covariance is the Ledoit–Wolf shrunk covariance of its standardised
//! samples, scaled back; the pooled covariance `Σ` is their prior-weighted sum. The class
//! scores are `x Σ⁻¹ μₖ − ½ μₖᵀ Σ⁻¹ μₖ + log πₖ` and the probabilities their softmax (for two
//! classes this is the logistic of the difference, as scikit-learn computes it).
//!
//! CSP (Koles 1991; Blankertz et al. 2008): with the two classes' mean trace-normalised
//! covariances `C₁`, `C₂`, the filters solve `C₁ w = λ (C₁ + C₂) w`; the eigenvectors with the
//! largest and smallest `λ` give components whose variance differs most between the classes.

use faer::linalg::solvers::Solve;
use faer::{Mat, Side};

use super::DecodeError;
use super::kalman::spd_inverse;

/// Ledoit–Wolf shrinkage of the (biased) covariance of `x` (`n × p`, row-major), as
/// scikit-learn's `ledoit_wolf` (not assuming centred data). Returns the shrunk covariance.
pub fn ledoit_wolf(x: &[f64], n: usize, p: usize) -> Mat<f64> {
    let mean = super::column_means(x, p);
    let xc = Mat::<f64>::from_fn(n, p, |i, j| x[i * p + j] - mean[j]);
    let emp = (xc.transpose() * &xc) * faer::Scale(1.0 / n as f64);
    if p == 1 {
        return emp;
    }
    let x2 = Mat::<f64>::from_fn(n, p, |i, j| xc[(i, j)] * xc[(i, j)]);
    let emp_cov_trace: Vec<f64> = (0..p)
        .map(|j| (0..n).map(|i| x2[(i, j)]).sum::<f64>() / n as f64)
        .collect();
    let mu = emp_cov_trace.iter().sum::<f64>() / p as f64;
    let b2 = x2.transpose() * &x2;
    let beta_sum: f64 = (0..p)
        .flat_map(|i| (0..p).map(move |j| (i, j)))
        .map(|(i, j)| b2[(i, j)])
        .sum();
    let xtx = xc.transpose() * &xc;
    let delta_sum: f64 = (0..p)
        .flat_map(|i| (0..p).map(move |j| (i, j)))
        .map(|(i, j)| xtx[(i, j)] * xtx[(i, j)])
        .sum::<f64>()
        / (n as f64 * n as f64);
    let beta = (beta_sum / n as f64 - delta_sum) / (p as f64 * n as f64);
    let delta =
        (delta_sum - 2.0 * mu * emp_cov_trace.iter().sum::<f64>() + p as f64 * mu * mu) / p as f64;
    let beta = beta.min(delta);
    let shrinkage = if beta == 0.0 { 0.0 } else { beta / delta };
    let mut s = emp * faer::Scale(1.0 - shrinkage);
    for i in 0..p {
        s[(i, i)] += shrinkage * mu;
    }
    s
}

/// scikit-learn's `_cov(X, shrinkage="auto")`: Ledoit–Wolf on standardised columns (population
/// standard deviation; a constant column keeps scale 1), scaled back.
fn shrunk_cov(x: &[f64], n: usize, p: usize) -> Mat<f64> {
    let mean = super::column_means(x, p);
    let mut scale = vec![0.0; p];
    for row in x.chunks_exact(p) {
        for j in 0..p {
            scale[j] += (row[j] - mean[j]).powi(2);
        }
    }
    for s in scale.iter_mut() {
        *s = (*s / n as f64).sqrt();
        // StandardScaler's `_handle_zeros_in_scale`.
        if *s < 10.0 * f64::EPSILON {
            *s = 1.0;
        }
    }
    let z: Vec<f64> = x
        .chunks_exact(p)
        .flat_map(|row| {
            (0..p)
                .map(|j| (row[j] - mean[j]) / scale[j])
                .collect::<Vec<_>>()
        })
        .collect();
    let s = ledoit_wolf(&z, n, p);
    Mat::from_fn(p, p, |i, j| scale[i] * s[(i, j)] * scale[j])
}

/// A fitted shrinkage LDA.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lda {
    /// The class labels, in the order of `coef` rows and probabilities.
    pub classes: Vec<i64>,
    /// `n_classes × n_features`, row-major: `Σ⁻¹ μₖ`.
    pub coef: Vec<f64>,
    pub intercept: Vec<f64>,
}

impl Lda {
    /// Fits on `x` (`n × p`, row-major) and integer labels `y` (`n`).
    pub fn fit(x: &[f64], y: &[i64], p: usize) -> Result<Lda, DecodeError> {
        let n = y.len();
        if n == 0 || p == 0 || x.len() != n * p {
            return Err(DecodeError::Shape(format!(
                "features ({} values) must be {n} samples × {p} features",
                x.len()
            )));
        }
        let mut classes: Vec<i64> = y.to_vec();
        classes.sort_unstable();
        classes.dedup();
        if classes.len() < 2 {
            return Err(DecodeError::Shape(
                "LDA needs at least two classes in the targets".into(),
            ));
        }
        let k = classes.len();
        let mut sigma = Mat::<f64>::zeros(p, p);
        let mut means = Mat::<f64>::zeros(p, k);
        let mut priors = vec![0.0; k];
        for (c, &label) in classes.iter().enumerate() {
            let rows: Vec<f64> = x
                .chunks_exact(p)
                .zip(y)
                .filter(|(_, l)| **l == label)
                .flat_map(|(r, _)| r.iter().copied())
                .collect();
            let m = rows.len() / p;
            priors[c] = m as f64 / n as f64;
            for row in rows.chunks_exact(p) {
                for j in 0..p {
                    means[(j, c)] += row[j] / m as f64;
                }
            }
            if m < 2 {
                return Err(DecodeError::Shape(format!(
                    "class {label} has only {m} sample; LDA needs at least two per class"
                )));
            }
            let cov = shrunk_cov(&rows, m, p);
            sigma += cov * faer::Scale(priors[c]);
        }
        let coef_t = match sigma.llt(Side::Lower) {
            Ok(llt) => llt.solve(&means),
            Err(_) => spd_inverse(&sigma)? * &means,
        };
        let mut coef = Vec::with_capacity(k * p);
        let mut intercept = Vec::with_capacity(k);
        for c in 0..k {
            let mut quad = 0.0;
            for j in 0..p {
                coef.push(coef_t[(j, c)]);
                quad += means[(j, c)] * coef_t[(j, c)];
            }
            intercept.push(-0.5 * quad + priors[c].ln());
        }
        if coef.iter().chain(&intercept).any(|v| !v.is_finite()) {
            return Err(DecodeError::Singular("non-finite discriminant".into()));
        }
        Ok(Lda {
            classes,
            coef,
            intercept,
        })
    }

    pub fn n_features(&self) -> usize {
        self.coef.len() / self.classes.len().max(1)
    }

    /// Class probabilities of one sample, in the order of [`Lda::classes`].
    pub fn predict_proba_one(&self, x: &[f64], out: &mut [f64]) {
        let p = self.n_features();
        for (c, o) in out.iter_mut().enumerate() {
            *o = self.intercept[c]
                + self.coef[c * p..(c + 1) * p]
                    .iter()
                    .zip(x)
                    .map(|(a, b)| a * b)
                    .sum::<f64>();
        }
        let top = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for o in out.iter_mut() {
            *o = (*o - top).exp();
            sum += *o;
        }
        out.iter_mut().for_each(|o| *o /= sum);
    }

    /// Probabilities for `n` samples, row-major `n × n_classes`.
    pub fn predict_proba(&self, x: &[f64]) -> Vec<f64> {
        let (p, k) = (self.n_features().max(1), self.classes.len());
        let mut out = vec![0.0; x.len() / p * k];
        for (xr, or) in x.chunks_exact(p).zip(out.chunks_exact_mut(k)) {
            self.predict_proba_one(xr, or);
        }
        out
    }

    /// The most probable class of each sample.
    pub fn predict(&self, x: &[f64]) -> Vec<i64> {
        let k = self.classes.len();
        self.predict_proba(x)
            .chunks_exact(k)
            .map(|pr| {
                let best = (0..k).max_by(|&a, &b| pr[a].total_cmp(&pr[b])).unwrap_or(0);
                self.classes[best]
            })
            .collect()
    }
}

/// Common spatial patterns for two classes.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Csp {
    /// `n_components × n_channels`, row-major: component `i` is `Σⱼ filters[i][j] · channel j`.
    pub filters: Vec<f64>,
    pub n_channels: usize,
    /// The generalised eigenvalues of the kept components (near 1: class 0 dominates).
    pub eigenvalues: Vec<f64>,
}

impl Csp {
    /// Fits on trials: each `(samples, label)` holds one band-passed epoch, row-major
    /// `n_samples × n_channels`, with label 0 or 1. Keeps `pairs` filters from each end.
    pub fn fit(
        trials: &[(&[f64], usize)],
        n_channels: usize,
        pairs: usize,
    ) -> Result<Csp, DecodeError> {
        let c = n_channels;
        if c < 2 {
            return Err(DecodeError::Shape(format!(
                "CSP needs at least two channels, not {c}"
            )));
        }
        let mut cov = [Mat::<f64>::zeros(c, c), Mat::<f64>::zeros(c, c)];
        let mut count = [0usize; 2];
        for (epoch, label) in trials {
            let label = (*label).min(1);
            let n = epoch.len() / c.max(1);
            if n < 2 {
                continue;
            }
            let mut mean = vec![0.0; c];
            for row in epoch.chunks_exact(c) {
                for (m, v) in mean.iter_mut().zip(row) {
                    *m += v / n as f64;
                }
            }
            let e = Mat::<f64>::from_fn(c, n, |j, i| epoch[i * c + j] - mean[j]);
            let s = &e * e.transpose();
            let tr: f64 = (0..c).map(|i| s[(i, i)]).sum();
            if tr > 0.0 && tr.is_finite() {
                cov[label] += s * faer::Scale(1.0 / tr);
                count[label] += 1;
            }
        }
        if count[0] == 0 || count[1] == 0 {
            return Err(DecodeError::Shape(
                "CSP needs trials of both classes".into(),
            ));
        }
        let c0 = &cov[0] * faer::Scale(1.0 / count[0] as f64);
        let c1 = &cov[1] * faer::Scale(1.0 / count[1] as f64);
        let composite = &c0 + &c1;
        // Whiten by the composite's Cholesky factor: M = L⁻¹ C₀ L⁻ᵀ, M v = λ v, w = L⁻ᵀ v.
        let llt = composite
            .llt(Side::Lower)
            .map_err(|_| DecodeError::Singular("the channels are linearly dependent".into()))?;
        let l = llt.L().to_owned();
        let linv = spd_lower_inverse(&l);
        let m = &linv * &c0 * linv.transpose();
        let m = Mat::from_fn(c, c, |i, j| 0.5 * (m[(i, j)] + m[(j, i)]));
        let eig = m
            .self_adjoint_eigen(Side::Lower)
            .map_err(|e| DecodeError::Singular(format!("{e:?}")))?;
        let v = eig.U();
        let s = eig.S().column_vector();
        let w = linv.transpose() * v;
        let pairs = pairs.min(c / 2).max(1);
        let keep: Vec<usize> = (0..pairs).chain((c - pairs..c).rev()).collect();
        let mut filters = Vec::with_capacity(keep.len() * c);
        for &k in &keep {
            for j in 0..c {
                filters.push(w[(j, k)]);
            }
        }
        Ok(Csp {
            filters,
            n_channels: c,
            eigenvalues: keep.iter().map(|&k| s[k]).collect(),
        })
    }

    pub fn n_components(&self) -> usize {
        self.filters.len() / self.n_channels.max(1)
    }

    /// Projects one row of channels into components.
    pub fn apply(&self, row: &[f64], out: &mut [f64]) {
        let c = self.n_channels;
        for (i, o) in out.iter_mut().enumerate() {
            *o = self.filters[i * c..(i + 1) * c]
                .iter()
                .zip(row)
                .map(|(a, b)| a * b)
                .sum();
        }
    }
}

/// Inverse of a lower-triangular matrix by forward substitution.
fn spd_lower_inverse(l: &Mat<f64>) -> Mat<f64> {
    let n = l.nrows();
    let mut inv = Mat::<f64>::zeros(n, n);
    for col in 0..n {
        for i in col..n {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for k in col..i {
                s -= l[(i, k)] * inv[(k, col)];
            }
            inv[(i, col)] = s / l[(i, i)];
        }
    }
    inv
}
