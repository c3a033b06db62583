"""The prompter (/prompter): the MC's script large, the next item's following on; it
follows the MC tablet's scroll through the server, or the console's."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import login, wait_for_revision
from tests.conftest import open_console

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots-outputs"
OPENING = "tuyen-bo-ly-do"  # the delegates' introduction: a script that scrolls on the tablet

#: When the prompter's text last moved (the page's wall clock, as the MC's is read).
WATCH_SCROLL = """() => {
  window.__moved = [];
  document.getElementById('prompter').addEventListener('scroll',
    () => window.__moved.push(Date.now()));
}"""


def prompter_url(server) -> str:
    return server.mc_url.replace("/mc?", "/prompter?")


def test_the_prompter_follows_the_mc_tablets_scroll_within_200_ms(live_server, open_page):
    live_server.command("goto", item_id=OPENING)
    mc = open_page(live_server.mc_url, size=(1024, 768))
    prompter = open_page(f"{prompter_url(live_server)}&mirror", size=(1920, 1080))
    for page in (mc, prompter):
        wait_for_revision(page, 1)
        expect(page.locator("body")).to_have_attribute("data-connected", "true")
    expect(prompter.locator("#prompter-now-script")).to_contain_text("Kính thưa")
    expect(prompter.locator("#prompter-next-title")).not_to_be_empty()
    assert mc.evaluate(
        "(b => b.scrollHeight > b.clientHeight)(document.getElementById('mc-script-box'))"
    )
    prompter.evaluate(WATCH_SCROLL)
    before = prompter.evaluate("document.getElementById('prompter').scrollTop")

    sent_at = mc.evaluate("""() => {
      const box = document.getElementById('mc-script-box');
      box.scrollTop = (box.scrollHeight - box.clientHeight) / 2;
      return Date.now();
    }""")
    prompter.wait_for_function("window.__moved.length > 0", timeout=5_000)
    moved_at = prompter.evaluate("window.__moved[0]")
    after = prompter.evaluate("document.getElementById('prompter').scrollTop")
    prompter.screenshot(path=f"{SHOTS}/prompter-followed.png")
    assert after > before
    assert moved_at - sent_at <= 200, moved_at - sent_at

    # Back to the top on the tablet: the prompter goes back too.
    mc.evaluate("document.getElementById('mc-script-box').scrollTop = 0")
    prompter.wait_for_function(
        "top => document.getElementById('prompter').scrollTop < top", arg=after
    )


def test_the_console_scrolls_the_prompters_and_only_the_mc_or_a_technician_may(
    live_server, open_page
):
    live_server.command("goto", item_id=OPENING)
    prompter = open_page(prompter_url(live_server))
    expect(prompter.locator("body")).to_have_attribute("data-connected", "true")
    console = open_console(live_server.url)
    try:
        bad = console.call(
            "prompter_scroll", {"item_id": OPENING, "ratio": 2}, namespace="/control", timeout=10
        )
        assert bad["ok"] is False
        ok = console.call(
            "prompter_scroll", {"item_id": OPENING, "ratio": 1}, namespace="/control", timeout=10
        )
        assert ok["ok"] is True
        prompter.wait_for_function("document.getElementById('prompter').scrollTop > 0")
    finally:
        console.disconnect()
    # The console's buttons step through the script.
    before = prompter.evaluate("document.getElementById('prompter').scrollTop")
    control = open_page(f"{live_server.url}/login", size=(1366, 768))
    login(control, live_server.url)
    control.click("#more-menu > summary")
    control.click("#mc-link > summary")
    control.click("#prompter-up")
    prompter.wait_for_function(
        "top => document.getElementById('prompter').scrollTop < top", arg=before
    )
    # A page without the MC's token has no script, and its scroll is refused.
    public = open_page(f"{live_server.url}/prompter")
    expect(public.locator("#prompter-public-note")).to_be_visible()
    expect(public.locator("#prompter-now-script")).to_be_empty()
    public_mc = open_page(f"{live_server.url}/mc")
    expect(public_mc.locator("body")).to_have_attribute("data-connected", "true")
    answer = public_mc.evaluate("""() => new Promise((resolve) => {
      const socket = io('/live', { query: { role: 'mc' }, transports: ['websocket'] });
      socket.emit('prompter_scroll', { item_id: 'x', ratio: 0 }, resolve);
    })""")
    assert answer["ok"] is False


def test_a_prompter_at_a_speed_scrolls_by_itself_and_space_pauses_it(live_server, open_page):
    """The one motion on a display page: drawn on animation frames only while it moves."""
    live_server.command("goto", item_id=OPENING)
    prompter = open_page(f"{prompter_url(live_server)}&speed=200", size=(1920, 1080))
    wait_for_revision(prompter, 1)
    expect(prompter.locator("#prompter-now-script")).to_contain_text("Kính thưa")
    top = "document.getElementById('prompter').scrollTop"
    prompter.wait_for_function(f"{top} > 50", timeout=5_000)
    prompter.keyboard.press(" ")
    paused_at = prompter.evaluate(top)
    prompter.wait_for_timeout(500)  # a fifth of a screen's height at this speed
    assert abs(prompter.evaluate(top) - paused_at) <= 5
    prompter.keyboard.press(" ")
    prompter.wait_for_function(f"{top} > {paused_at + 50}", timeout=5_000)


def test_the_http_api_scrolls_the_prompters_to_a_place_or_by_a_step(app, clock):
    """POST /api/prompter (Companion's ▲ ▼ and "scroll to"): with the control key only;
    nothing on is refused in words; a step goes on from where the prompters were last
    sent (by the MC tablet, the console, OSC or the API), within the script."""
    from tests.conftest import CONTROL_KEY

    show = app.extensions["runshow"]
    prompter = app.extensions["socketio"].test_client(
        app, namespace="/live", query_string="role=prompter", auth={"token": show.access.mc_token}
    )
    client = app.test_client()
    key = {"Authorization": f"Bearer {CONTROL_KEY}"}

    def scroll(body, headers=key):
        return client.post("/api/prompter", json=body, headers=headers)

    def heard() -> list:
        return [
            e["args"][0] for e in prompter.get_received("/live") if e["name"] == "prompter_scroll"
        ]

    heard()
    assert scroll({"ratio": 0.5}, headers={}).status_code == 401
    nothing_on = scroll({"ratio": 0.5})
    assert nothing_on.status_code == 409
    assert nothing_on.get_json()["code"] == "not_possible"
    assert "Không có mục nào đang diễn ra" in nothing_on.get_json()["error"]
    show.service.dispatch({"command": "goto", "item_id": OPENING}, source="test")
    for wrong in (
        {"ratio": 2},
        {"step": "1"},
        {"ratio": True},
        {},
        {"ratio": 0.1, "step": 0.1},
        [0.5],
    ):
        refused = scroll(wrong)
        assert refused.status_code == 400, wrong
        assert refused.get_json()["code"] == "invalid"
    assert heard() == []
    assert scroll({"ratio": 0.25}).get_json() == {"ok": True, "item_id": OPENING, "ratio": 0.25}
    assert scroll({"step": 0.5}).get_json()["ratio"] == 0.75
    assert scroll({"step": 0.5}).get_json()["ratio"] == 1.0  # the script's end, not past it
    assert heard() == [
        {"item_id": OPENING, "ratio": 0.25},
        {"item_id": OPENING, "ratio": 0.75},
        {"item_id": OPENING, "ratio": 1.0},
    ]
    english = client.post("/api/prompter", json={}, headers=key | {"Accept-Language": "en"})
    assert english.get_json()["code"] == "invalid"
    prompter.disconnect(namespace="/live")
