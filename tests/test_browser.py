"""End to end: a real `runshow serve` process and real headless Chromium pages,
used the way the technician, the MC and the stage use them on event day."""

from __future__ import annotations

import re
import time
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser import (
    FAKE_AUDIO,
    HA_NOI,
    HO_CHI_MINH,
    jump_to,
    login,
    press,
    seconds_shown,
    settle,
    wait_for_revision,
    wait_for_settled_clock,
)

pytestmark = pytest.mark.browser

HA_NOI_SPEAKER = "Lãnh đạo Ủy ban nhân dân thành phố Hà Nội"
FIVE_MINUTES_MS = 5 * 60_000


def digit_rows(stage: Page) -> int:
    """Height in pixels of what the countdown actually paints (its green glyphs)."""
    picture = Image.open(BytesIO(stage.screenshot())).convert("RGB")
    green = [
        y
        for y in range(picture.height)
        if any(
            g > 150 and r < 100 and b < 150
            for r, g, b in (picture.getpixel((x, y)) for x in range(0, picture.width, 3))
        )
    ]
    assert green, "no countdown digits on screen"
    return max(green) - min(green) + 1


def test_start_on_the_console_shows_the_speakers_running_countdown_on_stage_and_mc(
    live_server, control, open_page
):
    stage = open_page(f"{live_server.url}/stage")
    mc = open_page(live_server.mc_url, size=(1024, 768))
    expect(stage.locator("body")).to_have_attribute("data-view", "banner")

    jump_to(control, HA_NOI)
    wait_for_revision(stage, 1)
    press(control, "#btn-toggle")
    wait_for_revision(stage, 2)
    wait_for_revision(mc, 2)

    expect(stage.locator("#stage-speaker")).to_have_text(HA_NOI_SPEAKER)
    expect(stage.locator("body")).to_have_attribute("data-view", "item")
    assert digit_rows(stage) >= 0.4 * 1080, "countdown digits under 40% of the screen's height"
    first = stage.locator("#stage-timer").text_content()
    assert re.fullmatch(r"(10:00|09:[0-5]\d)", first), first  # seconds pass on a loaded machine
    stage.wait_for_function(
        "first => document.querySelector('#stage-timer').textContent !== first", arg=first
    )
    assert seconds_shown(stage.locator("#stage-timer").text_content()) < seconds_shown(first)

    expect(mc.locator("#mc-now-title")).to_contain_text("Hà Nội")
    expect(mc.locator("#mc-now-script")).to_contain_text("Hà Nội")
    assert seconds_shown(mc.locator("#mc-timer").text_content()) <= 600
    assert live_server.state()["timer"]["running"] is True


def test_next_moves_every_screen(live_server, control, open_page):
    stage = open_page(f"{live_server.url}/stage")
    mc = open_page(live_server.mc_url, size=(768, 1024))
    phone = open_page(f"{live_server.url}/programme", size=(390, 844))
    jump_to(control, HA_NOI)
    press(control, "#btn-next")
    for page in (stage, mc, phone, control):
        wait_for_revision(page, 2)

    expect(stage.locator("#stage-speaker")).to_contain_text("Thành phố Hồ Chí Minh")
    expect(mc.locator("#mc-now-title")).to_contain_text("Hồ Chí Minh")
    expect(mc.locator("#mc-next-title")).to_contain_text("Đà Nẵng")
    expect(phone.locator("li[data-item-id='tham-luan-ho-chi-minh']")).to_have_attribute(
        "data-status", "now"
    )
    expect(phone.locator("li[data-item-id='tham-luan-ha-noi']")).to_have_attribute(
        "data-status", "skipped"
    )
    expect(control.locator("#now-title")).to_contain_text("Hồ Chí Minh")


def test_a_message_reaches_the_stage(live_server, control, open_page):
    stage = open_page(f"{live_server.url}/stage")
    jump_to(control, HA_NOI)
    control.fill("#message-text", "Xin mời kết thúc phần trình bày")
    control.check("#target-stage")
    press(control, "#btn-send-message")
    wait_for_revision(stage, 2)
    expect(stage.locator("#stage-message")).to_be_visible()
    expect(stage.locator("#stage-message")).to_have_text("Xin mời kết thúc phần trình bày")

    press(control, "#btn-clear-message")
    wait_for_revision(stage, 3)
    expect(stage.locator("#stage-message")).to_be_hidden()


