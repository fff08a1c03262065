"""Speed of Glia's spike-sorting work against the Python peer (NumPy + pandas), on this machine in
one run; rewrites the spikes section of BENCHMARKS.md.

    .venv/bin/python benches/compare/spikes.py                  # needs: numpy, pandas
    .venv/bin/python benches/compare/spikes.py --spikes 100000 --peer-only   # Python side only

Before a full run: `--prepare` (writes the data), build `target/release/glia`
(`cargo build --release --locked`) and, for the in-process rows, run
`cargo bench --locked --bench spikes -- --noplot` (criterion groups `raster_frame` and `psth`,
reading the same data); rows whose criterion results are absent are left out. This script runs
no cargo itself.

- Open a Kilosort/phy folder and count spikes per unit, whole process against whole process:
  `glia info FOLDER --json` against `python -c` with NumPy and pandas (`params.py` read as phylib
  reads it, `np.load` of spike_times.npy and spike_clusters.npy, times converted to seconds,
  `cluster_group.tsv` read, `pd.Series(secs).groupby(clusters).size()` printed). The folder
  (10 million spikes, 300 units, 1 h at 30 kHz, unit rates log-normal, spike_times.npy uint64
  ascending, spike_clusters.npy int32, params.py, cluster_group.tsv) is written once into the
  ignored benches/compare/out/ and reused. One warm-up run each, then the median (and best) of
  --runs runs; peak resident memory from `/usr/bin/time` in one more run of each.
- PSTH of 500 units over 1000 trials (window [-0.5, 1.0) s around each onset, 30 bins of 50 ms,
  counts over trials turned into Hz): criterion `psth/1000x500` against NumPy, one
  `np.searchsorted` per unit of every trial's 31 bin edges (the fastest NumPy form: no Python
  loop over trials), best of 5 in this process. Spikes: 500 Poisson units, rates log-normal
  (median 5 Hz), over 1000 trials 3 s apart (3000 s, ~10 M spikes), seeded.
- Raster frames: every criterion result under `raster_frame/`, as ms per frame.
"""
import argparse
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import best_of, criterion_median_secs, write_section  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
GLIA = os.path.join(ROOT, "target", "release", "glia")
CRITERION = os.path.join(ROOT, "target", "criterion")
PY = sys.executable
SR = 30000
DURATION_S = 3600

PSTH_UNITS = 500
PSTH_TRIALS = 1000
PSTH_ISI_S = 3.0
PSTH_T0, PSTH_T1, PSTH_BIN = -0.5, 1.0, 0.05

# The peer: what a user of NumPy and pandas writes to get per-unit counts from a phy folder.
PEER = r"""
import os, sys
import numpy as np, pandas as pd
d = sys.argv[1]
p = {}
exec(open(os.path.join(d, "params.py")).read(), {}, p)
secs = np.load(os.path.join(d, "spike_times.npy")).astype(np.float64) / p["sample_rate"]
clusters = np.load(os.path.join(d, "spike_clusters.npy"))
groups = pd.read_csv(os.path.join(d, "cluster_group.tsv"), sep="\t")
counts = pd.Series(secs).groupby(clusters).size()
print(counts.to_string())
"""


def make_phy(folder, n_spikes, n_units, seed=20250611):
    """A 1 h phy folder of `n_spikes` spikes in `n_units` units (non-contiguous ids), written to
    a temporary name and renamed when complete, so an interrupted run leaves no half folder."""
    rng = np.random.default_rng(seed)
    rates = rng.lognormal(mean=0.0, sigma=1.0, size=n_units)
    counts = rng.multinomial(n_spikes, rates / rates.sum())
    ids = np.sort(rng.choice(int(n_units * 4 / 3), n_units, replace=False)).astype(np.int32)
    # Given its count, a Poisson unit's spikes are uniform over the recording.
    times = rng.integers(0, DURATION_S * SR, n_spikes, dtype=np.int64)
    clusters = np.repeat(ids, counts)
    order = np.argsort(times, kind="stable")
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    np.save(os.path.join(tmp, "spike_times.npy"), times[order].astype(np.uint64))
    del times
    np.save(os.path.join(tmp, "spike_clusters.npy"), clusters[order])
    with open(os.path.join(tmp, "params.py"), "w") as f:
        f.write("dat_path = 'recording.dat'\nn_channels_dat = 384\ndtype = 'int16'\noffset = 0\n"
                f"sample_rate = {SR}.\nhp_filtered = False\n")
    labels = rng.choice(["good", "mua", "noise"], n_units, p=[0.3, 0.5, 0.2])
    with open(os.path.join(tmp, "cluster_group.tsv"), "w") as f:
        f.write("cluster_id\tgroup\n")
        for i, g in zip(ids, labels):
            f.write(f"{i}\t{g}\n")
    os.rename(tmp, folder)


