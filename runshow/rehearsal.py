"""A dress rehearsal: the programme played today, from now or from a chosen time, with
its own data kept apart from the show's (``<data-dir>/rehearsal/``).

The real show's files are only ever read by a rehearsal (its control key, so that
the technician logs in with the same key), never written. The other way round, the
show's start reads the rehearsal's programme and carries its corrections to the show
(`hand_over`); the rehearsal's files are only read there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from runshow.agenda import Agenda
from runshow.datadir import DataDirBusy, DataDirLock
from runshow.i18n import _, ngettext
from runshow.keys import CONTROL_KEY_FILE
from runshow.service import ShowService
from runshow.store import DamagedSnapshot, DataFileError, Store
from runshow.timefmt import clock_text

SUBDIR = "rehearsal"
PLAN_FILE = "rehearsal.json"
#: In the show's data directory: the rehearsal programme the show has had, so that
#: it is handed over once.
HANDOVER_FILE = "rehearsal-handover.json"
#: The event log's source for a correction carried from a rehearsal: ``rehearsal:<id>``.
CARRIED_SOURCE = "rehearsal:"


@dataclass(frozen=True)
class RehearsalPlan:
    data_dir: Path
    start_ms: int
    rehearsal_id: str
    resumed: bool  # the same rehearsal as before the restart, with its state
    archived: Path | None = None  # where the previous rehearsal went, for a new one

    def announcement(self, tz: ZoneInfo) -> str:
        """The line `serve --rehearsal` prints: going on, or a new rehearsal."""
        start = clock_text(self.start_ms, tz)
        if self.resumed:
            return _(
                "Tiếp tục buổi tổng duyệt hôm nay, khai mạc lúc %(start)s (để tổng duyệt lại "
                "từ đầu: thêm --fresh).",
                start=start,
            )
        if self.archived:
            return _(
                "Bắt đầu buổi tổng duyệt mới, khai mạc lúc %(start)s hôm nay (buổi trước được "
                "cất vào %(folder)s).",
                start=start,
                folder=self.archived,
            )
        return _("Bắt đầu buổi tổng duyệt mới, khai mạc lúc %(start)s hôm nay.", start=start)


def rehearsal_start_ms(now_ms: int, tz: ZoneInfo, start: str | None) -> int:
    """`start` ("HH:MM") today in the event's zone, or now to the minute."""
    now = dt.datetime.fromtimestamp(now_ms / 1000, tz)
    if start is None:
        moment = now.replace(second=0, microsecond=0)
    else:
        hours, minutes = (int(part) for part in start.split(":"))
        moment = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return int(moment.timestamp() * 1000)


def prepare(
    show_dir: Path, tz: ZoneInfo, start: str | None, now_ms: int, fresh: bool, stamp: str
) -> RehearsalPlan:
    """Where the rehearsal keeps its data, and when it starts.

    Restarted on the same day without `--start`, or with the same `--start` (the
    shell's history after a crash), a rehearsal goes on where it was (same start,
    same state). Another start, another day or `--fresh` begins a new rehearsal:
    the previous one's state is archived in ``rehearsal/archive/``.
    """
    folder = show_dir / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    plan_path = folder / PLAN_FILE
    today = dt.datetime.fromtimestamp(now_ms / 1000, tz).date()
    kept = _read_plan(plan_path)
    if kept is not None and not fresh:
        kept_start, kept_id = kept
        kept_day = dt.datetime.fromtimestamp(kept_start / 1000, tz).date()
        same_start = start is None or rehearsal_start_ms(now_ms, tz, start) == kept_start
        if kept_day == today and same_start:
            return RehearsalPlan(folder, kept_start, kept_id, resumed=True)
    start_ms = rehearsal_start_ms(now_ms, tz, start)
    archived = Store.archive(folder, stamp)
    rehearsal_id = uuid.uuid4().hex
    plan = {"start_ms": start_ms, "id": rehearsal_id}
    plan_path.write_text(json.dumps(plan) + "\n", encoding="utf-8")
    _share_control_key(show_dir, folder)
    return RehearsalPlan(folder, start_ms, rehearsal_id, resumed=False, archived=archived)


def _read_plan(path: Path) -> tuple[int, str] | None:
    """The kept rehearsal's start and id (a rehearsal from before ids: named by its start)."""
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
        start_ms, rehearsal_id = plan.get("start_ms"), plan.get("id")
    except (OSError, ValueError, AttributeError):
        return None
    if not isinstance(start_ms, int) or isinstance(start_ms, bool):
        return None
    return start_ms, rehearsal_id if isinstance(rehearsal_id, str) else f"start-{start_ms}"


def _share_control_key(show_dir: Path, folder: Path) -> None:
    """The technician logs in to the rehearsal with the show's key (a copy: the show's
    file is read, never written)."""
    source, target = show_dir / CONTROL_KEY_FILE, folder / CONTROL_KEY_FILE
    if source.exists() and not target.exists():
        shutil.copyfile(source, target)
        target.chmod(0o600)


