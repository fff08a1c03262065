#!/usr/bin/env python3
"""Writes the small spike-sorting fixtures in this folder (seeded, deterministic), copies the two
real text spike-train files next to them, then prints the reference numbers of the spike tests
(NumPy, pandas and SciPy straight from the written files) and saves them as REFERENCE.md.

    .venv/bin/python tests/data/spikes/make_fixtures.py        # needs numpy, scipy, pandas

What it writes (sample rate 30 kHz throughout):

- `phy/`: a Kilosort/phy output folder: `params.py` (as Kilosort writes it), `spike_times.npy`
  (uint64 sample indices, shape (N,), ascending, with a few sample indices shared by clusters 11
  and 12), `spike_clusters.npy` (int32, cluster ids 0, 2, 3, 7, 11, 12, 40; cluster 40 has one
  spike), `spike_templates.npy` (uint32, the templates before curation: cluster 2 is the merge
  of templates 1 and 2, cluster 7 of 6 and 7, clusters 11 and 12 are the split of template 9,
  cluster 40 is template 5), `amplitudes.npy` (float64), `channel_positions.npy` (float64
  (32, 2), µm, a two-column probe 20 µm per row), `cluster_group.tsv` (labels for 0, 2, 3, 7, 11)
  and `cluster_info.tsv` (every cluster; `group` empty for 7 and 12, "good" for 3 where
  cluster_group.tsv says "mua": cluster_group.tsv wins, as in phy; 40 labelled only here).
- `phy_templates/`: the same spikes as older Kilosort writes them: no spike_clusters.npy (units are
  templates), spike_times.npy int64 of shape (N, 1), no cluster_*.tsv.
- Corrupt folders, each a complete phy folder of the first SMALL_N spikes of `phy/` (so that the
  whole fixture stays small) with exactly one defect: `phy_bad_lengths/` (spike_clusters one
  element shorter), `phy_unsorted/` (spike_times elements 10 and SMALL_N - 10 swapped),
  `phy_float_clusters/` (spike_clusters float32), `phy_no_params/` (no params.py),
  `phy_negative/` (spike_times int64, element 0 set to -30: still ascending), `phy_truncated/`
  (spike_times.npy cut to half its bytes: the header promises SMALL_N elements).
- `events.csv` (`onset,event,condition`: 20 trials, a `stim` then a `go` 0.6-0.9 s later, the
  trial's condition `left`/`right` on both) and `events.tsv` (BIDS: `onset\\tduration\\ttrial_type`,
  the event name in trial_type, no condition). Onsets have six decimals and lie 0.2-0.8 of a
  sample past a sample instant, so no spike minus event is within 6 µs of a bin edge.
- `spikes.csv` (`unit,time_secs`, units 1, 2, 5, 9, 10, rows shuffled: neither by unit nor by
  time) and `spikes.tsv` (the same rows, tab-separated).
- Copies of real files: `PySpike_testdata.txt` (pyspike 0.9.0, BSD-2, licence in
  `PYSPIKE_LICENSE.txt`) and `grasshopper_spike_times1.txt` (nitime 0.12.1, BSD-3, licence in
  `NITIME_LICENSE.txt`), from ../shared/data when it is there.

No spike of any cluster is 0 or a multiple of 30 samples (1 ms) from another spike of the same
cluster within 3000 samples, so ISI histograms (1 ms bins up to 100 ms) and autocorrelograms
(1 ms bins over ±50 ms) have no value on an edge either.
"""
import os
import shutil
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")

SR = 30000
DURATION_S = 100
CLUSTERS = [0, 2, 3, 7, 11, 12, 40]
RATES_HZ = {0: 8.0, 2: 6.0, 3: 4.0, 7: 6.0, 11: 4.0, 12: 3.0}
SMALL_N = 200
PARAMS = """dat_path = 'recording.dat'
n_channels_dat = 32
dtype = 'int16'
offset = 0
sample_rate = 30000.
hp_filtered = False
"""
# Curation labels: cluster_group.tsv (phy's own) and the group column of cluster_info.tsv.
GROUP_TSV = {0: "noise", 2: "good", 3: "mua", 7: "good", 11: "mua"}
INFO_GROUP = {0: "noise", 2: "good", 3: "good", 7: "", 11: "mua", 12: "", 40: "noise"}
PEAK_CH = {0: 3, 2: 10, 3: 13, 7: 17, 11: 24, 12: 25, 40: 30}


