"""Automations, sent: off the dispatch path, one at a time, each with a short timeout
(docs/automations.md). The rules and their events are runshow/automations.py's.

Subscribed to the service and to the phase ticker, the runner only queues what fired;
its loop (under the show's lifecycle) sends it. A rule that failed `BACKOFF_AFTER`
times in a row rests (5 s, doubling up to 5 min): what fires meanwhile is skipped and
counted, never retried in a tight loop. Each rule's last run is sent to the consoles.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

from pythonosc.osc_message_builder import OscMessageBuilder

from runshow.automations import PHASE_TRIGGERS, Rule, event, events_between, fill, fires
from runshow.engine import ShowState
from runshow.i18n import N_, _
from runshow.osc import parse_target
from runshow.phases import Crossing
from runshow.protocol import CONTROL
from runshow.web.extension import Runshow

log = logging.getLogger(__name__)

#: How long one output may take before it counts as failed.
TIMEOUT_S = 2.0
#: Failures in a row before a rule rests, and how long it rests then (doubling).
BACKOFF_AFTER = 3
FIRST_REST_S = 5.0
LONGEST_REST_S = 300.0


@dataclass
class RuleStatus:
    """A rule's last run, as the console shows it."""

    label: str
    trigger: str
    runs: int = 0
    skipped: int = 0
    failures_in_a_row: int = 0
    last_at_ms: int | None = None
    last_ok: bool | None = None
    last_result: str = ""
    last_latency_ms: int | None = None
    resting_until_ms: int | None = None


class AutomationRunner:
    def __init__(self, show: Runshow, rules: list[Rule], timeout_s: float = TIMEOUT_S):
        self.show = show
        self.rules = rules
        self.timeout_s = timeout_s
        self.statuses = [RuleStatus(rule.label, rule.on) for rule in rules]
        self._queue: deque[tuple[int, dict[str, Any]]] = deque()
        self._lock = threading.Lock()
        self._wake = show.socketio.server.eio.create_event()
        self._before = show.service.state
        self._resting: dict[int, float] = {}  # rule → monotonic time its rest ends

    def start(self) -> None:
        self.show.service.subscribe(self.after_command)
        self.show.phases.listeners.append(self.phase)
        self.show.phases.ensure_started()  # crossings are triggers, screens or not
        self.show.lifecycle.start("automations", self._run, wake=self._wake.set)
        self.show.lifecycle.every("automations' status", 2.0, self.tell_consoles)

    def after_command(self, state: ShowState) -> None:
        service = self.show.service
        before, self._before = self._before, state
        for happened in events_between(service.agenda, before, state, service.clock()):
            self._queue_fired(happened)

    def phase(self, crossing: Crossing) -> None:
        if crossing.phase in PHASE_TRIGGERS:
            service = self.show.service
            happened = event(
                crossing.phase, service.agenda, service.state, service.clock(), crossing.item_id
            )
            self._queue_fired(happened)

    def test(self, index: int) -> bool:
        """Send rule `index` now, with its trigger on the current state (the console's
        Test button); resting or not. False when there is no such rule."""
        if not 0 <= index < len(self.rules):
            return False
        service = self.show.service
        happened = event(self.rules[index].on, service.agenda, service.state, service.clock())
        self._put(index, happened | {"test": True})
        return True

    def _queue_fired(self, happened: dict[str, Any]) -> None:
        for index, rule in enumerate(self.rules):
            if not fires(rule, happened):
                continue
            if self._resting.get(index, 0.0) > time.monotonic():
                self.statuses[index].skipped += 1
                continue
            self._put(index, happened)

    def _put(self, index: int, happened: dict[str, Any]) -> None:
        with self._lock:
            self._queue.append((index, happened))
        self._wake.set()

    def _run(self) -> None:
        while self.show.lifecycle.running:
            self._wake.wait(timeout=1.0)
            self._wake.clear()
            while self.show.lifecycle.running:
                with self._lock:
                    if not self._queue:
                        break
                    index, happened = self._queue.popleft()
                try:
                    self.run(index, happened)
                except Exception:  # one broken rule must not end the automations
                    log.exception("automation %s failed", self.rules[index].label)

    def run(self, index: int, happened: dict[str, Any]) -> None:
        """Send rule `index` for `happened`, and keep what came of it."""
        rule, status = self.rules[index], self.statuses[index]
        started = time.monotonic()
        try:
            result = self._send(rule, happened)
            ok = True
        except (OSError, ValueError) as error:  # URLError, timeouts, refused, bad target
            result, ok = _reason(error), False
        status.runs += 1
        status.last_at_ms = self.show.service.clock()
        status.last_ok, status.last_result = ok, result
        status.last_latency_ms = round((time.monotonic() - started) * 1000)
        if ok:
            status.failures_in_a_row = 0
            status.resting_until_ms = None
            self._resting.pop(index, None)
        else:
            status.failures_in_a_row += 1
            log.warning(
                _("Tự động hóa %(rule)s thất bại: %(why)s", rule=repr(rule.label), why=result)
            )
            if status.failures_in_a_row >= BACKOFF_AFTER:
                extra = status.failures_in_a_row - BACKOFF_AFTER
                rest = min(FIRST_REST_S * 2**extra, LONGEST_REST_S)
                self._resting[index] = time.monotonic() + rest
                status.resting_until_ms = status.last_at_ms + round(rest * 1000)
        self.tell_consoles()

    def _send(self, rule: Rule, happened: dict[str, Any]) -> str:
        send = rule.send
        if send.http is not None:
            url = fill(send.http, happened, for_url=True)
            if send.body is not None:
                data = fill(send.body, happened).encode()
                kind = "text/plain; charset=utf-8"
            elif send.method == "POST":
                data, kind = json.dumps(happened, ensure_ascii=False).encode(), "application/json"
            else:
                data, kind = None, ""
            request = urllib.request.Request(url, data=data, method=send.method)
            if kind:
                request.add_header("Content-Type", kind)
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                return f"HTTP {response.status}"
        assert send.osc is not None and send.address is not None
        target = parse_target(send.osc)
        message = OscMessageBuilder(fill(send.address, happened))
        for arg in send.args:
            message.add_arg(fill(arg, happened) if isinstance(arg, str) else arg)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(message.build().dgram, target)
        return f"OSC {send.address} → {send.osc}"

    def tell_consoles(self) -> None:
        payload = [asdict(status) | {"index": i} for i, status in enumerate(self.statuses)]
        self.show.socketio.emit("automations", payload, namespace=CONTROL)


