"""Durable state: an append-only event log and the latest snapshot, in SQLite.

Every accepted command is written as one transaction holding both its log
entry and the snapshot it produced, before anyone is told about it. After a
crash the snapshot is the state; timers go on because their deadlines are
absolute.

Failing safe:
- A write the disk refuses (full, read-only, I/O error) is rolled back whole and
  raised as `StorageError` with a plain reason; the connection is never left in
  the middle of a transaction, and the next write opens it afresh.
- The database runs in SQLite's EXCLUSIVE locking mode: the connection takes
  the file lock on its first read and keeps it, so no other process can read or
  write it while the show runs, and the write-ahead log's index lives in this
  process's memory (no ``-shm`` file is ever mapped: a full or unwritable disk
  cannot kill the server with SIGBUS).
- At start, a file that cannot be opened raises `DataFileError` (naming the
  file and what to do); a snapshot that cannot be trusted raises
  `DamagedSnapshot`, and the dispatcher rebuilds it from the event log.
"""

from __future__ import annotations

import json
import logging
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
from runshow.i18n import _
from runshow.phrase import Phrase
from runshow.snapshot_check import UntypedValue, check_types

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms     INTEGER NOT NULL,
    command   TEXT    NOT NULL,
    arguments TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    revision  INTEGER NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS programmes (
    version   INTEGER PRIMARY KEY,
    agenda    TEXT    NOT NULL,
    saved_ms  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS snapshot (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    revision  INTEGER NOT NULL,
    state     TEXT    NOT NULL,
    saved_ms  INTEGER NOT NULL
);
"""

#: How long opening the file waits for another program's lock to go away. Later
#: writes never wait: this connection holds the lock for as long as it is open.
OPEN_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class LoggedEvent:
    seq: int
    at_ms: int
    command: str
    arguments: dict[str, Any]
    source: str
    revision: int


class StorageError(Exception):
    """A write that was refused by the disk: nothing of it was saved."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class DataFileError(Exception):
    """The data file cannot be used at start. The message names the file and what to do."""


class DamagedSnapshot(Exception):
    """The saved snapshot cannot be trusted (the event log may still rebuild it)."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def plain_cause(error: BaseException) -> str:
    """Why SQLite or the OS refused, in the technician's words."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL" or getattr(error, "errno", None) == 28:
        return _("ổ đĩa đã đầy")
    if name.startswith("SQLITE_READONLY") or getattr(error, "errno", None) == 30:
        return _("ổ đĩa hoặc tệp dữ liệu chỉ cho phép đọc")
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return _("tệp dữ liệu đang bị một chương trình khác khóa")
    if getattr(error, "errno", None) == 13:
        return _("không có quyền ghi")
    if name.startswith("SQLITE_CANTOPEN"):
        return _("không mở được tệp dữ liệu (ổ đĩa đã bị rút ra, hoặc không có quyền ghi?)")
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        return _("tệp không phải là cơ sở dữ liệu hoặc đã bị hỏng")
    if name.startswith("SQLITE_IOERR") or isinstance(error, OSError):
        return _("lỗi đọc/ghi ổ đĩa")
    if name == "SQLITE_CONSTRAINT_UNIQUE":
        return _("tệp dữ liệu đã có lệnh mang cùng phiên bản (một chương trình khác đã ghi vào?)")
    return _("lỗi cơ sở dữ liệu (%(error)s)", error=error)


def refusal_text(path: Path, error: BaseException) -> str:
    return _(
        "Không lưu được lệnh: %(cause)s (%(path)s). Chương trình giữ nguyên như trước "
        "lệnh này. Hãy khắc phục (giải phóng ổ đĩa, cắm lại ổ) rồi gửi lại lệnh.",
        cause=plain_cause(error),
        path=path,
    )


class Store:
    """The show's database file. Safe to share between threads of one process;
    one process at a time (the file stays locked while the store is open)."""

    FILENAME = "runshow.sqlite3"

    def __init__(self, data_dir: str | Path):
        self.path = Path(data_dir) / self.FILENAME
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists() and not self.path.is_file():
                raise DataFileError(
                    _unusable(
                        self.path, _("ở chỗ tệp dữ liệu lại là một thư mục (hoặc tệp đặc biệt)")
                    )
                )
            self._db: sqlite3.Connection | None = self._connect()
        except (sqlite3.Error, OSError) as error:
            if getattr(error, "sqlite_errorname", "").startswith("SQLITE_BUSY"):
                raise DataFileError(
                    _(
                        "Tệp dữ liệu %(path)s đang bị một chương trình khác mở và khóa (một "
                        "máy chủ Runshow khác, hoặc một công cụ xem cơ sở dữ liệu?). Hãy đóng "
                        "chương trình đó rồi chạy lại.",
                        path=self.path,
                    )
                ) from error
            raise DataFileError(_unusable(self.path, plain_cause(error))) from error

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=OPEN_TIMEOUT_S
        )
        try:
            # Before anything reads the file: the lock is taken on first access
            # and the WAL index is kept in memory (no -shm file).
            db.execute("PRAGMA locking_mode=EXCLUSIVE")
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal":
                raise sqlite3.OperationalError(f"cannot use WAL (journal mode {mode})")
            db.execute("PRAGMA synchronous=FULL")
            db.executescript(_SCHEMA)
        except BaseException:
            db.close()
            raise
        return db

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
            if self._db is not None:
                self._db.close()
                self._db = None

    def _connection(self) -> sqlite3.Connection:
        """The open connection; reopened after a failed write (a USB stick pulled
        out and put back leaves the old file handle useless)."""
        if self._db is None:
            self._db = self._connect()
        return self._db

    def load(self) -> ShowState | None:
        """The saved state, None for a new show. Raises `DamagedSnapshot` when the
        snapshot is missing, unreadable or out of step with the event log."""
        with self._lock:
            db = self._connection()
            try:
                row = db.execute("SELECT revision, state FROM snapshot WHERE id = 1").fetchone()
                logged = db.execute("SELECT count(*), max(revision) FROM events").fetchone()
            except sqlite3.Error as error:
                raise DataFileError(_unusable(self.path, plain_cause(error))) from error
        count, last_revision = logged
        if row is None:
            if count:
                raise DamagedSnapshot(
                    _("không có trạng thái đã lưu, nhưng nhật ký có %(count)s lệnh", count=count)
                )
            return None
        revision, state_text = row
        state = snapshot_from_json(state_text)
        if state.revision != revision or (last_revision or 0) != revision:
            raise DamagedSnapshot(
                _(
                    "trạng thái đã lưu ở phiên bản %(saved)s, nhật ký ở phiên bản %(logged)s",
                    saved=state.revision,
                    logged=last_revision or 0,
                )
            )
        return state

    def programmes(self) -> dict[int, str]:
        """Every programme version made by a live edit: version → agenda JSON.
        Append-only: undoing an edit goes back to an older version, never deletes one."""
        with self._lock:
            try:
                rows = self._connection().execute("SELECT version, agenda FROM programmes")
                return dict(rows.fetchall())
            except sqlite3.Error as error:
                raise DataFileError(_unusable(self.path, plain_cause(error))) from error

    def commit(
        self,
        state: ShowState,
        command: str,
        arguments: dict[str, Any],
        source: str,
        at_ms: int,
        programme: str | None = None,
    ) -> None:
        """Log an accepted command and save the state it produced, atomically:
        either both are on disk, or neither is and `StorageError` is raised. With
        `programme` (agenda JSON), the programme version the command made is saved in
        the same transaction."""
        programme_rows = (
            []
            if programme is None
            else [
                (
                    "INSERT INTO programmes (version, agenda, saved_ms) VALUES (?, ?, ?)",
                    (state.programme_version, programme, at_ms),
                )
            ]
        )
        self._write(
            [
                *programme_rows,
                (
                    "INSERT INTO events (at_ms, command, arguments, source, revision)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        at_ms,
                        command,
                        json.dumps(arguments, ensure_ascii=False),
                        source,
                        state.revision,
                    ),
                ),
                _snapshot_statement(state, at_ms),
            ]
        )

    def save_snapshot(self, state: ShowState, at_ms: int) -> None:
        """Replace the snapshot alone (after rebuilding it from the event log)."""
        self._write([("DELETE FROM snapshot", ()), _snapshot_statement(state, at_ms)])

    def _write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        with self._lock:
            try:
                db = self._connection()
                db.execute("BEGIN IMMEDIATE")
                for sql, parameters in statements:
                    db.execute(sql, parameters)
                db.execute("COMMIT")
            except (sqlite3.Error, OSError) as error:
                log.error("write refused, rolled back: %s", error)
                self._abandon()
                raise StorageError(refusal_text(self.path, error)) from error

    def _abandon(self) -> None:
        """After a failed write: roll back whatever is left and close, so the next
        write starts on a clean connection (and nothing half-done survives)."""
        db, self._db = self._db, None
        if db is None:
            return
        try:
            if db.in_transaction:
                db.execute("ROLLBACK")
        except sqlite3.Error as error:
            log.error("rollback failed (the journal undoes it on reopen): %s", error)
        finally:
            db.close()

    def events(self) -> list[LoggedEvent]:
        with self._lock:
            rows = (
                self._connection()
                .execute(
                    "SELECT seq, at_ms, command, arguments, source, revision"
                    " FROM events ORDER BY seq"
                )
                .fetchall()
            )
        return [
            LoggedEvent(seq, at_ms, command, json.loads(arguments), source, revision)
            for seq, at_ms, command, arguments, source, revision in rows
        ]


