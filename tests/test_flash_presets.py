"""The `flash` command and the preset messages, in real browsers against a real server."""

from __future__ import annotations

import json
import sqlite3

import pytest
import requests
from playwright.sync_api import expect

from runshow.agenda import AgendaError, parse_agenda
from tests.browser import HA_NOI, wait_for_revision
from tests.conftest import BUNDLED_AGENDA, CONTROL_KEY, stop_server

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots-outputs"


def test_flash_from_the_console_flashes_the_speakers_screen_until_the_servers_deadline(
    live_server, control, open_page
):
    live_server.command("goto", item_id=HA_NOI)
    # A speaker's screen whose own clock is five minutes fast: the deadline is the server's.
    speaker = open_page(f"{live_server.url}/speaker", size=(1280, 720), clock_skew_ms=300_000)
    stage = open_page(f"{live_server.url}/stage")
    wait_for_revision(speaker, 1)
    wait_for_revision(control, 1)
    control.click("#btn-flash")
    wait_for_revision(speaker, 2)
    expect(speaker.locator("html")).to_have_attribute("data-flash", "true")
    speaker.screenshot(path=f"{SHOTS}/speaker-flash.png")
    assert stage.evaluate("document.documentElement.dataset.flash") is None  # not its target
    # A screen opened during the flash flashes too, for what is left of it.
    late = open_page(f"{live_server.url}/speaker")
    expect(late.locator("html")).to_have_attribute("data-flash", "true")
    expect(speaker.locator("html")).not_to_have_attribute("data-flash", "true", timeout=6_000)
    expect(late.locator("html")).not_to_have_attribute("data-flash", "true", timeout=1_000)
    assert live_server.state()["flash"] is None
    assert logged(live_server)[-1] == ("flash", '{"seconds": 3, "target": "speaker"}', "console")


def logged(server) -> list[tuple[str, str, str]]:
    """The show's event log as the server wrote it (read once the server has stopped:
    it holds the database while it runs): command, arguments, source."""
    stop_server(server)
    with sqlite3.connect(server.data_dir / "runshow.sqlite3") as log:
        return log.execute("SELECT command, arguments, source FROM events ORDER BY seq").fetchall()


def test_flash_is_validated_logged_and_targets_like_a_message(live_server, open_page):
    stage = open_page(f"{live_server.url}/stage")
    answer = live_server.command("flash", seconds=10, target="stage")
    assert answer["ok"] and answer["state"]["flash"]["target"] == "stage"
    until = answer["state"]["flash"]["until_ms"]
    assert 9_000 < until - answer["state"]["server_time_ms"] <= 10_000
    expect(stage.locator("html")).to_have_attribute("data-flash", "true")
    wrong = requests.post(
        f"{live_server.url}/api/command",
        json={"command": "flash", "seconds": 0},
        headers={"Authorization": f"Bearer {CONTROL_KEY}"},
        timeout=10,
    )
    assert wrong.status_code == 400
    assert wrong.json()["problems"][0]["place"] == "seconds"
    assert [event[0] for event in logged(live_server)] == ["flash"]


def test_presets_come_from_the_agenda_send_a_message_and_are_edited_on_the_console(
    live_server, control, open_page
):
    speaker = open_page(f"{live_server.url}/speaker", size=(1280, 720))
    stage = open_page(f"{live_server.url}/stage")
    presets = control.locator("#presets .btn-preset")
    expect(presets).to_have_count(7)  # the agenda names none: the usual seven
    expect(presets.first).to_have_text("Còn 5 phút")
    control.click("#presets .btn-preset:text-is('Còn 2 phút')")
    expect(speaker.locator("#speaker-message")).to_have_text("Còn 2 phút")

    control.click("#presets-edit summary")
    control.fill(
        "#presets-text", "Xin mời đại biểu về chỗ | sân khấu | đỏ\nNói to hơn | diễn giả | vàng"
    )
    control.click("#presets-save")
    expect(presets).to_have_count(2)
    first = presets.first
    expect(first).to_have_attribute("data-colour", "red")
    control.screenshot(path=f"{SHOTS}/console-presets.png")
    first.click()
    expect(stage.locator("#stage-message")).to_have_text("Xin mời đại biểu về chỗ")
    assert live_server.state()["message"]["stage"] == "Xin mời đại biểu về chỗ"

    # A wrong one changes nothing and says where it is.
    control.fill("#presets-text", "Hết giờ | khán giả | đỏ")
    control.click("#presets-save")
    expect(control.locator("#refusal")).to_contain_text("presets[0].target")
    expect(presets).to_have_count(2)


def test_an_agendas_presets_are_checked_with_their_places():
    document = json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8"))
    document["event"]["presets"] = [
        {"text": "Còn 2 phút", "target": "speaker", "colour": "yellow"},
        {"text": "", "target": "podium", "colour": "pink"},
    ]
    with pytest.raises(AgendaError) as refused:
        parse_agenda(json.dumps(document))
    places = {problem.place for problem in refused.value.problems}
    assert {"event.presets[1].text", "event.presets[1].target", "event.presets[1].colour"} <= places
    document["event"]["presets"] = document["event"]["presets"][:1]
    assert parse_agenda(json.dumps(document)).event.presets[0].colour == "yellow"


def test_a_presets_colour_goes_with_its_message_to_the_screens(live_server, control, open_page):
    speaker = open_page(f"{live_server.url}/speaker", size=(1280, 720))
    message = speaker.locator("#speaker-message")
    control.click("#presets .btn-preset:text-is('Còn 1 phút')")  # red in the usual list
    expect(message).to_have_text("Còn 1 phút")
    expect(message).to_have_attribute("data-colour", "red")
    speaker.screenshot(path=f"{SHOTS}/speaker-red-preset.png")
    ground = speaker.evaluate(
        "getComputedStyle(document.querySelector('#speaker-message')).backgroundColor"
    )
    assert ground == "rgb(185, 28, 28)", ground
    # Typed on the console: no colour, the screen's own look.
    control.fill("#message-text", "Xin mời phát biểu")
    control.click("#btn-send-message")
    expect(message).to_have_text("Xin mời phát biểu")
    expect(message).to_have_attribute("data-colour", "none")
    assert live_server.state().get("message_colours") is None  # the phones' state stays slim
