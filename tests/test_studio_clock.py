"""The studio clock (/clock): the time of day from the server's clock, the item's
countdown, and the ON AIR light, in Chromium at 1920x1080."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser import HA_NOI, seconds_shown, wait_for_revision, wait_for_settled_clock

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots-outputs"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_studio_clock_shows_the_servers_time_the_countdown_and_the_on_air_light(
    live_server, open_page
):
    # A machine whose own clock is seven minutes slow: the time shown is still the server's.
    clock = open_page(f"{live_server.url}/clock", clock_skew_ms=-7 * 60_000)
    expect(clock.locator("#clock-light")).to_have_text("CHỜ")
    expect(clock.locator("body")).to_have_attribute("data-on-air", "false")
    wait_for_settled_clock(clock)
    shown = clock.locator("#clock-time").inner_text().replace("\n", "")
    now = dt.datetime.now(VIETNAM)
    hours, minutes, seconds = (int(part) for part in shown.split(":"))
    shown_s = hours * 3600 + minutes * 60 + seconds
    now_s = now.hour * 3600 + now.minute * 60 + now.second
    assert abs((shown_s - now_s + 43_200) % 86_400 - 43_200) <= 2, (shown, now)

    live_server.command("goto", item_id=HA_NOI)
    live_server.command("start")
    wait_for_revision(clock, 2)
    expect(clock.locator("#clock-light")).to_have_text("ĐANG DIỄN RA")
    expect(clock.locator("body")).to_have_attribute("data-on-air", "true")
    expect(clock.locator("#clock-title")).to_contain_text("Hà Nội")
    left = seconds_shown(clock.locator("#clock-timer").inner_text().replace("\n", ""))
    assert 590 <= left <= 600, left
    clock.screenshot(path=f"{SHOTS}/clock-on-air.png")
    light = clock.locator("#clock-light").bounding_box()
    assert light and light["height"] > 50  # readable across a control room

    live_server.command("pause")
    wait_for_revision(clock, 3)
    expect(clock.locator("#clock-light")).to_have_text("TẠM DỪNG")
    expect(clock.locator("body")).to_have_attribute("data-on-air", "false")
    clock.screenshot(path=f"{SHOTS}/clock-paused.png")
