"""Screenshots of every screen at its real size, from a real server, into docs/screenshots/.

Usage: .venv/bin/python scripts/screenshots.py [NAME ...]   (needs /usr/bin/chromium)

With names (e.g. `control-undo report`), only those pictures are written: each
feature regenerates its own.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import launch_chromium, login, wait_for_revision  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = {
    "stage": (1920, 1080),
    "speaker": (1920, 1080),
    "speaker-laptop": (1280, 800),
    "mc-landscape": (1024, 768),
    "mc-portrait": (768, 1024),
    "control": (1366, 768),
    "programme": (390, 844),
}


def main(only: set[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)

    def wanted(picture: str) -> bool:
        return not only or picture in only

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        # A dress rehearsal from now: the schedule offset is meaningful on any day.
        server = start_server(
            Path(tmp) / "data", Path(tmp) / "server.log", extra_args=("--rehearsal",)
        )
        browser = launch_chromium(playwright)
        try:
            pages = {}
            for name, (width, height) in SIZES.items():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                path = "/" + name.split("-")[0]
                if name == "control":
                    login(page, server.url)
                elif path == "/mc":
                    page.goto(server.mc_url)  # the MC's link, with its token
                else:
                    page.goto(server.url + path)
                pages[name] = page

            def shoot(label: str, *names: str) -> None:
                revision = server.state()["revision"]
                for name in names:
                    if not wanted(f"{name}-{label}"):
                        continue
                    wait_for_revision(pages[name], revision)
                    pages[name].wait_for_timeout(400)  # let the frame after the update paint
                    # Overtime flashes: take the picture in the bright part of the second.
                    pages[name].wait_for_function(
                        "!document.querySelector(\".timer[data-flash='dim']\")"
                    )
                    pages[name].screenshot(path=str(OUT / f"{name}-{label}.png"))

            shoot("banner", "stage", "programme", "speaker")
            server.command("goto", item_id="tuyen-bo-ly-do")
            server.command("start")
            server.command("adjust", seconds=-200)
            server.command("message", text="Xin mời đồng chí MC chuẩn bị giới thiệu", target="mc")
            shoot("opening", "stage", "mc-landscape", "mc-portrait", "control", "programme")
            shoot("opening", "speaker", "speaker-laptop")
            # The banner over the speech: the console, the MC and the speaker keep the item
            # and its clock.
            server.command("banner")
            shoot("banner-over", "control", "mc-landscape", "speaker-laptop")
            server.command("banner", on=False)
            # The opening's clock is reset (the report then shows its two visits), then
            # a wrong jump: the console offers to undo it, by name.
            server.command("reset")
            server.command("adjust", seconds=-200)
            server.command("goto", item_id="tham-luan-ha-noi")
            shoot("undo", "control")
            server.command("undo")
            server.command("goto", item_id="tham-luan-da-nang")
            server.command("start")
            server.command("adjust", seconds=-510)
            shoot("warning", "stage")
            server.command("adjust", seconds=-120)  # taking time stops at 0 s left
            pages["stage"].wait_for_function(  # a few seconds into overtime
                "document.querySelector('#stage-timer').textContent >= '+00:03'"
            )
            server.command("message", text="Xin mời kết thúc phần trình bày", target="stage")
            shoot("overtime-message", "stage", "control", "mc-landscape", "speaker")
            # The central leader's speech: no countdown for the hall, the speaker has it.
            server.command("goto", item_id="phat-bieu-chi-dao")
            server.command("start")
            server.command("adjust", seconds=-1130)
            server.command("message", text="Còn 1 phút", target="speaker")
            shoot("directive", "stage", "speaker", "speaker-laptop")
            server.command("blackout", on=True)
            shoot("blackout", "stage")
            if wanted("report"):
                report = pages["control"]
                report.goto(server.url + "/report")
                report.screenshot(path=str(OUT / "report.png"), full_page=True)
            if wanted("login"):
                login_page = browser.new_page(viewport={"width": 1366, "height": 768})
                login_page.goto(server.url + "/login")
                login_page.screenshot(path=str(OUT / "login.png"))
            if wanted("home"):
                home = browser.new_page(viewport={"width": 1366, "height": 768})
                home.goto(server.url + "/")
                home.screenshot(path=str(OUT / "home.png"), full_page=True)
        finally:
            browser.close()
            stop_server(server)
    for path in sorted(OUT.glob("*.png")):
        if wanted(path.stem):
            print(path.relative_to(ROOT))


if __name__ == "__main__":
    main(set(sys.argv[1:]))
