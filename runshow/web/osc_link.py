"""OSC over UDP, both ways (docs/osc.md): `--osc-port` listens for commands,
`--osc-feedback HOST:PORT` sends the show's state as one bundle per change and
once a second while a timer runs. The translation is runshow/osc.py's; commands go
through the one dispatcher, logged with the source `osc:<address>`.

Both loops run under the show's lifecycle (web/lifecycle.py): stopped with it.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from pythonosc.osc_bundle_builder import IMMEDIATELY, OscBundleBuilder
from pythonosc.osc_message_builder import OscMessageBuilder
from pythonosc.osc_packet import OscPacket, ParseError

from runshow.engine import ShowState
from runshow.i18n import _
from runshow.osc import FEEDBACK, Network, OscRefused, allowed, feedback, parse_address, to_command
from runshow.payloads import live_view, schedule_summary
from runshow.protocol import CONTROL
from runshow.web.channels import relay_prompter_scroll
from runshow.web.extension import SINGLE_ROOM, Room, Runshow, UnknownRoom, show_for_room

log = logging.getLogger(__name__)

#: The largest datagram read (OSC over UDP stays well under it).
DATAGRAM = 65_535
#: How many senders outside --osc-allow get a line of their own in the log.
WARN_SENDERS = 100


class OscPortBusy(Exception):
    """The OSC port cannot be opened: said in words for the technician."""


@dataclass
class OscCounts:
    """What the console shows of OSC in: received, refused, dropped (not allowed)."""

    received: int = 0
    refused: int = 0
    dropped: int = 0
    last_dropped_from: str | None = None
    last_refusal: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "refused": self.refused,
            "dropped": self.dropped,
            "last_dropped_from": self.last_dropped_from,
            "last_refusal": self.last_refusal,
        }


class OscListener:
    """One UDP socket on `host`:`port`; packets from outside `allow` are dropped and
    counted, malformed ones counted and logged: none of them ends the loop."""

    def __init__(self, app: Flask, host: str, port: int, allow: Sequence[Network]) -> None:
        self.app = app
        self.allow = list(allow)
        self.counts = OscCounts()
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            self._socket.bind((host, port))
        except OSError as error:
            self._socket.close()
            raise OscPortBusy(
                _(
                    "Không thể chạy: không mở được cổng OSC %(port)s (UDP) trên %(host)s: "
                    "%(cause)s. Chọn cổng khác bằng --osc-port.",
                    port=port,
                    host=host,
                    cause=error.strerror or error,
                )
            ) from None
        self.address = self._socket.getsockname()
        self._warned: set[str] = set()

    def start(self, show: Runshow) -> None:
        self._show = show
        show.lifecycle.start("OSC in", self._run, wake=self._wake)
        show.lifecycle.every("OSC counts", 1.0, self._tell_consoles)

    def _wake(self) -> None:
        """An empty datagram to itself: the waiting read returns (and the loop ends)."""
        host = "127.0.0.1" if self.address[0] == "0.0.0.0" else self.address[0]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as waker:
            waker.sendto(b"", (host, self.address[1]))

    def _run(self) -> None:
        try:
            while self._show.lifecycle.running:
                try:
                    data, (sender, _port) = self._socket.recvfrom(DATAGRAM)
                except OSError:
                    log.exception("OSC: reading failed; listening on")
                    self._show.lifecycle.wait(1.0)  # not a tight loop on a broken socket
                    continue
                if not self._show.lifecycle.running:
                    return
                try:
                    self.receive(data, sender)
                except Exception:  # one bad packet must not end OSC for the day
                    log.exception("OSC: a packet from %s failed", sender)
        finally:
            self._socket.close()

    def receive(self, data: bytes, sender: str) -> None:
        if not allowed(sender, self.allow):
            self.counts.dropped += 1
            self.counts.last_dropped_from = sender
            # once per sender (and for so many): a flood does not fill the log
            if sender not in self._warned and len(self._warned) < WARN_SENDERS:
                self._warned.add(sender)
                log.warning(
                    _(
                        "OSC từ %(sender)s bị bỏ qua: địa chỉ này không có trong --osc-allow",
                        sender=sender,
                    )
                )
            return
        self.counts.received += 1
        try:
            packet = OscPacket(data)
        except ParseError as error:
            self._refused(sender, "?", _("gói OSC hỏng (%(error)s)", error=error))
            return
        for timed in packet.messages:
            self.command(timed.message.address, timed.message.params, sender)

    def command(self, address: str, params: Sequence[Any], sender: str) -> None:
        try:
            osc = parse_address(address, params)
            show = show_for_room(osc.room, self.app)
            if osc.command == "prompter":  # not a command: the console's scroll, relayed
                self._scroll_prompters(show, osc.arguments, sender, address)
                return
            payload = to_command(osc, show.agenda)
        except (OscRefused, UnknownRoom) as refused:
            self._refused(sender, address, str(refused))
            return
        result = show.service.dispatch(payload, source=f"osc:{address}")
        if not result.accepted:
            self._refused(sender, address, result.reason or result.code or "")

    def _scroll_prompters(
        self, show: Room, arguments: Sequence[Any], sender: str, address: str
    ) -> None:
        """Where the room's prompters read the current item's script (0 its top, 1 its end),
        as the console's ▲ ▼ send it."""
        ratio = arguments[0] if len(arguments) == 1 else None
        item_id = show.service.state.current_id
        if item_id is None or isinstance(ratio, bool) or not isinstance(ratio, int | float):
            if item_id is None:
                raise OscRefused(_("prompter: không có mục nào đang diễn ra"))
            raise OscRefused(_("prompter: cần một số từ 0 đến 1"))
        position = {"item_id": item_id, "ratio": float(ratio)}
        answer = relay_prompter_scroll(show.socketio, position, show.audience("prompter"))
        if not answer["ok"]:
            self._refused(sender, address, answer["error"])

    def _refused(self, sender: str, address: str, reason: str) -> None:
        self.counts.refused += 1
        self.counts.last_refusal = f"{address}: {reason}"
        log.warning(
            _(
                "OSC %(address)s từ %(sender)s bị từ chối: %(reason)s",
                address=address,
                sender=sender,
                reason=reason,
            )
        )

    def _tell_consoles(self) -> None:
        """Once anything came, the counts each second (a console opened later sees them)."""
        counts = self.counts
        if counts.received or counts.dropped:
            self._show.socketio.emit("osc", counts.to_json(), namespace=CONTROL)


