"""Loaded by a benchmarked server (bench/fanout.py --gc-stats puts this folder on its
PYTHONPATH): times every garbage collection and writes them to $RUNSHOW_GC_STATS
("generation milliseconds" per line) when the server stops."""

import atexit
import gc
import os
import signal
import sys
import time

_started: list[float] = []
_pauses: list[tuple[int, float]] = []


def _time_collection(phase: str, info: dict) -> None:
    if phase == "start":
        _started[:] = [time.perf_counter()]
    elif _started:
        _pauses.append((info["generation"], (time.perf_counter() - _started[0]) * 1000))


def _write(*_args) -> None:
    with open(os.environ["RUNSHOW_GC_STATS"], "w") as out:
        out.writelines(f"{generation} {ms:.3f}\n" for generation, ms in _pauses)


def _stop(*_args) -> None:
    _write()
    sys.exit(0)


if os.environ.get("RUNSHOW_GC_STATS"):
    gc.callbacks.append(_time_collection)
    atexit.register(_write)
    signal.signal(signal.SIGTERM, _stop)
