"""End to end in headless Chromium: the words and looks the server decides once
(runshow/words.py, Programme.banner_kinds) are what every screen shows, and what the
report and the home page say."""

from __future__ import annotations

import csv
import io
import re

import pytest
import requests
from playwright.sync_api import expect

from runshow.words import ITEM_STATUS_WORDS, ROLE_NAMES
from tests.browser import wait_for_revision

pytestmark = pytest.mark.browser

OPENING, REASONS, WELCOME, REPORT = (
    "van-nghe-chao-mung",
    "tuyen-bo-ly-do",
    "khai-mac",
    "bao-cao-so-ket",
)


def test_every_screen_and_the_report_name_an_items_status_alike(live_server, control, open_page):
    """The opening was on, two items were passed over: the phone, the MC's list and the
    console call them what the report calls them."""
    phone = open_page(f"{live_server.url}/programme", size=(390, 844))
    mc = open_page(live_server.mc_url, size=(1024, 768))
    live_server.command("next")
    live_server.command("start")
    live_server.command("goto", item_id=REPORT)
    for page in (phone, mc, control):
        wait_for_revision(page, 3)

    report = control.request.get(f"{live_server.url}/report.csv").text()
    rows = {row[1]: row[3] for row in csv.reader(io.StringIO(report.lstrip("\ufeff")))}
    titles = {
        item["id"]: item["title"]
        for item in requests.get(f"{live_server.url}/api/programme", timeout=10).json()["items"]
    }
    for item_id, status in ((OPENING, "done"), (REASONS, "skipped"), (WELCOME, "skipped")):
        word = ITEM_STATUS_WORDS[status]
        assert rows[titles[item_id]] == word
        expect(phone.locator(f"li[data-item-id='{item_id}'] .pg-status")).to_have_text(word)
        expect(mc.locator(f"#mc-list li[data-item-id='{item_id}'] .mc-list-status")).to_have_text(
            word
        )
        expect(control.locator(f"tr[data-item-id='{item_id}'] .ct-status")).to_have_text(word)


def test_the_stage_draws_each_banner_line_in_the_look_the_server_gives_it(live_server, open_page):
    kinds = requests.get(f"{live_server.url}/api/programme", timeout=10).json()["banner_kinds"]
    assert kinds[:2] == ["organiser", "headline"]
    looks = [f"banner-line banner-{kind}" for kind in kinds]
    first_paint = requests.get(f"{live_server.url}/stage", timeout=10).text
    assert re.findall(r'<p class="(banner-line[^"]*)">', first_paint) == looks
    stage = open_page(f"{live_server.url}/stage")
    wait_for_revision(stage, 0)
    lines = stage.locator("#stage-banner-lines p")
    expect(lines).to_have_count(len(kinds))
    assert lines.evaluate_all("(lines) => lines.map((line) => line.className)") == looks


def test_a_screen_is_called_the_same_on_the_home_page_and_the_console(
    live_server, control, open_page
):
    home = requests.get(f"{live_server.url}/", timeout=10).text
    for role in ("stage", "speaker", "mc", "control"):
        assert f">{ROLE_NAMES[role]}</a>" in home, role
    open_page(f"{live_server.url}/stage?name=LED")
    control.locator("#presence").click()
    expect(control.locator("#screens-list .ct-screen-role").first).to_contain_text(
        ROLE_NAMES["stage"]
    )


def test_the_consoles_longer_status_word_does_not_squeeze_the_titles(live_server, control):
    """«Chưa diễn ra (đã chuyển qua)», the report's word now on the console too, once
    held on one line: the status column grew to fit it and the titles beside it wrapped
    to five lines at 1366x768 (six at 1280x720). It wraps in its column instead."""
    status = control.locator(f"tr[data-item-id='{REASONS}'] .ct-status")
    title = control.locator(f"tr[data-item-id='{REASONS}'] .ct-row-title")
    live_server.command("next")  # the item on says «Đang diễn ra», in bold, before and after
    expect(control.locator(f"tr[data-item-id='{OPENING}'] .ct-status")).to_have_text(
        ITEM_STATUS_WORDS["now"]
    )
    width_before = title.evaluate("(node) => node.getBoundingClientRect().width")
    live_server.command("goto", item_id=REPORT)
    expect(status).to_have_text(ITEM_STATUS_WORDS["skipped"])
    assert title.evaluate("(node) => node.getBoundingClientRect().width") == width_before
