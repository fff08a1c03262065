"""Times scikit-image's marching cubes on the input of Glia's `marching_cubes_mni152_gm`
benchmark: the bundled MNI152 grey-matter map as float32, at half its maximum.

    .venv/bin/python benches/compare/marching_cubes.py [repeats]

Prints the best of N runs (the peer's most favourable number) and the mesh size. Glia's number
comes from `cargo bench --bench marching_cubes`; `run.py` puts both into BENCHMARKS.md.
"""
import os
import sys
import time

import nibabel as nib
import numpy as np
from skimage import measure

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    gm = nib.load(os.path.join(ROOT, "assets", "mni152_gm_1mm.nii.gz")).get_fdata(dtype=np.float32)
    level = 0.5 * float(gm.max())
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        verts, faces, _normals, _values = measure.marching_cubes(gm, level)
        best = min(best, time.perf_counter() - start)
    print(f"skimage.measure.marching_cubes {gm.shape} at level {level}: best of {repeats} "
          f"{best * 1e3:.1f} ms, {len(verts)} vertices, {len(faces)} triangles")


if __name__ == "__main__":
    main()