class OscFeedback:
    """The show's state as one OSC bundle to every `targets` (host, port): after every
    change, at every phase crossing, and once a second while a timer runs."""

    def __init__(self, show: Runshow, targets: Sequence[tuple[str, int]]) -> None:
        self.show = show
        self.targets = list(targets)
        self.prefix = "/runshow" if show.room == SINGLE_ROOM else f"/runshow/{show.room}"
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._lock = threading.Lock()

    def start(self) -> None:
        self.show.service.subscribe(self.after_command)
        self.show.phases.listeners.append(lambda _crossing: self.send())
        self.show.phases.ensure_started()  # a crossing is news, screens or not
        loop = "OSC feedback" if self.show.room == SINGLE_ROOM else f"OSC feedback {self.show.room}"
        self.show.lifecycle.every(loop, 1.0, self._each_second)
        self.show.lifecycle.on_stop(self._socket.close)
        self.send()

    def after_command(self, _state: ShowState) -> None:
        self.send()

    def _each_second(self) -> None:
        timer = self.show.service.state.timer()
        if timer is not None and timer.running:
            self.send()

    def bundle(self) -> bytes:
        service = self.show.service
        state, agenda, now = service.state, service.agenda, service.clock()
        fields = feedback(
            live_view(agenda, state, now), schedule_summary(agenda, state, now), agenda.tz
        )
        bundle = OscBundleBuilder(IMMEDIATELY)
        for address, kind in FEEDBACK.items():
            message = OscMessageBuilder(self.prefix + address)
            message.add_arg(fields[address], kind)
            bundle.add_content(message.build())
        return bundle.build().dgram

    def send(self) -> None:
        with self._lock:
            data = self.bundle()
            for target in self.targets:
                try:
                    self._socket.sendto(data, target)
                except OSError as error:  # gear switched off, no route: the show goes on
                    log.warning(
                        _(
                            "OSC: không gửi được tới %(host)s:%(port)s (%(error)s)",
                            host=target[0],
                            port=target[1],
                            error=error,
                        )
                    )


def init_app(app: Flask) -> None:
    """OSC in and out as `app.config` asks (RUNSHOW_OSC_PORT, RUNSHOW_OSC_ALLOW,
    RUNSHOW_OSC_FEEDBACK); nothing when they are unset."""
    config = app.config
    server = app.extensions["runshow"]  # with several rooms, an address names its room
    if config.get("RUNSHOW_OSC_PORT") is not None:
        from runshow.network import local_networks

        allow = config.get("RUNSHOW_OSC_ALLOW") or local_networks()
        listener = OscListener(app, config["RUNSHOW_HOST"], config["RUNSHOW_OSC_PORT"], allow)
        app.extensions["runshow.osc"] = listener
        listener.start(server)
    targets = config.get("RUNSHOW_OSC_FEEDBACK") or ()
    if targets:
        for room in server.rooms.values():  # each under its own prefix, /runshow/<room>
            OscFeedback(room, targets).start()
