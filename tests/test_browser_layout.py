"""What the dress rehearsal found on the screens' layout: every screen at its real size
shows what it must, whole, and nothing covers anything (issue 20)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import HA_NOI, LONGEST_MESSAGE, MESSAGE_FIT, login, wait_for_revision
from tests.conftest import LiveServer, start_server, stop_server

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-screens/tests")


@pytest.fixture
def rehearsal(tmp_path: Path) -> Iterator[LiveServer]:
    """`runshow serve --rehearsal`: the programme from now, every screen marked."""
    server = start_server(tmp_path / "data", tmp_path / "server.log", extra_args=("--rehearsal",))
    yield server
    stop_server(server)


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


#: The text of the page (each line box of each visible text node) that a box overlaps.
TEXT_UNDER = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const hits = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || parent.closest(selector + ', script')) continue;
    if (!parent.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width && r.height && r.left < box.right && r.right > box.left
          && r.top < box.bottom && r.bottom > box.top) {
        hits.push(node.textContent.trim().slice(0, 50));
      }
    }
  }
  return hits;
}"""


def test_the_rehearsal_mark_covers_nothing_on_any_screen(rehearsal, open_page):
    rehearsal.command("goto", item_id=HA_NOI)
    rehearsal.command("start")
    rehearsal.command("message", text="Còn 2 phút", target="speaker")
    screens = {
        "speaker": (f"{rehearsal.url}/speaker", (1280, 720)),
        "stage": (f"{rehearsal.url}/stage", (1920, 1080)),
        "mc-landscape": (rehearsal.mc_url, (1024, 768)),
        "mc-portrait": (rehearsal.mc_url, (768, 1024)),
        "programme": (f"{rehearsal.url}/programme", (390, 844)),
        "report": (f"{rehearsal.url}/report", (1366, 768)),
    }
    covered = {}
    for name, (url, size) in screens.items():
        page = open_page(url, size=size)
        if name == "report":  # the technician's page
            login(page, rehearsal.url)
            page.goto(url)
        else:
            wait_for_revision(page, 3)
        page.wait_for_timeout(300)  # the frame after the update
        shoot(page, f"mark-{name}")
        if name == "report":  # the report says it in its head, on paper too
            expect(page.locator("#report-rehearsal")).to_be_visible()
            mark = page.locator("#report-rehearsal")
            colours = mark.evaluate(
                "n => [getComputedStyle(n).color, getComputedStyle(n).backgroundColor]"
            )
            assert colours[0] != colours[1], colours  # not red on red
            continue
        expect(page.locator("#rehearsal-mark")).to_be_visible()
        covered[name] = page.evaluate(TEXT_UNDER, "#rehearsal-mark")
    assert covered == {name: [] for name in covered}


CONSOLE_SIZES = [(1280, 720), (1366, 768)]

#: Boxes of what must be on screen: [selector, left, top, right, bottom] (each match).
BOXES = """(selectors) => selectors.flatMap((selector) =>
  [...document.querySelectorAll(selector)].map((node) => {
    const r = node.getBoundingClientRect();
    return [selector, r.left, r.top, r.right, r.bottom];
  }))"""


