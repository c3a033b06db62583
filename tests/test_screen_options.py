"""Display options (docs/screens.md): mirror, chroma key, scale and hidden parts from the
address, kept across reloads, and set remotely from the console's screens panel."""

from __future__ import annotations

import time
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser import HA_NOI, wait_for_revision
from tests.conftest import open_console

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots-outputs"


def pixel(page: Page, x: int, y: int) -> tuple[int, int, int]:
    return Image.open(BytesIO(page.screenshot())).convert("RGB").getpixel((x, y))


def text_centre_x(page: Page, selector: str) -> float:
    """Where the text is drawn on screen (a mirrored page draws it on the other side)."""
    return page.evaluate(
        """(selector) => {
          const range = document.createRange();
          range.selectNodeContents(document.querySelector(selector));
          const box = range.getBoundingClientRect();
          return box.left + box.width / 2;
        }""",
        selector,
    )


def test_mirror_chroma_and_hide_on_the_stage(live_server, open_page):
    live_server.command("goto", item_id=HA_NOI)
    live_server.command("start")
    live_server.command("message", text="Còn 2 phút", target="stage")
    plain = open_page(f"{live_server.url}/stage")
    wait_for_revision(plain, 3)
    plain.screenshot(path=f"{SHOTS}/stage-plain.png")
    keyed = open_page(f"{live_server.url}/stage?name=Key&mirror&theme=chroma&hide=message")
    wait_for_revision(keyed, 3)
    keyed.screenshot(path=f"{SHOTS}/stage-mirror-chroma.png")

    assert pixel(plain, 5, 5) != (0, 255, 0)
    assert pixel(keyed, 5, 5) == (0, 255, 0)  # the vision mixer's green, edge to edge
    assert pixel(keyed, 960, 1075) == (0, 255, 0)
    expect(keyed.locator("#stage-timer")).to_be_visible()
    expect(keyed.locator("#stage-message")).to_be_hidden()
    expect(plain.locator("#stage-message")).to_be_visible()
    # Mirrored: the title's middle drawn at the other side of the screen's middle.
    left, right = text_centre_x(plain, "#stage-title"), text_centre_x(keyed, "#stage-title")
    assert abs((left + right) / 2 - 960) < 2, (left, right)

    blue = open_page(f"{live_server.url}/stage?chroma=%230000ff&hide=clock,title")
    wait_for_revision(blue, 3)
    blue.screenshot(path=f"{SHOTS}/stage-blue-hide.png")
    assert pixel(blue, 5, 5) == (0, 0, 255)
    expect(blue.locator("#stage-timer")).to_be_hidden()
    expect(blue.locator("#stage-title")).to_be_hidden()
    expect(blue.locator("#stage-message")).to_be_visible()


def test_options_are_kept_across_reloads_per_page_and_name(live_server, open_page):
    stage = open_page(f"{live_server.url}/stage?name=LED&theme=chroma&hide=clock&scale=0.9")
    stage.goto(f"{live_server.url}/stage?name=LED")
    expect(stage.locator("html")).to_have_attribute("data-theme", "chroma")
    expect(stage.locator("html")).to_have_attribute("data-hide", "clock")
    assert stage.evaluate("getComputedStyle(document.documentElement).transform") != "none"
    # Another screen's name on the same machine starts from the page's own look.
    stage.goto(f"{live_server.url}/stage?name=LED+2")
    assert stage.evaluate("document.documentElement.dataset.theme") is None
    # A wrong value is left out, the rest applies.
    stage.goto(f"{live_server.url}/stage?name=X&theme=pink&hide=clock,bogus&scale=9")
    expect(stage.locator("html")).to_have_attribute("data-hide", "clock")
    assert stage.evaluate("document.documentElement.dataset.theme") is None
    assert stage.evaluate("document.documentElement.dataset.scaled") is None


def test_the_console_sets_a_screens_options_and_the_screen_keeps_them(
    live_server, control, open_page
):
    speaker = open_page(f"{live_server.url}/speaker?name=Bục", size=(1280, 720))
    expect(speaker.locator("body")).to_have_attribute("data-connected", "true")
    control.click("#presence")
    row = control.locator("#screens-list li", has_text="Bục")
    row.locator("button[data-action='screen-options']").click()
    form = control.locator("#screen-options")
    expect(form).to_be_visible()
    form.locator("input[name='mirror']").check()
    form.locator("select[name='theme']").select_option("chroma")
    form.locator("input[name='hide'][value='next']").check()
    control.screenshot(path=f"{SHOTS}/console-screen-options.png")
    form.locator("#screen-options-apply").click()
    expect(form).to_be_hidden()

    html = speaker.locator("html")
    expect(html).to_have_attribute("data-theme", "chroma")
    expect(html).to_have_attribute("data-mirror", "true")
    expect(speaker.locator(".sp-next")).to_be_hidden()
    assert "theme=chroma" in speaker.url and "hide=next" in speaker.url
    speaker.screenshot(path=f"{SHOTS}/speaker-remote-options.png")
    speaker.goto(f"{live_server.url}/speaker?name=Bục")  # even without them in the address
    expect(html).to_have_attribute("data-theme", "chroma")
    expect(speaker.locator(".sp-next")).to_be_hidden()


def test_the_server_refuses_wrong_options_with_their_place(live_server, open_page):
    console = open_console(live_server.url)
    heard: list[list[dict]] = []
    console.on("screens", heard.append, namespace="/control")
    try:
        stage = open_page(f"{live_server.url}/stage?name=LED")
        expect(stage.locator("body")).to_have_attribute("data-connected", "true")
        deadline = time.monotonic() + 10
        while not any(s["name"] == "LED" for s in (heard[-1] if heard else [])):
            assert time.monotonic() < deadline, heard
            time.sleep(0.05)  # waiting for the server's event, not for a result
        led = next(s for s in heard[-1] if s["name"] == "LED")
        answer = console.call(
            "screen_options",
            {"id": led["id"], "options": {"theme": "pink", "scale": 5}},
            namespace="/control",
            timeout=10,
        )
        assert answer["ok"] is False
        assert "options.theme" in answer["error"] and "options.scale" in answer["error"]
        ok = console.call(
            "screen_options",
            {"id": led["id"], "options": {"hide": ["clock"]}},
            namespace="/control",
            timeout=10,
        )
        assert ok["ok"] is True
        expect(stage.locator("html")).to_have_attribute("data-hide", "clock")
        gone = console.call(
            "screen_options", {"id": "nobody", "options": {}}, namespace="/control", timeout=10
        )
        assert gone["ok"] is False
    finally:
        console.disconnect()
