"""Every background loop of a server, started and stopped in one place.

Flask-SocketIO's way (its own example): a task started once with
`start_background_task`, in whatever async mode the server runs (threads in the
tests, green threads under eventlet). What its example leaves out is the end:
here every loop waits on one event instead of sleeping, so `stop` wakes them all
at once, and then waits for each to finish. `runshow serve` stops them on SIGTERM
and Ctrl+C (runshow/server.py); the tests' app fixture stops them after each test.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

#: How long `stop` waits for the loops, all together, before it gives up on them.
STOP_WITHIN_S = 5.0


@dataclass
class _Task:
    name: str
    handle: Any  # what start_background_task returned: a thread, or a green thread's wrapper
    done: Any  # an event of the server's async mode, set when the loop has returned


class Lifecycle:
    """The background loops of one Socket.IO server (`socketio`: Flask-SocketIO's
    `SocketIO`, or anything with `start_background_task` and `server.eio`)."""

    def __init__(self, socketio: Any) -> None:
        self.socketio = socketio
        self._create_event: Callable[[], Any] = socketio.server.eio.create_event
        self._stopping = self._create_event()
        self._tasks: dict[str, _Task] = {}
        self._wakers: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """False once `stop` was called: a loop ends its round and returns."""
        return not self._stopping.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`, in the server's async mode; True while still running
        (False at once when `stop` is called meanwhile)."""
        return not self._stopping.wait(timeout=seconds)

    def start(
        self, name: str, loop: Callable[[], None], wake: Callable[[], None] | None = None
    ) -> bool:
        """Run `loop` once in the background, unless a loop of that `name` was
        started already or the server is stopping; whether it was started now. The
        loop returns when `running` turns False; if it waits on something else than
        `wait`, `wake` makes that wait end."""
        with self._lock:
            if name in self._tasks or not self.running:
                return False
            done = self._create_event()
            if wake is not None:
                self._wakers.append(wake)

            def run() -> None:
                try:
                    loop()
                finally:
                    done.set()

            handle = self.socketio.start_background_task(run)
            if isinstance(handle, threading.Thread):
                handle.name = f"runshow: {name}"
            self._tasks[name] = _Task(name, handle, done)
        return True

    def on_stop(self, wake: Callable[[], None]) -> None:
        """Call `wake` when `stop` is called: something waiting elsewhere than in
        `wait` (a request streaming events) notices at once."""
        with self._lock:
            self._wakers.append(wake)

    def every(self, name: str, seconds: float, work: Callable[[], object]) -> bool:
        """Call `work` every `seconds` until `stop`. A round that fails is logged and
        the next one follows: one bad moment must not end the loop for the rest of
        the day."""

        def loop() -> None:
            while self.wait(seconds):
                try:
                    work()
                except Exception:
                    log.exception("%s failed; the next round follows", name)

        return self.start(name, loop)

    def stop(self, within_s: float = STOP_WITHIN_S) -> list[str]:
        """Stop every loop and wait for them; the names of those that did not end
        within `within_s` (logged; a loop stuck in a call cannot be interrupted)."""
        with self._lock:
            self._stopping.set()
            wakers, tasks = list(self._wakers), list(self._tasks.values())
        for wake in wakers:
            wake()
        stuck = []
        deadline = time.monotonic() + within_s  # one bound for them all, however many are stuck
        for task in tasks:  # each wait is short: they were all woken at once
            if task.done.wait(timeout=max(0.0, deadline - time.monotonic())):
                if isinstance(task.handle, threading.Thread):
                    task.handle.join()  # the loop has returned: its thread ends now
            else:
                stuck.append(task.name)
        if stuck:
            log.warning("background work that did not stop: %s", ", ".join(stuck))
        return stuck
