//! The Kalman filter decoder of Wu et al. (2003, "Neural decoding of cursor motion using a
//! Kalman filter", NIPS 15), fitted by least squares from calibration data.
//!
//! The state `x` is what is decoded (e.g. hand position and velocity), the observation `z` the
//! features (e.g. binned spike counts). Both are centred by their calibration means, so no
//! constant term is needed:
//!
//! - `x[k+1] = A x[k] + w`, `w ~ N(0, W)`: `A = X₂X₁ᵀ(X₁X₁ᵀ)⁻¹`, `W` the residuals' covariance;
//! - `z[k] = H x[k] + q`, `q ~ N(0, Q)`: `H = ZXᵀ(XXᵀ)⁻¹`, `Q` the residuals' covariance.
//!
//! Each step is computed in information form, `P = (P⁻⁻¹ + HᵀQ⁻¹H)⁻¹`,
//! `x = x⁻ + P HᵀQ⁻¹ (z − H x⁻)`, so that with `d` states and `p` features a step costs
//! `O(d·p + d³)` instead of inverting a `p × p` innovation covariance. With `steady_state`, the
//! gain is iterated to convergence once at fit time and each step is two small products.

use faer::linalg::solvers::Solve;
use faer::{Mat, Side};

use super::DecodeError;

/// A fitted Kalman decoder and its running state.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Kalman {
    /// `d × d`, row-major.
    pub a: Vec<f64>,
    pub w: Vec<f64>,
    /// `p × d`, row-major.
    pub h: Vec<f64>,
    /// `Hᵀ Q⁻¹`, `d × p`, row-major.
    pub ht_qinv: Vec<f64>,
    /// `Hᵀ Q⁻¹ H`, `d × d`.
    pub ht_qinv_h: Vec<f64>,
    pub x_mean: Vec<f64>,
    pub z_mean: Vec<f64>,
    /// The converged gain (`d × p`), when fitted with `steady_state`.
    pub steady_gain: Option<Vec<f64>>,
    #[serde(skip)]
    state: Option<(Vec<f64>, Vec<f64>)>,
}

fn mat(rows: usize, cols: usize, v: &[f64]) -> Mat<f64> {
    Mat::from_fn(rows, cols, |i, j| v[i * cols + j])
}

fn flat(m: &Mat<f64>) -> Vec<f64> {
    (0..m.nrows())
        .flat_map(|i| (0..m.ncols()).map(move |j| (i, j)))
        .map(|(i, j)| m[(i, j)])
        .collect()
}

/// Inverse of a symmetric positive definite matrix (see [`spd_solve`]).
pub(crate) fn spd_inverse(m: &Mat<f64>) -> Result<Mat<f64>, DecodeError> {
    spd_solve(m, &Mat::<f64>::identity(m.nrows(), m.nrows()))
}

/// Solves `G B = C` for `B` with `G` symmetric positive definite, by Cholesky, with a little
/// diagonal loading if that fails (a feature that never varied in calibration, say).
fn spd_solve(g: &Mat<f64>, c: &Mat<f64>) -> Result<Mat<f64>, DecodeError> {
    let n = g.nrows();
    let scale = (0..n).map(|i| g[(i, i)].abs()).sum::<f64>() / n.max(1) as f64;
    let mut load = 0.0;
    for _ in 0..6 {
        let mut a = g.clone();
        for i in 0..n {
            a[(i, i)] += load;
        }
        if let Ok(llt) = a.llt(Side::Lower) {
            let b = llt.solve(c);
            if (0..b.nrows()).all(|i| (0..b.ncols()).all(|j| b[(i, j)].is_finite())) {
                return Ok(b);
            }
        }
        load = if load == 0.0 {
            scale.max(1e-12) * 1e-9
        } else {
            load * 100.0
        };
    }
    Err(DecodeError::Singular(
        "a covariance is not positive definite".into(),
    ))
}