def _unusable(path: Path, cause: str) -> str:
    return _(
        "Không dùng được tệp dữ liệu %(path)s: %(cause)s.\n"
        "Cách xử lý: dời tệp này (và các tệp %(name)s-wal, %(name)s-shm nếu có) sang "
        "chỗ khác rồi chạy lại, hoặc chạy `runshow serve --fresh` để cất chúng vào thư mục "
        "archive/ và bắt đầu chương trình lại từ đầu.",
        path=path,
        cause=cause,
        name=path.name,
    )


def _snapshot_statement(state: ShowState, at_ms: int) -> tuple[str, tuple[Any, ...]]:
    state_json = state_to_json(state)
    return (
        "INSERT INTO snapshot (id, revision, state, saved_ms) VALUES (1, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET revision = excluded.revision,"
        " state = excluded.state, saved_ms = excluded.saved_ms",
        (state.revision, state_json, at_ms),
    )


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
        "words": entry.words.to_json(),
        "command": dict(entry.command),
        "changes": {name: _encode_change(name, change) for name, change in entry.changes.items()},
    }


def _entry_from(data: dict[str, Any]) -> UndoEntry:
    changes = {name: _decode_change(name, change) for name, change in data["changes"].items()}
    # Saved before its words were (a label, in Vietnamese only): shown as it was written.
    words = Phrase.from_json(data["words"]) if "words" in data else Phrase(data["label"])
    return UndoEntry(words, _frozen_map(data["command"]), _frozen_map(changes))


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