# --------------------------------------------------------------------------- #
# Handing the rehearsal's corrections to the show.


@dataclass(frozen=True)
class HandOver:
    """What the show's start did with the rehearsal: the line `serve` prints (None:
    nothing to say) and how many of the show's live edits came from a rehearsal."""

    line: str | None
    carried: int


def carried_text(count: int) -> str:
    """What `serve` prints and the console shows after carrying corrections."""
    return ngettext(
        "Dùng chương trình đã sửa trong buổi tổng duyệt: %(num)s thay đổi.",
        "Dùng chương trình đã sửa trong buổi tổng duyệt: %(num)s thay đổi.",
        count,
    )


def hand_over(service: ShowService, show_dir: Path, fresh: bool) -> HandOver:
    """Carry the corrections of the last rehearsal (in ``<show_dir>/rehearsal/``) to
    the show run by `service`, as live edits logged with the source ``rehearsal:<id>``.

    The rules (docs/operations.md, "After the rehearsal"): only the programme carries
    (items, event, delegates but their presence ticks), never the rehearsal's runs; a
    rehearsal's programme is handed over once (carried, or left out by `--fresh`),
    and again only if the rehearsal goes on and changes it; a show with commands of
    its own (or corrections from an earlier rehearsal), or an agenda file changed
    since the rehearsal's edits, is never overwritten: the line says so.
    """
    handed = _handed_over(show_dir)
    try:
        rehearsed = _rehearsed_programme(
            show_dir / SUBDIR,
            service.file_agenda,
            lambda mark: not _nothing_to_hand(mark, handed, fresh),
        )
    except _Unavailable as unavailable:
        return HandOver(unavailable.line, _carried_count(service))
    if rehearsed is None:
        return HandOver(None, _carried_count(service))
    from runshow.programme_diff import corrections

    pending = corrections(service.agenda, rehearsed.agenda)
    line = None
    if not pending:
        _record(show_dir, rehearsed.mark, "nothing")
    elif fresh:  # even if carried before: the show it went to has just been archived
        _record(show_dir, rehearsed.mark, "left out")
        line = ngettext(
            "--fresh: buổi diễn bắt đầu từ tệp chương trình; %(num)s thay đổi của "
            "buổi tổng duyệt không được dùng. %(way_out)s",
            "--fresh: buổi diễn bắt đầu từ tệp chương trình; %(num)s thay đổi của "
            "buổi tổng duyệt không được dùng. %(way_out)s",
            len(pending),
            way_out=_way_out(show_dir / SUBDIR),
        )
    else:
        line = _not_carried(service, rehearsed, len(pending), show_dir / SUBDIR)
        if line is not None:  # said once: a restart mid-show does not offer --fresh again
            _record(show_dir, rehearsed.mark, "not carried")
        else:
            line, complete = _carry(service, pending, rehearsed.source)
            if complete:  # else the next start works out and carries what is left
                _record(show_dir, rehearsed.mark, "carried")
    return HandOver(line, _carried_count(service))


def _not_carried(
    service: ShowService, rehearsed: _Rehearsed, count: int, folder: Path
) -> str | None:
    """Why the show keeps its programme, or None: it has nothing but this rehearsal's
    corrections (a show never has its programme overwritten)."""
    if rehearsed.file_changed:  # no count: the difference also holds the file's own changes
        return _(
            "Không dùng các thay đổi của buổi tổng duyệt: tệp chương trình "
            "%(file)s đã đổi từ khi tổng duyệt sửa chương trình; buổi "
            "diễn dùng tệp (sửa tiếp trên bàn điều khiển nếu cần).",
            file=service.file_agenda.source,
        )
    others = {event.source for event in service.store.events()} - {rehearsed.source}
    if not others:
        return None
    if all(source.startswith(CARRIED_SOURCE) for source in others):
        why = _("buổi diễn đã nhận thay đổi của một buổi tổng duyệt trước")
    else:
        why = _(
            "buổi diễn đã có thao tác riêng (phiên bản %(revision)s)",
            revision=service.state.revision,
        )
    return ngettext(
        "Không dùng %(num)s thay đổi của buổi tổng duyệt: %(why)s, chương trình của nó không "
        "bị ghi đè. %(way_out)s",
        "Không dùng %(num)s thay đổi của buổi tổng duyệt: %(why)s, chương trình của nó không "
        "bị ghi đè. %(way_out)s",
        count,
        why=why,
        way_out=_way_out(folder),
    )


def _way_out(folder: Path) -> str:
    """How to run the show on the rehearsal's programme when it was not carried."""
    return _(
        "Muốn dùng: runshow export --data-dir %(folder)s -o agenda-tong-duyet.json rồi "
        "runshow serve --fresh --agenda agenda-tong-duyet.json",
        folder=folder,
    )


