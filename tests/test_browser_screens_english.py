"""The display screens in English (issue 23): stage, speaker, MC, programme, clock and
prompter opened with ?lang=en while an item runs say their words in English, and no
Vietnamese interface word is left. The agenda here is the bundled one written without
diacritics, so that any Vietnamese letter on a page is the interface's own."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser import HA_NOI, wait_for_revision
from tests.conftest import BUNDLED_AGENDA, LiveServer, start_server, stop_server
from tests.test_browser_console_language import unaccented

pytestmark = pytest.mark.browser

ENGLISH_AGENDA = Path(__file__).resolve().parent.parent / "docs" / "agenda-english-example.json"
#: The example's opening, where the MC introduces the delegates.
OPENING = "tuyen-bo-ly-do"

VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.I
)


@pytest.fixture
def ascii_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server on the bundled agenda with ASCII texts, each item its own kind label
    (the default labels are the agenda's words, translated there)."""
    agenda = unaccented(json.loads(BUNDLED_AGENDA.read_text("utf-8")))
    for item in agenda["items"]:
        item["kind_label"] = f"Part {item['id'][:12]}"
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps(agenda), "utf-8")
    server = start_server(tmp_path / "data", tmp_path / "server.log", agenda=path)
    yield server
    stop_server(server)


#: The words a page shows: its visible text, its labels and tooltips, and the words its
#: style sheets add (::before, ::after) to what shows.
SHOWN_WORDS = """() => {
  const shown = [...document.body.querySelectorAll('*')].filter((node) => node.checkVisibility());
  return [
    document.body.innerText,
    ...shown.flatMap((node) => [node.getAttribute('aria-label'), node.getAttribute('title')]),
    ...shown.flatMap((node) => ['::before', '::after']
      .map((part) => getComputedStyle(node, part).content)),
  ].filter(Boolean).join('\\n');
}"""

#: Each page, the size it is read at, and a word it must say in English.
PAGES = {
    "stage": ("/stage?lang=en", (1920, 1080), "#stage-timer", None),
    "speaker": ("/speaker?lang=en", (1280, 720), "#speaker-timer", "Next"),
    "mc": ("/mc?lang=en&token=", (1024, 768), "#mc-timer-status", "Running"),
    "programme": ("/programme?lang=en", (390, 844), "#programme-now-title", "minutes"),
    "clock": ("/clock?lang=en", (1920, 1080), "#clock-light", "ON AIR"),
    "prompter": ("/prompter?lang=en&token=", (1920, 1080), "#prompter-now-title", None),
}


def mc_token(server: LiveServer) -> str:
    return server.mc_url.split("token=")[1]


def vietnamese_left(page: Page) -> list[str]:
    return [line for line in page.evaluate(SHOWN_WORDS).splitlines() if VIETNAMESE.search(line)]


@pytest.mark.parametrize("name", list(PAGES))
def test_a_screen_in_english_while_an_item_runs(ascii_server, open_page, name):
    path, size, selector, word = PAGES[name]
    ascii_server.command("goto", item_id=HA_NOI)
    ascii_server.command("start")
    url = ascii_server.url + path + (mc_token(ascii_server) if path.endswith("=") else "")
    page = open_page(url, size=size)
    wait_for_revision(page, 2)
    expect(page.locator(selector)).not_to_be_empty()
    if word:
        expect(page.locator("body")).to_contain_text(word)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert vietnamese_left(page) == []