_NOT_CONNECTED = N_("không kết nối được: %(cause)s")


def _reason(error: Exception) -> str:
    """Why an output failed, in words for the console."""
    if isinstance(error, urllib.error.HTTPError):
        return _("thiết bị trả lời HTTP %(code)s", code=error.code)
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(cause, ConnectionRefusedError):
        return _("không kết nối được: thiết bị từ chối kết nối (chưa bật, sai cổng?)")
    if isinstance(cause, TimeoutError | socket.timeout):
        return _(
            "không kết nối được: quá %(seconds)s giây không trả lời", seconds=format(TIMEOUT_S, "g")
        )
    if isinstance(cause, OSError):
        return _(_NOT_CONNECTED, cause=cause.strerror or cause)
    return _(_NOT_CONNECTED, cause=cause)


def init_app(app: Any) -> None:
    """The automations of `app.config["RUNSHOW_AUTOMATIONS"]` (a rules file), if any.
    Raises `AutomationsError` when the file cannot be used."""
    from runshow.automations import AutomationsError, load_rules
    from runshow.errors import Problem
    from runshow.web.extension import show_for_room

    path = app.config.get("RUNSHOW_AUTOMATIONS")
    if not path:
        return
    if app.extensions["runshow"].several:
        reason = _("chưa dùng được khi chạy nhiều phòng: bỏ --automations hoặc chạy một phòng")
        raise AutomationsError(path, [Problem("", reason)])
    show = show_for_room(None, app)
    runner = AutomationRunner(show, load_rules(path))
    app.extensions["runshow.automations"] = runner
    runner.start()
