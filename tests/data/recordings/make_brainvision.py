#!/usr/bin/env python3
"""Writes the small BrainVision recordings in this folder, then prints what MNE reads from them
(the reference numbers of tests/brainvision.rs).

    .venv/bin/python tests/data/recordings/make_brainvision.py > /tmp/expected_bv.rs

Made with pybv 0.8.1 and read back with mne 1.13 (Python 3.11, numpy):

- `pybv_float32.vhdr/.vmrk/.eeg`: pybv, IEEE_FLOAT_32, MULTIPLEXED, 8 channels at 1000 Hz for
  5 s; per-channel resolution (0.1 µV, one 0.5 µV, one 1 µV), one channel in mV and one
  temperature channel in °C (not scaled, MISC); events of the three pybv types with durations,
  and a measurement date (so the marker file starts with the "New Segment" marker MNE drops).
- `pybv_int16.vhdr/.vmrk/.eeg`: pybv, INT_16, MULTIPLEXED, 4 channels at 500 Hz for 2 s.
- `vectorized_int16.vhdr/.vmrk/.eeg`: written here by hand (pybv writes MULTIPLEXED only): the old
  "Brain Vision Data Exchange" header, VECTORIZED INT_16 with DataPoints, 4 channels at 250 Hz for
  2 s, a channel entry without a unit (µV by default) and one without a resolution (1), a comma in a
  channel name and a marker description written as `\\1`, an HEOGL channel (EOG for MNE), a
  [Coordinates] section (radius 1 = MNE's 95 mm head) and a [Comment] section.
- `multiplexed_int32.vhdr/.eeg`: by hand, MULTIPLEXED INT_32, 3 channels at 2048 Hz,
  300 samples, no marker file named (MarkerFile= absent).
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def make_pybv():
    from pybv import write_brainvision

    rng = np.random.default_rng(20240601)
    sfreq = 1000.0
    t = np.arange(int(5 * sfreq)) / sfreq
    names = ["Fp1", "Fp2", "C3", "C4", "O1", "O2", "ECG", "TEMP"]
    data = np.empty((8, t.size))
    for i in range(6):
        data[i] = 20e-6 * np.sin(2 * np.pi * (4 + 2 * i) * t + i) + 2e-6 * rng.standard_normal(t.size)
    data[6] = 1e-3 * np.sin(2 * np.pi * 1.2 * t)  # ECG, stored in mV
    data[7] = 36.6 + 0.1 * np.sin(2 * np.pi * 0.2 * t)  # temperature, °C, stored as is
    events = [
        dict(onset=500, duration=1, description=1, type="Stimulus"),
        dict(onset=1250, duration=250, description=2, type="Stimulus"),
        dict(onset=2000, duration=1, description=3, type="Response"),
        dict(onset=3999, duration=10, description="eyes closed", type="Comment"),
    ]
    write_brainvision(
        data=data,
        sfreq=sfreq,
        ch_names=names,
        fname_base="pybv_float32",
        folder_out=HERE,
        overwrite=True,
        events=events,
        resolution=np.array([0.1, 0.1, 0.5, 0.1, 1.0, 0.1, 0.001, 0.01]),
        unit=["µV"] * 6 + ["mV", "°C"],
        fmt="binary_float32",
        meas_date="20240601120000000000",
    )

    sfreq = 500.0
    t = np.arange(int(2 * sfreq)) / sfreq
    data = np.stack([30e-6 * np.sin(2 * np.pi * f * t) for f in (1.0, 3.0, 7.0, 11.0)])
    write_brainvision(
        data=data,
        sfreq=sfreq,
        ch_names=["Fz", "Cz", "Pz", "Oz"],
        fname_base="pybv_int16",
        folder_out=HERE,
        overwrite=True,
        events=np.array([[100, 5], [900, 7]]),
        resolution=0.1,
        fmt="binary_int16",
    )


def make_vectorized():
    n, nch = 500, 4
    k = np.arange(n)
    raw = np.stack(
        [
            (1000 * np.sin(2 * np.pi * k / 50)).astype(np.int16),
            (k % 200 - 100).astype(np.int16),
            (-32768 + 131 * k).astype(np.int16),
            (np.where(k % 100 < 50, 2000, -2000)).astype(np.int16),
        ]
    )
    with open(os.path.join(HERE, "vectorized_int16.eeg"), "wb") as fh:
        fh.write(raw.astype("<i2").tobytes())  # channel after channel (VECTORIZED)
    header = (
        "Brain Vision Data Exchange Header File Version 1.0\r\n"
        "; Data created by hand for Glia's tests (make_brainvision.py)\r\n"
        "\r\n"
        "[Common Infos]\r\n"
        "DataFile=vectorized_int16.eeg\r\n"
        "MarkerFile=vectorized_int16.vmrk\r\n"
        "DataFormat=BINARY\r\n"
        "DataOrientation=VECTORIZED\r\n"
        f"DataPoints={n}\r\n"
        f"NumberOfChannels={nch}\r\n"
        "SamplingInterval=4000\r\n"
        "\r\n"
        "[Binary Infos]\r\n"
        "BinaryFormat=INT_16\r\n"
        "\r\n"
        "[Channel Infos]\r\n"
        "; Ch<n>=<name>,<reference>,<resolution in unit>,<unit>\r\n"
        "Ch1=Fz,,0.5,µV\r\n"
        "Ch2=Cz\\1ref,,0.1\r\n"
        "Ch3=Pz,,,µV\r\n"
        "Ch4=HEOGL,,2,mV\r\n"
        "\r\n"
        "[Coordinates]\r\n"
        "Ch1=1,45,90\r\n"
        "Ch2=1,0,0\r\n"
        "Ch3=1,45,-90\r\n"
        "Ch4=0,0,0\r\n"
        "\r\n"
        "[Comment]\r\n"
        "Free text that is not parsed.\r\n"
        "Ch9=not a channel\r\n"
    )
    with open(os.path.join(HERE, "vectorized_int16.vhdr"), "w", encoding="utf-8", newline="") as fh:
        fh.write(header)
    markers = (
        "Brain Vision Data Exchange Marker File, Version 1.0\r\n"
        "\r\n"
        "[Common Infos]\r\n"
        "DataFile=vectorized_int16.eeg\r\n"
        "\r\n"
        "[Marker Infos]\r\n"
        "; Mk<n>=<type>,<description>,<position in data points>,<size in data points>,<channel>\r\n"
        "Mk1=New Segment,,1,1,0\r\n"
        "Mk2=Stimulus,S  1,26,1,0\r\n"
        "Mk3=Comment,a\\1b,101,50,0\r\n"
        "Mk4=Response,R  2,500,0,0\r\n"
    )
    with open(os.path.join(HERE, "vectorized_int16.vmrk"), "w", encoding="utf-8", newline="") as fh:
        fh.write(markers)


def make_int32():
    n, nch = 300, 3
    k = np.arange(n)
    raw = np.stack([k * 1000 - 150000, (k % 7) * -2_000_000, np.full(n, 2_000_000_000)]).T
    with open(os.path.join(HERE, "multiplexed_int32.eeg"), "wb") as fh:
        fh.write(raw.astype("<i4").tobytes())  # sample after sample (MULTIPLEXED)
    header = (
        "BrainVision Core Data Format 1.0\n"
        "; Data created by hand for Glia's tests (make_brainvision.py)\n"
        "[Common Infos]\n"
        "Codepage=UTF-8\n"
        "DataFile=multiplexed_int32.eeg\n"
        "DataFormat=BINARY\n"
        "DataOrientation=MULTIPLEXED\n"
        f"NumberOfChannels={nch}\n"
        f"SamplingInterval={1e6 / 2048!r}\n"
        "[Binary Infos]\n"
        "BinaryFormat=INT_32\n"
        "[Channel Infos]\n"
        "Ch1=T7,,0.001,µV\n"
        "Ch2=T8,,1,nV\n"
        "Ch3=EMG,,1e-9,V\n"
    )
    with open(os.path.join(HERE, "multiplexed_int32.vhdr"), "w", encoding="utf-8") as fh:
        fh.write(header)


FILES = ["pybv_float32.vhdr", "pybv_int16.vhdr", "vectorized_int16.vhdr", "multiplexed_int32.vhdr"]


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def f64(v):
    r = repr(float(v))
    return r if ("." in r or "e" in r) else r + ".0"


def reference():
    import mne

    mne.set_log_level("ERROR")
    print(f"// mne {mne.__version__}, Python {sys.version.split()[0]}: "
          "tests/data/recordings/make_brainvision.py")
    print("const EXPECTED: &[Expected] = &[")
    for name in FILES:
        raw = mne.io.read_raw_brainvision(os.path.join(HERE, name), preload=True)
        data = raw.get_data()  # volts for voltage channels
        types = raw.get_channel_types()
        print("    Expected {")
        print(f"        file: {rust_str(name)},")
        print(f"        sfreq: {f64(raw.info['sfreq'])},")
        print(f"        n_times: {raw.n_times},")
        print("        channels: &[")
        for i, ch in enumerate(raw.ch_names):
            unit = raw._orig_units.get(ch, "")
            print(f"            Chan {{ name: {rust_str(ch)}, kind: {rust_str(types[i].upper())}, "
                  f"unit: {rust_str(unit)},")
            print(f"                first: [{', '.join(f64(x) for x in data[i, :3])}],")
            print(f"                last: [{', '.join(f64(x) for x in data[i, -3:])}] }},")
        print("        ],")
        print("        annotations: &[")
        for a in raw.annotations:
            print(f"            ({f64(a['onset'])}, {f64(a['duration'])}, {rust_str(a['description'])}),")
        print("        ],")
        montage = raw.get_montage()
        print("        electrodes_mm: &[")
        if montage is not None:
            for ch, pos in montage.get_positions()["ch_pos"].items():
                if np.any(pos != 0):
                    print(f"            ({rust_str(ch)}, [{', '.join(f64(x * 1000) for x in pos)}]),")
        print("        ],")
        print("    },")
    print("];")


if __name__ == "__main__":
    make_pybv()
    make_vectorized()
    make_int32()
    reference()
