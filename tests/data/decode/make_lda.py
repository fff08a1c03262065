"""Shrinkage-LDA fixture for tests/decode.rs: features, labels and what scikit-learn 1.9.1's
`LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")` (priors from the class counts)
computes from them. Seeded; run with .venv/bin/python (see REFERENCE_LDA.md for the recipe).

Multiclass, `lda_*`: 3 classes (labels 0, 1, 2; 100, 80 and 60 samples, shuffled), 240 × 12.
Binary, `lda2_*`: 2 classes (labels 0, 1; 90 and 70 samples, shuffled), 160 × 6.
Both have class means that differ, a strongly correlated pair of features (r ≈ 0.97 within a
class), other features mixed, and column scales from 0.5 to 100 (so the per-class
standardisation in scikit-learn's shrinkage path matters).

Files (all .npy, little-endian):
- `{p}_x.npy`         float64, n × p: the features
- `{p}_y.npy`         int64, (n,): the labels
- `{p}_proba.npy`     float64, n × k: `predict_proba(x)` (binary: k = 2, columns [1 − σ, σ])
- `{p}_coef.npy`      float64, `coef_`: k × p (binary: 1 × p, class 1 minus class 0)
- `{p}_intercept.npy` float64, `intercept_`: (k,) (binary: (1,))
- `{p}_cov.npy`       float64, p × p: `covariance_`, Σ_k prior_k · (class k's shrunk covariance)
- `{p}_shrinkage.npy` float64, (k,): each class's Ledoit–Wolf shrinkage (not stored by
                      scikit-learn: recomputed as `ledoit_wolf(StandardScaler().fit_transform(X_k))[1]`)

The script also recomputes everything from the recipe in REFERENCE_LDA.md with NumPy alone and
checks it against scikit-learn.
"""
import os

import numpy as np
import scipy.special
import sklearn
from sklearn.covariance import ledoit_wolf
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.preprocessing import StandardScaler

here = os.path.dirname(os.path.abspath(__file__))


def make(rng, counts, p, scales, sep):
    """Class-shifted correlated Gaussians: columns 0 and 1 strongly correlated, the rest mixed,
    class means `sep` × N(0, 1) apart per feature (so the classes overlap and the probabilities
    are not saturated), then every column scaled by `scales` and offset."""
    n = sum(counts)
    y = np.repeat(np.arange(len(counts)), counts)
    mix = np.eye(p) + 0.3 * rng.normal(size=(p, p))
    z = rng.normal(size=(n, p)) @ mix
    z[:, 1] = 0.97 * z[:, 0] + 0.25 * rng.normal(size=n)
    means = sep * rng.normal(size=(len(counts), p))
    x = (z + means[y]) * scales + rng.normal(size=p) * scales
    order = rng.permutation(n)
    return np.ascontiguousarray(x[order]), y[order].astype(np.int64)


def recipe(x, y):
    """REFERENCE_LDA.md, step by step, with NumPy alone."""
    classes = np.unique(y)
    n, p = x.shape
    priors = np.array([np.sum(y == c) for c in classes]) / n
    means = np.array([x[y == c].mean(axis=0) for c in classes])
    cov = np.zeros((p, p))
    shrinks = []
    for k, c in enumerate(classes):
        xk = x[y == c]
        nk = len(xk)
        m = xk.mean(axis=0)
        sd = np.sqrt(((xk - m) ** 2).mean(axis=0))  # ddof 0
        sd[sd == 0] = 1.0
        z = (xk - m) / sd
        z = z - z.mean(axis=0)  # LedoitWolf.fit centres again (a no-op up to rounding)
        s = z.T @ z / nk  # empirical covariance, divided by n_k
        mu = np.trace(s) / p
        z2 = z ** 2
        beta_ = np.sum(z2.T @ z2)
        delta_ = np.sum((z.T @ z) ** 2) / nk ** 2
        beta = (beta_ / nk - delta_) / (p * nk)
        delta = (delta_ - 2.0 * mu * np.sum(z2.sum(axis=0) / nk) + p * mu ** 2) / p
        beta = min(beta, delta)
        a = 0.0 if beta == 0 else beta / delta
        shrinks.append(a)
        shrunk = (1.0 - a) * s + a * mu * np.eye(p)
        cov += priors[k] * (sd[:, None] * shrunk * sd[None, :])
    coef = np.linalg.solve(cov, means.T).T
    intercept = -0.5 * np.sum(means * coef, axis=1) + np.log(priors)
    if len(classes) == 2:
        coef = (coef[1] - coef[0])[None, :]
        intercept = np.array([intercept[1] - intercept[0]])
        d = x @ coef[0] + intercept[0]
        s1 = 1.0 / (1.0 + np.exp(-d))
        proba = np.stack([1.0 - s1, s1], axis=1)
    else:
        d = x @ coef.T + intercept
        e = np.exp(d - d.max(axis=1, keepdims=True))
        proba = e / e.sum(axis=1, keepdims=True)
    return coef, intercept, cov, np.array(shrinks), proba


def fixture(prefix, x, y):
    lda = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto").fit(x, y)
    proba = lda.predict_proba(x)
    shrinks = np.array([ledoit_wolf(StandardScaler().fit_transform(x[y == c]))[1] for c in lda.classes_])
    for name, a in (("x", x), ("y", y), ("proba", proba), ("coef", lda.coef_), ("intercept", lda.intercept_),
                    ("cov", lda.covariance_), ("shrinkage", shrinks)):
        np.save(os.path.join(here, f"{prefix}_{name}.npy"), a)
    coef, intercept, cov, my_shrinks, my_proba = recipe(x, y)
    print(f"sklearn {sklearn.__version__} {prefix}: {x.shape[0]}×{x.shape[1]}, priors {np.round(lda.priors_, 4).tolist()}, "
          f"per-class Ledoit-Wolf shrinkage {shrinks.tolist()}")
    print(f"  coef_ {lda.coef_.shape}, intercept_ {lda.intercept_.tolist()}")
    for what, mine, theirs in (("shrinkage", my_shrinks, shrinks), ("covariance_", cov, lda.covariance_),
                               ("coef_", coef, lda.coef_), ("intercept_", intercept, lda.intercept_),
                               ("predict_proba", my_proba, proba)):
        err = np.max(np.abs(mine - theirs) / np.maximum(np.abs(theirs), 1e-300))
        print(f"  recipe vs sklearn {what}: max relative difference {err:.1e}")
        assert np.allclose(mine, theirs, rtol=1e-9, atol=1e-12), what
    ratio = x.std(axis=0).max() / x.std(axis=0).min()
    print(f"  training accuracy {np.mean(lda.classes_[proba.argmax(1)] == y):.3f}, smallest probability {proba.min():.2e}")
    print(f"  column scale ratio {ratio:.0f}, within-class r(0, 1) {np.corrcoef(x[y == 0][:, :2].T)[0, 1]:.3f}")


rng = np.random.default_rng(61)
fixture("lda", *make(rng, [100, 80, 60], 12, np.array([1.0, 1.0, 100.0, 0.5, 3.0, 1.0, 50.0, 1.0, 0.8, 2.0, 1.0, 100.0]), 0.4))
fixture("lda2", *make(rng, [90, 70], 6, np.array([1.0, 1.0, 100.0, 0.5, 2.0, 1.0]), 0.2))
