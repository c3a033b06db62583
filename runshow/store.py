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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from runshow.engine import (
    MapChanges,
    ShowState,
    TailChanges,
    Timer,
    UndoEntry,
    Visit,
    _frozen_map,
)

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
        state_json = state_to_json(state)
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


# --------------------------------------------------------------------------- #
# The snapshot's JSON. Each field of ShowState has a codec; a field without one
# is plain JSON (a number, a string, a flag). Undo entries keep only the fields a
# command changed (engine.changes_between), encoded with the same codecs.


@dataclass(frozen=True)
class _Codec:
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


def _visit_from(data: dict[str, Any]) -> Visit:
    return Visit(**(data | {"runs": tuple((start, end) for start, end in data["runs"])}))


def _entry_to(entry: UndoEntry) -> dict[str, Any]:
    return {
        "label": entry.label,
        "command": dict(entry.command),
        "changes": {name: _encode_change(name, change) for name, change in entry.changes.items()},
    }


def _entry_from(data: dict[str, Any]) -> UndoEntry:
    changes = {name: _decode_change(name, change) for name, change in data["changes"].items()}
    return UndoEntry(data["label"], _frozen_map(data["command"]), _frozen_map(changes))


_PLAIN = _Codec(encode=lambda value: value, decode=lambda value: value)
#: How one element of a mapping or tuple field is saved; plain JSON otherwise.
_ELEMENTS: dict[str, _Codec] = {
    "timers": _Codec(vars, lambda data: Timer(**data)),  # flat dataclasses: vars, not asdict
    "visits": _Codec(vars, _visit_from),
    "undo": _Codec(_entry_to, _entry_from),
    "redo": _Codec(_entry_to, _entry_from),
}
_EMPTY = ShowState()


def _encode_field(name: str, value: Any) -> Any:
    element = _ELEMENTS.get(name, _PLAIN)
    if isinstance(value, Mapping):
        return {key: element.encode(one) for key, one in value.items()}
    if isinstance(value, tuple):
        return [element.encode(one) for one in value]
    return value


def _decode_field(name: str, data: Any) -> Any:
    element = _ELEMENTS.get(name, _PLAIN)
    if isinstance(getattr(_EMPTY, name), Mapping):
        return _frozen_map({key: element.decode(one) for key, one in data.items()})
    if isinstance(getattr(_EMPTY, name), tuple):
        return tuple(element.decode(one) for one in data)
    return data


def _encode_change(name: str, change: Any) -> dict[str, Any]:
    element = _ELEMENTS.get(name, _PLAIN)
    if isinstance(change, MapChanges):
        values = {key: element.encode(one) for key, one in change.values.items()}
        return {"values": values, "absent": list(change.absent)}
    if isinstance(change, TailChanges):
        return {"keep": change.keep, "tail": [element.encode(one) for one in change.tail]}
    return {"value": _encode_field(name, change)}


def _decode_change(name: str, data: dict[str, Any]) -> Any:
    element = _ELEMENTS.get(name, _PLAIN)
    if "absent" in data:
        values = {key: element.decode(one) for key, one in data["values"].items()}
        return MapChanges(_frozen_map(values), tuple(data["absent"]))
    if "keep" in data:
        return TailChanges(data["keep"], tuple(element.decode(one) for one in data["tail"]))
    return _decode_field(name, data["value"])


#: The undo/redo stacks: saved as JSON text made once per entry (entries never
#: change), so that a full stack does not cost its encoding on every command.
_STACKS = ("undo", "redo")


def _entry_json(entry: UndoEntry) -> str:
    text = entry.__dict__.get("_saved_json")
    if text is None:
        text = json.dumps(_entry_to(entry), ensure_ascii=False)
        object.__setattr__(entry, "_saved_json", text)  # a cache, not part of the entry
    return text


def state_to_json(state: ShowState) -> str:
    """The snapshot saved with every command."""
    head = {
        spec.name: _encode_field(spec.name, getattr(state, spec.name))
        for spec in _FIELDS
        if spec.name not in _STACKS
    }
    stacks = ", ".join(
        f'"{name}": [{", ".join(_entry_json(entry) for entry in getattr(state, name))}]'
        for name in _STACKS
    )
    return f"{json.dumps(head, ensure_ascii=False)[:-1]}, {stacks}}}"


def state_to_dict(state: ShowState) -> dict[str, Any]:
    return json.loads(state_to_json(state))


def state_from_dict(data: dict[str, Any]) -> ShowState:
    """The state saved by `state_to_json`. A field the snapshot lacks (saved by an
    older version) takes its default; one it no longer has is ignored."""
    if "records" in data and "visits" not in data:
        data = data | {"visits": _visits_from_records(data)}
    return ShowState(
        **{
            spec.name: _decode_field(spec.name, data[spec.name])
            for spec in _FIELDS
            if spec.name in data
        }
    )


_FIELDS = fields(ShowState)


def _visits_from_records(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Snapshots from before visits kept one start and end per item: each becomes
    one visit (its clock counted as running throughout), so the report keeps them."""
    visits = []
    for item_id, record in data["records"].items():
        start, end = record.get("actual_start_ms"), record.get("actual_end_ms")
        if start is None:
            continue
        timer = data["timers"].get(item_id, {})
        running = item_id == data.get("current_id") and timer.get("deadline_ms") is not None
        visit_end = None if running or end is None else end
        visits.append(
            {
                "item_id": item_id,
                "started_by": "start",
                "runs": [[start, visit_end]],
                "ended_ms": None if item_id == data.get("current_id") else end,
                "ended_by": None if item_id == data.get("current_id") else "next",
            }
        )
    return sorted(visits, key=lambda visit: visit["runs"][0][0])
