"""Every page in English, and an English stage beside a Vietnamese console (issue 23's
"done when").

The shows run a programme written in plain English (tests/data/english-agenda.json, its
preset messages too), so any Vietnamese letter an English page shows is the interface's own
word: the test opens every page with ``?lang=en``, takes it through the moments of a show
(before it starts, an item on with a message, overtime and paused, the banner over an item,
a count-up item under blackout, the end) and lists every text with a Vietnamese letter,
with its page and moment, before it fails. CI reads the pages at three of the six moments
(the commands of all six are sent); `scripts/test --all` reads them at every one.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser import jump_to, login, press, wait_for_revision
from tests.conftest import CONTROL_KEY, LiveServer, start_server, stop_server

pytestmark = pytest.mark.browser

ENGLISH_AGENDA = Path(__file__).parent / "data" / "english-agenda.json"
ROOMS = ("hall-a", "room-b")
VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE
)
#: The moments the pages are read at in CI's quick run (every moment with --all).
QUICK_MOMENTS = ("before the show", "overtime, paused", "a count-up item, blackout")
READ_EVERY_MOMENT = os.environ.get("RUNSHOW_TEST_ALL") == "1"
#: What the technician types: plain English, like the programme.
MESSAGE = "Please wrap up in two minutes"
#: The keynote's 20 minutes, counting down.
COUNTING = re.compile(r"^(20:00|19:\d\d)$")

#: Every text a reader meets on the page: the text shown (closed <details> opened first),
#: each element's title, placeholder, aria-label and alt (shown or not: they are
#: read out or hovered), and the window's title. [where, text] pairs. A part marked as
#: written in another language (the language switch's "Tiếng Việt") is not the page's.
PAGE_TEXTS = """() => {
  for (const details of document.querySelectorAll('details')) details.open = true;
  const page = document.documentElement.lang;
  const ours = (element) => element.closest('[lang]').lang === page;
  const found = [['title', document.title]];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.data.trim();
    const holder = node.parentElement;
    if (!text || !holder || holder.closest('script, style, template') || !ours(holder)) continue;
    const box = holder.closest('select') || holder;  // an <option> is shown by its <select>
    if (box.checkVisibility({ visibilityProperty: true })) found.push(['text', text]);
  }
  const labelled = '[title], [placeholder], [aria-label], [alt]';
  for (const element of [...document.querySelectorAll(labelled)].filter(ours)) {
    for (const name of ['title', 'placeholder', 'aria-label', 'alt']) {
      const value = element.getAttribute(name);
      if (value && value.trim()) found.push([name, value.trim()]);
    }
  }
  return found;
}"""

#: Two animation frames: whatever the last state changed is drawn.
PAINTED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


@dataclass
class Screen:
    """A page under test: `live` pages follow the show, the others are loaded again;
    the producer's overview follows its `tile` room."""

    name: str
    page: Page
    live: bool = True
    tile: str | None = None

    def settle(self, revision: int) -> None:
        if self.tile:
            self.page.wait_for_function(
                """([room, revision]) => {
                  const tile = document.querySelector(`.ov-tile[data-room="${room}"]`);
                  return tile && Number(tile.dataset.revision) >= revision;
                }""",
                arg=[self.tile, revision],
            )
        elif self.live:
            wait_for_revision(self.page, revision)
        else:
            self.page.reload()
        self.page.evaluate(PAINTED)


