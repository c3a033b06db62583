"""The `flash` command and the preset messages, in real browsers against a real server."""

from __future__ import annotations

import sqlite3

import pytest
import requests
from playwright.sync_api import expect

from tests.browser import HA_NOI, wait_for_revision
from tests.conftest import CONTROL_KEY, stop_server

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots-outputs"


def test_flash_from_the_console_flashes_the_speakers_screen_until_the_servers_deadline(
    live_server, control, open_page
):
    live_server.command("goto", item_id=HA_NOI)
    # A speaker's screen whose own clock is five minutes fast: the deadline is the server's.
    speaker = open_page(f"{live_server.url}/speaker", size=(1280, 720), clock_skew_ms=300_000)
    stage = open_page(f"{live_server.url}/stage")
    wait_for_revision(speaker, 1)
    wait_for_revision(control, 1)
    control.click("#btn-flash")
    wait_for_revision(speaker, 2)
    expect(speaker.locator("html")).to_have_attribute("data-flash", "true")
    speaker.screenshot(path=f"{SHOTS}/speaker-flash.png")
    assert stage.evaluate("document.documentElement.dataset.flash") is None  # not its target
    # A screen opened during the flash flashes too, for what is left of it.
    late = open_page(f"{live_server.url}/speaker")
    expect(late.locator("html")).to_have_attribute("data-flash", "true")
    expect(speaker.locator("html")).not_to_have_attribute("data-flash", "true", timeout=6_000)
    expect(late.locator("html")).not_to_have_attribute("data-flash", "true", timeout=1_000)
    assert live_server.state()["flash"] is None
    assert logged(live_server)[-1] == ("flash", '{"seconds": 3, "target": "speaker"}', "console")


def logged(server) -> list[tuple[str, str, str]]:
    """The show's event log as the server wrote it (read once the server has stopped:
    it holds the database while it runs): command, arguments, source."""
    stop_server(server)
    with sqlite3.connect(server.data_dir / "runshow.sqlite3") as log:
        return log.execute("SELECT command, arguments, source FROM events ORDER BY seq").fetchall()


def test_flash_is_validated_logged_and_targets_like_a_message(live_server, open_page):
    stage = open_page(f"{live_server.url}/stage")
    answer = live_server.command("flash", seconds=10, target="stage")
    assert answer["ok"] and answer["state"]["flash"]["target"] == "stage"
    until = answer["state"]["flash"]["until_ms"]
    assert 9_000 < until - answer["state"]["server_time_ms"] <= 10_000
    expect(stage.locator("html")).to_have_attribute("data-flash", "true")
    wrong = requests.post(
        f"{live_server.url}/api/command",
        json={"command": "flash", "seconds": 0},
        headers={"Authorization": f"Bearer {CONTROL_KEY}"},
        timeout=10,
    )
    assert wrong.status_code == 400
    assert wrong.json()["problems"][0]["place"] == "seconds"
    assert [event[0] for event in logged(live_server)] == ["flash"]
