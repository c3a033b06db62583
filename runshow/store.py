"""Durable state: an append-only event log and the latest snapshot, in SQLite.

Every accepted command is written as one transaction holding both its log
entry and the snapshot it produced, before anyone is told about it. After a
crash the snapshot is the state; timers go on because their deadlines are
absolute.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from runshow.engine import ItemRecord, ShowState, Timer, _frozen_map

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms     INTEGER NOT NULL,
    command   TEXT    NOT NULL,
    arguments TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    revision  INTEGER NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS snapshot (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    revision  INTEGER NOT NULL,
    state     TEXT    NOT NULL,
    saved_ms  INTEGER NOT NULL
);
"""


@dataclass(frozen=True)
class LoggedEvent:
    seq: int
    at_ms: int
    command: str
    arguments: dict[str, Any]
    source: str
    revision: int


class Store:
    """The show's database file. Safe to share between threads of one process."""

    FILENAME = "runshow.sqlite3"

    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / self.FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    @classmethod
    def archive(cls, data_dir: str | Path, stamp: str) -> Path | None:
        """Move a show's database aside (e.g. after a rehearsal), so the next start
        begins from the top. Returns where it went, or None if there was none."""
        source = Path(data_dir) / cls.FILENAME
        if not source.exists():
            return None
        target_dir = Path(data_dir) / "archive"
        target_dir.mkdir(parents=True, exist_ok=True)
        target = target_dir / f"runshow-{stamp}.sqlite3"
        for suffix in ("", "-wal", "-shm"):  # SQLite's write-ahead log goes with it
            part = Path(f"{source}{suffix}")
            if part.exists():
                part.rename(f"{target}{suffix}")
        return target

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def load(self) -> ShowState | None:
        with self._lock:
            row = self._db.execute("SELECT state FROM snapshot WHERE id = 1").fetchone()
        return None if row is None else state_from_dict(json.loads(row[0]))

    def commit(
        self,
        state: ShowState,
        command: str,
        arguments: dict[str, Any],
        source: str,
        at_ms: int,
    ) -> None:
        """Log an accepted command and save the state it produced, atomically."""
        state_json = json.dumps(state_to_dict(state), ensure_ascii=False)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.execute(
                    "INSERT INTO events (at_ms, command, arguments, source, revision)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        at_ms,
                        command,
                        json.dumps(arguments, ensure_ascii=False),
                        source,
                        state.revision,
                    ),
                )
                self._db.execute(
                    "INSERT INTO snapshot (id, revision, state, saved_ms) VALUES (1, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET revision = excluded.revision,"
                    " state = excluded.state, saved_ms = excluded.saved_ms",
                    (state.revision, state_json, at_ms),
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def events(self) -> list[LoggedEvent]:
        with self._lock:
            rows = self._db.execute(
                "SELECT seq, at_ms, command, arguments, source, revision FROM events ORDER BY seq"
            ).fetchall()
        return [
            LoggedEvent(seq, at_ms, command, json.loads(arguments), source, revision)
            for seq, at_ms, command, arguments, source, revision in rows
        ]


def state_to_dict(state: ShowState) -> dict[str, Any]:
    return {
        "revision": state.revision,
        "current_id": state.current_id,
        "cursor_id": state.cursor_id,
        "timers": {key: asdict(timer) for key, timer in state.timers.items()},
        "records": {key: asdict(record) for key, record in state.records.items()},
        "stage_message": state.stage_message,
        "mc_message": state.mc_message,
        "blackout": state.blackout,
    }


def state_from_dict(data: dict[str, Any]) -> ShowState:
    return ShowState(
        revision=data["revision"],
        current_id=data["current_id"],
        cursor_id=data["cursor_id"],
        timers=_frozen_map({key: Timer(**value) for key, value in data["timers"].items()}),
        records=_frozen_map({key: ItemRecord(**value) for key, value in data["records"].items()}),
        stage_message=data["stage_message"],
        mc_message=data["mc_message"],
        blackout=data["blackout"],
    )
