"""Helpers for damaging a data directory the ways a venue does, and for running
`runshow serve` on it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from runshow.agenda import load_agenda
from runshow.engine import ShowState
from runshow.service import ShowService
from runshow.store import Store
from tests.conftest import BUNDLED_AGENDA, CONTROL_KEY, free_port
from tests.core_helpers import FakeClock

SHOW_COMMANDS = (
    {"command": "next"},
    {"command": "start"},
    {"command": "adjust", "seconds": 30},
    {"command": "message", "text": "Còn 2 phút", "target": "mc"},
    {"command": "adjust", "seconds": -10},
    {"command": "undo"},  # logged with what it reverted: replay must still read it
    {"command": "redo"},
)


def saved_show(data_dir: Path, clock: FakeClock) -> ShowState:
    """A show a few commands in, saved in `data_dir` by the real store; returns its state."""
    service = ShowService(load_agenda(BUNDLED_AGENDA), Store(data_dir), clock=clock)
    for payload in SHOW_COMMANDS:
        clock.advance(7)
        assert service.dispatch(payload, "test").accepted
    service.store.close()
    return service.state


def fill_the_database(store: Store) -> None:
    """SQLite's own SQLITE_FULL: the file may not grow by a single page any more."""
    pages = store._connection().execute("PRAGMA page_count").fetchone()[0]
    store._connection().execute(f"PRAGMA max_page_count={pages}")


def database(data_dir: Path) -> Path:
    return data_dir / Store.FILENAME


def edit_database(data_dir: Path, sql: str) -> None:
    """Change the database behind the server's back, with SQLite itself."""
    with closing(sqlite3.connect(database(data_dir))) as db:
        db.execute(sql)
        db.commit()


def serve_until_exit(data_dir: Path, *extra: str, timeout_s: float = 20) -> tuple[int | None, str]:
    """Run `runshow serve` on `data_dir`. Returns (exit status, output); status None
    when it was still running after `timeout_s` (it started: it is stopped then)."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "runshow",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(free_port()),
            "--data-dir",
            str(data_dir),
            "--agenda",
            str(BUNDLED_AGENDA),
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "RUNSHOW_CONTROL_KEY": CONTROL_KEY, "PYTHONUNBUFFERED": "1"},
        text=True,
        encoding="utf-8",
    )
    try:
        output, _ = process.communicate(timeout=timeout_s)
        return process.returncode, output
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        return None, output
