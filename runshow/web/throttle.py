"""Slows down guessing of the control key: too many failures from one address
within a window locks that address out for a while."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
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
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def retry_after(self, who: str) -> int:
        """Seconds `who` must still wait before trying again; 0 when allowed."""
        with self._lock:
            failures = self._recent(who)
            if len(failures) < self.max_failures:
                return 0
            wait = failures[-1] + self.lockout_s - self.clock()
            return max(1, round(wait)) if wait > 0 else 0

    def failed(self, who: str) -> None:
        with self._lock:
            self._recent(who).append(self.clock())

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._failures.pop(who, None)

    def _recent(self, who: str) -> deque[float]:
        failures = self._failures[who]
        horizon = self.clock() - max(self.window_s, self.lockout_s)
        while failures and failures[0] < horizon:
            failures.popleft()
        return failures
