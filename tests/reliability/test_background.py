"""Background work that cannot die quietly: the console's schedule ticker."""

from __future__ import annotations

import logging

from runshow.web import live
from tests.test_live import wait_for_event


def test_the_schedule_ticker_logs_a_failed_tick_and_the_next_one_arrives(
    sockets, technician, monkeypatch, caplog
):
    real_summary = live.schedule_summary
    failures = []

    def fails_once(*args):
        if not failures:
            failures.append("boom")
            raise RuntimeError("injected: the schedule could not be computed")
        return real_summary(*args)

    monkeypatch.setattr(live, "schedule_summary", fails_once)
    caplog.set_level(logging.ERROR, logger="runshow.web.live")
    console = sockets.connect("/control", http_client=technician)

    summary = wait_for_event(console, "/control", "schedule")

    assert failures == ["boom"], "the first tick failed"
    assert summary["revision"] == 0, "and a later tick still arrived"
    assert "schedule tick failed" in caplog.text
    assert "injected: the schedule could not be computed" in caplog.text