impl Kalman {
    /// Fits on states `x` (`n × d`) and features `z` (`n × p`), both row-major and in time order
    /// (consecutive rows are consecutive steps).
    pub fn fit(x: &[f64], z: &[f64], n: usize, steady_state: bool) -> Result<Kalman, DecodeError> {
        if n < 3 || !x.len().is_multiple_of(n) || !z.len().is_multiple_of(n) {
            return Err(DecodeError::Shape(format!(
                "a Kalman filter needs at least 3 time steps with states and features for each \
                 ({n} steps, {} state values, {} feature values)",
                x.len(),
                z.len()
            )));
        }
        let (d, p) = (x.len() / n, z.len() / n);
        let (xm, zm) = (super::column_means(x, d), super::column_means(z, p));
        // Columns are time steps, as in Wu et al.
        let xs = Mat::<f64>::from_fn(d, n, |i, k| x[k * d + i] - xm[i]);
        let zs = Mat::<f64>::from_fn(p, n, |i, k| z[k * p + i] - zm[i]);
        let x1 = xs.subcols(0, n - 1);
        let x2 = xs.subcols(1, n - 1);
        // A = X2 X1ᵀ (X1 X1ᵀ)⁻¹  ⇔  (X1 X1ᵀ) Aᵀ = X1 X2ᵀ
        let g1 = x1 * x1.transpose();
        let at = spd_solve(&g1, &(x1 * x2.transpose()))?;
        let a = at.transpose().to_owned();
        let r = x2 - &a * x1;
        let w = (&r * r.transpose()) * faer::Scale(1.0 / (n - 1) as f64);
        // H = Z Xᵀ (X Xᵀ)⁻¹  ⇔  (X Xᵀ) Hᵀ = X Zᵀ
        let g = &xs * xs.transpose();
        let ht = spd_solve(&g, &(&xs * zs.transpose()))?;
        let h = ht.transpose().to_owned();
        let rq = &zs - &h * &xs;
        let mut q = (&rq * rq.transpose()) * faer::Scale(1.0 / n as f64);
        // A feature that is constant in calibration has zero variance: load the diagonal a
        // little so Q is invertible (and such a feature is then trusted least).
        let tr = (0..p).map(|i| q[(i, i)]).sum::<f64>() / p.max(1) as f64;
        for i in 0..p {
            q[(i, i)] += 1e-6 * tr.max(1e-12);
        }
        let qinv = spd_inverse(&q)?;
        let ht_qinv = h.transpose() * &qinv;
        let ht_qinv_h = &ht_qinv * &h;
        let mut k = Kalman {
            a: flat(&a),
            w: flat(&w),
            h: flat(&h),
            ht_qinv: flat(&ht_qinv),
            ht_qinv_h: flat(&ht_qinv_h),
            x_mean: xm,
            z_mean: zm,
            steady_gain: None,
            state: None,
        };
        if k.a
            .iter()
            .chain(&k.h)
            .chain(&k.ht_qinv)
            .any(|v| !v.is_finite())
        {
            return Err(DecodeError::Singular("non-finite model".into()));
        }
        if steady_state {
            k.steady_gain = Some(k.converge()?);
        }
        Ok(k)
    }

    pub fn n_states(&self) -> usize {
        self.x_mean.len()
    }

    pub fn n_features(&self) -> usize {
        self.z_mean.len()
    }

    /// One covariance update: prior `P⁻ = A P Aᵀ + W`, posterior `(P⁻⁻¹ + HᵀQ⁻¹H)⁻¹`.
    fn covariance_step(&self, p: &Mat<f64>) -> Result<Mat<f64>, DecodeError> {
        let d = self.n_states();
        let a = mat(d, d, &self.a);
        let prior = &a * p * a.transpose() + mat(d, d, &self.w);
        let info = spd_inverse(&prior)? + mat(d, d, &self.ht_qinv_h);
        spd_inverse(&info)
    }

    /// Iterates the covariance to its fixed point and returns the gain `P HᵀQ⁻¹`.
    fn converge(&self) -> Result<Vec<f64>, DecodeError> {
        let d = self.n_states();
        let mut p = mat(d, d, &self.w);
        for _ in 0..5000 {
            let next = self.covariance_step(&p)?;
            let change = (0..d)
                .flat_map(|i| (0..d).map(move |j| (i, j)))
                .map(|(i, j)| (next[(i, j)] - p[(i, j)]).abs())
                .fold(0.0, f64::max);
            let size = (0..d).map(|i| next[(i, i)].abs()).fold(0.0, f64::max);
            p = next;
            if change <= 1e-12 * size.max(1e-300) {
                break;
            }
        }
        Ok(flat(&(&p * mat(d, self.n_features(), &self.ht_qinv))))
    }

