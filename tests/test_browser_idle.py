"""Screens that cost nothing: a display page with a countdown running draws when a
second flips, not on every animation frame (issue 24; the figures are bench/screens.py's)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import HA_NOI, seconds_shown, wait_for_revision, wait_for_settled_clock

pytestmark = pytest.mark.browser

#: Counts the animation frames the page asks for and the DOM changes it makes.
COUNT_WORK = """
window.__frames = 0;
const realFrame = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) => { window.__frames += 1; return realFrame(callback); };
"""

WATCH_TIMER = """(selector) => {
  window.__texts = [];
  const node = document.querySelector(selector);
  new MutationObserver(() => window.__texts.push(node.textContent))
    .observe(node, { childList: true, subtree: true, characterData: true });
  window.__frames = 0;
}"""

PAGES = [
    ("/stage", "#stage-timer"),
    ("/speaker", "#speaker-timer"),
    ("/mc", "#mc-timer"),
    ("/clock", "#clock-timer"),
]


@pytest.mark.parametrize(("path", "selector"), PAGES, ids=[path[1:] for path, _ in PAGES])
def test_a_running_countdown_asks_for_no_animation_frames(live_server, browser, path, selector):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_init_script(COUNT_WORK)
    try:
        page = context.new_page()
        query = "?" + live_server.mc_url.split("?", 1)[1] if path == "/mc" else ""
        page.goto(f"{live_server.url}{path}{query}")
        live_server.command("goto", item_id=HA_NOI)
        live_server.command("start")
        wait_for_revision(page, 2)
        wait_for_settled_clock(page)
        page.evaluate(WATCH_TIMER, selector)
        # Two seconds of a running countdown: it flips (twice or three times) ...
        page.wait_for_function("window.__texts.length >= 2", polling=100, timeout=5_000)
        page.wait_for_timeout(500)
        texts = page.evaluate("window.__texts")
        assert len(set(texts)) >= 2, texts
        # ... and nothing was drawn frame by frame meanwhile (60 frames a second before).
        assert page.evaluate("window.__frames") <= 2
        expect(page.locator(selector)).not_to_be_empty()
    finally:
        context.close()


WATCH_FLASH = """() => {
  window.__flash = [];
  const node = document.querySelector('#stage-timer');
  new MutationObserver(() => window.__flash.push(node.dataset.flash))
    .observe(node, { attributes: true, attributeFilter: ['data-flash'] });
}"""


def test_the_stage_turns_to_overtime_at_zero_and_flashes_each_second(live_server, open_page):
    """Between flips nothing is drawn, yet the phase still changes on the instant and
    overtime still flashes, bright then dim, every second."""
    stage = open_page(f"{live_server.url}/stage")
    live_server.command("goto", item_id=HA_NOI)
    live_server.command("start")
    live_server.command("adjust", seconds=-598)  # two seconds left
    wait_for_revision(stage, 3)
    wait_for_settled_clock(stage)
    stage.evaluate(WATCH_FLASH)
    expect(stage.locator("#stage-timer")).to_have_attribute("data-phase", "overtime", timeout=5_000)
    expect(stage.locator("#stage-timer")).to_contain_text("+")
    stage.wait_for_function("window.__flash.length >= 4", timeout=5_000)
    flashes = stage.evaluate("window.__flash")
    assert flashes[:4] in (["dim", "on", "dim", "on"], ["on", "dim", "on", "dim"]), flashes


HIDDEN_TAB = """
window.__hidden = false;
Object.defineProperty(document, 'visibilityState',
                      {get: () => window.__hidden ? 'hidden' : 'visible'});
"""
SET_HIDDEN = """(hidden) => {
  window.__hidden = hidden;
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_a_hidden_stage_draws_nothing_and_the_right_second_when_shown(live_server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_init_script(HIDDEN_TAB)
    try:
        stage = context.new_page()
        stage.goto(f"{live_server.url}/stage")
        live_server.command("goto", item_id=HA_NOI)
        live_server.command("start")
        wait_for_revision(stage, 2)
        wait_for_settled_clock(stage)
        stage.evaluate(WATCH_TIMER, "#stage-timer")
        stage.evaluate(
            "window.__hidden = true; document.dispatchEvent(new Event('visibilitychange'))"
        )
        stage.wait_for_timeout(2_200)  # two seconds would have flipped
        assert stage.evaluate("window.__texts") == []
        stage.evaluate(
            "window.__hidden = false; document.dispatchEvent(new Event('visibilitychange'))"
        )
        stage.wait_for_function("window.__texts.length >= 1", timeout=2_000)
        remaining = live_server.state()["timer"]["remaining_ms"]
        shown = seconds_shown(stage.locator("#stage-timer").text_content())
        assert abs(shown - remaining / 1000) <= 2, (shown, remaining)
    finally:
        context.close()
