#!/usr/bin/env python3
"""Reference numbers for tests/edf.rs, from pyedflib 0.1.42 (Python 3.11, numpy).

    .venv/bin/python tests/data/recordings/reference_edf.py > /tmp/expected.rs

For every EDF/BDF file in this folder (and `test_legacy.edf`, which is rebuilt from
`test_generator.edf` exactly as the Rust test rebuilds it: pyedflib ships the two files with the
same data records, differing only in the patient, recording and reserved header fields), prints a
Rust `Expected` literal: channel names, sample rates, sample counts, units, the first and last
three physical samples of every signal as pyedflib returns them (in the file's unit: the Rust test
converts µV to V), the file duration, and the annotations (onset, duration, text; pyedflib gives
duration -1 where the TAL has none).
"""
import os
import sys
import tempfile

import pyedflib

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = [
    "test_generator.edf",
    "test_legacy.edf",
    "test_utf8.edf",
    "test_subsecond.edf",
    "test_generator.bdf",
    "test_generator_datarec_generator_0_5.bdf",
    "test_generator_datarec_generator_2.bdf",
]


def legacy_bytes():
    """test_legacy.edf from test_generator.edf (same as `legacy_from_generator` in tests/edf.rs)."""
    b = bytearray(open(os.path.join(HERE, "test_generator.edf"), "rb").read())
    b[8:88] = b"Legacy patient description".ljust(80)
    b[88:168] = b"Legacy recording description".ljust(80)
    b[192:236] = b" " * 44
    return bytes(b)


def rust_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def f64(v):
    r = repr(float(v))
    return r if ("." in r or "e" in r or "inf" in r or "nan" in r) else r + ".0"


def describe(name, path):
    f = pyedflib.EdfReader(path)
    try:
        n = f.getNSamples()
        out = [f"    Expected {{", f"        file: {rust_str(name)},",
               f"        duration_secs: {f64(f.file_duration)},", "        channels: &["]
        for i in range(f.signals_in_file):
            k = int(n[i])
            first = f.readSignal(i, 0, 3)
            last = f.readSignal(i, k - 3, 3)
            out.append(
                f"            Chan {{ name: {rust_str(f.getLabel(i))}, rate: {f64(f.getSampleFrequency(i))}, "
                f"n: {k}, unit: {rust_str(f.getPhysicalDimension(i))},"
            )
            out.append(f"                first: [{', '.join(f64(x) for x in first)}],")
            out.append(f"                last: [{', '.join(f64(x) for x in last)}] }},")
        out.append("        ],")
        on, du, tx = f.readAnnotations()
        out.append("        annotations: &[")
        for o, d, t in zip(on, du, tx):
            out.append(f"            ({f64(o)}, {f64(d)}, {rust_str(str(t))}),")
        out.append("        ],")
        out.append("    },")
        return "\n".join(out)
    finally:
        f.close()


def main():
    print(f"// pyedflib {pyedflib.__version__}, Python {sys.version.split()[0]}: "
          "tests/data/recordings/reference_edf.py")
    print("const EXPECTED: &[Expected] = &[")
    with tempfile.TemporaryDirectory() as tmp:
        for name in FILES:
            if name == "test_legacy.edf":
                path = os.path.join(tmp, name)
                with open(path, "wb") as fh:
                    fh.write(legacy_bytes())
            else:
                path = os.path.join(HERE, name)
            print(describe(name, path))
    print("];")


if __name__ == "__main__":
    main()
