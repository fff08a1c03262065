"""Times SciPy's zero-phase band-pass on the input of Glia's `filter/sosfiltfilt_bandpass_64ch_1h`
benchmark (`benches/filter.rs`): `butter(4, [1, 40], 'bandpass', fs=512, output='sos')` applied
with `scipy.signal.sosfiltfilt(sos, x, axis=-1)` to 64 channels × 1 h at 512 Hz, float64
(1,843,200 samples per channel, 944 MB).

    .venv/bin/python benches/compare/filter.py [repeats]      # default 3 runs

Channel c, as the Rust benchmark generates it:
    x_c[n] = (1 + 0.01·c)·(sin(2π·10·n/fs) + 0.5·sin(2π·60·n/fs)) + 0.1·(((7919·n + 104729·c) mod 1000)/1000 − 0.5)

Prints one JSON object on stdout: `scipy_sosfiltfilt_64ch_1h_s` is the median of the runs,
`scipy_sosfiltfilt_64ch_1h_best_s` the fastest (the peer's most favourable number, which
`run.py` reports), `runs_s` all of them. Progress goes to stderr. Needs ~4 GB of memory (SciPy
pads, filters and reverses copies of the array).
"""
import json
import statistics
import sys
import time

import numpy as np
import scipy
from scipy import signal

FS = 512.0
CHANNELS = 64
N_SAMPLES = 3600 * 512


def channels(n_samples):
    i = np.arange(n_samples, dtype=np.int64)
    t = i.astype(np.float64)
    tones = np.sin(2.0 * np.pi * 10.0 * t / FS) + 0.5 * np.sin(2.0 * np.pi * 60.0 * t / FS)
    x = np.empty((CHANNELS, n_samples))
    for c in range(CHANNELS):
        hash_ = (i * 7919 + c * 104729) % 1000
        x[c] = (1.0 + 0.01 * c) * tones + 0.1 * (hash_ / 1000.0 - 0.5)
    return x


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sos = signal.butter(4, [1, 40], "bandpass", fs=FS, output="sos")
    x = channels(N_SAMPLES)
    runs = []
    for k in range(repeats):
        start = time.perf_counter()
        y = signal.sosfiltfilt(sos, x, axis=-1)
        runs.append(time.perf_counter() - start)
        print(f"run {k + 1}/{repeats}: {runs[-1]:.2f} s", file=sys.stderr)
        del y
    print(json.dumps({
        "scipy_sosfiltfilt_64ch_1h_s": statistics.median(runs),
        "scipy_sosfiltfilt_64ch_1h_best_s": min(runs),
        "runs_s": runs,
        "shape": list(x.shape),
        "scipy": scipy.__version__,
        "numpy": np.__version__,
    }))


if __name__ == "__main__":
    main()