def outside(page: Page, *selectors: str) -> list:
    """The boxes of `selectors` not wholly inside the window (nor in view in the column
    that scrolls them)."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    boxes = page.evaluate(BOXES, list(selectors))
    assert boxes, selectors
    return [box for box in boxes if box[1] < 0 or box[2] < 0 or box[3] > width or box[4] > height]


def open_console(open_page, server: LiveServer, size) -> Page:
    page = open_page(f"{server.url}/login", size=size)
    login(page, server.url)
    return page


@pytest.mark.parametrize("size", CONSOLE_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("mode", ["rehearsal", "show"])
def test_the_console_fits_the_laptops_screen(rehearsal, live_server, open_page, size, mode):
    server = rehearsal if mode == "rehearsal" else live_server
    console = open_console(open_page, server, size)
    server.command("goto", item_id=HA_NOI)
    server.command("start")
    wait_for_revision(console, 2)
    console.wait_for_timeout(300)
    shoot(console, f"console-{mode}-{size[0]}x{size[1]}")
    assert console.evaluate("document.documentElement.scrollWidth") <= size[0]
    assert outside(console, ".ct-head", "#more-menu > summary", "#btn-people") == []
    console.click("#more-menu > summary")
    shoot(console, f"console-{mode}-{size[0]}x{size[1]}-menu")
    menu = ("#link-print", "#link-report", "#mc-link > summary", "#btn-logout")
    assert outside(console, *menu) == []
    console.click("#more-menu > summary")
    # Everything of the live column without scrolling it: the presets, the shortcuts.
    assert outside(console, ".btn-preset", ".ct-keys", "#btn-send-message", "#btn-next") == []
    column = console.evaluate(
        "(n => [n.scrollHeight, n.clientHeight])(document.querySelector('.ct-live'))"
    )
    assert column[0] <= column[1], column


def test_the_console_shows_the_time_to_the_opening_and_the_rehearsal_badge_whole(
    rehearsal, open_page
):
    for size in CONSOLE_SIZES:
        console = open_console(open_page, rehearsal, size)
        opening = console.locator("#ct-opening-in")
        expect(opening).to_contain_text("khai mạc")
        console.wait_for_timeout(300)
        shoot(console, f"console-preshow-{size[0]}x{size[1]}")
        card = console.locator(".ct-now").bounding_box()
        text = opening.bounding_box()
        assert text["x"] + text["width"] <= card["x"] + card["width"], (size, text, card)
        for selector in ("#ct-opening-in", ".ct-rehearsal"):
            assert console.evaluate(
                "s => (n => n.scrollWidth <= n.clientWidth)(document.querySelector(s))", selector
            ), (size, selector)
        brand = console.locator(".ct-brand").bounding_box()
        badge = console.locator(".ct-rehearsal").bounding_box()
        assert badge["x"] + badge["width"] <= brand["x"] + brand["width"] + 0.5, (size, badge)


def test_the_longest_message_is_whole_on_the_speaker_and_the_stage(live_server, open_page):
    assert len(LONGEST_MESSAGE) == 280
    live_server.command("goto", item_id=HA_NOI)
    live_server.command("start")
    live_server.command("message", text=LONGEST_MESSAGE, target="both")
    live_server.command("message", text=LONGEST_MESSAGE, target="speaker")
    fits = {}
    for screen, selector in (("speaker", "#speaker-message"), ("stage", "#stage-message")):
        for width, height in ((1280, 720), (1920, 1080)):
            page = open_page(f"{live_server.url}/{screen}", size=(width, height))
            wait_for_revision(page, 4)
            expect(page.locator(selector)).to_have_text(LONGEST_MESSAGE)
            page.evaluate("document.fonts.ready")
            page.wait_for_timeout(300)  # the frame after the fit
            shoot(page, f"message-{screen}-{width}x{height}")
            scroll, client, font_px, cut = page.evaluate(MESSAGE_FIT, selector)
            # Whole, and still readable: at least 3% of the screen's height.
            fits[f"{screen} {width}x{height}"] = (scroll <= client, cut, font_px >= 0.03 * height)
    assert fits == {name: (True, 0, True) for name in fits}, fits


#: The weights the page's own style sheets ask for, and those of its faces not loaded.
FONTS = """() => {
  const weights = new Set(['400']);
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      const weight = rule.style?.fontWeight;
      if (weight && !(rule instanceof CSSFontFaceRule)) {
        weights.add({ normal: '400', bold: '700' }[weight] || weight);
      }
    }
  }
  const missing = [...document.fonts]
    .filter((face) => face.family.includes('Be Vietnam Pro') && weights.has(face.weight)
      && face.status !== 'loaded')
    .map((face) => face.weight);
  return [[...weights].sort(), missing];
}"""


def test_every_font_weight_is_in_before_the_connection_drops(live_server, open_page, browser):
    """The «Mất kết nối» mark (weight 500) is first drawn while the server is down: the
    page has every weight it can show from the start, never a fallback font."""
    pages = {
        "stage": open_page(f"{live_server.url}/stage"),
        "speaker": open_page(f"{live_server.url}/speaker", size=(1280, 720)),
        "mc": open_page(live_server.mc_url, size=(1024, 768)),
        "programme": open_page(f"{live_server.url}/programme", size=(390, 844)),
        "control": open_console(open_page, live_server, (1366, 768)),
    }
    for page in pages.values():
        page.wait_for_selector("body[data-connected='true']")
        page.wait_for_load_state("networkidle")
    seen = {name: page.evaluate(FONTS) for name, page in pages.items()}
    assert {name: missing for name, (_, missing) in seen.items()} == {name: [] for name in pages}
    assert all({"500", "800"} <= set(weights) for weights, _ in seen.values()), seen

    stop_server(live_server)  # the server is gone: nothing more can be fetched
    for page in pages.values():
        expect(page.locator("#conn-mark")).to_be_visible(timeout=10_000)
        assert page.evaluate("document.fonts.check('500 14px \"Be Vietnam Pro\"', 'Mất kết nối')")


#: The same laptops with the browser in a window: its tabs, address bar and the task bar
#: take some 110 px off the screen's height; and a window made very short.
WINDOWED_CONSOLE_SIZES = [(1366, 657), (1280, 610), (1366, 500)]

#: [top of the shortcuts line, bottom of the main area, its content's height, its height]
KEYS_AND_MAIN = """() => {
  const keys = document.querySelector('.ct-keys').getBoundingClientRect();
  const main = document.querySelector('.ct-main');
  return [keys.top, main.getBoundingClientRect().bottom, main.scrollHeight, main.clientHeight];
}"""


@pytest.mark.parametrize("size", WINDOWED_CONSOLE_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_shortcuts_cover_nothing_in_a_browser_window(live_server, open_page, size):
    """In a browser window the shortcuts line comes after the programme and the live
    column, never drawn over them; down to 560 px high the page does not scroll as a
    whole (the two columns scroll, the header and the live buttons stay in view)."""
    console = open_console(open_page, live_server, size)
    live_server.command("goto", item_id=HA_NOI)
    wait_for_revision(console, 1)
    console.wait_for_timeout(300)
    shoot(console, f"console-window-{size[0]}x{size[1]}")
    keys_top, main_bottom, content, height = console.evaluate(KEYS_AND_MAIN)
    assert keys_top >= main_bottom - 0.5, (keys_top, main_bottom)
    assert content <= height, "the programme or the live column runs out of its area"
    if size[1] >= 560:
        assert console.evaluate("document.documentElement.scrollHeight") <= size[1]
        assert outside(console, ".ct-head", "#btn-next", ".ct-keys") == []
