#!/usr/bin/env python3
"""Reference numbers for tests/recordings.rs, from SciPy 1.17.1 and NumPy 2.4.6 on pyedflib
0.1.42 (Python 3.11.7).

    .venv/bin/python tests/data/recordings/reference_export.py > /tmp/reference.rs

Reads test_generator.edf with pyedflib (physical values in uV, converted to volts as Glia reads
them: x_uV * 1e-6) and prints Rust constants:

- EXPORT_FILTERED: what `glia export --channels "sine 8 Hz,noise" --start 2 --duration 10
  --filter 1-40 --notch 50` must write: samples 400..2400 of each channel, filtered with
  `sosfiltfilt(sos, x[400:2400])` where `sos` is `butter(4, [1, 40], "bandpass", fs=200,
  output="sos")` followed by `tf2sos(*iirnotch(50, 30, fs=200))` (100 Hz, the second harmonic,
  is not below Nyquist, so it is left out);
- EXPORT_AVERAGE: the same stretch with `--reference average` and no filter: each channel minus
  the mean, at each sample, of all 11 channels (Glia types every channel of this file as EEG:
  their labels and transducers name no other kind and their unit is a voltage; none is bad);
- CSV_HEADER and CSV_RAW: the CSV header fields of `--start 2 --duration 0.02` (Python's repr of
  2 + k/200 is the shortest round-trip text, as Rust prints an f64; Rust drops the ".0" of 2.0)
  and the raw samples 400..404 of "sine 8 Hz" and "noise";
- SESSION_WHOLE: band-pass 1-40 Hz over the whole "noise" and "sine 8 Hz" channels,
  `sosfiltfilt(butter(4, [1, 40], "bandpass", fs=200, output="sos"), x)[60000:62000]`, with
  the stretch's standard deviation (np.std);
- SESSION_STRETCH: the same filter over exactly the stretch, `sosfiltfilt(sos, x[60000:62000])`;
- SINE_WINDOW: for "sine 8 Hz" over the browser window 100-110 s: the mean of samples
  20000..22002 (what the browser removes as DC: the window plus the two samples it reads past
  it) and the largest and smallest of samples 20000..22000 (those drawn), in volts.

- AUTO_SCALE_MEDIAN_UV: the row spacing Glia picks (`auto_scale`): the median over channels of
  the 2-98 % range (nearest rank below, as Glia sorts and indexes) of their first 10 s, in uV,
  leaving out ranges of 0; Glia rounds it up to 1, 2 or 5 x 10^n.

Each reference is (channel, (index, value) probes, sum, sum of |y|, sum of squares, standard
deviation); sums are plain float64 sums (np.sum), the standard deviation is np.std.
"""
import os

import numpy as np
import pyedflib
import scipy
import scipy.signal as ss

HERE = os.path.dirname(os.path.abspath(__file__))
FS = 200.0
PROBES = [0, 1, 2, 250, 777, 1000, 1499, 1997, 1998, 1999]


def f64(v):
    r = repr(float(v))
    return r if ("." in r or "e" in r or "inf" in r or "nan" in r) else r + ".0"


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def reference(name, y):
    probes = "".join(f"            ({i}, {f64(y[i])}),\n" for i in PROBES)
    return (
        f"    Expected {{\n"
        f"        channel: {rust_str(name)},\n"
        f"        probes: &[\n{probes}        ],\n"
        f"        sum: {f64(np.sum(y))},\n"
        f"        sum_abs: {f64(np.sum(np.abs(y)))},\n"
        f"        sum_sq: {f64(np.sum(y * y))},\n"
        f"        std: {f64(np.std(y))},\n"
        f"    }},"
    )


def main():
    f = pyedflib.EdfReader(os.path.join(HERE, "test_generator.edf"))
    names = [f.getLabel(i) for i in range(f.signals_in_file)]
    data = np.array([f.readSignal(i) for i in range(f.signals_in_file)]) * 1e-6
    f.close()
    index = {n: i for i, n in enumerate(names)}
    print(f"// SciPy {scipy.__version__}, NumPy {np.__version__}, pyedflib 0.1.42")

    band = ss.butter(4, [1, 40], "bandpass", fs=FS, output="sos")
    b, a = ss.iirnotch(50.0, 30.0, fs=FS)
    with_notch = np.vstack([band, ss.tf2sos(b, a)])
    print("const EXPORT_FILTERED: [Expected; 2] = [")
    for name in ["sine 8 Hz", "noise"]:
        print(reference(name, ss.sosfiltfilt(with_notch, data[index[name], 400:2400])))
    print("];")

    average = data[:, 400:2400].mean(axis=0)
    print("const EXPORT_AVERAGE: [Expected; 2] = [")
    for name in ["sine 8 Hz", "noise"]:
        print(reference(name, data[index[name], 400:2400] - average))
    print("];")

    header = ["channel"] + [repr(2.0 + k / FS) for k in range(4)]
    header = [h[:-2] if h.endswith(".0") else h for h in header]
    print("const CSV_HEADER: [&str; 5] = [" + ", ".join(rust_str(h) for h in header) + "];")
    print("const CSV_RAW: [(&str, [f64; 4]); 2] = [")
    for name in ["sine 8 Hz", "noise"]:
        v = "".join(f"            {f64(x)},\n" for x in data[index[name], 400:404])
        print(f"    (\n        {rust_str(name)},\n        [\n{v}        ],\n    ),")
    print("];")

    print("const SESSION_WHOLE: [Expected; 2] = [")
    for name in ["noise", "sine 8 Hz"]:
        print(reference(name, ss.sosfiltfilt(band, data[index[name]])[60000:62000]))
    print("];")
    print("const SESSION_STRETCH: [Expected; 2] = [")
    for name in ["noise", "sine 8 Hz"]:
        print(reference(name, ss.sosfiltfilt(band, data[index[name], 60000:62000])))
    print("];")

    ranges = []
    for c in range(len(names)):
        x = np.sort(data[c, :2000])
        q = lambda p: x[int((len(x) - 1) * p)]
        r = (q(0.98) - q(0.02)) * 1e6
        if r > 0:
            ranges.append(r)
    ranges.sort()
    print(f"const AUTO_SCALE_MEDIAN_UV: f64 = {f64(ranges[len(ranges) // 2])};")

    x = data[index["sine 8 Hz"]]
    print(
        f"/// (mean of samples 20000..22002, max and min of samples 20000..22000), volts.\n"
        f"const SINE_WINDOW: (f64, f64, f64) = (\n"
        f"    {f64(np.mean(x[20000:22002]))},\n"
        f"    {f64(np.max(x[20000:22000]))},\n"
        f"    {f64(np.min(x[20000:22000]))},\n);"
    )


if __name__ == "__main__":
    main()
