"""Slows down guessing of the control key: too many failures from one address
within a window locks that address out for a while.

The login page and the HTTP API each have their own throttle, so a Companion
button still sending an old key cannot lock the technician out of /login from
the same laptop. Failures expire: an address is forgotten once its last failure
is older than the window and the lockout.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class FailureThrottle:
    def __init__(
        self,
        max_failures: int = 5,
        window_s: float = 60.0,
        lockout_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, who: str) -> int:
        """Seconds `who` must still wait before trying again; 0 when allowed."""
        with self._lock:
            self._forget_expired()
            failures = self._failures.get(who, ())
            if len(failures) < self.max_failures:
                return 0
            wait = failures[-1] + self.lockout_s - self.clock()
            return max(1, round(wait)) if wait > 0 else 0

    def failed(self, who: str) -> None:
        with self._lock:
            self._forget_expired()
            self._failures.setdefault(who, deque()).append(self.clock())

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._failures.pop(who, None)

    def tracked(self) -> int:
        """How many addresses are remembered (the memory the throttle holds)."""
        with self._lock:
            self._forget_expired()
            return len(self._failures)

    def _forget_expired(self) -> None:
        horizon = self.clock() - max(self.window_s, self.lockout_s)
        for who in list(self._failures):
            failures = self._failures[who]
            while failures and failures[0] < horizon:
                failures.popleft()
            if not failures:
                del self._failures[who]
