"""Background work that cannot die quietly: the console's schedule ticker."""

from __future__ import annotations

import logging

from runshow.web import schedule_ticker
from tests.test_live import wait_for_event


def test_the_schedule_ticker_logs_a_failed_tick_and_the_next_one_arrives(
    sockets, technician, monkeypatch, caplog
):
    real_summary = schedule_ticker.schedule_summary
    failures = []

    def fails_once(*args):
        if not failures:
            failures.append("boom")
            raise RuntimeError("injected: the schedule could not be computed")
        return real_summary(*args)

    monkeypatch.setattr(schedule_ticker, "schedule_summary", fails_once)
    caplog.set_level(logging.ERROR, logger="runshow.web.lifecycle")
    console = sockets.connect("/control", http_client=technician)

    summary = wait_for_event(console, "/control", "schedule")

    assert failures == ["boom"], "the first tick failed"
    assert summary["revision"] == 0, "and a later tick still arrived"
    assert "schedule ticker failed; the next round follows" in caplog.text
    assert "injected: the schedule could not be computed" in caplog.text
