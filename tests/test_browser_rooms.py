"""The producer's overview in a browser (issue 21): every room live, a message to
every room at once, and a screenshot at 1366x768 with eight rooms."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.browser import wait_for_revision
from tests.conftest import CONTROL_KEY, start_server, stop_server
from tests.test_rooms import ROOM_A, ROOM_B, command

SHOTS = Path("/tmp/shots-rooms")


@pytest.fixture
def eight_rooms(tmp_path: Path):
    """A real server of eight rooms (`--rooms DIR`): the two examples and six more."""
    folder = tmp_path / "rooms"
    folder.mkdir()
    shutil.copy(ROOM_A, folder)
    shutil.copy(ROOM_B, folder)
    for letter in "cdefgh":
        shutil.copy(ROOM_B, folder / f"phong-{letter}.json")
    server = start_server(
        tmp_path / "data",
        tmp_path / "server.log",
        agenda=None,
        extra_args=("--rooms", str(folder)),
        ready_path="/api/rooms",
    )
    yield server
    stop_server(server)
    assert "Traceback" not in server.log()


def log_in(page, url: str) -> None:
    page.goto(f"{url}/login?next=/overview")
    page.fill("#login-key", CONTROL_KEY)
    page.click("#login-submit")
    page.wait_for_url(f"{url}/overview")


def test_the_overview_shows_every_room_live_and_messages_every_room_at_once(eight_rooms, open_page):
    url = eight_rooms.url
    stages = {
        room: open_page(f"{url}/r/{room}/stage", size=(1920, 1080))
        for room in ("hoi-truong-a", "phong-b")
    }
    for stage in stages.values():
        expect(stage.locator("body")).to_have_attribute("data-connected", "true")
    overview = open_page(f"{url}/overview", size=(1366, 768))
    log_in(overview, url)
    expect(overview.locator("body")).to_have_attribute("data-connected", "true")
    expect(overview.locator(".ov-tile")).to_have_count(8)
    # Live: a command in one room shows on its tile, and only there.
    command(url, "hoi-truong-a", {"command": "start"})
    tile_a = overview.locator('.ov-tile[data-room="hoi-truong-a"]')
    expect(tile_a.locator(".ov-now")).to_have_text("Văn nghệ chào mừng")
    expect(tile_a.locator(".ov-status")).to_have_text("Đang chạy")
    expect(tile_a.locator(".ov-timer")).to_have_attribute("data-phase", "normal")
    expect(overview.locator('.ov-tile[data-room="phong-b"] .ov-status')).to_have_text("")
    expect(overview.locator('.ov-tile[data-room="phong-b"] .ov-screens')).to_contain_text(
        "Màn hình sân khấu 1"
    )
    # One message to every room's stage, from the overview.
    overview.select_option("#ov-room", "all")
    overview.select_option("#ov-target", "stage")
    overview.fill("#ov-message", "Phiên toàn thể tiếp tục sau 5 phút")
    overview.click("#ov-send")
    expect(overview.locator("#ov-answer")).to_have_text("Đã gửi tới 8 phòng.")
    for stage in stages.values():
        expect(stage.locator("#stage-message")).to_have_text("Phiên toàn thể tiếp tục sau 5 phút")
    expect(overview.locator(".ov-messages li")).to_have_count(8)
    SHOTS.mkdir(exist_ok=True)
    overview.screenshot(path=str(SHOTS / "overview-1366x768-8-rooms.png"))
    # Blackout in every room at once (the fire alarm), then back.
    overview.click("#ov-blackout-all")
    expect(overview.locator(".ov-flag-blackout")).to_have_count(8)
    expect(stages["phong-b"].locator("body")).to_have_attribute("data-blackout", "true")
    overview.click("#ov-blackout-all")  # pressed twice in the rush: no room is at fault
    expect(overview.locator("#ov-answer")).to_have_text(
        "Đã áp dụng cho mọi phòng (8 phòng đã như vậy)."
    )
    overview.click("#ov-blackout-off")
    expect(overview.locator(".ov-flag-blackout")).to_have_count(0)


def test_the_home_page_lists_every_room_with_its_screens(eight_rooms, open_page):
    home = open_page(f"{eight_rooms.url}/", size=(1366, 768))
    expect(home.locator(".home-room")).to_have_count(8)
    expect(home.locator('.home-room[data-room="phong-b"] a[data-role="stage"]')).to_have_attribute(
        "href", "/r/phong-b/stage"
    )
    SHOTS.mkdir(exist_ok=True)
    home.screenshot(path=str(SHOTS / "home-1366x768-8-rooms.png"))
    phone = open_page(f"{eight_rooms.url}/programme", size=(390, 844))
    expect(phone.locator(".home-room")).to_have_count(8)
    phone.screenshot(path=str(SHOTS / "programme-390x844-8-rooms.png"))


def test_a_room_operator_runs_its_rooms_console_and_only_that_room(eight_rooms, open_page):
    url = eight_rooms.url
    key_b = (eight_rooms.data_dir / "rooms" / "phong-b" / "operator-key").read_text().strip()
    console = open_page(f"{url}/r/phong-b/control", size=(1366, 768))
    console.fill("#login-key", key_b)
    console.click("#login-submit")
    console.wait_for_url(f"{url}/r/phong-b/control")
    expect(console.locator("body")).to_have_attribute("data-connected", "true")
    expect(console.locator("#link-report")).to_have_attribute("href", "/r/phong-b/report")
    console.click("#btn-toggle")
    wait_for_revision(console, 1)
    assert requests.get(f"{url}/api/rooms/phong-b/state", timeout=10).json()["revision"] == 1
    assert requests.get(f"{url}/api/rooms/phong-c/state", timeout=10).json()["revision"] == 0
    SHOTS.mkdir(exist_ok=True)
    console.screenshot(path=str(SHOTS / "console-phong-b-1366x768.png"))
    refused = console.goto(f"{url}/r/hoi-truong-a/control")
    assert refused is not None and refused.status == 403
