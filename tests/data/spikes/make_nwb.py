#!/usr/bin/env python3
"""Writes the small NWB files in this folder, then prints what pynwb reads back from them (the
reference numbers of tests/nwb.rs).

    .venv/bin/python tests/data/spikes/make_nwb.py > /tmp/expected_nwb.txt

Made with pynwb 4.2.0 (hdmf 6.2.0, h5py 3.16.0, Python 3.11, numpy):

- `units.nwb`: an NWB 2 file as pynwb writes it (`NWBHDF5IO.write`, the cached specification
  left out to keep the file small; everything else as pynwb lays it out, columns chunked and
  expandable). Six units with Poisson spike trains over 60 s (ids 3, 7, 12, 15, 21, 30, not their
  row numbers), a `quality` column (good/mua/noise, variable-length strings) and a `depth`
  column (µm); a Device, an ElectrodeGroup and four electrodes with x, y, z (around −37, −21, 58)
  and rel_x, rel_y (µm on the probe), each unit linked to one electrode through the `electrodes`
  DynamicTableRegion; 20 trials with start_time, stop_time, a `go_cue_time` column and an integer
  `target` column (0..7).
- `no_units.nwb`: an HDF5 file written with h5py holding an NWB-like layout
  (`/acquisition`, `/general`, a `/session_description`) but no `/units` group: a negative case.

The data are seeded (numpy `default_rng(20250101)`), and so are the object ids (pynwb draws them
from `uuid4`, replaced here by a seeded one), as are the file dates, so reruns write byte-identical
files. The reference numbers come out as Rust constants, pasted into tests/nwb.rs.
"""
import datetime
import os
import random
import uuid

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
UNITS = os.path.join(HERE, "units.nwb")
NO_UNITS = os.path.join(HERE, "no_units.nwb")

_uuid_rng = random.Random(20250101)


def _seeded_uuid4():
    return uuid.UUID(int=_uuid_rng.getrandbits(128), version=4)


def make_units():
    import hdmf.container
    from pynwb import NWBHDF5IO, NWBFile

    hdmf.container.uuid4 = _seeded_uuid4

    rng = np.random.default_rng(20250101)
    start = datetime.datetime(2025, 1, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
    nwb = NWBFile(
        session_description="Glia test file: six sorted units, four electrodes, twenty trials",
        identifier="glia-units-test",
        session_start_time=start,
        file_create_date=start,
    )

    device = nwb.create_device(name="probe", description="a four-site test probe")
    group = nwb.create_electrode_group(
        name="shank0",
        description="the one shank",
        location="VISp",
        device=device,
    )
    # Four sites 20 µm apart along the probe; brain positions near (-37, -21, 58).
    for i in range(4):
        nwb.add_electrode(
            x=-37.0 + 0.125 * i,
            y=-21.0 - 0.0625 * i,
            z=58.0 + 0.25 * i,
            rel_x=16.0 * (i % 2),
            rel_y=20.0 * i,
            location="VISp",
            group=group,
        )

    nwb.add_unit_column(name="quality", description="curation label")
    nwb.add_unit_column(name="depth", description="depth along the probe (um)")
    ids = [3, 7, 12, 15, 21, 30]
    rates = [4.0, 7.0, 3.0, 5.0, 4.0, 6.0]
    qualities = ["good", "mua", "good", "noise", "good", "mua"]
    electrodes = [0, 1, 1, 2, 3, 0]
    duration = 60.0
    for uid, rate, quality, electrode in zip(ids, rates, qualities, electrodes):
        n = int(rng.poisson(rate * duration))
        times = np.sort(rng.uniform(0.0, duration, size=n))
        nwb.add_unit(
            id=uid,
            spike_times=times,
            electrodes=[electrode],
            quality=quality,
            depth=float(20.0 * electrode + rng.uniform(-5.0, 5.0)),
        )

    nwb.add_trial_column(name="go_cue_time", description="when the go cue came (s)")
    nwb.add_trial_column(name="target", description="target direction, 0..7")
    t = 1.0
    for _ in range(20):
        length = 2.0 + rng.uniform(0.0, 0.5)
        nwb.add_trial(
            start_time=t,
            stop_time=t + length,
            go_cue_time=t + 0.5 + rng.uniform(0.0, 0.3),
            target=int(rng.integers(0, 8)),
        )
        t += length + 0.5

    with NWBHDF5IO(UNITS, "w") as io:
        io.write(nwb, cache_spec=False)


def make_no_units():
    import h5py

    with h5py.File(NO_UNITS, "w") as f:
        f.attrs["namespace"] = "core"
        f.attrs["neurodata_type"] = "NWBFile"
        f.attrs["nwb_version"] = "2.9.0"
        f.create_group("acquisition")
        f.create_group("general")
        f.create_dataset("session_description", data="no units here")


def report():
    """Prints the reference numbers as Rust constants (floats as Python's repr: shortest round
    trip, what Rust parses back to the same f64)."""
    import h5py
    import hdmf
    import pynwb
    from pynwb import NWBHDF5IO

    print(
        f"// pynwb {pynwb.__version__} (hdmf {hdmf.__version__}, h5py {h5py.__version__}, "
        f"numpy {np.__version__}) reads units.nwb"
    )
    with NWBHDF5IO(UNITS, "r") as io:
        nwb = io.read()
        units = nwb.units
        # units["electrodes"] is the ragged column's VectorIndex (cumulative ends); its target is
        # the DynamicTableRegion holding rows of the electrodes table.
        electrodes_index = units["electrodes"]
        print("// (id, n_spikes, first secs, last secs, quality, depth um, electrode row)")
        print("const UNITS: &[(i64, usize, f64, f64, &str, f64, usize)] = &[")
        total = 0
        last = 0.0
        for row in range(len(units)):
            times = np.asarray(units["spike_times"][row], dtype=float)
            total += len(times)
            last = max(last, float(times.max()))
            begin = int(electrodes_index.data[row - 1]) if row else 0
            electrode = int(electrodes_index.target.data[begin])
            print(
                f"    ({int(units.id[row])}, {len(times)}, {float(times[0])!r}, "
                f"{float(times[-1])!r}, \"{units['quality'][row]}\", "
                f"{float(units['depth'][row])!r}, {electrode}),"
            )
        print("];")
        print(f"const N_SPIKES: usize = {total};")
        print(f"const LAST_SPIKE_SECS: f64 = {last!r};")
        table = nwb.electrodes
        print("// electrodes table rows: [x, y, z, rel_x, rel_y]")
        print("const ELECTRODES: &[[f64; 5]] = &[")
        for row in range(len(table)):
            values = ", ".join(repr(float(table[c].data[row])) for c in ("x", "y", "z", "rel_x", "rel_y"))
            print(f"    [{values}],")
        print("];")
        trials = nwb.trials
        print(f"// trials columns: {list(trials.colnames)}")
        print(f"const N_TRIALS: usize = {len(trials)};")
        for label, row in (("FIRST", 0), ("LAST", len(trials) - 1)):
            print(
                f"const {label}_TRIAL: (f64, f64, f64, i64) = ({float(trials['start_time'][row])!r}, "
                f"{float(trials['stop_time'][row])!r}, {float(trials['go_cue_time'][row])!r}, "
                f"{int(trials['target'][row])});"
            )
        targets = ", ".join(str(int(v)) for v in trials["target"][:])
        print(f"const TARGETS: [i64; {len(trials)}] = [{targets}];")
    for name in (UNITS, NO_UNITS):
        print(f"// {os.path.basename(name)}: {os.path.getsize(name)} bytes")


if __name__ == "__main__":
    make_units()
    make_no_units()
    report()
