"""A dress rehearsal: the programme played today, from now or from a chosen time, with
its own data kept apart from the show's (``<data-dir>/rehearsal/``).

The real show's files are only ever read here (its control key, so that the
technician logs in with the same key), never written.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from runshow.keys import CONTROL_KEY_FILE
from runshow.store import Store
from runshow.timefmt import clock_text

SUBDIR = "rehearsal"
PLAN_FILE = "rehearsal.json"


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
            return (
                f"Tiếp tục buổi tổng duyệt hôm nay, khai mạc lúc {start} (để tổng duyệt lại "
                "từ đầu: thêm --fresh)."
            )
        kept = f" (buổi trước được cất vào {self.archived})" if self.archived else ""
        return f"Bắt đầu buổi tổng duyệt mới, khai mạc lúc {start} hôm nay{kept}."


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