def test_blackout_blacks_out_the_stage(live_server, control, open_page):
    stage = open_page(f"{live_server.url}/stage")
    jump_to(control, HA_NOI)
    press(control, "#btn-toggle")
    wait_for_revision(stage, 2)
    press(control, "#btn-blackout")
    wait_for_revision(stage, 3)
    expect(stage.locator("body")).to_have_attribute("data-blackout", "true")
    stage.wait_for_timeout(300)  # the fade to black, so the picture is final
    picture = Image.open(BytesIO(stage.screenshot())).convert("L")
    assert picture.getextrema()[1] <= 40, "something is still visible on a blacked-out stage"

    press(control, "#btn-blackout")
    wait_for_revision(stage, 4)
    expect(stage.locator("#stage-timer")).to_be_visible()


def test_a_stage_whose_clock_is_minutes_off_shows_the_servers_remaining_time(
    live_server, open_page
):
    fast = open_page(f"{live_server.url}/stage", clock_skew_ms=FIVE_MINUTES_MS)
    slow = open_page(f"{live_server.url}/stage", clock_skew_ms=-3 * 60_000)
    live_server.command("goto", item_id=HA_NOI)
    live_server.command("start")
    for page in (fast, slow):
        wait_for_revision(page, 2)
        wait_for_settled_clock(page)

    for page, skew in ((fast, FIVE_MINUTES_MS), (slow, -3 * 60_000)):
        offset = int(page.evaluate("document.body.dataset.clockOffset"))
        assert abs(offset + skew) < 250, f"estimated offset {offset} for a skew of {skew}"
        before = live_server.state()["timer"]["remaining_ms"]
        shown = seconds_shown(page.locator("#stage-timer").text_content())
        after = live_server.state()["timer"]["remaining_ms"]
        # Rounded up to the second, as a countdown shows it.
        assert -(-after // 1000) - 1 <= shown <= -(-before // 1000) + 1, (shown, before, after)


def test_two_stages_side_by_side_flip_each_second_together(live_server, open_page):
    """Clocks five minutes apart, one countdown: both screens estimate the same
    server time, so they flip at the same moment."""
    fast = open_page(f"{live_server.url}/stage", clock_skew_ms=FIVE_MINUTES_MS)
    slow = open_page(f"{live_server.url}/stage", clock_skew_ms=-FIVE_MINUTES_MS)
    live_server.command("goto", item_id=HA_NOI)
    live_server.command("start")
    for page in (fast, slow):
        wait_for_revision(page, 2)
        wait_for_settled_clock(page)
    # Each page's idea of the server's time, read against this machine's clock
    # (which is the server's): the difference is the error in its estimate.
    errors = []
    for page in (fast, slow):
        host_before = time.time() * 1000
        estimate = page.evaluate("Date.now() + Number(document.body.dataset.clockOffset)")
        host_after = time.time() * 1000
        errors.append(estimate - (host_before + host_after) / 2)
    assert abs(errors[0] - errors[1]) < 100, errors


def test_the_console_cannot_act_without_login(live_server, open_page):
    page = open_page(f"{live_server.url}/control", size=(1366, 768))
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("#login-key")).to_be_visible()

    page.fill("#login-key", "wrong-key")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_contain_text("không đúng")

    # A page script trying the control channel or the API directly gets nowhere.
    page.add_script_tag(url="/static/vendor/socket.io/socket.io.min.js")
    refused = page.evaluate(
        """() => new Promise((resolve) => {
             const socket = io('/control', {transports: ['websocket']});
             socket.on('connect', () => resolve('connected'));
             socket.on('connect_error', (error) => resolve(error.message));
           })"""
    )
    assert refused == "unauthorized"
    status = page.evaluate(
        """() => fetch('/api/command', {
                   method: 'POST',
                   headers: {'Content-Type': 'application/json'},
                   body: JSON.stringify({command: 'next'}),
                 }).then((response) => response.status)"""
    )
    assert status == 401
    assert live_server.state()["revision"] == 0


def test_a_refusal_is_shown_plainly_on_the_console(live_server, control):
    """The afternoon visit counts up: there is no duration to add a minute to."""
    jump_to(control, "tham-quan-mo-hinh")
    wait_for_revision(control, 1)
    expect(control.locator("#btn-adjust-p60")).to_be_disabled()
    control.keyboard.press("+")  # the shortcut still asks the server, which says why not
    expect(control.locator("#refusal")).to_be_visible()
    expect(control.locator("#refusal")).to_contain_text("đếm lên")
    assert live_server.state()["revision"] == 1


