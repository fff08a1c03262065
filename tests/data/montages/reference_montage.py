#!/usr/bin/env python3
"""Reference positions for tests/montage.rs, from MNE (mne 1.13.2, Python 3.11, numpy).

    .venv/bin/python tests/data/montages/reference_montage.py > /tmp/expected_montage.rs

Glia reads montage files into millimetres (see src/formats/montage.rs); MNE gives metres. Per file:
the channel names in order, the centroid of all positions and their mean distance from the origin
(catch any global shift or scale), and the positions of a few named electrodes, all in mm.

- `.sfp`, `.csd`, BioSemi/EasyCap `.txt`: `mne.channels.read_custom_montage(f)` with its default
  `head_size` (0.095 m: positions scaled so that their median norm is 95 mm).
- `.elc`: `read_custom_montage(f, head_size=None)`: the positions as the file gives them (its
  `UnitPosition`). MNE's default would rescale them to a 95 mm median norm; Glia keeps an
  `.elc`'s real positions.
- `.tsv` (`name x y z`, metres): `read_custom_montage(f)`, which keeps the values (metres) as they
  are; `spherical_1020.tsv` is a unit sphere that Glia puts on MNE's 95 mm head as
  `make_standard_montage("spherical_1020")` does (95 mm over the median norm of the positions
  other than the fiducials NAS, LPA, RPA; checked below), fiducials kept as positions.
- The built-in standard positions: `make_standard_montage("fsaverage_1005")` (fsaverage head, MRI
  coordinates, metres; no scaling) × 1000. MNE 1.13 maps the deprecated name "standard_1005" to
  "colin27_1005", a different head: Glia's table is fsaverage_1005.tsv.
"""
import os
import sys

import mne
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = [
    "mgh60.elc",
    "artinis-octamon.elc",
    "GSN-HydroCel-32.sfp",
    "EGI_256.csd",
    "biosemi32.txt",
    "easycap-M1.txt",
    "fsaverage_1020.tsv",
    "spherical_1020.tsv",
]
PICKS = ["Cz", "Fp1", "Oz", "T7", "E1", "E17", "E256", "EEG001", "EEG060", "D1", "S8", "NAS", "LPA", "Iz"]
STANDARD_PICKS = ["Cz", "Oz", "Fp1", "Fpz", "T7", "T8", "O2", "AF3", "Iz", "POO10h", "LPA"]


def f64(v):
    r = repr(float(v))
    return r if ("." in r or "e" in r) else r + ".0"


def positions_mm(name):
    path = os.path.join(HERE, name)
    if name.endswith(".elc"):
        m = mne.channels.read_custom_montage(path, head_size=None)
    else:
        m = mne.channels.read_custom_montage(path)
    pos = m.get_positions()["ch_pos"]
    scale = 1000.0
    if name == "spherical_1020.tsv":
        # As make_standard_montage: 95 mm over the median norm of the non-fiducial positions.
        fiducials = ("NAS", "LPA", "RPA", "INI", "Nz")
        norms = [np.linalg.norm(p) for ch, p in pos.items() if ch not in fiducials]
        scale = 95.0 / np.median(norms)
        std = mne.channels.make_standard_montage("spherical_1020").get_positions()["ch_pos"]
        for ch, p in std.items():
            assert np.allclose(p * 1000, pos[ch] * scale, rtol=0, atol=1e-9), ch
    return [(ch, np.asarray(p, dtype=float) * scale) for ch, p in pos.items()]


def main():
    print(f"// mne {mne.__version__}, Python {sys.version.split()[0]}: "
          "tests/data/montages/reference_montage.py")
    print("const EXPECTED: &[Expected] = &[")
    for name in FILES:
        pos = positions_mm(name)
        xyz = np.array([p for _, p in pos])
        print("    Expected {")
        print(f'        file: "{name}",')
        print(f'        names: "{" ".join(ch for ch, _ in pos)}",')
        print(f"        centroid_mm: [{', '.join(f64(v) for v in xyz.mean(axis=0))}],")
        print(f"        mean_norm_mm: {f64(np.linalg.norm(xyz, axis=1).mean())},")
        print("        picks: &[")
        for ch, p in pos:
            if ch in PICKS:
                print(f'            ("{ch}", [{", ".join(f64(v) for v in p)}]),')
        print("        ],")
        print("    },")
    print("];")
    m = mne.channels.make_standard_montage("fsaverage_1005")
    pos = m.get_positions()["ch_pos"]
    print()
    print(f"/// `make_standard_montage(\"fsaverage_1005\")`: {len(pos)} names (MNE drops the file's")
    print("/// fiducials NAS, LPA, RPA, INI and its extra Nz).")
    print(f'const FSAVERAGE_1005_NAMES: &str = "{" ".join(pos)}";')
    print("const FSAVERAGE_1005_PICKS: &[(&str, [f64; 3])] = &[")
    for ch in STANDARD_PICKS:
        if ch in pos:
            print(f'    ("{ch}", [{", ".join(f64(v * 1000) for v in pos[ch])}]),')
    print("];")


if __name__ == "__main__":
    main()
