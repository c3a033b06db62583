"""A show process for tests/test_crash_recovery.py to kill.

Usage: python tests/crash_worker.py DATA_DIR

Runs the bundled programme with the wall clock and the real store in DATA_DIR,
exactly as the server does, without the web layer. Prints one JSON line when
ready, then reads commands from stdin, one JSON object per line, and answers
each with one JSON line, flushed before the next command is read:

    {"ok": true, "revision": 3, "accepted": true, "current_id": "...",
     "deadline_ms": 1690500000000, "timers": {...}}
"""

from __future__ import annotations

import json
import sys

from runshow import bundled
from runshow.agenda import load_agenda
from runshow.service import ShowService
from runshow.store import Store, state_to_dict

SOURCE = "crash-worker"


def report(service: ShowService, answer: dict) -> None:
    state = service.state
    timer = state.timer()
    answer |= {
        "current_id": state.current_id,
        "deadline_ms": None if timer is None else timer.deadline_ms,
        "timers": state_to_dict(state)["timers"],
    }
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main(data_dir: str) -> int:
    service = ShowService(load_agenda(bundled("agenda.json")), Store(data_dir))
    report(service, {"ready": True, "revision": service.state.revision})
    for line in sys.stdin:
        result = service.dispatch(json.loads(line), SOURCE)
        report(service, result.to_json() | {"accepted": result.accepted})
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