def test_keyboard_shortcuts_drive_the_show(live_server, control):
    control.keyboard.press("PageDown")
    wait_for_revision(control, 1)
    control.keyboard.press("Space")
    wait_for_revision(control, 2)
    assert live_server.state()["timer"]["running"] is True
    settle(control)  # a second Space at once would be a bounce of the first
    control.keyboard.press("Space")
    wait_for_revision(control, 3)
    assert live_server.state()["timer"]["status"] == "paused"
    control.keyboard.press("ArrowRight")
    wait_for_revision(control, 4)
    assert live_server.state()["current"]["id"] == "tuyen-bo-ly-do"


def test_screens_recover_by_themselves_after_the_server_is_killed(live_server, open_page, tmp_path):
    """SIGKILL mid-speech: the server comes back on the same address with the same
    item and deadline, and the stage reconnects on its own."""
    from tests.conftest import start_server, stop_server

    stage = open_page(f"{live_server.url}/stage")
    live_server.command("goto", item_id=HA_NOI)
    deadline = live_server.command("start")["state"]["timer"]["deadline_ms"]
    wait_for_revision(stage, 2)
    live_server.process.kill()
    live_server.process.wait()
    expect(stage.locator("body")).to_have_attribute("data-connected", "false")
    expect(stage.locator("#stage-speaker")).to_have_text(HA_NOI_SPEAKER)

    port = int(live_server.url.rsplit(":", 1)[1])
    restarted = start_server(live_server.data_dir, tmp_path / "restarted.log", port=port)
    try:
        state = restarted.state()
        assert state["current"]["id"] == HA_NOI
        assert state["timer"]["deadline_ms"] == deadline
        expect(stage.locator("body")).to_have_attribute("data-connected", "true", timeout=15_000)
        restarted.command("next")
        wait_for_revision(stage, 3)
        expect(stage.locator("#stage-speaker")).to_contain_text("Thành phố Hồ Chí Minh")
    finally:
        stop_server(restarted)


def test_screens_follow_a_server_restarted_on_fresh_data(live_server, control, open_page, tmp_path):
    """Rehearsal data cleared and the server started again: the revision goes back
    to 0, and the screens and the console take the new truth instead of ignoring it."""
    from tests.conftest import start_server, stop_server

    stage = open_page(f"{live_server.url}/stage")
    jump_to(control, HA_NOI)
    press(control, "#btn-toggle")
    wait_for_revision(stage, 2)
    live_server.process.kill()
    live_server.process.wait()
    port = int(live_server.url.rsplit(":", 1)[1])
    fresh = start_server(tmp_path / "fresh-data", tmp_path / "fresh.log", port=port)
    try:
        expect(stage.locator("body")).to_have_attribute("data-view", "banner", timeout=15_000)
        expect(stage.locator("body")).to_have_attribute("data-revision", "0")
        fresh.command("next")
        wait_for_revision(stage, 1)
        expect(stage.locator("#stage-title")).to_contain_text("Văn nghệ")
    finally:
        stop_server(fresh)


def test_the_clicker_still_works_after_choosing_a_message_target(live_server, control):
    control.click("#target-mc")
    control.keyboard.press("PageDown")
    wait_for_revision(control, 1)
    assert live_server.state()["current"]["id"] == "van-nghe-chao-mung"
    expect(control.locator("#target-mc")).to_be_checked()


