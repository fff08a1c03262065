//! Ridge regression with an intercept, as scikit-learn's `Ridge(alpha)` fits it by default:
//! features and targets are centred by their column means, `(XcᵀXc + αI) W = XcᵀYc` is solved by
//! Cholesky, and the intercept is `ȳ − x̄ᵀW`.

use faer::linalg::matmul::triangular::{self, BlockStructure};
use faer::linalg::solvers::Solve;
use faer::{Accum, Mat, Side};

use super::DecodeError;

/// A fitted ridge decoder: `y = x W + b`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ridge {
    pub alpha: f64,
    /// `n_features × n_targets`, row-major.
    pub weights: Vec<Vec<f64>>,
    pub intercept: Vec<f64>,
}

impl Ridge {
    /// Fits on `x` (`n × p`, row-major) and `y` (`n × q`, row-major).
    pub fn fit(x: &[f64], y: &[f64], n: usize, alpha: f64) -> Result<Ridge, DecodeError> {
        if n == 0 || !x.len().is_multiple_of(n) || !y.len().is_multiple_of(n) {
            return Err(DecodeError::Shape(format!(
                "features ({}) and targets ({}) must both have {n} rows",
                x.len(),
                y.len()
            )));
        }
        if !(alpha.is_finite() && alpha >= 0.0) {
            return Err(DecodeError::Shape(format!(
                "alpha must be ≥ 0, not {alpha}"
            )));
        }
        let (p, q) = (x.len() / n, y.len() / n);
        use rayon::prelude::*;
        let (xm, ym) = (super::column_means(x, p), super::column_means(y, q));
        // Xcᵀ (p × n, column-major): each column is one sample, so `x` is read in order, and
        // centred on all cores.
        let mut centred = vec![0.0; n * p];
        centred
            .par_chunks_mut(p)
            .zip(x.par_chunks(p))
            .for_each(|(c, r)| {
                for ((c, v), m) in c.iter_mut().zip(r).zip(&xm) {
                    *c = v - m;
                }
            });
        let xct = faer::MatRef::from_column_major_slice(&centred, p, n);
        let yc = Mat::<f64>::from_fn(n, q, |i, j| y[i * q + j] - ym[j]);
        // XᵀX is symmetric and Cholesky reads only its lower half: compute just that half
        // (half the work of the full product, which dominates the fit).
        let mut gram = Mat::<f64>::zeros(p, p);
        triangular::matmul(
            gram.as_mut(),
            BlockStructure::TriangularLower,
            Accum::Replace,
            &xct,
            BlockStructure::Rectangular,
            xct.transpose(),
            BlockStructure::Rectangular,
            1.0,
            faer::get_global_parallelism(),
        );
        for j in 0..p {
            gram[(j, j)] += alpha;
        }
        let rhs = xct * &yc;
        let llt = gram
            .llt(Side::Lower)
            .map_err(|e| DecodeError::Singular(format!("{e:?}")))?;
        let w = llt.solve(&rhs);
        let weights: Vec<Vec<f64>> = (0..p)
            .map(|i| (0..q).map(|j| w[(i, j)]).collect())
            .collect();
        if weights.iter().flatten().any(|v| !v.is_finite()) {
            return Err(DecodeError::Singular("non-finite weights".into()));
        }
        let intercept = (0..q)
            .map(|j| ym[j] - (0..p).map(|i| xm[i] * weights[i][j]).sum::<f64>())
            .collect();
        Ok(Ridge {
            alpha,
            weights,
            intercept,
        })
    }

    pub fn n_features(&self) -> usize {
        self.weights.len()
    }

    pub fn n_targets(&self) -> usize {
        self.intercept.len()
    }

    /// Predicts one sample.
    pub fn predict_one(&self, x: &[f64], out: &mut [f64]) {
        out.copy_from_slice(&self.intercept);
        for (xi, row) in x.iter().zip(&self.weights) {
            for (o, w) in out.iter_mut().zip(row) {
                *o += xi * w;
            }
        }
    }

    /// Predicts `n` samples (`x` row-major `n × p`), row-major `n × q`.
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        let (p, q) = (self.n_features(), self.n_targets());
        let mut out = vec![0.0; x.len() / p.max(1) * q];
        for (xr, or) in x.chunks_exact(p.max(1)).zip(out.chunks_exact_mut(q.max(1))) {
            self.predict_one(xr, or);
        }
        out
    }
}
