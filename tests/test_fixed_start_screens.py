"""An item with a fixed start (`starts_at`): while it is next the screens count down to
its time of day, and the console warns when the projected start misses it."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser import login, seconds_shown, wait_for_revision
from tests.conftest import BUNDLED_AGENDA, start_server, stop_server

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots-outputs"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def fixed_soon(tmp_path):
    """Today's programme from this minute; its second item fixed six minutes from now,
    while the first lasts ten: the projection misses it."""
    now = dt.datetime.now(VIETNAM)
    if now.hour == 23 and now.minute >= 40:
        pytest.skip("the fixed start would fall on tomorrow")
    fixed = (now + dt.timedelta(minutes=6)).strftime("%H:%M")
    document = json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8"))
    document["event"]["date"] = now.date().isoformat()
    document["event"]["start"] = now.strftime("%H:%M")
    document["items"][0]["duration"] = 10
    document["items"][1]["starts_at"] = fixed
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    server = start_server(tmp_path / "data", tmp_path / "server.log", agenda=path)
    yield server, document, fixed
    stop_server(server)


def test_the_next_items_fixed_start_is_counted_down_and_the_console_warns(fixed_soon, open_page):
    server, document, fixed = fixed_soon
    speaker = open_page(f"{server.url}/speaker", size=(1280, 720))
    mc = open_page(server.mc_url, size=(1024, 768))
    clock = open_page(f"{server.url}/clock")
    console = open_page(f"{server.url}/login", size=(1366, 768))
    login(console, server.url)
    for page in (speaker, mc, clock):
        expect(page.locator(".fixed-start")).to_be_hidden()  # the next item has none

    server.command("goto", item_id=document["items"][0]["id"])
    server.command("start")
    wait_for_revision(speaker, 2)
    for page, selector in (
        (speaker, "#speaker-next-fixed"),
        (mc, "#mc-next-fixed"),
        (clock, "#clock-next-fixed"),
    ):
        line = page.locator(selector)
        expect(line).to_be_visible()
        expect(line).to_contain_text(f"lúc {fixed} — còn ")
        left = seconds_shown(line.inner_text().rsplit("còn ", 1)[1])
        assert 4 * 60 <= left <= 6 * 60, left
    speaker.screenshot(path=f"{SHOTS}/speaker-fixed-start.png")
    mc.screenshot(path=f"{SHOTS}/mc-fixed-start.png")

    # Ten minutes of the first item: the second cannot start at its fixed time.
    notice = console.locator("#fixed-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"cố định {fixed}")
    expect(notice).to_have_attribute("data-late", "true")
    console.screenshot(path=f"{SHOTS}/console-fixed-start.png")