def events(rng):
    """20 trials: stim onsets ~4.5 s apart, go 0.6-0.9 s after; onsets in whole microseconds
    whose sample position has a fractional part in (0.2, 0.8)."""
    def onset_us(t):
        us = int(round(t * 1e6))
        while not 20 < (us * 3) % 100 < 80:  # frac(us * 30000 / 1e6) * 100
            us += 7
        return us

    conds = np.array(["left"] * 10 + ["right"] * 10)
    rng.shuffle(conds)
    rows = []
    for i in range(20):
        stim = onset_us(4.0 + 4.5 * i + rng.uniform(0, 0.5))
        go = onset_us(stim / 1e6 + rng.uniform(0.6, 0.9))
        rows.append((stim, "stim", conds[i]))
        rows.append((go, "go", conds[i]))
    return rows


def poisson_train(rng, rate, t0, t1, dead=0.002):
    t, out = t0, []
    while True:
        t += dead + rng.exponential(1.0 / rate)
        if t >= t1:
            return np.array(out)
        out.append(t)


def clean_samples(s, rng):
    """Sorted unique int64 samples with no two within 3000 samples at a difference that is a
    multiple of 30 (ISI/ACG bin edges): nudges later spikes by a sample until none is."""
    s = np.unique(s).astype(np.int64)
    while True:
        bad = None
        for i in range(len(s)):
            j = i + 1
            while j < len(s) and s[j] - s[i] <= 3000:
                if (s[j] - s[i]) % 30 == 0:
                    bad = j
                    break
                j += 1
            if bad is not None:
                break
        if bad is None:
            return s
        s[bad] += 1 if rng.random() < 0.5 else -1
        s = np.unique(s)


