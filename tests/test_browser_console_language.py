"""The technician's console in English beside Vietnamese (issue 23): every word of the
console and its login page in the language of the link or of the console's switch,
remembered per browser, and the requests it makes asking for answers in it."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import press
from tests.conftest import BUNDLED_AGENDA, CONTROL_KEY, LiveServer, start_server, stop_server
from tests.test_browser_layout import outside

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-console")
CONSOLE_SIZES = [(1366, 768), (1280, 720)]

#: The letters Vietnamese has and English has not.
VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

#: Every text of the page a technician reads or hears: the visible text (and choice of
#: each list), and the
#: tooltips, placeholders and labels of every element (dialogs included), except the
#: language switch (each language is listed in its own name) and the preset messages
#: (the agenda's, as written: docs/agenda-format.md).
INTERFACE_WORDS = """(letters) => {
  const vietnamese = new RegExp(`[${letters}]`, 'i');
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent.closest('script, #lang-switch, #presets')) continue;
    if (!parent.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
    if (vietnamese.test(node.textContent)) found.push(node.textContent.trim());
  }
  for (const select of document.body.querySelectorAll('select:not(#lang-switch)')) {
    const shown = select.selectedOptions[0]?.text || '';
    if (select.checkVisibility() && vietnamese.test(shown)) found.push(`<select>: ${shown}`);
  }
  for (const element of document.body.querySelectorAll('[title], [placeholder], [aria-label]')) {
    if (element.closest('#lang-switch, #presets')) continue;
    for (const name of ['title', 'placeholder', 'aria-label']) {
      const value = element.getAttribute(name);
      if (value && vietnamese.test(value)) found.push(`${name}: ${value}`);
    }
  }
  if (vietnamese.test(document.title)) found.push(`<title>: ${document.title}`);
  return found;
}"""


def unaccented(value):
    """The agenda's texts without Vietnamese letters, so that any left on an English
    page is the interface's own ("Đỗ Văn Chiến" → "Do Van Chien")."""
    if isinstance(value, str):
        text = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
        return "".join(char for char in text if not unicodedata.combining(char))
    if isinstance(value, list):
        return [unaccented(entry) for entry in value]
    if isinstance(value, dict):
        return {key: unaccented(entry) for key, entry in value.items()}
    return value


@pytest.fixture
def plain_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The bundled programme, its texts written without diacritics."""
    agenda = tmp_path / "agenda.json"
    agenda.write_text(
        json.dumps(unaccented(json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8")))),
        encoding="utf-8",
    )
    server = start_server(tmp_path / "data", tmp_path / "server.log", agenda=agenda)
    yield server
    stop_server(server)


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def assert_english(page: Page) -> None:
    words = page.evaluate(INTERFACE_WORDS, VIETNAMESE)
    assert words == [], "\n".join(words)


@pytest.mark.parametrize("size", CONSOLE_SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_console_in_english_from_its_login_to_a_command(plain_server, open_page, size):
    server = plain_server
    page = open_page(f"{server.url}/control?lang=en", size=size)
    asked = []  # the Accept-Language of every request the console's scripts make to /api
    page.on(
        "request",
        lambda request: (
            "/api/" in request.url and asked.append(request.headers.get("accept-language"))
        ),
    )
    # Sent to log in, in English, and back to the console in English.
    expect(page.locator("h1.login-title")).to_have_text("Control console login")
    shoot(page, f"login-en-{size[0]}x{size[1]}")
    assert_english(page)
    page.fill("#login-key", CONTROL_KEY)
    page.click("#login-submit")
    page.wait_for_url(f"{server.url}/control?lang=en")
    page.wait_for_selector("body[data-connected='true']")
    expect(page.locator("#connection-status")).to_have_text("Connected")
    expect(page.locator("#btn-toggle")).to_have_text("Start")

    press(page, "#btn-start")
    expect(page.locator("#btn-toggle")).to_have_text("Pause")
    expect(page.locator("#btn-start")).to_have_text("Start")
    expect(page.locator("#btn-pause")).to_have_text("Pause")
    expect(page.locator("#lang-switch")).to_have_value("en")
    page.click("#btn-send-message")  # nothing typed: refused here, in English
    expect(page.locator("#refusal")).to_have_text("Type the message first.")
    page.wait_for_timeout(300)  # the frame after the update
    shoot(page, f"console-en-{size[0]}x{size[1]}")
    assert_english(page)
    assert outside(page, ".ct-head", "#lang-switch", "#more-menu > summary", "#btn-people") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= size[0]

    page.click("#more-menu > summary")
    page.click("#mc-link > summary")
    page.click("#screens-menu > summary")
    shoot(page, f"console-en-{size[0]}x{size[1]}-menus")
    assert_english(page)
    page.click("#btn-people")
    expect(page.locator("#people-dialog")).to_be_visible()
    shoot(page, f"console-en-{size[0]}x{size[1]}-delegates")
    assert_english(page)
    page.click("#people-close")
    page.click("tr[data-item-id] button[data-edit='edit']")
    expect(page.locator("#edit-dialog")).to_be_visible()
    shoot(page, f"console-en-{size[0]}x{size[1]}-edit")
    assert_english(page)
    assert asked and set(asked) == {"en"}, asked


def test_the_switch_changes_the_language_and_the_browser_keeps_it(plain_server, open_page):
    server = plain_server
    page = open_page(f"{server.url}/control", size=(1366, 768))
    page.fill("#login-key", CONTROL_KEY)
    page.click("#login-submit")
    page.wait_for_url(f"{server.url}/control")
    page.wait_for_selector("body[data-connected='true']")
    switch = page.locator("#lang-switch")
    expect(switch).to_have_value("vi")
    expect(switch.locator("option")).to_have_text(["Tiếng Việt", "English"])
    expect(page.locator("#btn-toggle")).to_have_text("Bắt đầu")

    switch.select_option("en")
    page.wait_for_url(f"{server.url}/control?lang=en")
    page.wait_for_selector("body[data-connected='true']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#btn-toggle")).to_have_text("Start")

    page.goto(f"{server.url}/control")  # a reload without ?lang: still English
    page.wait_for_url(f"{server.url}/control?lang=en")
    page.wait_for_selector("body[data-connected='true']")
    expect(page.locator("#lang-switch")).to_have_value("en")
    expect(page.locator("#btn-toggle")).to_have_text("Start")
    assert_english(page)

    page.locator("#lang-switch").select_option("vi")
    page.wait_for_url(f"{server.url}/control?lang=vi")
    page.wait_for_selector("body[data-connected='true']")
    expect(page.locator("#btn-toggle")).to_have_text("Bắt đầu")
    page.goto(f"{server.url}/control")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("#lang-switch")).to_have_value("vi")
