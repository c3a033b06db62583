"""Every page in each language, at its real size, into docs/screenshots/<lang>/<page>.png
(issue 23), and docs/screenshots/README.md listing them.

Usage: .venv/bin/python scripts/language_screenshots.py [PAGE ...]   (needs /usr/bin/chromium)

One moment of a dress rehearsal of the bundled programme with its English translations
(docs/agenda-english-example.json: a contribution under way, a message to the speaker), and
of the two example rooms (docs/rooms-example/) for the producer's pages; each page opened
with ``?lang=<lang>`` in a browser of its own. With names (e.g. `stage overview`), only
those pages are taken again.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from runshow.i18n import languages  # noqa: E402
from tests.browser import launch_chromium, login, wait_for_revision  # noqa: E402
from tests.conftest import CONTROL_KEY, LiveServer, start_server, stop_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
ROOMS_EXAMPLE = ROOT / "docs" / "rooms-example"
#: The bundled programme, with English titles, roles, banner and MC script beside it.
BILINGUAL_AGENDA = ROOT / "docs" / "agenda-english-example.json"


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # "mc" is the MC's link with its token
    size: tuple[int, int]
    what: str
    rooms: bool = False  # on the server of the two example rooms
    login: bool = False
    live: bool = True
    full_page: bool = False


SHOTS = (
    Shot("home", "/", (1366, 768), "home page: every screen's address and QR code", live=False),
    Shot("login", "/login", (1366, 768), "the technician's login", live=False),
    Shot("control", "/control", (1366, 768), "control console", login=True),
    Shot("stage", "/stage", (1920, 1080), "stage (audience screen)"),
    Shot("speaker", "/speaker", (1280, 720), "speaker screen"),
    Shot("mc-landscape", "mc", (1024, 768), "MC tablet, landscape"),
    Shot("mc-portrait", "mc", (768, 1024), "MC tablet, portrait"),
    Shot("programme", "/programme", (390, 844), "delegates' programme on a phone"),
    Shot("clock", "/clock", (1920, 1080), "control room clock"),
    Shot("prompter", "prompter", (1920, 1080), "prompter"),
    Shot(
        "report",
        "/report",
        (1366, 768),
        "planned against actual",
        login=True,
        live=False,
        full_page=True,
    ),
    Shot(
        "print",
        "/print",
        (1366, 768),
        "MC script and run sheet (A4)",
        login=True,
        live=False,
        full_page=True,
    ),
    Shot("rooms", "/", (1366, 768), "several rooms: the room chooser", rooms=True, live=False),
    Shot(
        "overview",
        "/overview",
        (1366, 768),
        "several rooms: the producer's overview",
        rooms=True,
        login=True,
    ),
)


def address(server: LiveServer, shot: Shot, lang: str) -> str:
    if shot.path == "mc":
        url = server.mc_url
    elif shot.path == "prompter":
        url = server.mc_url.replace("/mc?", "/prompter?")
    else:
        url = server.url + shot.path
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def take(browser: Browser, server: LiveServer, shot: Shot, lang: str) -> Path:
    context = browser.new_context(viewport={"width": shot.size[0], "height": shot.size[1]})
    try:
        page = context.new_page()
        if shot.login and shot.rooms:
            log_in(page, server.url, shot.path)
        elif shot.login:
            login(page, server.url)
        page.goto(address(server, shot, lang))
        if shot.live:
            page.wait_for_selector("body[data-connected='true']")
            if not shot.rooms:
                wait_for_revision(page, server.state()["revision"])
        painted(page)
        target = OUT / lang / f"{shot.name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target), full_page=shot.full_page)
        return target
    finally:
        context.close()


def log_in(page: Page, url: str, next_path: str) -> None:
    page.goto(f"{url}/login?next={next_path}")
    page.fill("#login-key", CONTROL_KEY)
    page.click("#login-submit")
    page.wait_for_url(f"{url}{next_path}")


def painted(page: Page) -> None:
    """Fonts loaded, two frames drawn, and an overtime timer in the bright half of its flash."""
    page.evaluate("document.fonts.ready")
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    page.wait_for_function("!document.querySelector(\".timer[data-flash='dim']\")")


def readme(taken: dict[str, list[str]]) -> str:
    langs = list(taken)
    lines = [
        "# Screenshots: every page in each language",
        "",
        "Made by `scripts/language_screenshots.py`: a dress rehearsal of the bundled programme",
        "with its English translations (`docs/agenda-english-example.json`; a contribution under",
        "way, a message to the speaker), and the two example rooms of `docs/rooms-example/` (no",
        "translations) for the producer's pages; each page at its real size, opened with",
        "`?lang=<language>`. The programme's own texts (titles, names, the MC's script, the",
        "technician's message) are shown in the agenda's translation where it gives one, else as",
        "written.",
        "Run it again after changing a page: `.venv/bin/python scripts/language_screenshots.py`",
        "(or name the pages: `... stage overview`).",
        "",
        "| page | size | " + " | ".join(langs) + " |",
        "|---|---|" + "---|" * len(langs),
    ]
    for shot in SHOTS:
        cells = [
            f"[{lang}]({lang}/{shot.name}.png)" if shot.name in taken[lang] else "—"
            for lang in langs
        ]
        size = f"{shot.size[0]} wide" if shot.full_page else f"{shot.size[0]}x{shot.size[1]}"
        lines.append(f"| {shot.what} (`{shot.name}`) | {size} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def a_moment_of_the_show(server: LiveServer) -> None:
    """A contribution five minutes in, a message for its speaker."""
    server.command("goto", item_id="tham-luan-ha-noi")
    server.command("start")
    server.command("adjust", seconds=-300)
    server.command("message", text="Còn 5 phút", target="speaker")


def main(only: set[str]) -> None:
    wanted = [shot for shot in SHOTS if not only or shot.name in only]
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        show = start_server(
            folder / "show", folder / "show.log", BILINGUAL_AGENDA, extra_args=("--rehearsal",)
        )
        rooms = start_server(
            folder / "rooms",
            folder / "rooms.log",
            agenda=None,
            extra_args=("--rooms", str(ROOMS_EXAMPLE), "--rehearsal"),
            ready_path="/api/rooms",
        )
        browser = launch_chromium(playwright)
        try:
            a_moment_of_the_show(show)
            for lang in languages():
                for shot in wanted:
                    path = take(browser, rooms if shot.rooms else show, shot, lang)
                    print(path.relative_to(ROOT))
        finally:
            browser.close()
            stop_server(show)
            stop_server(rooms)
    taken = {
        lang: [shot.name for shot in SHOTS if (OUT / lang / f"{shot.name}.png").exists()]
        for lang in languages()
    }
    (OUT / "README.md").write_text(readme(taken), encoding="utf-8")
    print((OUT / "README.md").relative_to(ROOT))


if __name__ == "__main__":
    main(set(sys.argv[1:]))
