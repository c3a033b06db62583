"""`GET /api/events`: the public view as Server-Sent Events, for dashboards and
scripts that do not speak Socket.IO.

The same `programme`, `state` and `phase` events as a stage screen on `/live`
gets, each with an id (`<boot>.<seq>`). A client that reconnects with
`Last-Event-ID` gets what it missed, from the last `HISTORY` events, or the current
programme and state when its id is from another run or too old.

Each open stream is one request of the web server (a green thread under eventlet,
a thread in the tests' threaded server): it waits on one condition, sends a comment
every `heartbeat_s` so a client that went away is noticed at the next write (its
request then ends), and returns at once when the server stops.
"""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Iterator
from typing import NamedTuple

from runshow.engine import ShowState
from runshow.phases import Crossing
from runshow.protocol import json_text
from runshow.web.lifecycle import Lifecycle
from runshow.web.snapshots import Snapshots

#: The view a stream carries: what a stage screen or a phone is sent.
PUBLIC_VIEW = "public"
#: How many recent events a reconnecting client can be sent again.
HISTORY = 256
#: How long the browser's EventSource waits before reconnecting (ms).
RETRY_MS = 2000


class StreamEvent(NamedTuple):
    seq: int
    name: str
    data: str


class EventStream:
    """Hears the show (subscribed to the service after the screens' broadcast, and to
    the phase ticker) and keeps the recent events for the streams that read them."""

    def __init__(self, snapshots: Snapshots, lifecycle: Lifecycle, heartbeat_s: float = 15.0):
        self.snapshots = snapshots
        self.heartbeat_s = heartbeat_s
        self.boot = secrets.token_hex(4)  # an id from an earlier run is not resumed from
        self._recent: deque[StreamEvent] = deque(maxlen=HISTORY)
        self._seq = 0
        self._changed = threading.Condition()
        self._programme_tag = snapshots.programme(PUBLIC_VIEW).tag
        self._lifecycle = lifecycle
        self.open_streams = 0  # streams being read now (one request of the server each)
        lifecycle.on_stop(self._wake_all)

    def after_command(self, state: ShowState) -> None:
        """Subscribed to the service: the programme when a live edit changed what the
        public sees, then the state."""
        programme = self.snapshots.programme(PUBLIC_VIEW)
        if programme.tag != self._programme_tag:
            self._programme_tag = programme.tag
            self._add("programme", programme.text)
        self._add("state", self.snapshots.state(PUBLIC_VIEW).text)

    def phase(self, crossing: Crossing) -> None:
        """Heard from the phase ticker."""
        self._add("phase", json_text(crossing.to_json()))

    def _add(self, name: str, data: str) -> None:
        with self._changed:
            self._seq += 1
            self._recent.append(StreamEvent(self._seq, name, data))
            self._changed.notify_all()

    def _wake_all(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def event_id(self, seq: int) -> str:
        return f"{self.boot}.{seq}"

    def _missed(self, last_event_id: str | None) -> tuple[int, list[StreamEvent]] | None:
        """The number of `last_event_id` and the events after it, or None when they
        cannot all be told."""
        boot, _, seq_text = (last_event_id or "").partition(".")
        if boot != self.boot or not seq_text.isdigit():
            return None
        seq = int(seq_text)
        with self._changed:
            if seq > self._seq or (self._recent and self._recent[0].seq > seq + 1):
                return None
            return seq, [event for event in self._recent if event.seq > seq]

    def stream(self, last_event_id: str | None = None) -> Iterator[str]:
        """The text of one client's stream, until the server stops or the client goes
        (the web server then closes the generator at the write that failed)."""
        with self._changed:
            self.open_streams += 1
        try:
            yield from self._events_for(last_event_id)
        finally:
            with self._changed:
                self.open_streams -= 1

    def _events_for(self, last_event_id: str | None) -> Iterator[str]:
        yield f"retry: {RETRY_MS}\n\n"
        missed = self._missed(last_event_id)
        if missed is None:  # a first connection, or too much missed: the whole picture
            seq = yield from self._picture()
        else:
            seq, events = missed
            if events:
                seq = events[-1].seq
                yield from map(self._format, events)
        while self._lifecycle.running:
            with self._changed:
                if self._seq == seq:
                    self._changed.wait(timeout=self.heartbeat_s)
                fresh = [event for event in self._recent if event.seq > seq]
            if not self._lifecycle.running:
                return
            if not fresh:
                yield ": \n\n"  # a client that went away is noticed at this write
            elif fresh[0].seq > seq + 1:  # a reader slower than `HISTORY` events
                seq = yield from self._picture()
            else:
                seq = fresh[-1].seq
                yield from map(self._format, fresh)

    def _picture(self) -> Iterator[str]:
        """The programme and the state as they are; returns the last event's number."""
        with self._changed:
            seq = self._seq
        yield self._format(
            StreamEvent(seq, "programme", self.snapshots.programme(PUBLIC_VIEW).text)
        )
        yield self._format(StreamEvent(seq, "state", self.snapshots.state(PUBLIC_VIEW).text))
        return seq

    def _format(self, event: StreamEvent) -> str:
        return f"id: {self.event_id(event.seq)}\nevent: {event.name}\ndata: {event.data}\n\n"
