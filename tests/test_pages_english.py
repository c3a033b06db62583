"""The pages that belong to no room's screen — the home page, the room chooser, the rooms'
programme, the producer's overview — in English with ``?lang=en``, in Vietnamese
without (issue 23). Their programme is written in plain English
(tests/data/english-agenda.json), so a Vietnamese letter is the interface's."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import CONTROL_KEY, running_app
from tests.test_browser_english import ENGLISH_AGENDA, ROOMS, VIETNAMESE
from tests.test_rooms import ROOM_B

SCRIPTS = re.compile(r"<script\b.*?</script>", re.DOTALL)


def page_text(client, path: str) -> str:
    """The page's HTML without its scripts' data (the overview's tiles travel as JSON)."""
    response = client.get(path)
    assert response.status_code in (200, 404), response.status_code
    return SCRIPTS.sub("", response.get_data(as_text=True))


@pytest.fixture
def rooms_app(tmp_path: Path, clock):
    folder = tmp_path / "rooms"
    folder.mkdir()
    paths = [folder / f"{room}.json" for room in ROOMS]
    for path in paths:
        shutil.copy(ENGLISH_AGENDA, path)
    with running_app(tmp_path / "data", clock, RUNSHOW_ROOMS=[str(p) for p in paths]) as app:
        yield app


def test_the_home_page_in_english(tmp_path: Path, clock):
    with running_app(tmp_path / "data", clock, RUNSHOW_AGENDA=str(ENGLISH_AGENDA)) as app:
        client = app.test_client()
        english = page_text(client, "/?lang=en")
        vietnamese = page_text(client, "/")
    assert "<title>Home · Mekong Delta Innovation Forum 2026</title>" in english
    assert "Runshow · Live run of show" in english
    assert "Stage screen" in english
    assert "Projector or LED wall: banner, speaker" in english
    assert 'aria-label="QR code: http://' in english
    assert not VIETNAMESE.findall(english)
    assert "Các màn hình" in vietnamese
    assert "Máy chiếu hoặc màn LED" in vietnamese


def test_the_rooms_pages_in_english(rooms_app):
    client = rooms_app.test_client()
    chooser = page_text(client, "/?lang=en")
    assert "2 rooms" in chooser
    assert "The producer's overview" in chooser
    assert "Room <code>hall-a</code> · 12 March 2026, starts at 08:30" in chooser
    assert 'aria-label="QR code: http://' in chooser
    programme = page_text(client, "/programme?lang=en")
    assert "Programme of every room" in programme
    assert "starts at 08:30, 12 March 2026" in programme
    assert "The room's programme (6 items)" in programme
    assert "Next: Opening and introduction of the delegates" in programme
    assert "Choose a room:" in page_text(client, "/stage?lang=en")
    for page in (chooser, programme):
        assert not VIETNAMESE.findall(page)
    # Vietnamese stays the default.
    assert "2 phòng" in page_text(client, "/")
    assert "bắt đầu 08:30, ngày 12/03/2026" in page_text(client, "/programme")


def test_the_overview_in_english(rooms_app):
    client = rooms_app.test_client()
    client.post("/login", data={"key": CONTROL_KEY, "next": "/overview"})
    overview = page_text(client, "/overview?lang=en")
    assert "Overview · 2 rooms" in overview
    assert "Blackout in every room" in overview
    assert 'placeholder="Message, e.g. The plenary resumes in 5 minutes"' in overview
    assert not VIETNAMESE.findall(overview)
    assert "Tổng quan · 2 phòng" in page_text(client, "/overview")


def test_the_rooms_pages_show_the_agendas_english(tmp_path: Path, clock):
    """A Vietnamese programme that gives English titles: the English pages show them."""
    agenda = json.loads(ROOM_B.read_text(encoding="utf-8"))
    agenda["event"]["translations"] = {"en": {"title": "Room B - Workshop on awards"}}
    opening = agenda["items"][0]
    opening["translations"] = {"en": {"title": "Opening and the delegates"}}
    paths = []
    for room in ROOMS:
        paths.append(tmp_path / f"{room}.json")
        paths[-1].write_text(json.dumps(agenda, ensure_ascii=False), encoding="utf-8")
    with running_app(tmp_path / "data", clock, RUNSHOW_ROOMS=[str(p) for p in paths]) as app:
        client = app.test_client()
        assert "Room B - Workshop on awards" in page_text(client, "/?lang=en")
        programme = page_text(client, "/programme?lang=en")
        assert "Room B - Workshop on awards" in programme
        assert "Next: Opening and the delegates" in programme
        assert "<strong>13:30</strong> Opening and the delegates" in programme
        assert opening["title"] in page_text(client, "/programme")
        tile = app.extensions["runshow"].overview_tiles()[0]
        assert tile["translations"]["en"]["next"] == "Opening and the delegates"
        assert tile["next"] == opening["title"]
