"""The peer of `glia render BIG.edf --view traces`: MNE opens the EDF (not preloaded) and draws
its first screen (10 s, 32 channels) with its matplotlib browser, saved to a PNG.

    mne_first_screen.py FILE.edf OUT.png
"""
import sys

import matplotlib

matplotlib.use("Agg")
import mne  # noqa: E402

mne.viz.set_browser_backend("matplotlib", verbose="error")
raw = mne.io.read_raw_edf(sys.argv[1], preload=False, verbose="error")
fig = raw.plot(duration=10.0, n_channels=32, scalings=dict(eeg=100e-6), show=False, verbose="error")
fig.set_size_inches(19.2, 10.8)
fig.savefig(sys.argv[2], dpi=100)