def test_the_english_words_the_screens_build(ascii_server, open_page):
    """The words drawn from the clock (the opening, a fixed start, the other day), the
    connection mark and the timer's state, in English."""
    page = open_page(f"{ascii_server.url}/speaker?lang=en", size=(1280, 720))
    said = page.evaluate("""async () => {
      const preshow = await import('/static/js/preshow.js');
      const fixed = await import('/static/js/fixed-start.js');
      const live = await import('/static/js/live.js');
      const labels = await import('/static/js/labels.js');
      const clock = () => '10:00';
      return [
        preshow.openingText(754_000, 0),
        preshow.openingText(0, 130_000),
        preshow.otherDayText(
          {event: {date: '2023-07-28', timezone: 'UTC'}}, Date.UTC(2026, 10, 29)),
        fixed.fixedStartText(754_000, 0, clock),
        fixed.fixedStartText(0, 1_000, clock),
        live.lostConnectionText(),
        labels.timerStatusLabel({timer: {status: 'paused'}}),
        labels.timerStatusLabel(null),
      ];
    }""")
    assert said == [
        "Opening in 12:34",
        "Opening overdue by 02:10",
        "Programme for 28 July 2023 — today is 29 November 2026",
        "at 10:00 — in 12:34",
        "at 10:00 — due now",
        "Connection lost",
        "Paused",  # the clock's state, where the console's button says "Pause"
        "Banner",
    ]


def test_a_vietnamese_screen_keeps_its_words(ascii_server, open_page):
    """Vietnamese stays the default: the same MC tablet without ?lang speaks Vietnamese."""
    ascii_server.command("goto", item_id=HA_NOI)
    ascii_server.command("start")
    page = open_page(ascii_server.mc_url, size=(1024, 768))
    wait_for_revision(page, 2)
    expect(page.locator("#mc-timer-status")).to_have_text("Đang chạy")
    expect(page.locator("#mc-now-label")).to_have_text("Đang diễn ra")


@pytest.fixture
def english_example_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server on the agenda that gives English beside its Vietnamese texts."""
    server = start_server(tmp_path / "data", tmp_path / "server.log", agenda=ENGLISH_AGENDA)
    yield server
    stop_server(server)


def test_the_mc_tablet_introduces_the_delegates_in_its_language(english_example_server, open_page):
    """At the opening the MC reads the delegates' introduction: in English on an English
    tablet (the agenda's translations of the delegates), in Vietnamese by default."""
    server = english_example_server
    server.command("goto", item_id=OPENING)
    english = open_page(f"{server.url}/mc?lang=en&token={mc_token(server)}", size=(1024, 768))
    vietnamese = open_page(server.mc_url, size=(768, 1024))
    for page in (english, vietnamese):
        wait_for_revision(page, 1)
        expect(page.locator("#mc-delegates")).to_be_visible()
    leads = english.locator("#mc-delegates-list .mc-intro-lead")
    expect(leads.first).to_have_text(
        "On behalf of the Central Government, we are honoured to introduce:"
    )
    expect(english.locator("#mc-delegates-list li").first).to_have_text(
        re.compile(r"^Comrade Đỗ Văn Chiến, Secretary of the Party Central Committee, ")
    )
    expect(vietnamese.locator("#mc-delegates-list .mc-intro-lead").first).to_have_text(
        "Về phía Trung ương, xin trân trọng giới thiệu:"
    )
    expect(vietnamese.locator("#mc-delegates-list li").first).to_have_text(
        re.compile(r"^Đồng chí Đỗ Văn Chiến, Bí thư Trung ương Đảng, ")
    )


def test_the_studio_clock_is_named_apart_from_the_consoles_timer(ascii_server, open_page):
    """The clock page's title and the console's "Đồng hồ" are two messages in English;
    the debug corner (?debug) speaks the page's language too."""
    english = open_page(f"{ascii_server.url}/clock?lang=en&debug", size=(1920, 1080))
    vietnamese = open_page(f"{ascii_server.url}/clock?debug", size=(1920, 1080))
    expect(english).to_have_title(re.compile(r"^Studio clock · "))
    expect(vietnamese).to_have_title(re.compile(r"^Đồng hồ · "))
    expect(english.locator(".debug-corner")).to_have_text(
        re.compile(r"^offset -?\d+ ms · rtt \d+ ms$")
    )
    expect(vietnamese.locator(".debug-corner")).to_have_text(
        re.compile(r"^lệch giờ -?\d+ ms · khứ hồi \d+ ms$")
    )