def test_the_mc_tablet_stays_awake_on_a_plain_http_lan(live_server, browser):
    """No Wake Lock API (as on http://192.168.x.x): the first tap turns on NoSleep."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    context.add_init_script("delete Navigator.prototype.wakeLock;")
    try:
        mc = context.new_page()
        mc.goto(live_server.mc_url)
        hint = mc.locator("#mc-awake-hint")
        expect(hint).to_be_visible()
        mc.locator("#mc-now-title").click()
        expect(hint).to_be_hidden()
        assert mc.evaluate("typeof NoSleep") == "function"
    finally:
        context.close()


def test_the_console_chimes_when_the_speakers_time_turns_red_and_runs_out(live_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(FAKE_AUDIO)
    try:
        console = context.new_page()
        login(console, live_server.url)
        jump_to(console, HA_NOI)
        press(console, "#btn-toggle")  # the click also lets the page make sound
        live_server.command("adjust", seconds=-540)  # one minute left: red
        console.wait_for_function("window.__tones.length === 1")
        live_server.command("adjust", seconds=-61)  # time is up
        console.wait_for_function("window.__tones.length === 3")
        assert console.evaluate("window.__tones") == [660, 880, 660]
    finally:
        context.close()


# --------------------------------------------------------------------------- #
# Nothing the technician does by accident can hurt the live show (issue 7).


def test_a_double_click_on_next_advances_once(live_server, control):
    jump_to(control, HA_NOI)
    control.dblclick("#btn-next")
    wait_for_revision(control, 2)
    # A marker on the same connection, after the double-click: had the second click
    # gone through, it would be revision 3 and the marker 4.
    press(control, "#btn-blackout")
    state = live_server.state()
    assert (state["revision"], state["blackout"]) == (3, True)
    assert state["current"]["id"] == HO_CHI_MINH


# Two inputs "at once": dispatched in one task, so that they are within the console's
# reaction window however loaded the machine running the test is.
KEY_AND_CLICK = """([key, selector]) => {
  document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
  document.querySelector(selector).dispatchEvent(
    new MouseEvent('click', {bubbles: true, cancelable: true, detail: 1}));
}"""


def test_the_clicker_and_a_click_together_advance_once(live_server, control):
    jump_to(control, HA_NOI)
    # the presenter clicker and the mouse, at once
    control.evaluate(KEY_AND_CLICK, ["PageDown", "#btn-next"])
    expect(control.locator("#refusal")).to_have_attribute("data-code", "moved_on")
    expect(control.locator("#refusal")).to_contain_text("Chương trình đã chuyển sang")
    assert live_server.state()["revision"] == 2
    assert live_server.state()["current"]["id"] == HO_CHI_MINH


def test_space_and_a_click_on_the_main_button_start_once(live_server, control):
    jump_to(control, HA_NOI)
    # the second would have paused the clock the first just started
    control.evaluate(KEY_AND_CLICK, [" ", "#btn-toggle"])
    expect(control.locator("#refusal")).to_contain_text("đang chạy")
    state = live_server.state()
    assert (state["revision"], state["timer"]["status"]) == (2, "running")


def test_the_banner_over_a_speech_keeps_the_countdown_running_on_the_mc(
    live_server, control, open_page
):
    stage = open_page(f"{live_server.url}/stage")
    mc = open_page(f"{live_server.url}/mc", size=(1024, 768))
    jump_to(control, HA_NOI)
    press(control, "#btn-toggle")
    press(control, "#btn-banner")
    wait_for_revision(stage, 3)
    wait_for_revision(mc, 3)
    expect(stage.locator("body")).to_have_attribute("data-view", "banner")
    expect(stage.locator("#stage-banner")).to_be_visible()
    expect(mc.locator("#mc-banner-on")).to_be_visible()
    expect(mc.locator("#mc-now-title")).to_contain_text("Hà Nội")
    expect(control.locator("#banner-alert")).to_be_visible()
    expect(control.locator("#btn-banner")).to_have_text("Tắt băng rôn")
    first = mc.locator("#mc-timer").text_content()
    mc.wait_for_function(  # the countdown goes on under the banner
        "first => document.querySelector('#mc-timer').textContent !== first", arg=first
    )

    press(control, "#btn-banner")
    wait_for_revision(stage, 4)
    expect(stage.locator("body")).to_have_attribute("data-view", "item")
    expect(mc.locator("#mc-banner-on")).to_be_hidden()
    on_stage = seconds_shown(stage.locator("#stage-timer").text_content())
    on_mc = seconds_shown(mc.locator("#mc-timer").text_content())
    assert abs(on_stage - on_mc) <= 1, (on_stage, on_mc)
    assert on_stage < seconds_shown(first) <= 600
    assert live_server.state()["timer"]["running"] is True


def test_ctrl_z_after_a_wrong_jump_brings_the_speech_back(live_server, control):
    jump_to(control, HA_NOI)
    press(control, "#btn-toggle")
    deadline = live_server.state()["timer"]["deadline_ms"]
    jump_to(control, "tham-quan-mo-hinh")  # the wrong row
    expect(control.locator("#btn-undo")).to_contain_text("Hoàn tác: Chuyển sang mục")
    control.keyboard.press("Control+z")
    wait_for_revision(control, 4)
    expect(control.locator("#now-title")).to_contain_text("Hà Nội")
    expect(control.locator("#timer-status")).to_have_attribute("data-status", "running")
    expect(control.locator("#btn-redo")).to_contain_text("Làm lại: Chuyển sang mục")
    state = live_server.state()
    assert state["current"]["id"] == HA_NOI
    assert state["timer"]["deadline_ms"] == deadline, "the same clock, not a fresh one"
