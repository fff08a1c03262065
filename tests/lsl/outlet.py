#!/usr/bin/env python3
"""A Lab Streaming Layer outlet for Glia's integration tests (stdlib + pylsl only).

    outlet.py --name NAME --channels C --rate 1000 --chunk 10 --duration-secs S
              [--fault none|gap|out-of-order|nan|vanish] [--pattern sine|ramp]
              [--labels a,b,c] [--consumer-timeout 10]

Creates a float32 outlet of type "EEG", prints "ready" once it exists, waits for a consumer,
then pushes `chunk` samples at a time in real time for `duration-secs` seconds and exits.

Timestamps follow a nominal schedule on `local_clock()`: sample i is stamped t0 + i / rate,
where t0 is the clock when the consumer appeared, and each chunk is pushed once the clock
has reached its newest sample's stamp. (Stamping each chunk with the clock at push time would
make late wake-ups show up as spurious gaps or overlapping, out-of-order rows.)

Values, sample i, channel j:
    sine (default): sin(2*pi*10*t + j), t = i / rate
    ramp:           i * channels + j   (exact in float32 below 2**24)

Faults, placed at half the duration:
    gap           skip 0.5 s: nothing is pushed, and the stamps jump by 0.5 s
    out-of-order  push one extra chunk stamped 1 s in the past (then carry on normally)
    nan           three chunks have NaN in every value of channel 0
    vanish        destroy the outlet and exit (status 0)
Exit status 2: no consumer appeared in time.
"""

import argparse
import math
import sys
import time

import pylsl


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--name", required=True)
    p.add_argument("--channels", type=int, default=4)
    p.add_argument("--rate", type=float, default=1000.0)
    p.add_argument("--chunk", type=int, default=10)
    p.add_argument("--duration-secs", type=float, default=5.0)
    p.add_argument(
        "--fault",
        choices=["none", "gap", "out-of-order", "nan", "vanish"],
        default="none",
    )
    p.add_argument("--pattern", choices=["sine", "ramp"], default="sine")
    p.add_argument("--labels", default="", help="comma-separated channel labels for desc/channels")
    p.add_argument("--consumer-timeout", type=float, default=10.0)
    a = p.parse_args()
    if a.channels < 1 or a.rate <= 0 or a.chunk < 1:
        p.error("channels, rate and chunk must be positive")

    info = pylsl.StreamInfo(a.name, "EEG", a.channels, a.rate, pylsl.cf_float32, "")
    if a.labels:
        labels = a.labels.split(",")
        if len(labels) != a.channels:
            p.error("--labels needs one label per channel")
        chans = info.desc().append_child("channels")
        for label in labels:
            ch = chans.append_child("channel")
            ch.append_child_value("label", label)
            ch.append_child_value("unit", "microvolts")
            ch.append_child_value("type", "EEG")
    outlet = pylsl.StreamOutlet(info, 0, 360)
    print("ready", flush=True)

    if not outlet.wait_for_consumers(a.consumer_timeout):
        print("outlet.py: no consumer appeared", file=sys.stderr, flush=True)
        return 2

    period = 1.0 / a.rate
    total = int(round(a.duration_secs * a.rate))
    middle = total // 2
    nan_chunks = 0
    fault_done = False
    t0 = pylsl.local_clock()
    i = 0  # index of the next sample

    def value(k, j):
        if a.pattern == "ramp":
            return float(k * a.channels + j)
        return math.sin(2.0 * math.pi * 10.0 * k * period + j)

    def push(first, n, offset=0.0, nan_ch0=False):
        for k in range(first, first + n):
            row = [value(k, j) for j in range(a.channels)]
            if nan_ch0:
                row[0] = float("nan")
            # Push the chunk through in one go: only its last sample flushes.
            outlet.push_sample(row, t0 + k * period + offset, k == first + n - 1)

    while i < total:
        if i >= middle and not fault_done:
            fault_done = True
            if a.fault == "vanish":
                del outlet
                print("outlet.py: vanished", file=sys.stderr, flush=True)
                return 0
            if a.fault == "gap":
                i += int(round(0.5 * a.rate))
                continue
            if a.fault == "out-of-order":
                push(i, a.chunk, offset=-1.0)
            if a.fault == "nan":
                nan_chunks = 3
        n = min(a.chunk, total - i)
        newest = t0 + (i + n - 1) * period
        wait = newest - pylsl.local_clock()
        if wait > 0:
            time.sleep(wait)
        push(i, n, nan_ch0=nan_chunks > 0)
        nan_chunks = max(0, nan_chunks - 1)
        i += n
    # Let the last chunk reach the consumer before the outlet goes away.
    time.sleep(0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