def make_phy(rng, ev):
    stim = np.array([us / 1e6 for us, kind, _ in ev if kind == "stim"])
    stim_cond = [c for _, kind, c in ev if kind == "stim"]
    go = np.array([us / 1e6 for us, kind, _ in ev if kind == "go"])
    trains = {}
    for c, rate in RATES_HZ.items():
        t = poisson_train(rng, rate, 0.0, DURATION_S - 0.01)
        if c == 2:  # a stimulus response, stronger on the left
            extra = [e + rng.normal(0.12, 0.03, rng.poisson(5.0 if cond == "left" else 2.0)) for e, cond in zip(stim, stim_cond)]
            t = np.concatenate([t] + extra)
        if c == 7:  # a response to the go cue
            extra = [g + rng.normal(0.09, 0.04, rng.poisson(4.0)) for g in go]
            t = np.concatenate([t] + extra)
        t = np.sort(t)
        t = t[np.concatenate([[True], np.diff(t) >= 0.0015])]  # refractory
        trains[c] = clean_samples(np.floor(t * SR).astype(np.int64), rng)
    # Clusters 11 and 12 (the split of template 9) share a few sample indices.
    shared = []
    for s in trains[11][5::40]:
        d = np.abs(trains[12] - s)
        if len(shared) < 6 and ((d > 3000) | ((d % 30) != 0)).all():
            trains[12] = np.sort(np.append(trains[12], s))
            shared.append(int(s))
    assert len(shared) >= 3
    trains[40] = np.array([int(41.3 * SR) + 17], dtype=np.int64)
    times = np.concatenate([trains[c] for c in CLUSTERS])
    clusters = np.concatenate([np.full(len(trains[c]), c, np.int32) for c in CLUSTERS])
    order = np.argsort(times, kind="stable")
    times, clusters = times[order], clusters[order]
    assert (times >= 0).all() and times.max() < DURATION_S * SR
    templates = np.empty(len(times), np.uint32)
    for c, tmpl in {0: [0], 2: [1, 2], 3: [3], 7: [6, 7], 11: [9], 12: [9], 40: [5]}.items():
        m = clusters == c
        templates[m] = rng.choice(tmpl, m.sum())
    base = {0: 25.0, 1: 60.0, 2: 55.0, 3: 35.0, 5: 90.0, 6: 45.0, 7: 48.0, 9: 30.0}
    amplitudes = np.array([base[int(t)] for t in templates]) * rng.lognormal(0.0, 0.15, len(times))
    positions = np.column_stack([np.tile([0.0, 32.0], 16), 20.0 * (np.arange(32) // 2)])
    return times, clusters, templates, amplitudes, positions, shared


def save_npy(folder, name, arr):
    np.save(os.path.join(folder, name), arr)


def write_phy(folder, times, clusters, templates, amplitudes, positions, *, params=True, tsv=True,
              with_clusters=True, duration=None):
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    if params:
        with open(os.path.join(folder, "params.py"), "w") as f:
            f.write(PARAMS)
    save_npy(folder, "spike_times.npy", times)
    if with_clusters:
        save_npy(folder, "spike_clusters.npy", clusters)
    save_npy(folder, "spike_templates.npy", templates)
    save_npy(folder, "amplitudes.npy", amplitudes)
    save_npy(folder, "channel_positions.npy", positions)
    if not tsv:
        return
    cl = np.asarray(clusters).astype(np.int64)
    ids = sorted(set(cl.tolist()))
    with open(os.path.join(folder, "cluster_group.tsv"), "w") as f:
        f.write("cluster_id\tgroup\n")
        for c in ids:
            if c in GROUP_TSV:
                f.write(f"{c}\t{GROUP_TSV[c]}\n")
    dur = duration if duration is not None else float(np.asarray(times).max()) / SR
    with open(os.path.join(folder, "cluster_info.tsv"), "w") as f:
        f.write("cluster_id\tamp\tch\tdepth\tfr\tgroup\tn_spikes\n")
        for c in ids:
            m = cl == c
            ch = PEAK_CH[c]
            f.write(f"{c}\t{amplitudes[m].mean():.4f}\t{ch}\t{positions[ch, 1]:.1f}\t{m.sum() / dur:.4f}\t{INFO_GROUP[c]}\t{m.sum()}\n")


def copy_real_files():
    pairs = [
        ("pyspike/test/PySpike_testdata.txt", "PySpike_testdata.txt"),
        ("pyspike/License.txt", "PYSPIKE_LICENSE.txt"),
        ("nitime/nitime/data/grasshopper_spike_times1.txt", "grasshopper_spike_times1.txt"),
        ("nitime/nitime-0.12.1.dist-info/licenses/LICENSE", "NITIME_LICENSE.txt"),
    ]
    for src, dst in pairs:
        s = os.path.join(SHARED, src)
        if os.path.exists(s):
            shutil.copyfile(s, os.path.join(HERE, dst))
        elif not os.path.exists(os.path.join(HERE, dst)):
            sys.exit(f"{s} is missing and so is its copy {dst}")


def write_fixtures():
    rng = np.random.default_rng(20250611)
    ev = events(rng)
    with open(os.path.join(HERE, "events.csv"), "w") as f:
        f.write("onset,event,condition\n")
        for us, kind, cond in ev:
            f.write(f"{us // 10**6}.{us % 10**6:06d},{kind},{cond}\n")
    with open(os.path.join(HERE, "events.tsv"), "w") as f:
        f.write("onset\tduration\ttrial_type\n")
        for us, kind, _ in ev:
            f.write(f"{us // 10**6}.{us % 10**6:06d}\t{'0.2' if kind == 'stim' else '0'}\t{kind}\n")

    times, clusters, templates, amplitudes, positions, shared = make_phy(rng, ev)
    dur = times.max() / SR
    write_phy(os.path.join(HERE, "phy"), times.astype(np.uint64), clusters, templates, amplitudes, positions)
    write_phy(os.path.join(HERE, "phy_templates"), times.astype(np.int64).reshape(-1, 1), clusters, templates,
              amplitudes, positions, tsv=False, with_clusters=False)

    n = SMALL_N
    st, sc, stp, sa = times[:n].astype(np.uint64), clusters[:n], templates[:n], amplitudes[:n]

    def small(name):
        return os.path.join(HERE, name)

    write_phy(small("phy_bad_lengths"), st, sc, stp, sa, positions, duration=dur)
    save_npy(small("phy_bad_lengths"), "spike_clusters.npy", sc[:-1])
    unsorted = st.copy()
    unsorted[[10, n - 10]] = unsorted[[n - 10, 10]]
    write_phy(small("phy_unsorted"), unsorted, sc, stp, sa, positions, duration=dur)
    write_phy(small("phy_float_clusters"), st, sc.astype(np.float32), stp, sa, positions, duration=dur)
    write_phy(small("phy_no_params"), st, sc, stp, sa, positions, params=False, duration=dur)
    neg = st.astype(np.int64)
    neg[0] = -30
    write_phy(small("phy_negative"), neg, sc, stp, sa, positions, duration=dur)
    write_phy(small("phy_truncated"), st, sc, stp, sa, positions, duration=dur)
    path = os.path.join(small("phy_truncated"), "spike_times.npy")
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])

    # Text spike trains: 5 units, ~2000 spikes over 60 s, rows shuffled.
    rows = []
    for u, rate in {1: 9.0, 2: 4.0, 5: 12.0, 9: 1.5, 10: 6.0}.items():
        for t in poisson_train(rng, rate, 0.0, 60.0):
            rows.append((u, round(float(t), 4)))
    rows = [rows[i] for i in rng.permutation(len(rows))]
    for name, sep in (("spikes.csv", ","), ("spikes.tsv", "\t")):
        with open(os.path.join(HERE, name), "w") as f:
            f.write(f"unit{sep}time_secs\n")
            for u, t in rows:
                f.write(f"{u}{sep}{t!r}\n")
    copy_real_files()
    return shared


# ---------------------------------------------------------------- reference numbers


def r(x):
    """Python's repr of a float: the shortest text that reads back to the same f64 (as Rust's)."""
    return repr(float(x))


def opt_str(s):
    return "None" if s is None else f'Some("{s}")'


def f64s(a):
    return "[" + ", ".join(r(x) for x in a) + "]"


def ints(a):
    return "[" + ", ".join(str(int(x)) for x in a) + "]"


def load_phy(folder):
    import pandas as pd

    times = np.load(os.path.join(folder, "spike_times.npy")).reshape(-1)
    secs = times.astype(np.float64) / 30000.0
    out = {"secs": secs}
    cpath = os.path.join(folder, "spike_clusters.npy")
    out["clusters"] = np.load(cpath) if os.path.exists(cpath) else None
    out["templates"] = np.load(os.path.join(folder, "spike_templates.npy"))
    gpath, ipath = os.path.join(folder, "cluster_group.tsv"), os.path.join(folder, "cluster_info.tsv")
    out["group"] = pd.read_csv(gpath, sep="\t") if os.path.exists(gpath) else None
    out["info"] = pd.read_csv(ipath, sep="\t") if os.path.exists(ipath) else None
    return out


def unit_rows(secs, ids):
    rows = []
    for u in np.unique(ids):
        t = np.sort(secs[ids == u])
        rows.append((int(u), len(t), t[0], t[-1]))
    return rows


def psth(train, onsets, t0=-0.5, t1=1.0, width=0.05, nbins=30):
    edges = t0 + np.arange(nbins + 1) * width
    counts = np.zeros(nbins, np.int64)
    for e in onsets:
        d = train - e
        d = d[(d >= t0) & (d < t1)]
        k = np.searchsorted(edges, d, side="right") - 1
        counts += np.bincount(k, minlength=nbins)
        assert (np.histogram(d, edges)[0] == np.bincount(k, minlength=nbins)).all()
        # No value within a microsecond of an edge: the counts do not hinge on rounding.
        assert np.abs(d[:, None] - edges[None, :]).min(initial=1.0) > 1e-6
    return counts, counts / (len(onsets) * width)


def read_trains_pyspike(path):
    trains = []
    for line in open(path):
        s = line.strip()
        if s and not s.startswith("#"):
            trains.append(np.array([float(x) for x in s.split()]))
    return trains


def read_trains_blocks(path):
    """`#` lines form header blocks; the numbers after a header block, up to the next, are one
    trial. Blank lines are skipped (they end no trial)."""
    trains, cur, in_header = [], None, False
    for line in open(path):
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            in_header = True
            continue
        if in_header or cur is None:
            cur = []
            trains.append(cur)
            in_header = False
        cur.extend(float(x) for x in s.split())
    return [np.array(t) for t in trains]


def train_reference(name, trains):
    lines = [f"// (count, first, last) per train, in the file's units; {len(trains)} trains"]
    lines.append(f"const {name}_N_TRAINS: usize = {len(trains)};")
    lines.append(f"const {name}_TRAINS: &[(usize, f64, f64)] = &[")
    for t in trains:
        lines.append(f"    ({len(t)}, {r(t[0])}, {r(t[-1])}),")
    lines.append("];")
    isi = np.concatenate([np.diff(t) for t in trains])
    srt = np.sort(isi)
    lines.append(f"// numpy.median(np.concatenate([np.diff(t) for t in trains])), {isi.size} intervals "
                 f"(middle values {r(srt[(isi.size - 1) // 2])} and {r(srt[isi.size // 2])})")
    lines.append(f"const {name}_MEDIAN_ISI: f64 = {r(np.median(isi))};")
    return lines


def reference(shared):
    import pandas as pd
    import scipy
    from scipy.ndimage import gaussian_filter1d

    out = [
        "# Reference numbers of the spike fixtures",
        "",
        f"Written by `tests/data/spikes/make_fixtures.py` (NumPy {np.__version__}, pandas {pd.__version__}, "
        f"SciPy {scipy.__version__}, Python {sys.version.split()[0]}) from the files in this folder. "
        "Times in seconds are `sample as f64 / 30000.0` (division, not multiplication by 1/30000); "
        "floats are Python's repr (shortest round trip, what Rust parses back to the same f64).",
        "",
        "```rust",
    ]
    # phy/
    p = load_phy(os.path.join(HERE, "phy"))
    secs, cl = p["secs"], p["clusters"]
    group = dict(zip(p["group"].cluster_id, p["group"].group))
    info = p["info"].set_index("cluster_id")
    out += [
        "// phy/: params.py sample_rate = 30000.; labels: cluster_group.tsv, else cluster_info.tsv `group`",
        "// (empty = none); depth_um: cluster_info.tsv `depth`.",
        "const PHY_SAMPLE_RATE: f64 = 30000.0;",
        f"const PHY_N_SPIKES: usize = {len(secs)};",
        f"const PHY_N_UNITS: usize = {len(np.unique(cl))};",
        f"const PHY_DURATION_SECS: f64 = {r(secs.max())}; // the last spike",
        "// (cluster id, n_spikes, first secs, last secs, label, depth_um), ascending id",
        "const PHY_UNITS: &[(i64, usize, f64, f64, Option<&str>, f32)] = &[",
    ]
    for u, n, first, last in unit_rows(secs, cl):
        g = group.get(u)
        if g is None:
            ig = info.loc[u, "group"]
            g = None if pd.isna(ig) or ig == "" else ig
        out.append(f"    ({u}, {n}, {r(first)}, {r(last)}, {opt_str(g)}, {r(info.loc[u, 'depth'])}),")
    out.append("];")
    st = np.load(os.path.join(HERE, "phy", "spike_times.npy"))
    ends = [x for u in np.unique(cl) for x in (st[cl == u][0], st[cl == u][-1])]
    off = [int(x) for x in ends if float(x) / 30000.0 != float(x) * (1.0 / 30000.0)]
    out.append(f"// with `s as f64 * (1.0 / 30000.0)` instead of `/ 30000.0`, the times of samples {off}")
    out.append("// above come out 1 ulp apart: divide, or compare with a tolerance.")
    dup = np.unique(st[:-1][np.diff(st.astype(np.int64)) == 0])
    out.append(f"// sample indices that occur twice (clusters 11 and 12): {ints(dup)}")
    out.append("")

    # phy_templates/
    q = load_phy(os.path.join(HERE, "phy_templates"))
    out += [
        f"// phy_templates/: spike_times.npy int64 shape {np.load(os.path.join(HERE, 'phy_templates', 'spike_times.npy')).shape}, units = templates",
        f"const PHY_TEMPLATES_N_SPIKES: usize = {len(q['secs'])};",
        "// (template id, n_spikes, first secs, last secs), ascending id",
        "const PHY_TEMPLATE_UNITS: &[(i64, usize, f64, f64)] = &[",
    ]
    for u, n, first, last in unit_rows(q["secs"], q["templates"]):
        out.append(f"    ({u}, {n}, {r(first)}, {r(last)}),")
    out += ["];", ""]

    # Corrupt folders.
    out.append(f"// Corrupt folders: the first {SMALL_N} spikes of phy/, one defect each:")
    out.append(f"//   phy_bad_lengths: spike_clusters.npy has {SMALL_N - 1} elements, spike_times.npy {SMALL_N}")
    ut = np.load(os.path.join(HERE, "phy_unsorted", "spike_times.npy"))
    bad = int(np.flatnonzero(np.diff(ut.astype(np.int64)) < 0)[0])
    out.append(f"//   phy_unsorted: elements 10 and {SMALL_N - 10} swapped; first descent at index {bad} -> {bad + 1} ({ut[bad]} > {ut[bad + 1]})")
    out.append(f"//   phy_float_clusters: spike_clusters.npy dtype {np.load(os.path.join(HERE, 'phy_float_clusters', 'spike_clusters.npy')).dtype}")
    out.append("//   phy_no_params: no params.py")
    nt = np.load(os.path.join(HERE, "phy_negative", "spike_times.npy"))
    out.append(f"//   phy_negative: spike_times.npy {nt.dtype}, element 0 = {nt[0]}")
    tsize = os.path.getsize(os.path.join(HERE, "phy_truncated", "spike_times.npy"))
    out.append(f"//   phy_truncated: spike_times.npy is {tsize} bytes; its header promises {SMALL_N} uint64 (128 + {8 * SMALL_N} bytes)")
    out.append("")

    # Events.
    ev = pd.read_csv(os.path.join(HERE, "events.csv"))
    stim = ev[ev.event == "stim"]
    out += [
        f"// events.csv: {len(ev)} events, {len(stim)} stim and {int((ev.event == 'go').sum())} go; "
        f"stim left {int((stim.condition == 'left').sum())}, right {int((stim.condition == 'right').sum())}",
        f"const EVENTS_N: usize = {len(ev)};",
        f"const EVENTS_FIRST_ONSET: f64 = {r(ev.onset.min())};",
        f"const EVENTS_LAST_ONSET: f64 = {r(ev.onset.max())};",
        f"const STIM_ONSETS: [f64; {len(stim)}] = {f64s(stim.onset)};",
        "",
    ]

    # spikes.csv
    sp = pd.read_csv(os.path.join(HERE, "spikes.csv"))
    out += [
        f"// spikes.csv (and spikes.tsv, the same rows): {len(sp)} rows",
        f"const CSV_N_SPIKES: usize = {len(sp)};",
        "// (unit id, n_spikes, first secs, last secs), ascending id, times sorted",
        "const CSV_UNITS: &[(i64, usize, f64, f64)] = &[",
    ]
    for u, n, first, last in unit_rows(sp.time_secs.to_numpy(), sp.unit.to_numpy()):
        out.append(f"    ({u}, {n}, {r(first)}, {r(last)}),")
    out += ["];", ""]
    sp2 = pd.read_csv(os.path.join(HERE, "spikes.tsv"), sep="\t")
    assert sp2.equals(sp)

    # Real text spike trains.
    out += ["// PySpike_testdata.txt: one train per non-empty line not starting with '#'"]
    out += train_reference("PYSPIKE", read_trains_pyspike(os.path.join(HERE, "PySpike_testdata.txt")))
    out += ["", "// grasshopper_spike_times1.txt: '#' header blocks, the numbers after each block one trial"]
    out += train_reference("GRASSHOPPER", read_trains_blocks(os.path.join(HERE, "grasshopper_spike_times1.txt")))
    out.append("")

    # PSTH.
    onsets = stim.onset.to_numpy()
    out += [
        "// PSTH of phy/ on events.csv `stim` events, window [-0.5, 1.0) s, 0.05 s bins (30):",
        "// counts[k] = #{(e, t): -0.5 + k*0.05 <= t - e < -0.5 + (k+1)*0.05, -0.5 <= t - e < 1.0} summed",
        "// over events; rate_hz = counts / (n_events * 0.05); smoothed = scipy.ndimage.gaussian_filter1d(",
        "// rate_hz, sigma=2.0 (0.1 s / 0.05 s), mode='reflect' (d c b a | a b c d | d c b a), truncate=4.0:",
        "// radius 8 bins).",
    ]
    for c in (2, 7):
        train = np.sort(secs[cl == c])
        counts, rate = psth(train, onsets)
        smooth = gaussian_filter1d(rate, sigma=0.1 / 0.05, mode="reflect", truncate=4.0)
        out += [
            f"const PSTH_STIM_U{c}_COUNTS: [u32; 30] = {ints(counts)};",
            f"const PSTH_STIM_U{c}_RATE_HZ: [f64; 30] = {f64s(rate)};",
            f"const PSTH_STIM_U{c}_SMOOTH_HZ: [f64; 30] = {f64s(smooth)};",
        ]
    train2 = np.sort(secs[cl == 2])
    for cond in ("left", "right"):
        o = stim[stim.condition == cond].onset.to_numpy()
        counts, rate = psth(train2, o)
        out += [
            f"// cluster 2, stim events with condition {cond} ({len(o)} events), unsmoothed",
            f"const PSTH_STIM_U2_{cond.upper()}_COUNTS: [u32; 30] = {ints(counts)};",
            f"const PSTH_STIM_U2_{cond.upper()}_RATE_HZ: [f64; 30] = {f64s(rate)};",
        ]
    out.append("")

    # ISI and autocorrelogram of cluster 2.
    isi = np.diff(train2)
    isi_counts = np.histogram(isi, bins=np.arange(0, 0.1 + 1e-12, 0.001))[0]
    s2 = np.sort(np.load(os.path.join(HERE, "phy", "spike_times.npy"))[cl == 2].astype(np.int64))
    d = (s2[None, :] - s2[:, None])[~np.eye(len(s2), dtype=bool)]
    d = d[np.abs(d) < 1500]
    acg = np.bincount((d + 1500) // 30, minlength=100)  # exact, in samples (1 ms = 30)
    df = (train2[None, :] - train2[:, None])[~np.eye(len(train2), dtype=bool)]
    df = df[np.abs(df) < 0.05]
    assert (np.histogram(df, -0.05 + np.arange(101) * 0.001)[0] == acg).all()
    out += [
        f"// cluster 2 ({len(train2)} spikes): ISI histogram, np.histogram(np.diff(t), bins=np.arange(0, 0.1 + 1e-12, 0.001))",
        f"// (100 bins of 1 ms; {int(isi_counts.sum())} of {isi.size} intervals fall in [0, 0.1])",
        f"const ISI_U2_COUNTS: [u32; 100] = {ints(isi_counts)};",
        "// autocorrelogram: every ordered pair i != j with |t_j - t_i| < 0.05, histogram of t_j - t_i,",
        f"// edges -0.05 + k*0.001 (k = 0..=100); {int(acg.sum())} pairs",
        f"const ACG_U2_COUNTS: [u32; 100] = {ints(acg)};",
        "```",
    ]
    return out


def main():
    shared = write_fixtures()
    lines = reference(shared)
    text = "\n".join(lines) + "\n"
    with open(os.path.join(HERE, "REFERENCE.md"), "w") as f:
        f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
