"""Who is connected: each connection's role and the name its link gave it, and what
the display workers report of theirs (web/workers.py), told to the consoles."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from flask_socketio import SocketIO

from runshow.protocol import AUDIENCES, CONTROL

log = logging.getLogger(__name__)

#: A screen's name, from its link (`/stage?name=LED+chính`): short, one line.
MAX_SCREEN_NAME = 40


def screen_name(raw: Any) -> str:
    return " ".join(str(raw or "").split())[:MAX_SCREEN_NAME]


@dataclass(frozen=True)
class _Report:
    """What a display worker last said of its screens, and when it was heard."""

    heard_s: float
    counts: dict[str, int]
    screens: list[dict[str, str]]


class Presence:
    """Which connection is which role, and the name its link gave it.

    Every connect and disconnect tells the consoles the counts and the list of
    named screens: both are kept up to date as screens come and go, so a storm
    of thousands of phones reconnecting does not recount everyone at each one.
    On the authority, the display workers' screens are added from their reports
    (web/workers.py): the console counts every screen of the show, wherever the
    front sent it.
    """

    #: Counted, not listed by name on the console (there may be hundreds).
    UNLISTED = ("programme", "control")

    def __init__(self) -> None:
        self._roles: dict[str, str] = {}
        self._by_role: dict[str, set[str]] = {}
        self._listed: dict[str, dict[str, str]] = {}  # sid → the console's line for it
        self._reports: dict[str, _Report] = {}  # display worker → its screens
        self._lock = threading.Lock()
        self.changes = 0  # one more at every join and leave: what a worker reports on

    def join(self, sid: str, role: str, name: str = "") -> None:
        with self._lock:
            self._forget(sid)
            self._roles[sid] = role
            self._by_role.setdefault(role, set()).add(sid)
            if role not in self.UNLISTED:
                self._listed[sid] = {"id": sid, "role": role, "name": name}
            self.changes += 1

    def leave(self, sid: str) -> None:
        with self._lock:
            self._forget(sid)
            self.changes += 1

    def _forget(self, sid: str) -> None:
        role = self._roles.pop(sid, None)
        if role is not None:
            self._by_role[role].discard(sid)
            self._listed.pop(sid, None)

    def screens(self) -> list[dict[str, str]]:
        """Every connected screen but the phones and consoles, by role then name;
        a display worker's with its name (`worker`)."""
        with self._lock:
            listed = [dict(screen) for screen in self._listed.values()]
            listed += [dict(s) for report in self._reports.values() for s in report.screens]
        return sorted(listed, key=lambda screen: (screen["role"], screen["name"], screen["id"]))

    def _listing(self, sid: str) -> dict[str, str] | None:
        with self._lock:
            if sid in self._listed:
                return self._listed[sid]
            for report in self._reports.values():
                for screen in report.screens:
                    if screen["id"] == sid:
                        return screen
        return None

    def role_of(self, sid: str) -> str | None:
        with self._lock:
            role = self._roles.get(sid)
        if role is None and (screen := self._listing(sid)) is not None:
            role = screen["role"]
        return role

    def name_of(self, sid: str) -> str:
        """The name its link gave a listed screen; "" for a phone or a console."""
        screen = self._listing(sid)
        return screen["name"] if screen is not None else ""

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                role: len(self._by_role.get(role, ()))
                + sum(report.counts[role] for report in self._reports.values())
                for role in AUDIENCES
            }

    def sids(self, role: str) -> list[str]:
        with self._lock:
            return list(self._by_role.get(role, ()))

    def report(self, worker: str) -> dict[str, Any]:
        """This display worker's screens, for the authority's consoles."""
        return {"worker": worker, "counts": self.counts(), "screens": self.screens()}

    def take_report(self, report: Any, now_s: float) -> bool:
        """A display worker's `report` heard at `now_s` (monotonic); whether it changes
        what the consoles show (a heartbeat repeating the last report does not). A
        report that is not one (another version of Runshow on the queue?) is logged
        and left."""
        try:
            worker = str(report["worker"])
            counts = {role: max(0, int(report["counts"].get(role, 0))) for role in AUDIENCES}
            screens = [
                {
                    "id": str(screen["id"]),
                    "role": str(screen["role"]),
                    "name": screen_name(screen["name"]),
                    "worker": worker,
                }
                for screen in report["screens"]
                if screen["role"] in AUDIENCES and screen["role"] not in self.UNLISTED
            ]
        except (TypeError, KeyError, AttributeError, ValueError):
            log.warning("a display worker's report was not understood: %.200r", report)
            return False
        with self._lock:
            last = self._reports.get(worker)
            self._reports[worker] = _Report(now_s, counts, screens)
        return last is None or (last.counts, last.screens) != (counts, screens)

    def expire(self, now_s: float, silence_s: float) -> bool:
        """Drop the reports of the workers not heard from for `silence_s`; whether any was."""
        with self._lock:
            gone = [
                worker
                for worker, report in self._reports.items()
                if now_s - report.heard_s > silence_s
            ]
            for worker in gone:
                log.warning("display worker %s silent: its screens are no longer counted", worker)
                del self._reports[worker]
        return bool(gone)


def announce_presence(socketio: SocketIO, presence: Presence, to: str | None = None) -> None:
    """Tell the consoles (`to`: those of one room) how many screens of each role, and
    which ones by name."""
    socketio.emit("presence", presence.counts(), namespace=CONTROL, to=to)
    socketio.emit("screens", presence.screens(), namespace=CONTROL, to=to)