def english(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "lang=en"


@dataclass
class Leaks:
    """Every Vietnamese text seen: (page, where on it) → text → the moments it was seen."""

    found: dict[tuple[str, str], dict[str, list[str]]] = field(default_factory=dict)
    read_at: dict[str, list[str]] = field(default_factory=dict)  # page → its moments

    def add(self, page: str, where: str, text: str, moment: str) -> None:
        seen = self.found.setdefault((page, where), {}).setdefault(text, [])
        if moment not in seen:
            seen.append(moment)

    def read(self, screens: list[Screen], moment: str) -> None:
        for screen in screens:
            self.read_at.setdefault(screen.name, []).append(moment)
            for where, text in screen.page.evaluate(PAGE_TEXTS):
                if VIETNAMESE.search(text):
                    shown = text if len(text) <= 160 else text[:157] + "..."
                    self.add(screen.name, where, shown, moment)

    def report(self) -> str:
        lines = []
        for (page, where), texts in sorted(self.found.items()):
            lines.append(f"{page} ({where}):")
            every = set(self.read_at.get(page, ()))
            for text, moments in texts.items():
                when = "always" if every <= set(moments) else "; ".join(moments)
                lines.append(f"    {text!r}  [{when}]")
        count = sum(len(texts) for texts in self.found.values())
        return f"{count} texts on {len(self.found)} pages:\n" + "\n".join(lines)


@contextlib.contextmanager
def rehearsing(folder: Path) -> Iterator[LiveServer]:
    """A dress rehearsal (every page marks it) of the English programme, from now."""
    server = start_server(
        folder / "data", folder / "server.log", agenda=ENGLISH_AGENDA, extra_args=("--rehearsal",)
    )
    yield server
    stop_server(server)
    assert "Traceback" not in server.log()


@pytest.fixture(scope="module")
def english_show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with rehearsing(tmp_path_factory.mktemp("english-show")) as server:
        yield server


@pytest.fixture(scope="module")
def english_rooms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Two rooms of the English programme."""
    folder = tmp_path_factory.mktemp("english-rooms")
    (folder / "rooms").mkdir()
    for room in ROOMS:
        shutil.copy(ENGLISH_AGENDA, folder / "rooms" / f"{room}.json")
    server = start_server(
        folder / "data",
        folder / "server.log",
        agenda=None,
        extra_args=("--rooms", str(folder / "rooms"), "--rehearsal"),
        ready_path="/api/rooms",
    )
    yield server
    stop_server(server)
    assert "Traceback" not in server.log()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[Callable]:
    """New browser contexts (each its own cookies and storage), all closed at the end;
    a page error fails the test."""
    errors: list[str] = []
    yield lambda: watched(browser.new_context(), errors)
    for context in browser.contexts:
        context.close()
    assert errors == []


def watched(context: BrowserContext, errors: list[str]) -> BrowserContext:
    context.on("weberror", lambda error: errors.append(f"{error.page.url}: {error.error}"))
    return context


def open_screen(context, name: str, url: str, size: tuple[int, int], live: bool = True) -> Screen:
    page = context.new_page()
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(english(url))
    if live:
        expect(page.locator("body")).to_have_attribute("data-connected", "true")
    return Screen(name, page, live)


def log_in_english(context, url: str, next_path: str) -> Page:
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(english(f"{url}/login?next={next_path}"))
    page.fill("#login-key", CONTROL_KEY)
    page.click("#login-submit")
    page.wait_for_url(re.compile(re.escape(url + next_path)))
    page.goto(english(url + next_path))  # where the login leads, in English
    return page


def test_every_page_in_english_shows_no_vietnamese_word(english_show, english_rooms, contexts):
    leaks = Leaks()
    show, rooms = english_show, english_rooms
    token = show.mc_url.split("token=", 1)[1]

    # The show of one room: the public screens, then the technician's pages.
    public = contexts()
    screens = [
        open_screen(public, "home", f"{show.url}/", (1366, 768), live=False),
        open_screen(public, "stage", f"{show.url}/stage", (1920, 1080)),
        open_screen(public, "speaker", f"{show.url}/speaker", (1280, 720)),
        open_screen(public, "mc", show.mc_url, (1024, 768)),
        open_screen(public, "mc (public)", f"{show.url}/mc", (768, 1024)),
        open_screen(public, "programme", f"{show.url}/programme", (390, 844)),
        open_screen(public, "clock", f"{show.url}/clock", (1920, 1080)),
        open_screen(public, "prompter", f"{show.url}/prompter?token={token}", (1920, 1080)),
    ]
    wrong_key = public.new_page()
    wrong_key.goto(english(f"{show.url}/login"))
    wrong_key.fill("#login-key", "not-the-key")
    wrong_key.click("#login-submit")
    try:
        expect(wrong_key.locator("#login-error")).to_be_visible()
    except AssertionError:
        leaks.add("login (wrong key)", "text", "(no refusal shown: it lost ?lang=en)", "refused")
    leaks.read([Screen("login (wrong key)", wrong_key, live=False)], "refused")
    login_page = open_screen(public, "login", f"{show.url}/login", (1366, 768), live=False)
    leaks.read([login_page], "before")

    technician = contexts()
    console = log_in_english(technician, show.url, "/control")
    expect(console.locator("body")).to_have_attribute("data-connected", "true")
    screens += [
        Screen("control", console),
        open_screen(technician, "report", f"{show.url}/report", (1366, 768), live=False),
        open_screen(technician, "print", f"{show.url}/print", (1366, 768), live=False),
    ]

    # Two rooms: the chooser, the rooms' programme, the producer's overview, a room's pages.
    room = f"{rooms.url}/r/{ROOMS[0]}"
    producer = contexts()
    overview_page = log_in_english(producer, rooms.url, "/overview")
    expect(overview_page.locator(".ov-tile")).to_have_count(len(ROOMS))
    room_screens = [
        Screen("overview", overview_page, tile=ROOMS[0]),
        open_screen(producer, "room control", f"{room}/control", (1366, 768)),
        open_screen(public, "rooms", f"{rooms.url}/", (1366, 768), live=False),
        open_screen(public, "rooms programme", f"{rooms.url}/programme", (390, 844), live=False),
        open_screen(public, "room needed", f"{rooms.url}/stage", (1366, 768), live=False),
        open_screen(public, "unknown room", f"{rooms.url}/r/nowhere/stage", (1366, 768), False),
        open_screen(public, "room stage", f"{room}/stage", (1920, 1080)),
        open_screen(public, "room speaker", f"{room}/speaker", (1280, 720)),
        open_screen(public, "room mc", f"{room}/mc", (1024, 768)),
        open_screen(public, "room programme", f"{room}/programme", (390, 844)),
        open_screen(public, "room clock", f"{room}/clock", (1920, 1080)),
    ]

    def moment(name: str, *commands: dict) -> None:
        for command in commands:
            show.command(**command)
            room_command(rooms.url, ROOMS[0], command)
        if not READ_EVERY_MOMENT and name not in QUICK_MOMENTS:
            return
        for screen in screens:
            screen.settle(show.state()["revision"])
        for screen in room_screens:
            screen.settle(room_revision(rooms.url, ROOMS[0]))
        leaks.read(screens + room_screens, name)

    moment("before the show")
    moment(
        "an item on, a message",
        {"command": "goto", "item_id": "opening"},
        {"command": "start"},
        {"command": "message", "text": MESSAGE, "target": "all"},
    )
    moment(
        "overtime, paused",
        {"command": "goto", "item_id": "keynote"},
        {"command": "start"},
        {"command": "adjust", "seconds": -1205},
        {"command": "pause"},
    )
    moment("the banner over an item", {"command": "resume"}, {"command": "banner", "on": True})
    moment(
        "a count-up item, blackout",
        {"command": "banner", "on": False},
        {"command": "goto", "item_id": "panel"},
        {"command": "start"},
        {"command": "blackout", "on": True},
    )
    moment(
        "the end",
        {"command": "blackout", "on": False},
        {"command": "goto", "item_id": "closing"},
        {"command": "start"},
        {"command": "next"},
    )

    if leaks.found:
        pytest.fail("Vietnamese on the English pages: " + leaks.report(), pytrace=False)


def room_command(url: str, room: str, command: dict) -> None:
    response = requests.post(
        f"{url}/api/rooms/{room}/command",
        json=command,
        headers={"Authorization": f"Bearer {CONTROL_KEY}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text


def room_revision(url: str, room: str) -> int:
    return requests.get(f"{url}/api/rooms/{room}/state", timeout=10).json()["revision"]


@pytest.fixture
def fresh_show(tmp_path: Path) -> Iterator[LiveServer]:
    with rehearsing(tmp_path) as server:
        yield server


def test_an_english_stage_beside_a_vietnamese_console(fresh_show, contexts):
    """One browser, two pages: the technician's console in Vietnamese (the server's
    language) and the stage in English; a command from the console reaches both, each
    in its own language."""
    browser = contexts()
    console = browser.new_page()
    console.set_viewport_size({"width": 1366, "height": 768})
    login(console, fresh_show.url)
    stage = open_screen(browser, "stage", f"{fresh_show.url}/stage", (1920, 1080)).page
    wait_for_revision(stage, int(console.evaluate("document.body.dataset.revision")))

    jump_to(console, "keynote")
    press(console, "#btn-toggle")  # Bắt đầu: the keynote starts
    revision = int(console.evaluate("document.body.dataset.revision"))
    wait_for_revision(stage, revision)

    # Both show the new item and its running clock.
    expect(stage.locator("#stage-title")).to_have_text("Keynote: data for smarter river cities")
    expect(console.locator("#now-title")).to_have_text("Keynote: data for smarter river cities")
    expect(stage.locator("#stage-timer")).to_have_text(COUNTING)
    expect(console.locator("#control-timer")).to_have_text(COUNTING)
    # The console speaks Vietnamese, the stage English.
    expect(console.locator("html")).to_have_attribute("lang", "vi")
    expect(console.locator("#btn-toggle")).to_have_text("Tạm dừng")
    expect(stage.locator("html")).to_have_attribute("lang", "en")
    leaks = {"an item on": vietnamese_texts(stage)}

    press(console, "#btn-toggle")  # Tạm dừng
    wait_for_revision(stage, revision + 1)
    expect(console.locator("#btn-toggle")).to_have_text("Tiếp tục")
    expect(console.locator("#timer-status")).to_have_text("Tạm dừng")
    paused = stage.locator("#stage-paused")
    expect(paused).to_be_visible()
    expect(paused).not_to_have_text("")
    expect(stage.locator("#stage-timer")).to_have_text(COUNTING)
    leaks["paused"] = vietnamese_texts(stage)
    assert VIETNAMESE.search(console.locator("body").inner_text())
    if any(leaks.values()):
        pytest.fail(f"Vietnamese on the English stage: {leaks}", pytrace=False)


def vietnamese_texts(page: Page) -> list[str]:
    """The texts of `page` with a Vietnamese letter."""
    return [text for _where, text in page.evaluate(PAGE_TEXTS) if VIETNAMESE.search(text)]
