"""`Lifecycle.stop` gives every loop its chance within one bound, all together
(runshow/web/lifecycle.py): `runshow serve` must exit within seconds on SIGTERM
however many loops are stuck in a call, not that bound once per stuck loop."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from runshow.web import lifecycle as lifecycle_module
from runshow.web.lifecycle import Lifecycle


class FakeTime:
    """A monotonic clock that only moves when a fake event waits."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now


class NeverSetEvent:
    """An event of the server's async mode whose waits time out: a loop stuck in a call."""

    def __init__(self, clock: FakeTime) -> None:
        self.clock = clock
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float | None = None) -> bool:
        if self._set:
            return True
        self.clock.now += timeout or 0.0
        return False


def fake_socketio(clock: FakeTime) -> SimpleNamespace:
    """Loops that never run (so never end), events on the fake clock."""
    eio = SimpleNamespace(create_event=lambda: NeverSetEvent(clock))
    return SimpleNamespace(
        server=SimpleNamespace(eio=eio), start_background_task=lambda _run: object()
    )


def test_stop_waits_for_all_the_stuck_loops_together_within_its_bound(monkeypatch):
    clock = FakeTime()
    monkeypatch.setattr(lifecycle_module, "time", clock, raising=False)
    lifecycle = Lifecycle(fake_socketio(clock))
    for name in ("schedule ticker", "phase ticker", "client sweep", "hearing display workers"):
        assert lifecycle.start(name, lambda: None)
    stuck = lifecycle.stop(within_s=5.0)
    assert stuck == ["schedule ticker", "phase ticker", "client sweep", "hearing display workers"]
    assert clock.now == pytest.approx(5.0), "stop waited its bound once per stuck loop"