def process_times(cmd, runs):
    """One warm-up run, then `runs` timed runs of a whole process: (median, best) seconds."""
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)


def peak_rss_mb(cmd):
    if not os.path.exists("/usr/bin/time"):
        return None
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(p.stderr.strip().splitlines()[-1]) / 1024


def check_glia(folder, n_spikes):
    """Fails with a clear message when the release build is missing or cannot read the folder."""
    if not os.path.exists(GLIA):
        sys.exit(f"{GLIA} is missing: build it first with `cargo build --release --locked` "
                 "(or pass --peer-only to time the Python side alone).")
    newest_src = max(os.path.getmtime(p) for p in glob.glob(os.path.join(ROOT, "src", "**", "*.rs"), recursive=True))
    if os.path.getmtime(GLIA) < newest_src:
        print(f"warning: {GLIA} is older than src/: rebuild it for current numbers", file=sys.stderr)
    p = subprocess.run([GLIA, "info", folder, "--json"], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"`glia info {folder} --json` failed (exit {p.returncode}); a release build with "
                 f"phy support is needed:\n{p.stderr.strip()}")
    try:
        info = json.loads(p.stdout)
    except json.JSONDecodeError as e:
        sys.exit(f"`glia info --json` printed no JSON ({e})")

    def numbers(v):
        if isinstance(v, dict):
            for x in v.values():
                yield from numbers(x)
        elif isinstance(v, list):
            for x in v:
                yield from numbers(x)
        elif isinstance(v, int):
            yield v

    if n_spikes not in numbers(info):
        print(f"warning: `glia info --json` reports no count of {n_spikes} spikes", file=sys.stderr)


def check_peer(folder, n_spikes, n_units):
    p = subprocess.run([PY, "-c", PEER, folder], check=True, capture_output=True, text=True)
    counts = [int(line.split()[-1]) for line in p.stdout.strip().splitlines()]
    assert len(counts) == n_units and sum(counts) == n_spikes, (len(counts), sum(counts))


def psth_data(seed=20250612):
    rng = np.random.default_rng(seed)
    span = PSTH_TRIALS * PSTH_ISI_S
    onsets = 1.0 + PSTH_ISI_S * np.arange(PSTH_TRIALS) + rng.uniform(0, 0.2, PSTH_TRIALS)
    rates = rng.lognormal(mean=np.log(5.0), sigma=0.8, size=PSTH_UNITS)
    trains = [np.sort(rng.uniform(0, span + 1.0, rng.poisson(r * (span + 1.0)))) for r in rates]
    return trains, onsets


def write_psth_data(trains, onsets):
    """The PSTH data for the criterion bench `psth/1000x500` (benches/spikes.rs), so both sides
    do the same work: every train concatenated (times.npy), their end offsets (offsets.npy),
    the onsets (onsets.npy)."""
    folder = os.path.join(OUT, f"psth_{PSTH_TRIALS}x{PSTH_UNITS}")
    if os.path.isdir(folder):
        return folder
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    np.save(os.path.join(tmp, "times.npy"), np.concatenate(trains).astype(np.float64))
    np.save(os.path.join(tmp, "offsets.npy"), np.cumsum([len(t) for t in trains]).astype(np.int64))
    np.save(os.path.join(tmp, "onsets.npy"), onsets.astype(np.float64))
    os.rename(tmp, folder)
    return folder


def numpy_psth(trains, onsets):
    """Rates (units × bins, Hz): spikes with t0 <= t - onset < t1 counted per bin, summed over
    trials. One searchsorted per unit of every trial's bin edges: counts below each edge, the
    bin counts their differences."""
    nbins = int(round((PSTH_T1 - PSTH_T0) / PSTH_BIN))
    edges = PSTH_T0 + np.arange(nbins + 1) * PSTH_BIN
    at = (onsets[:, None] + edges[None, :]).ravel()
    out = np.empty((len(trains), nbins))
    for i, t in enumerate(trains):
        below = np.searchsorted(t, at, side="left").reshape(len(onsets), nbins + 1)
        out[i] = np.diff(below, axis=1).sum(axis=0)
    return out / (len(onsets) * PSTH_BIN)


def criterion_results(group):
    """Names (`group/...`) of the criterion benches under `group` that have results."""
    paths = glob.glob(os.path.join(CRITERION, group, "**", "new", "estimates.json"), recursive=True)
    return sorted(os.path.relpath(os.path.dirname(os.path.dirname(p)), CRITERION).replace(os.sep, "/") for p in paths)


