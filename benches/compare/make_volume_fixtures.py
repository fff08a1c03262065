"""Writes the 256³ volume-loading inputs into benches/compare/out/ (not committed):

- t1_256_int16.nii.gz:   the MNI152 2009a T1 (nilearn's 197×233×189 uint8 copy) placed at 1 mm
  in the middle of a 256³ field of view, scaled to 0..1020 and given Rician noise (σ = 6)
  everywhere, background included, as a scanner's T1 has: int16, 32 MiB raw.
- t1_256_float32.nii.gz: the same noisy image / 1000 as float32 (64 MiB raw; its mantissas are
  noise, as in any resampled or processed float image).

Both are gzipped at zlib's default level 6 (what FSL, dcm2niix/pigz and most tools write);
nibabel's own default would be level 1. Seeded, so every run writes the same files.
"""
import gzip
import os
import shutil

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "benches", "compare", "out")
MNI = os.path.join(os.path.dirname(ROOT), "shared", "data", "nilearn", "nilearn", "datasets", "data",
                   "mni_icbm152_t1_tal_nlin_sym_09a_converted.nii.gz")
N = 256


def noisy_t1():
    t1 = nib.load(MNI)
    src = np.asanyarray(t1.dataobj).astype(np.float32) * 4.0
    field = np.zeros((N, N, N), np.float32)
    off = [(N - s) // 2 for s in src.shape]
    field[off[0]:off[0] + src.shape[0], off[1]:off[1] + src.shape[1], off[2]:off[2] + src.shape[2]] = src
    rng = np.random.default_rng(0)
    sigma = np.float32(6.0)
    real = field + rng.standard_normal(field.shape, dtype=np.float32) * sigma
    imag = rng.standard_normal(field.shape, dtype=np.float32) * sigma
    magnitude = np.sqrt(real * real + imag * imag)
    affine = t1.affine.copy()
    affine[:3, 3] -= np.array(off, float)  # the template keeps its world position
    return magnitude, affine


def save_gz(data, affine, name):
    img = nib.Nifti1Image(data, affine)
    img.header.set_xyzt_units("mm", "sec")
    plain = os.path.join(OUT, name[:-3])
    nib.save(img, plain)
    with open(plain, "rb") as src, gzip.open(os.path.join(OUT, name), "wb", compresslevel=6) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    os.remove(plain)
    raw = data.nbytes
    size = os.path.getsize(os.path.join(OUT, name))
    print(f"{name}: {raw / 2**20:.0f} MiB raw, {size / 2**20:.1f} MiB gzipped ({100 * size / raw:.0f}%)")


def main():
    os.makedirs(OUT, exist_ok=True)
    t1, affine = noisy_t1()
    save_gz(np.round(t1).astype(np.int16), affine, "t1_256_int16.nii.gz")
    save_gz((t1 / 1000.0).astype(np.float32), affine, "t1_256_float32.nii.gz")


if __name__ == "__main__":
    main()