def _nothing_to_hand(mark: dict[str, Any], handed: dict[str, Any] | None, fresh: bool) -> bool:
    """The show has had this rehearsal's programme (`--fresh` aside: it archived the show
    that had it), or the rehearsal has no corrections, none of which the show had
    (undone back to the file after being carried, it hands the file's programme back)."""
    if mark == handed:
        return not fresh
    had_this_rehearsal = handed is not None and handed["rehearsal"] == mark["rehearsal"]
    return mark["programme_version"] == 0 and not had_this_rehearsal


@dataclass(frozen=True)
class _Rehearsed:
    agenda: Agenda  # the rehearsal's programme as it was left (its spec: the real times)
    mark: dict[str, Any]  # which rehearsal, at which programme version
    file_changed: bool  # its edits no longer replay on the agenda file the show uses

    @property
    def source(self) -> str:
        """The show's event log names the rehearsal each carried correction came from."""
        return f"{CARRIED_SOURCE}{self.mark['rehearsal']}"


class _Unavailable(Exception):
    """The rehearsal's programme cannot be read now; `line` says why."""

    def __init__(self, line: str):
        self.line = line


def _rehearsed_programme(
    folder: Path, file_agenda: Agenda, wanted: Callable[[dict[str, Any]], bool]
) -> _Rehearsed | None:
    """The rehearsal's programme, if there is one and its mark is `wanted`; read under
    its data directory's lock (a rehearsal server still running holds it). Its saved
    state gives the mark: the log is replayed only for a programme the show wants (not
    at every restart of a show that has had it)."""
    plan = _read_plan(folder / PLAN_FILE)
    if plan is None or not (folder / Store.FILENAME).is_file():
        return None
    start_ms, rehearsal_id = plan
    unreadable = _Unavailable(
        _(
            "Không đọc được dữ liệu buổi tổng duyệt trong %(folder)s: buổi diễn không nhận "
            "thay đổi nào từ buổi tổng duyệt.",
            folder=folder,
        )
    )
    lock = DataDirLock(folder)
    try:
        lock.acquire()
    except DataDirBusy:
        raise _Unavailable(
            _(
                "Buổi tổng duyệt (%(folder)s) vẫn đang chạy: chưa lấy được chương trình đã "
                "sửa của nó. Dừng buổi tổng duyệt rồi chạy lại runshow serve.",
                folder=folder,
            )
        ) from None
    except OSError:
        raise unreadable from None
    try:
        store = Store(folder)
        try:
            saved = _saved_version(store)
            if saved is not None and not wanted(_mark(rehearsal_id, saved)):
                return None
            rehearsal = ShowService(file_agenda.rehearsal_at(start_ms), store)
        finally:
            store.close()
    except (DataFileError, OSError):
        raise unreadable from None
    finally:
        lock.release()
    mark = _mark(rehearsal_id, rehearsal.state.programme_version)
    return _Rehearsed(rehearsal.agenda, mark, rehearsal.file_changed) if wanted(mark) else None


def _mark(rehearsal_id: str, programme_version: int) -> dict[str, Any]:
    """Which rehearsal, at which programme version (what `rehearsal-handover.json` keeps)."""
    return {"rehearsal": rehearsal_id, "programme_version": programme_version}


def _saved_version(store: Store) -> int | None:
    """The programme version of the saved state (None: the snapshot needs the log)."""
    try:
        state = store.load()
    except DamagedSnapshot:
        return None
    return 0 if state is None else state.programme_version


def _carry(service: ShowService, pending: list[dict[str, Any]], source: str) -> tuple[str, bool]:
    """Each correction as the live edit it is, through the one dispatcher: the line to
    print, and whether all were carried. Stopped part way (a crash, a refused write),
    the next start carries what is left: the difference is worked out again from the
    show's programme."""
    for done, payload in enumerate(pending):
        result = service.dispatch(payload, source)
        if not result.accepted:
            return (
                _(
                    "Chỉ dùng được %(done)s/%(count)s thay đổi của buổi tổng duyệt: %(reason)s",
                    done=done,
                    count=len(pending),
                    reason=result.reason,
                ),
                False,
            )
    return carried_text(len(pending)), True


def _carried_count(service: ShowService) -> int:
    return sum(event.source.startswith(CARRIED_SOURCE) for event in service.store.events())


def _handed_over(show_dir: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((show_dir / HANDOVER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    return {key: record.get(key) for key in ("rehearsal", "programme_version")}


def _record(show_dir: Path, mark: dict[str, Any], how: str) -> None:
    """Which rehearsal programme the show has had (in the show's own data directory:
    `--fresh` archives the database, not this)."""
    path = show_dir / HANDOVER_FILE
    temporary = path.with_suffix(".tmp")
    # A disk that refuses this refuses the show's own writes too, and says so there;
    # unrecorded, the next start finds nothing left to carry (the programmes agree).
    with contextlib.suppress(OSError):
        temporary.write_text(json.dumps(mark | {"handed_over": how}) + "\n", encoding="utf-8")
        os.replace(temporary, path)
