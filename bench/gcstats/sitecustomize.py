"""Loaded by a benchmarked server (bench/fanout.py --gc-stats puts this folder on its
PYTHONPATH): times every garbage collection and writes them to $RUNSHOW_GC_STATS
("generation milliseconds monotonic-time" per line) when the server stops."""

import atexit
import gc
import os
import signal
import sys
import time

_started: list[float] = []
_pauses: list[tuple[int, float, float]] = []  # generation, ms, when (time.monotonic)


def _time_collection(phase: str, info: dict) -> None:
    if phase == "start":
        _started[:] = [time.perf_counter()]
    elif _started:
        pause_ms = (time.perf_counter() - _started[0]) * 1000
        _pauses.append((info["generation"], pause_ms, time.monotonic()))


def _write(*_args) -> None:
    with open(os.environ["RUNSHOW_GC_STATS"], "w") as out:
        out.writelines(f"{gen} {ms:.3f} {when:.3f}\n" for gen, ms, when in _pauses)


def _stop(*_args) -> None:
    _write()
    sys.exit(0)


if os.environ.get("RUNSHOW_GC_STATS"):
    gc.callbacks.append(_time_collection)
    atexit.register(_write)
    signal.signal(signal.SIGTERM, _stop)

if os.environ.get("RUNSHOW_GC_DEFAULTS"):
    # Measure what the server's collector tuning buys: leave Python's defaults in force.
    gc.freeze = lambda: None
    gc.set_threshold = lambda *thresholds: None