def criterion_or_none(name):
    try:
        return criterion_median_secs(name)
    except (OSError, KeyError, ValueError):
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spikes", type=int, default=10_000_000)
    ap.add_argument("--units", type=int, default=300)
    ap.add_argument("--runs", type=int, default=7, help="timed runs of each whole process (after one warm-up)")
    ap.add_argument("--peer-only", action="store_true", help="time the Python side only; BENCHMARKS.md is left alone")
    ap.add_argument("--prepare", action="store_true", help="only write the data the criterion benches read (benches/spikes.rs), then stop")
    args = ap.parse_args()
    if args.runs < 5:
        ap.error("--runs must be at least 5")

    os.makedirs(OUT, exist_ok=True)
    folder = os.path.join(OUT, f"phy_{args.spikes}spikes_{args.units}units")
    if not os.path.isdir(folder):
        t = time.perf_counter()
        make_phy(folder, args.spikes, args.units)
        print(f"wrote {folder} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    if args.prepare:
        write_psth_data(*psth_data())
        return
    if not args.peer_only:
        check_glia(folder, args.spikes)
    check_peer(folder, args.spikes, args.units)

    peer_cmd = [PY, "-c", PEER, folder]
    peer_med, peer_best = process_times(peer_cmd, args.runs)
    peer_rss = peak_rss_mb(peer_cmd)
    if not args.peer_only:
        glia_cmd = [GLIA, "info", folder, "--json"]
        glia_med, glia_best = process_times(glia_cmd, args.runs)
        glia_rss = peak_rss_mb(glia_cmd)

    trains, onsets = psth_data()
    write_psth_data(trains, onsets)
    n_psth_spikes = sum(len(t) for t in trains)
    np_psth = best_of(lambda: numpy_psth(trains, onsets), 5)

    size_mb = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)) / 1e6
    print(f"peer (python + numpy + pandas), {args.spikes:,} spikes, {args.units} units: median {peer_med * 1e3:.1f} ms, best {peer_best * 1e3:.1f} ms"
          + (f", peak {peer_rss:.0f} MB" if peer_rss else ""))
    print(f"numpy PSTH {PSTH_UNITS} units x {PSTH_TRIALS} trials ({n_psth_spikes:,} spikes): best {np_psth * 1e3:.1f} ms")
    if args.peer_only:
        return
    print(f"glia info --json: median {glia_med * 1e3:.1f} ms, best {glia_best * 1e3:.1f} ms" + (f", peak {glia_rss:.0f} MB" if glia_rss else ""))

    lines = [
        "<!-- generated by benches/compare/spikes.py: do not edit by hand -->",
        f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores, {platform.machine()}, no GPU: wgpu uses Mesa lavapipe), all numbers from the same run.",
        "",
        "| work | peer | Glia | peer time | Glia speed-up |",
        "|---|---|---|---|---|",
        f"| Open a Kilosort/phy folder and count spikes per unit, {args.spikes:,} spikes × {args.units} units, 1 h at 30 kHz (whole process, median of {args.runs}) "
        f"| python + NumPy `np.load` + pandas `groupby(clusters).size()` | {glia_med * 1e3:.1f} ms | {peer_med * 1e3:.1f} ms | **{peer_med / glia_med:.1f}×** |",
    ]
    glia_psth = criterion_or_none(f"psth/{PSTH_TRIALS}x{PSTH_UNITS}")
    if glia_psth is not None:
        lines.append(
            f"| PSTH, {PSTH_UNITS} units × {PSTH_TRIALS} trials, 1.5 s window, 50 ms bins ({n_psth_spikes / 1e6:.0f} M spikes, in-process) "
            f"| NumPy `np.searchsorted` per unit | {glia_psth * 1e3:.1f} ms | {np_psth * 1e3:.1f} ms | **{np_psth / glia_psth:.1f}×** |")
    lines += [
        "",
        f"Best of {args.runs}: Glia {glia_best * 1e3:.0f} ms, python {peer_best * 1e3:.0f} ms (page cache warm; the folder holds {size_mb:.0f} MB).",
    ]
    if glia_rss and peer_rss:
        lines.append(f"Peak resident memory: Glia {glia_rss:.0f} MB, python {peer_rss:.0f} MB.")
    rasters = [(n, criterion_or_none(n)) for n in criterion_results("raster_frame")]
    rasters = [(n, s) for n, s in rasters if s is not None]
    if rasters:
        lines += ["", "| raster frame (criterion, software adapter) | ms per frame | frames per second |", "|---|---|---|"]
        for n, s in rasters:
            lines.append(f"| `{n}` | {s * 1e3:.1f} | {1 / s:.0f} |")
    others = [n for n in criterion_results("psth") if n != f"psth/{PSTH_TRIALS}x{PSTH_UNITS}"]
    others = [(n, criterion_or_none(n)) for n in others]
    others = [(n, s) for n, s in others if s is not None]
    if others:
        lines += ["", "Other PSTH benches (criterion, in-process): " + ", ".join(f"`{n}` {s * 1e3:.2f} ms" for n, s in others) + "."]
    write_section(lines, "<!-- generated by benches/compare/spikes.py", "<!-- end generated spikes -->")


if __name__ == "__main__":
    main()