    /// Back to the calibration mean with the process noise as uncertainty.
    pub fn reset(&mut self) {
        self.state = None;
    }

    /// One step: takes the features of this time step, writes the decoded state.
    pub fn step(&mut self, z: &[f64], out: &mut [f64]) -> Result<(), DecodeError> {
        let (d, p) = (self.n_states(), self.n_features());
        let (x, cov) = self
            .state
            .take()
            .unwrap_or_else(|| (vec![0.0; d], self.w.clone()));
        // x⁻ = A x
        let prior: Vec<f64> = (0..d)
            .map(|i| (0..d).map(|j| self.a[i * d + j] * x[j]).sum())
            .collect();
        // innovation ν = (z − z̄) − H x⁻
        let mut nu = vec![0.0; p];
        for i in 0..p {
            let hx: f64 = (0..d).map(|j| self.h[i * d + j] * prior[j]).sum();
            nu[i] = z[i] - self.z_mean[i] - hx;
        }
        let mut post = prior.clone();
        let new_cov = if let Some(k) = &self.steady_gain {
            for i in 0..d {
                post[i] += k[i * p..(i + 1) * p]
                    .iter()
                    .zip(&nu)
                    .map(|(a, b)| a * b)
                    .sum::<f64>();
            }
            cov
        } else {
            let pm = self.covariance_step(&mat(d, d, &cov))?;
            let mut g = vec![0.0; d];
            for (i, gi) in g.iter_mut().enumerate() {
                *gi = self.ht_qinv[i * p..(i + 1) * p]
                    .iter()
                    .zip(&nu)
                    .map(|(a, b)| a * b)
                    .sum::<f64>();
            }
            for i in 0..d {
                post[i] += (0..d).map(|j| pm[(i, j)] * g[j]).sum::<f64>();
            }
            flat(&pm)
        };
        for i in 0..d {
            out[i] = post[i] + self.x_mean[i];
        }
        self.state = Some((post, new_cov));
        Ok(())
    }

    /// Decodes a sequence of `n` steps from rest (`z` row-major `n × p`), row-major `n × d`.
    pub fn decode(&mut self, z: &[f64]) -> Result<Vec<f64>, DecodeError> {
        let (d, p) = (self.n_states(), self.n_features().max(1));
        self.reset();
        let mut out = vec![0.0; z.len() / p * d];
        for (zr, or) in z.chunks_exact(p).zip(out.chunks_exact_mut(d.max(1))) {
            self.step(zr, or)?;
        }
        self.reset();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A known linear-Gaussian system: the fit recovers A and H, and the filter tracks the state
    /// better than the observations alone would.
    #[test]
    fn recovers_a_known_system() {
        let mut rng = crate::sim::SplitMix::new(3);
        let n = 20000;
        let (d, p) = (2, 6);
        let a_true = [0.95, 0.1, -0.1, 0.95];
        let h_true: Vec<f64> = (0..p * d).map(|_| rng.range(-1.0, 1.0)).collect();
        let mut x = vec![0.0; n * d];
        let mut z = vec![0.0; n * p];
        let mut s = [0.0, 0.0];
        for k in 0..n {
            let s2 = [
                a_true[0] * s[0] + a_true[1] * s[1] + 0.3 * rng.normal(),
                a_true[2] * s[0] + a_true[3] * s[1] + 0.3 * rng.normal(),
            ];
            s = s2;
            x[k * d..k * d + 2].copy_from_slice(&s);
            for i in 0..p {
                z[k * p + i] = h_true[i * d] * s[0] + h_true[i * d + 1] * s[1] + rng.normal();
            }
        }
        for steady in [false, true] {
            let mut k = Kalman::fit(&x, &z, n, steady).unwrap();
            for (a, b) in k.a.iter().zip(&a_true) {
                assert!((a - b).abs() < 0.02, "A {:?}", k.a);
            }
            for (a, b) in k.h.iter().zip(&h_true) {
                assert!((a - b).abs() < 0.05, "H {:?} vs {h_true:?}", k.h);
            }
            let xhat = k.decode(&z).unwrap();
            let err: f64 = xhat.iter().zip(&x).map(|(a, b)| (a - b).powi(2)).sum();
            let var: f64 = x.iter().map(|v| v * v).sum();
            assert!(err / var < 0.3, "relative error {}", err / var);
        }
    }
}
