"""Writes the benchmark inputs into benches/compare/out/ (not committed):

- pial10k.gii:  fsaverage5 left pial (10,242 vertices), GZipBase64Binary, as nibabel writes it.
- pial164k.gii: the same mesh subdivided twice by edge midpoints (163,842 vertices, 327,680
  triangles: fsaverage's own counts), GZipBase64Binary.
- gm.npy:       the MNI152 2009a grey-matter map as float32 (for marching cubes).
"""
import os
import sys

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "benches", "compare", "out")


def subdivide(v, f):
    """Splits every triangle in four at its edge midpoints (shared midpoints welded)."""
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    unique, inverse = np.unique(edges, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    mid = (v[unique[:, 0]] + v[unique[:, 1]]) / 2
    n, m = len(v), len(f)
    a, b, c = (n + inverse[i * m:(i + 1) * m] for i in range(3))
    f0, f1, f2 = f[:, 0], f[:, 1], f[:, 2]
    faces = np.concatenate([np.stack([f0, a, c], 1), np.stack([a, f1, b], 1), np.stack([c, b, f2], 1), np.stack([a, b, c], 1)])
    return np.concatenate([v, mid]), faces


def write_gifti(path, v, f):
    arrays = [
        nib.gifti.GiftiDataArray(v.astype(np.float32), intent="NIFTI_INTENT_POINTSET", datatype="NIFTI_TYPE_FLOAT32", encoding="GZipBase64Binary"),
        nib.gifti.GiftiDataArray(f.astype(np.int32), intent="NIFTI_INTENT_TRIANGLE", datatype="NIFTI_TYPE_INT32", encoding="GZipBase64Binary"),
    ]
    nib.save(nib.gifti.GiftiImage(darrays=arrays), path)


def main():
    os.makedirs(OUT, exist_ok=True)
    v, f = nib.load(os.path.join(ROOT, "tests/data/fsaverage5/pial_left.gii.gz")).agg_data()
    write_gifti(os.path.join(OUT, "pial10k.gii"), v, f)
    v2, f2 = subdivide(*subdivide(v.astype(np.float64), f.astype(np.int64)))
    write_gifti(os.path.join(OUT, "pial164k.gii"), v2, f2)
    gm = nib.load(os.path.join(ROOT, "assets/mni152_gm_1mm.nii.gz")).get_fdata(dtype=np.float32)
    np.save(os.path.join(OUT, "gm.npy"), gm)
    print(f"fixtures in {OUT}: pial10k {len(v)} v, pial164k {len(v2)} v / {len(f2)} f, gm {gm.shape}", file=sys.stderr)


if __name__ == "__main__":
    main()
