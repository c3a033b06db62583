"""The one command dispatcher: validate, apply, persist, then broadcast.

Socket.IO, HTTP and tests all go through `ShowService.dispatch`, so every
command gets the same validation, the same revision check, the same log
entry and the same broadcast.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from runshow.agenda import Agenda, AgendaError, parse_agenda
from runshow.commands import Command, InvalidCommand, Redo, Undo, parse_command
from runshow.engine import Accepted, Refusal, ShowState, apply, reconcile
from runshow.i18n import N_, SOURCE_LANGUAGE, _
from runshow.payloads import state_view
from runshow.sheets import agenda_json
from runshow.store import DamagedSnapshot, DataFileError, LoggedEvent, StorageError, Store

log = logging.getLogger(__name__)

Clock = Callable[[], int]
Listener = Callable[[ShowState], None]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Result:
    """What a sender is told: the new revision, or why nothing changed."""

    accepted: bool
    revision: int
    code: str | None = None
    reason: str | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.accepted:
            answer: dict[str, Any] = {"ok": True, "revision": self.revision}
            if self.note:
                answer["note"] = self.note  # e.g. time taken only down to 0 s left
            return answer
        return {
            "ok": False,
            "revision": self.revision,
            "code": self.code,
            "error": self.reason,
            "problems": self.problems,
        }


class ShowService:
    """One running show: its programme, its state, its store and its listeners."""

    def __init__(self, agenda: Agenda, store: Store, clock: Clock = wall_clock_ms):
        self.store = store
        self.clock = clock
        self.warnings: list[str] = []
        #: The agenda file no longer gives the live edits' programmes when they are
        #: replayed on it (it changed since): the edited programme stays in use.
        self.file_changed = False
        # Version 0 is the agenda file; live edits add versions, kept in the store.
        self._programmes = self._stored_programmes(agenda)
        try:
            restored = store.load()
        except DamagedSnapshot as damage:
            restored = rebuild_snapshot(agenda, store, damage)
            self.warnings.append(
                _(
                    "Trạng thái đã lưu không dùng được (%(reason)s): đã dựng lại từ nhật ký "
                    "lệnh, đến phiên bản %(revision)s.",
                    reason=damage.reason,
                    revision=restored.revision,
                )
            )
        if restored is None:
            self._state = ShowState()
        else:
            if restored.programme_version not in self._programmes:
                self.warnings.append(
                    _(
                        "Không tìm thấy chương trình đã sửa (phiên bản %(version)s): dùng tệp "
                        "chương trình.",
                        version=restored.programme_version,
                    )
                )
                restored = replace(restored, programme_version=0)
            self._state, fitted = reconcile(restored, self._programmes[restored.programme_version])
            self.warnings += fitted
        self._lock = threading.Lock()
        self._sending = threading.Lock()  # listeners run outside `_lock`, in revision order
        self._listeners: list[Listener] = []
        self._stopping = False

    def _stored_programmes(self, agenda: Agenda) -> dict[int, Agenda]:
        """The file (version 0) and every version live edits made. A stored version
        that no longer reads is made again by replaying the event log; a file changed
        since the edits is said (the edited programme stays the one in use)."""
        programmes: dict[int, Agenda] = {0: agenda}
        unreadable: dict[int, str] = {}
        for version, text in self.store.programmes().items():
            try:
                programmes[version] = parse_agenda(text, source=agenda.source).planned_like(agenda)
            except AgendaError as error:
                unreadable[version] = str(error.problems[0]) if error.problems else str(error)
        if len(programmes) == 1 and not unreadable:
            return programmes
        remade: dict[int, Agenda] = {}
        try:
            replay(agenda, self.store.events(), remade)
            replayed = True
        except (ValueError, LookupError, sqlite3.Error):
            replayed = False
        if unreadable:
            lost = sorted(set(unreadable) - set(remade))
            programmes |= {v: remade[v] for v in unreadable if v in remade}
            details = {
                "versions": ", ".join(map(str, sorted(unreadable))),
                "file": self.store.path,
                "reason": next(iter(unreadable.values())),
            }
            self.warnings.append(
                _(
                    "Bản chương trình đã sửa số %(versions)s trong %(file)s bị hỏng "
                    "(%(reason)s): đã dựng lại từ nhật ký lệnh.",
                    **details,
                )
                if not lost
                else _(
                    "Bản chương trình đã sửa số %(versions)s trong %(file)s bị hỏng "
                    "(%(reason)s): không dựng lại được bản %(lost)s.",
                    lost=", ".join(map(str, lost)),
                    **details,
                )
            )
        elif not replayed or any(
            version in remade and remade[version].spec != programme.spec
            for version, programme in programmes.items()
        ):
            self.file_changed = True
            self.warnings.append(
                _(
                    "Tệp chương trình %(file)s đã đổi sau các lần sửa trực tiếp: chương "
                    "trình đang dùng vẫn là bản đã sửa, lưu trong dữ liệu; các thay đổi trong "
                    "tệp không được dùng. Muốn dùng tệp: chạy `runshow serve --fresh` (trạng "
                    "thái cũ được cất vào archive/), hoặc sửa tiếp trên bàn điều khiển.",
                    file=agenda.source,
                )
            )
        return programmes

    @property
    def state(self) -> ShowState:
        return self._state

    @property
    def agenda(self) -> Agenda:
        """The programme the show runs on now (the file, or its latest live edit)."""
        return self._programmes[self._state.programme_version]

    @property
    def file_agenda(self) -> Agenda:
        """The programme as the agenda file gives it, before any live edit."""
        return self._programmes[0]

    def subscribe(self, listener: Listener) -> None:
        """Call `listener` with every new state, in revision order, after it is saved
        (outside the dispatch lock: a slow fan-out does not hold up the next command)."""
        self._listeners.append(listener)

    def view(self) -> dict[str, Any]:
        return state_view(self.agenda, self._state, self.clock())

    def stop_taking_commands(self) -> None:
        """The server is stopping: every command from now on is refused (`stopping`).
        One applied now could have its answer lost with the process, and its sender
        press again. A command being applied is saved before this returns."""
        with self._lock:
            self._stopping = True

    def dispatch(self, payload: Any, source: str) -> Result:
        """Run one command from `source` (e.g. ``"socket:control"``, ``"http"``)."""
        try:
            command = parse_command(payload)
        except InvalidCommand as invalid:
            return Result(
                accepted=False,
                revision=self._state.revision,
                code="invalid",
                reason=_("Lệnh không hợp lệ: %(problems)s", problems=invalid),
                problems=[{"place": p.place, "message": p.message} for p in invalid.problems],
            )
        with self._lock:
            if self._stopping:
                return Result(False, self._state.revision, "stopping", _(STOPPING_TEXT))
            now = self.clock()
            outcome = apply(self._state, self.agenda, command, now)
            if isinstance(outcome, Refusal):
                problems = [{"place": p.place, "message": p.message} for p in outcome.problems]
                return Result(False, self._state.revision, outcome.code, outcome.reason, problems)
            assert isinstance(outcome, Accepted)
            arguments = command.arguments() | _history_words(command, self._state)
            programme = None
            if outcome.programme is not None:
                programme = agenda_json(outcome.programme)
            try:
                self.store.commit(outcome.state, command.command, arguments, source, now, programme)
            except StorageError as refused:  # nothing saved: nothing changes, no one is told
                return Result(False, self._state.revision, "storage_error", refused.reason)
            if outcome.programme is not None:
                self._programmes[outcome.state.programme_version] = outcome.programme
            self._state = outcome.state  # before anyone is told (web/broadcast.py send_per_view)
            # Handed over before the dispatch lock is released: the next command may be
            # applied and saved while this one is sent, but is sent after it.
            self._sending.acquire()
        try:
            self._notify(outcome.state)
        finally:
            self._sending.release()
        return Result(True, outcome.state.revision, note=outcome.note)

    def _notify(self, state: ShowState) -> None:
        for listener in self._listeners:
            try:
                listener(state)
            except Exception:  # one broken screen channel must not stop the show
                log.exception("listener failed after revision %s", state.revision)


#: What the event log adds to an undo or a redo's arguments (not part of the command).
HISTORY_WORDS = ("reverted", "redone")

#: Why a command is refused while the server stops (code `stopping`).
STOPPING_TEXT = N_("Máy chủ đang dừng: lệnh không được thực hiện. Gửi lại khi máy chủ đã chạy lại.")


def _history_words(command: Command, before: ShowState) -> dict[str, str]:
    """What an undo or redo reverted or applied again, for the event log."""
    if isinstance(command, Undo):
        return {"reverted": before.undo[-1].words.said(SOURCE_LANGUAGE)}
    if isinstance(command, Redo):
        return {"redone": before.redo[-1].words.said(SOURCE_LANGUAGE)}
    return {}


def rebuild_snapshot(agenda: Agenda, store: Store, damage: DamagedSnapshot) -> ShowState:
    """Replay the event log through the engine, each command at the instant it was
    accepted, and save the state it leads to. Raises `DataFileError` when the log
    cannot be replayed to the end."""
    try:
        events = store.events()
        state = replay(agenda, events)
    except (ValueError, LookupError, sqlite3.Error) as error:
        raise DataFileError(
            _(
                "Không dùng được tệp dữ liệu %(file)s: %(reason)s, và không dựng lại được từ "
                "nhật ký lệnh (%(error)s).",
                file=store.path,
                reason=damage.reason,
                error=error,
            )
            + "\n"
            + _(
                "Cách xử lý: dời tệp này sang chỗ khác rồi chạy lại, hoặc chạy "
                "`runshow serve --fresh` để cất nó vào thư mục archive/ và bắt đầu lại từ đầu."
            )
        ) from error
    try:
        store.save_snapshot(state, events[-1].at_ms if events else 0)
    except StorageError as refused:
        raise DataFileError(refused.reason) from refused
    log.warning("snapshot rebuilt from %d logged commands (%s)", len(events), damage.reason)
    return state


def replay(
    agenda: Agenda, events: list[LoggedEvent], programmes: dict[int, Agenda] | None = None
) -> ShowState:
    """The state the logged commands lead to. ValueError if one of them no longer
    applies (a changed programme, a damaged log). Live edits make their programme
    versions again, into `programmes` when given."""
    state = ShowState()
    programmes = {} if programmes is None else programmes
    programmes[0] = agenda
    for event in events:
        arguments = {k: v for k, v in event.arguments.items() if k not in HISTORY_WORDS}
        command = parse_command({"command": event.command, **arguments})
        outcome = apply(state, programmes[state.programme_version], command, event.at_ms)
        if not isinstance(outcome, Accepted):
            raise ValueError(
                _(
                    "lệnh %(seq)s (%(command)s) bị từ chối: %(reason)s",
                    seq=event.seq,
                    command=event.command,
                    reason=outcome.reason,
                )
            )
        if outcome.state.revision != event.revision:
            raise ValueError(
                _(
                    "lệnh %(seq)s mang phiên bản %(revision)s, chờ đợi %(expected)s",
                    seq=event.seq,
                    revision=event.revision,
                    expected=outcome.state.revision,
                )
            )
        if outcome.programme is not None:
            programmes[outcome.state.programme_version] = outcome.programme
        state = outcome.state
    return state
