"""Ridge fixture: features, targets and scikit-learn's predictions (Ridge(alpha), intercept
fitted as by default), for tests/decode.rs. Seeded; run with .venv/bin/python."""
import os
import numpy as np
import sklearn
from sklearn.linear_model import Ridge

here = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(6)
n, p, q = 400, 24, 2
x = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(size=p)
w = rng.normal(size=(p, q))
y = x @ w + 0.3 * rng.normal(size=(n, q)) + np.array([2.0, -1.0])
np.save(os.path.join(here, "ridge_x.npy"), x)
np.save(os.path.join(here, "ridge_y.npy"), y)
for alpha in (0.1, 10.0):
    m = Ridge(alpha=alpha).fit(x, y)
    np.save(os.path.join(here, f"ridge_pred_alpha{alpha:g}.npy"), m.predict(x))
    print(f"sklearn {sklearn.__version__} alpha={alpha}: intercept {m.intercept_.tolist()}")
