"""Runs every speed comparison of Glia against the Python peer a user would otherwise pick, on
this machine in one run, and rewrites the generated section of BENCHMARKS.md.

    .venv/bin/python benches/compare/run.py          # needs: cargo, xvfb-run (for startup)

Rust numbers come from criterion (`cargo bench`, median of its estimates), Python numbers from
timing the same work here (best of several runs, the peer's most favourable number), whole-process
numbers from running both programs as a user would (median of several runs).
"""
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "out")
GLIA = os.path.join(ROOT, "target", "release", "glia")
PY = sys.executable


def criterion_median_secs(name):
    path = os.path.join(ROOT, "target", "criterion", name, "new", "estimates.json")
    with open(path) as f:
        return json.load(f)["median"]["point_estimate"] / 1e9


def best_of(fn, n):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def median_process_secs(cmd, n=7, env=None):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    subprocess.run([PY, os.path.join(HERE, "make_fixtures.py")], check=True)
    subprocess.run([PY, os.path.join(HERE, "make_volume_fixtures.py")], check=True)
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    subprocess.run(["cargo", "bench", "--locked", "--bench", "marching_cubes", "--bench", "gifti_load", "--bench", "render_frame", "--bench", "volume_load", "--bench", "volume_frame", "--bench", "filter", "--", "--noplot"], cwd=ROOT, check=True)

    rows = []
    # Marching cubes: scikit-image on the same float32 array and level.
    from skimage import measure
    gm = np.load(os.path.join(OUT, "gm.npy"))
    level = 0.5 * float(gm.max())
    sk = best_of(lambda: measure.marching_cubes(gm, level), 5)
    glia_mc = criterion_median_secs("marching_cubes_mni152_gm")
    rows.append(("Marching cubes, MNI152 GM 197×233×189 at half max", "scikit-image `measure.marching_cubes`", glia_mc, sk))

    # GIfTI load, in-process.
    import nibabel as nib
    for name, label in (("pial10k", "10,242 vertices"), ("pial164k", "163,842 vertices")):
        path = os.path.join(OUT, f"{name}.gii")
        nb = best_of(lambda: nib.load(path).agg_data(), 10)
        rows.append((f"GIfTI GZipBase64 load, {label} (in-process)", "nibabel `nib.load(f).agg_data()`", criterion_median_secs(f"gifti_load_{name}"), nb))
        # Whole process against whole process.
        glia_p = median_process_secs([GLIA, "info", path, "--json"])
        nb_p = median_process_secs([PY, "-c", f"import nibabel as nib; nib.load({path!r}).agg_data()"])
        rows.append((f"GIfTI GZipBase64 load, {label} (whole process)", "python + nibabel", glia_p, nb_p))

    # NIfTI load of a 256³ scan to a displayable volume (nibabel: float64 array, as viewers built
    # on it hold), in-process and whole process.
    for name, label in (("t1_256_int16", "int16"), ("t1_256_float32", "float32")):
        path = os.path.join(OUT, f"{name}.nii.gz")
        nb = best_of(lambda: nib.load(path).get_fdata(), 5)
        rows.append((f"NIfTI .nii.gz load, 256³ {label} (in-process)", "nibabel `nib.load(f).get_fdata()`", criterion_median_secs(f"volume_load/{name}"), nb))
        glia_p = median_process_secs([GLIA, "info", path, "--json"])
        nb_p = median_process_secs([PY, "-c", f"import nibabel as nib; nib.load({path!r}).get_fdata()"])
        rows.append((f"NIfTI .nii.gz load, 256³ {label} (whole process)", "python + nibabel", glia_p, nb_p))

    # Zero-phase 4th-order 1–40 Hz band-pass of 64 channels × 1 h at 512 Hz (float64): SciPy's
    # sosfiltfilt on the same array, in its own process (it needs ~4 GB), best of 3.
    p = subprocess.run([PY, os.path.join(HERE, "filter.py"), "3"], check=True, capture_output=True, text=True)
    scipy_filter = json.loads(p.stdout)["scipy_sosfiltfilt_64ch_1h_best_s"]
    rows.append(("Zero-phase 4th-order 1–40 Hz band-pass, 64 ch × 1 h at 512 Hz (float64, Glia on all cores)", "SciPy `signal.sosfiltfilt(sos, x, axis=-1)`", criterion_median_secs("filter/sosfiltfilt_bandpass_64ch_1h"), scipy_filter))
    pyramid_s = criterion_median_secs("pyramid/build_64ch_10min")
    pyramid_bytes = 64 * 600 * 512 * 8

    frames = {k: criterion_median_secs(f"frame_1080p_{k}") for k in ("327k_triangles_msaa4", "327k_triangles_1x", "demo_msaa4", "demo_1x")}

    startup = []
    env = dict(os.environ, GLIA_QUIT_AFTER_FIRST_BRAIN="1")
    for _ in range(5):
        p = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", GLIA], env=env, capture_output=True, text=True, timeout=120)
        m = re.search(r"first brain frame on screen after (\d+) ms", p.stderr)
        if m:
            startup.append(int(m.group(1)))

    lines = [
        "<!-- generated by benches/compare/run.py: do not edit by hand -->",
        f"Measured {time.strftime('%Y-%m-%d')} on this machine ({os.cpu_count()} cores, {platform.machine()}, no GPU: wgpu uses Mesa lavapipe), all numbers from the same run.",
        "",
        "| work | peer | Glia | peer | Glia speed-up |",
        "|---|---|---|---|---|",
    ]
    for what, peer, g, p in rows:
        lines.append(f"| {what} | {peer} | {g * 1e3:.1f} ms | {p * 1e3:.1f} ms | **{p / g:.1f}×** |")
    lines += [
        "",
        "| rendering on the software adapter, 1920×1080 | 4× MSAA (figures, settled view) | 1 sample (view in motion) |",
        "|---|---|---|",
        f"| 327,680-triangle mesh with a thresholded overlay | {frames['327k_triangles_msaa4'] * 1e3:.0f} ms | {frames['327k_triangles_1x'] * 1e3:.0f} ms |",
        f"| demo brain (2 hemispheres, 250k triangles, animated overlay) | {frames['demo_msaa4'] * 1e3:.0f} ms | {frames['demo_1x'] * 1e3:.0f} ms |",
        f"| volume rendering of a 256³ scan (ray-marched) | {criterion_median_secs('volume_rendering_256cube_1080p_msaa4') * 1e3:.0f} ms | {criterion_median_secs('volume_rendering_256cube_1080p_1x') * 1e3:.0f} ms |",
        "",
        f"Slice view redraw while dragging the crosshair through a 256³ scan (800×800, software adapter): {criterion_median_secs('slice_frame_256cube_800px_dragging') * 1e3:.1f} ms per frame.",
        "",
        f"Min/max pyramids (blocks of 16 samples) of 64 channels × 10 min at 512 Hz, read from memory: {pyramid_s * 1e3:.1f} ms per build ({pyramid_bytes / pyramid_s / 1e9:.2f} GB/s of float64 samples).",
    ]
    if startup:
        lines += ["", f"Launch to the first demo frame with the brain on screen (release build, Xvfb window, lavapipe): median {statistics.median(startup)} ms over {len(startup)} launches (all: {', '.join(map(str, startup))} ms)."]
    section = "\n".join(lines) + "\n<!-- end generated -->"

    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path).read() if os.path.exists(path) else ""
    pattern = re.compile(r"<!-- generated by benches/compare/run.py.*?<!-- end generated -->", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text + "\n" + section + "\n"
    with open(path, "w") as f:
        f.write(text)
    print(section)


if __name__ == "__main__":
    main()
