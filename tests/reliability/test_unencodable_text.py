"""Text that cannot be written as UTF-8 (a lone surrogate: half of an emoji a client
cut in two, sent as ``"\\ud800"``) and JSON the reader cannot parse: refused with
the place and plain Vietnamese words on every way in (HTTP, the console's socket,
agenda files, sheets), never a 500 or a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
from openpyxl import Workbook

from runshow.agenda import AgendaError, load_agenda, parse_agenda
from runshow.sheets import PROGRAMME_SHEET, load_plan
from tests.conftest import CONTROL_KEY, LiveServer, Verbatim, verbatim_console
from tests.core_helpers import BUNDLED_AGENDA, bundled_document
from tests.reliability.fuzzing import assert_plain_refusal, plain_words

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}", "Content-Type": "application/json"}

#: Commands as a client that cut an emoji in half writes them (JSON escapes), and the
#: place each refusal must name.
UNENCODABLE = {
    "lone-high": ('{"command": "message", "text": "\\ud800"}', "text"),
    "lone-low": ('{"command": "message", "text": "ok \\udc00"}', "text"),
    "reversed-pair": ('{"command": "message", "text": "\\ude00\\ud83d"}', "text"),
    "in-an-id": ('{"command": "goto", "item_id": "x\\udfff"}', "item_id"),
    "in-a-key": ('{"command": "message", "text": "hi", "\\ud800": 1}', "\\ud800"),
    "in-an-edit": (
        '{"command": "edit_item", "item_id": "khai-mac", "changes": {"title": "\\udbff"}}',
        "changes.title",
    ),
}
#: JSON the reader cannot parse, each worded by Python's reader in English.
BROKEN_JSON = {
    "bad-escape": '{"command": "message", "text": "\\x"}',
    "bad-unicode-escape": '{"command": "message", "text": "\\u12"}',
    "control-character": '{"command": "message", "text": "a\tb"}',
    "trailing-comma": '{"command": "next",}',
}


def _post(server: LiveServer, body: str) -> requests.Response:
    return requests.post(f"{server.url}/api/command", data=body.encode(), headers=AUTH, timeout=10)


def _assert_names_the_place(answer: dict, place: str) -> None:
    assert_plain_refusal(answer)
    assert answer["code"] == "invalid"
    places = [problem["place"] for problem in answer["problems"]]
    assert any(p == place or p.startswith((f"{place} (", f"{place}:")) for p in places), answer
    assert any("ký tự hỏng" in problem["message"] for problem in answer["problems"]), answer


@pytest.mark.parametrize(("body", "place"), UNENCODABLE.values(), ids=UNENCODABLE.keys())
def test_http_refuses_unencodable_text_with_its_place(module_server, body: str, place: str):
    before = module_server.state()["revision"]
    response = _post(module_server, body)
    assert response.status_code == 400, response.text
    _assert_names_the_place(response.json(), place)
    assert module_server.state()["revision"] == before


def test_a_lone_surrogate_sent_by_requests_json_is_a_400(module_server):
    response = requests.post(
        f"{module_server.url}/api/command",
        json={"command": "message", "text": "\ud800"},
        headers={"Authorization": f"Bearer {CONTROL_KEY}"},
        timeout=10,
    )
    assert response.status_code == 400, response.text
    _assert_names_the_place(response.json(), "text")


@pytest.mark.parametrize("body", BROKEN_JSON.values(), ids=BROKEN_JSON.keys())
def test_broken_json_is_refused_in_vietnamese_only(module_server, body: str):
    response = _post(module_server, body)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert_plain_refusal(answer)
    for word in ("Invalid", "escape", "Expecting", "Illegal", "control character"):
        assert word not in answer["error"], answer


@pytest.fixture(scope="module")
def console(module_server) -> Iterator[socketio.Client]:
    with verbatim_console(module_server.url) as sio:
        yield sio


@pytest.mark.parametrize(("body", "place"), UNENCODABLE.values(), ids=UNENCODABLE.keys())
def test_the_socket_refuses_unencodable_text_with_its_place(
    module_server, console, body: str, place: str
):
    before = module_server.state()["revision"]
    answer = console.call("command", Verbatim(body), namespace="/control", timeout=10)
    _assert_names_the_place(answer, place)
    assert module_server.state()["revision"] == before
    # The connection is still good.
    assert console.call("sync", {"t0": 5}, namespace="/control", timeout=10)["t0"] == 5


def _agenda_with_title(title: str) -> str:
    document = bundled_document()
    document["items"][0]["title"] = title
    return json.dumps(document, indent=2)  # ensure_ascii: "\ud800" as its escape


def test_an_agenda_file_names_the_item_with_a_lone_surrogate():
    with pytest.raises(AgendaError) as refused:
        parse_agenda(_agenda_with_title("Khai mạc \ud83d"), source="agenda.json")
    (problem,) = refused.value.problems
    assert problem.place.startswith("items[0].title (dòng "), problem
    assert "ký tự hỏng" in problem.message and plain_words(str(problem))


def _runshow(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runshow", *arguments],
        cwd=cwd,
        capture_output=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
    )


def test_check_and_serve_name_the_place_without_a_traceback(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(_agenda_with_title("\udc00"), encoding="utf-8")
    checked = _runshow("check", str(path), cwd=tmp_path)
    assert checked.returncode == 1
    assert "items[0].title" in checked.stderr and "ký tự hỏng" in checked.stderr
    assert "Traceback" not in checked.stdout + checked.stderr


def _workbook_with_cell(tmp_path: Path, written: bytes) -> Path:
    """A programme sheet whose first title is `written` as it stands in the file's XML."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PROGRAMME_SHEET
    sheet.append(["Nội dung", "Thời lượng (phút)"])
    sheet.append(["PLACEHOLDER", 5])
    plain, path = tmp_path / "plain.xlsx", tmp_path / "plan.xlsx"
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, source.read(entry).replace(b"PLACEHOLDER", written))
    return path


def test_a_workbook_with_an_unencodable_character_is_refused_in_words(tmp_path):
    path = _workbook_with_cell(tmp_path, b"Khai m&#xD800;c")
    with pytest.raises(AgendaError) as refused:
        load_plan(path, load_agenda(BUNDLED_AGENDA))
    (problem,) = refused.value.problems
    assert f"trang «{PROGRAMME_SHEET}»" in problem.place, problem
    assert plain_words(str(problem))
    checked = _runshow("check", str(path), cwd=tmp_path)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr


def test_a_csv_with_an_encoded_surrogate_is_refused_in_words(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_bytes("Nội dung,Thời lượng (phút)\nKhai mạc ".encode() + b"\xed\xa0\x80,5\n")
    with pytest.raises(AgendaError) as refused:
        load_plan(path, load_agenda(BUNDLED_AGENDA))
    assert all(plain_words(str(problem)) for problem in refused.value.problems)
    checked = _runshow("check", str(path), cwd=tmp_path)
    assert checked.returncode == 1 and "Traceback" not in checked.stderr, checked.stderr
