"""A dress rehearsal: the programme played today, from now or from a chosen time, with
its own data kept apart from the show's (``<data-dir>/rehearsal/``).

The real show's files are only ever read here (its control key, so that the
technician logs in with the same key), never written.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from runshow.keys import CONTROL_KEY_FILE
from runshow.store import Store

SUBDIR = "rehearsal"
PLAN_FILE = "rehearsal.json"


@dataclass(frozen=True)
class RehearsalPlan:
    data_dir: Path
    start_ms: int
    resumed: bool  # the same rehearsal as before the restart, with its state


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

    Restarted without `--start` on the same day, a rehearsal goes on where it was
    (same start, same state). A new start, another day or `--fresh` begins a new
    rehearsal: the previous one's state is archived in ``rehearsal/archive/``.
    """
    folder = show_dir / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    plan_path = folder / PLAN_FILE
    today = dt.datetime.fromtimestamp(now_ms / 1000, tz).date()
    kept = _read_plan(plan_path)
    if kept is not None and start is None and not fresh:
        kept_day = dt.datetime.fromtimestamp(kept / 1000, tz).date()
        if kept_day == today:
            return RehearsalPlan(folder, kept, resumed=True)
    start_ms = rehearsal_start_ms(now_ms, tz, start)
    Store.archive(folder, stamp)
    plan_path.write_text(json.dumps({"start_ms": start_ms}) + "\n", encoding="utf-8")
    _share_control_key(show_dir, folder)
    return RehearsalPlan(folder, start_ms, resumed=False)


def _read_plan(path: Path) -> int | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("start_ms")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _share_control_key(show_dir: Path, folder: Path) -> None:
    """The technician logs in to the rehearsal with the show's key (a copy: the show's
    file is read, never written)."""
    source, target = show_dir / CONTROL_KEY_FILE, folder / CONTROL_KEY_FILE
    if source.exists() and not target.exists():
        shutil.copyfile(source, target)
        target.chmod(0o600)