#: Fields every snapshot has had since the first version: one missing means a
#: damaged snapshot, not an older one (later fields take their defaults).
_ALWAYS_SAVED = ("revision", "current_id", "cursor_id", "timers", "stage_message", "mc_message")


def snapshot_from_json(text: str) -> ShowState:
    """The state saved as `text`, checked strictly before it is trusted (every
    field of the first version present, every value of its declared type, no
    "123" for 123), or `DamagedSnapshot` saying what is wrong with it."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise DamagedSnapshot(
            _("trạng thái đã lưu không phải JSON hợp lệ (%(error)s)", error=error)
        ) from None
    if not isinstance(data, dict):
        raise DamagedSnapshot(_("trạng thái đã lưu không phải một đối tượng JSON"))
    missing = [name for name in _ALWAYS_SAVED if name not in data]
    if missing:
        raise DamagedSnapshot(
            _("trạng thái đã lưu thiếu trường %(names)s", names=", ".join(missing))
        )
    unknown = sorted(set(data) - {spec.name for spec in _FIELDS} - {"records"})
    if unknown:
        raise DamagedSnapshot(
            _("trạng thái đã lưu có trường lạ %(names)s", names=", ".join(unknown))
        )
    try:
        state = state_from_dict(data)
        check_types(state)
    except UntypedValue as wrong:
        raise DamagedSnapshot(_("trạng thái đã lưu bị hỏng: %(wrong)s", wrong=wrong)) from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DamagedSnapshot(
            _("trạng thái đã lưu bị hỏng (%(error)s)", error=repr(error))
        ) from None
    return state
