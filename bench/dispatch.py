"""How fast the dispatcher accepts commands, each validated, applied and
committed to SQLite (synchronous=FULL) before it returns."""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import percentiles, write_section
from runshow import bundled
from runshow.agenda import load_agenda
from runshow.engine import ShowState
from runshow.service import ShowService
from runshow.store import Store, state_to_json

COMMANDS = 2000


def _encoding_ms(state: ShowState, rounds: int = 500) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        state_to_json(replace(state))  # a fresh state object, as after each command
    return (time.perf_counter() - started) / rounds * 1000


def main() -> None:
    agenda = load_agenda(bundled("agenda.json"))
    with tempfile.TemporaryDirectory() as data_dir:
        service = ShowService(agenda, Store(data_dir))
        service.dispatch({"command": "next"}, "bench")
        service.dispatch({"command": "start"}, "bench")
        latencies_ms = []
        started = time.perf_counter()
        for n in range(COMMANDS):
            payload = {"command": "adjust", "seconds": 1 if n % 2 else -1}
            before = time.perf_counter()
            result = service.dispatch(payload, "bench")
            latencies_ms.append((time.perf_counter() - before) * 1000)
            assert result.accepted
        elapsed = time.perf_counter() - started
        view_started = time.perf_counter()
        for _ in range(500):
            service.view()
        view_ms = (time.perf_counter() - view_started) / 500 * 1000
        logged = len(service.store.events())
        # Written with every command: the show and its undo history (what each of the
        # last commands changed, kept as that alone).
        snapshot_bytes = len(state_to_json(service.state).encode())
        undo_entries = len(service.state.undo)
        with_history_ms = _encoding_ms(service.state)
        without_history_ms = _encoding_ms(replace(service.state, undo=(), redo=()))
        service.store.close()
    figures = percentiles(latencies_ms)
    body = "\n".join(
        [
            f"{COMMANDS} `adjust` commands through `ShowService.dispatch`, each committed "
            "(event log + snapshot, one transaction) before returning:",
            "",
            f"- throughput: **{COMMANDS / elapsed:,.0f} commands/s**",
            "- latency per command (ms): "
            + ", ".join(f"{key} {value:.2f}" for key, value in figures.items()),
            f"- building one state view (the broadcast payload): {view_ms:.3f} ms",
            f"- rows in the event log afterwards: {logged} (every accepted command)",
            f"- snapshot saved with each command: {snapshot_bytes:,} bytes, "
            f"of which {undo_entries} undo entries",
            f"- encoding it: {with_history_ms:.3f} ms; the same state without its undo "
            f"history (baseline, same run): {without_history_ms:.3f} ms",
        ]
    )
    print(body)
    write_section("Dispatcher and storage", body)


if __name__ == "__main__":
    main()
