"""Writes large EDF files for the recording benchmarks (valid EDF, 16-bit, 1 s records):

    make_big_edf.py OUT.edf N_CHANNELS RATE_HZ SECONDS

Each channel is a 10 Hz sine with a channel-dependent phase plus deterministic noise, in µV
(physical range ±3276.8 µV). Records are written in blocks so memory stays small; a 10 GB file
takes about a minute on a fast disk.
"""
import os
import sys

import numpy as np


def header(n_ch, rate, n_records):
    def f(s, n):
        s = str(s)
        assert len(s) <= n, (s, n)
        return s.ljust(n).encode("ascii")

    h = f("0", 8) + f("X X X X", 80) + f("Startdate 01-JAN-2026 X X X", 80)
    h += f("01.01.26", 8) + f("00.00.00", 8) + f(256 * (n_ch + 1), 8) + f("", 44)
    h += f(n_records, 8) + f(1, 8) + f(n_ch, 4)
    labels = [f"EEG {i:03d}" for i in range(n_ch)]
    h += b"".join(f(l, 16) for l in labels)
    h += b"".join(f("AgAgCl electrode", 80) for _ in labels)
    h += b"".join(f("uV", 8) for _ in labels)
    h += b"".join(f("-3276.8", 8) for _ in labels)
    h += b"".join(f("3276.7", 8) for _ in labels)
    h += b"".join(f("-32768", 8) for _ in labels)
    h += b"".join(f("32767", 8) for _ in labels)
    h += b"".join(f("HP:0.1Hz LP:100Hz", 80) for _ in labels)
    h += b"".join(f(rate, 8) for _ in labels)
    h += b"".join(f("", 32) for _ in labels)
    assert len(h) == 256 * (n_ch + 1)
    return h


def main():
    out, n_ch, rate, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    block = 60  # records per write
    rng = np.random.default_rng(0)
    t = np.arange(block * rate) / rate
    phase = np.linspace(0, 2 * np.pi, n_ch, endpoint=False)[:, None]
    # 20 µV alpha-like sine plus ~10 µV noise, in digital units of 0.1 µV.
    base = (200 * np.sin(2 * np.pi * 10 * t[None, :] + phase)).astype(np.int16)
    noise = rng.integers(-100, 100, size=(n_ch, block * rate), dtype=np.int16)
    data = base + noise
    # (records, channels, samples) in file order.
    records = data.reshape(n_ch, block, rate).transpose(1, 0, 2).copy()
    with open(out, "wb") as fh:
        fh.write(header(n_ch, rate, secs))
        written = 0
        while written < secs:
            n = min(block, secs - written)
            fh.write(records[:n].tobytes())
            written += n
    print(f"{out}: {os.path.getsize(out) / 1e9:.2f} GB, {n_ch} channels, {rate} Hz, {secs} s")


if __name__ == "__main__":
    main()
