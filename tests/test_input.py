"""Input that cannot crash (issue 10): agenda files, HTTP bodies and socket events
that Python's JSON reader or pydantic would turn into a traceback, a 500, an
unanswered event or a silent loss are refused at their place, in Vietnamese."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import socketio
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core.core_schema import ErrorType

from runshow import jsontext
from runshow.agenda import AgendaError, parse_agenda
from runshow.errors import describe_pydantic_error
from runshow.jsontext import MAX_DEPTH, JsonError, read_json, read_strict
from tests.conftest import CONTROL_KEY, Verbatim, free_port, verbatim_console
from tests.core_helpers import PYDANTIC_ENGLISH, bundled_document

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}", "Content-Type": "application/json"}
MARK = '"@@here@@"'


def agenda_text(value: str, path: tuple[str | int, ...] = ("items", 6, "duration")) -> str:
    """The bundled agenda, indented as a person keeps it, with `value` written
    verbatim (as JSON text) at `path`."""
    document = bundled_document()
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "@@here@@"
    return json.dumps(document, ensure_ascii=False, indent=2).replace(MARK, value)


def line_and_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"dòng {line}, cột {offset - text.rfind(chr(10), 0, offset)}"


def duplicated_title() -> str:
    text = agenda_text('"Tiêu đề thứ hai"', ("items", 3, "@@dup@@"))
    return text.replace('"@@dup@@"', '"title"')


@dataclass(frozen=True)
class BadFile:
    name: str
    text: Callable[[], str]
    place: str
    reason: str


BAD_FILES = (
    BadFile("infinity", lambda: agenda_text("1e999"), "items[6].duration (dòng", "quá lớn"),
    BadFile("absurd-float", lambda: agenda_text("1e300"), "items[6].duration (dòng", "quá lớn"),
    BadFile("longer-than-a-day", lambda: agenda_text("5000"), "items[6].duration", "≤ 1440"),
    BadFile("threshold-over-a-day", lambda: agenda_text("2000", ("items", 6, "timer", "warning")),
            "items[6].timer.warning", "≤ 1440"),
    BadFile("5000-digits", lambda: agenda_text("9" * 5000), "items[6].duration (dòng", "quá lớn"),
    BadFile("nan", lambda: agenda_text("NaN"), "items[6].duration (dòng", "NaN không phải là số"),
    BadFile("minus-infinity", lambda: agenda_text("-Infinity"), "items[6].duration (dòng",
            "-Infinity không phải là số"),
    BadFile("deep-nesting", lambda: agenda_text("[" * 5000 + "]" * 5000, ("event", "organiser")),
            "event.organiser", "lồng nhau quá sâu"),
    BadFile("duplicate-key", duplicated_title, "items[3].title (dòng", "được ghi hai lần"),
)  # fmt: skip


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runshow", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda bad: bad.name)
def test_check_refuses_a_dangerous_agenda_with_file_place_and_reason(bad: BadFile, tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(bad.text(), encoding="utf-8")
    result = run_check(path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if bad.reason in line]
    assert line.startswith(f"  {path}: {bad.place}")


def test_a_duplicate_key_names_the_first_and_the_second_place():
    text = duplicated_title()
    with pytest.raises(AgendaError) as raised:
        parse_agenda(text)
    (problem,) = raised.value.problems
    item_starts = text.index(f'"id": "{bundled_document()["items"][3]["id"]}"')
    first = line_and_column(text, text.index('"title"', item_starts))
    second = line_and_column(text, text.index('"title": "Tiêu đề thứ hai"'))
    assert problem.place == f"items[3].title ({second})"
    assert f"lần đầu ở {first}" in problem.message


@pytest.mark.parametrize("bad", BAD_FILES, ids=lambda bad: bad.name)
def test_serve_refuses_to_start_on_a_dangerous_agenda_with_the_same_message(bad: BadFile, tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text(bad.text(), encoding="utf-8")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "runshow", "serve", "--agenda", str(path)),
            *("--host", "127.0.0.1", "--port", str(free_port())),
            *("--data-dir", str(tmp_path / "data")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Không thể chạy: tệp chương trình có")
    (line,) = [line for line in result.stderr.splitlines() if bad.reason in line]
    assert line.startswith(f"  {path}: {bad.place}")


def test_a_null_is_called_null_as_json_writes_it():
    with pytest.raises(AgendaError) as raised:
        parse_agenda(agenda_text("null", ("items", 3, "title")))
    assert [str(problem) for problem in raised.value.problems] == [
        "items[3].title: phải là chuỗi ký tự (nhận được null)"
    ]


def test_a_misspelt_field_deep_in_the_agenda_gets_a_did_you_mean():
    text = agenda_text('"Sở Ngoại vụ"', ("items", 3, "presenter", "organisaton"))
    with pytest.raises(AgendaError) as raised:
        parse_agenda(text)
    (problem,) = raised.value.problems
    assert problem.place == "items[3].presenter.organisaton"
    assert problem.message.endswith("bạn có muốn viết «organisation» không?")


# --------------------------------------------------------------------------- #
# Every pydantic error is worded in Vietnamese.


def pydantic_error(kind: str, validator_words: str) -> dict:
    """An error of `kind` at ``items[2].x`` with every detail any kind may give
    (`validator_words`: what a validator of ours raised)."""
    return {
        "type": kind,
        "loc": ("items", 2, "x"),
        "msg": "Input should be a valid thing",
        "input": None,
        "ctx": {"error": validator_words, "expected": "'a' or 'b'", "max_length": 3}
        | {bound: 5 for bound in ("gt", "ge", "lt", "le")},
    }


@pytest.mark.parametrize("kind", typing.get_args(ErrorType))
def test_every_kind_of_pydantic_error_is_worded_in_vietnamese(kind: str):
    problem = describe_pydantic_error(pydantic_error(kind, "giá trị sai"))
    assert problem.place == "items[2].x"
    assert problem.message and not PYDANTIC_ENGLISH.search(problem.message), problem.message
    assert "None" not in problem.message


# --------------------------------------------------------------------------- #
# Command payloads over HTTP.

DANGEROUS_BODIES = {
    "huge-integer": '{"command": "adjust", "seconds": ' + "9" * 5000 + "}",
    "integer-beyond-2**53": '{"command": "next", "revision": 12345678901234567890}',
    "infinity": '{"command": "adjust", "seconds": 1e999}',
    "nan": '{"command": "adjust", "seconds": NaN}',
    "deep-nesting": '{"command": "message", "text": ' + "[" * 5000 + "]" * 5000 + "}",
    "duplicate-key": '{"command": "adjust", "seconds": 60, "seconds": -60}',
}


@pytest.mark.parametrize("body", DANGEROUS_BODIES.values(), ids=DANGEROUS_BODIES.keys())
def test_a_dangerous_http_body_is_a_400_refusal_that_changes_nothing(client, body: str):
    response = client.post("/api/command", data=body, headers=AUTH)
    assert response.status_code == 400
    refusal = response.get_json()
    assert refusal["ok"] is False and refusal["code"] == "invalid"
    assert refusal["error"].startswith("Lệnh không hợp lệ: ")
    assert not PYDANTIC_ENGLISH.search(refusal["error"])
    assert client.get("/api/state").get_json()["revision"] == 0


def test_a_null_in_a_command_is_called_null(client):
    response = client.post("/api/command", json={"command": "blackout", "on": None}, headers=AUTH)
    assert response.get_json()["problems"] == [
        {"place": "on", "message": "phải là true hoặc false (nhận được null)"}
    ]


def test_a_misspelt_command_or_argument_gets_a_did_you_mean(client):
    strat = client.post("/api/command", json={"command": "strat"}, headers=AUTH).get_json()
    assert strat["problems"][0]["message"].endswith("bạn có muốn viết «start» không?")
    secs = client.post("/api/command", json={"command": "adjust", "secs": 60}, headers=AUTH)
    places = {p["place"]: p["message"] for p in secs.get_json()["problems"]}
    assert places["secs"] == "trường không được hỗ trợ; bạn có muốn viết «seconds» không?"
    assert places["seconds"] == "thiếu trường bắt buộc"


def test_a_body_over_64_kib_is_a_413_refusal_in_json(client):
    body = json.dumps({"command": "message", "text": "x" * 70_000})
    response = client.post("/api/command", data=body, headers=AUTH)
    assert response.status_code == 413
    assert response.get_json() == {
        "ok": False,
        "code": "too_large",
        "error": "Nội dung gửi lên quá lớn (tối đa 64 KiB).",
    }
    assert client.get("/api/state").get_json()["revision"] == 0


# --------------------------------------------------------------------------- #
# Command events over a real /control socket on a real server.


@pytest.fixture
def console(live_server) -> Iterator[socketio.Client]:
    with verbatim_console(live_server.url) as sio:
        yield sio


@pytest.mark.parametrize("body", DANGEROUS_BODIES.values(), ids=DANGEROUS_BODIES.keys())
def test_a_dangerous_socket_command_is_answered_with_a_refusal(console, live_server, body):
    ack = console.call("command", Verbatim(body), namespace="/control", timeout=10)
    assert ack["ok"] is False and ack["code"] == "invalid"
    assert ack["error"].startswith("Lệnh không hợp lệ: ")
    assert live_server.state()["revision"] == 0
    assert console.call("command", {"command": "start"}, namespace="/control", timeout=10)["ok"]
    assert "Traceback" not in live_server.log()


def test_a_command_event_with_extra_arguments_is_answered(console, live_server):
    ack = console.call("command", ({"command": "start"}, "extra"), namespace="/control", timeout=10)
    assert ack["ok"] is False and ack["code"] == "invalid"
    assert "không kèm 1 đối số khác" in ack["error"]
    assert live_server.state()["revision"] == 0
    sync = console.call("sync", ({"t0": 5}, "extra"), namespace="/control", timeout=10)
    assert sync["t0"] == 5


# --------------------------------------------------------------------------- #
# The quick parse (`read_json`) against the scan-first one (`read_strict`).

_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["command", "seconds", "text", "a", "ả"]), inner, max_size=4
        )
    ),
    max_leaves=12,
)
#: Numbers as a person or a program may write them, allowed or not.
_ODD_NUMBERS = st.sampled_from(
    ["NaN", "-Infinity", "Infinity", "1e999", "9" * 40, "9007199254740992",
     "-9007199254740991", "-9007199254740992", "9007199254740991.0", "9007199254740993.0",
     "9.007199254740992e15", "1.5e3", "-0", "1E400"]
)  # fmt: skip
#: Spliced into valid JSON: what the scan refuses and what does not parse at all.
_TROUBLE = st.sampled_from(
    ["NaN", "-Infinity", "1e999", "9" * 40, "9007199254740992", "-9007199254740991",
     '"a": 1, "a"', "[" * 25, "]", '"', "\\u12", ",", "{", "}", "1.5e3", "0"]
)  # fmt: skip


@st.composite
def json_like_texts(draw: st.DrawFn) -> str:
    text = json.dumps(draw(_VALUES), ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):  # an object written by hand, where a key may come twice
        values = _VALUES.map(json.dumps) | _ODD_NUMBERS
        keys = st.sampled_from(['"a"', '"\\u0061"', '"b"'])  # "\u0061" is "a" again
        pairs = draw(st.lists(st.tuples(keys, values), max_size=3))
        written = ", ".join(f"{key}: {value}" for key, value in pairs)
        text = f'[{text}, {{"x": {{{written}}}}}]'
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_TROUBLE) + text[at:]
    return text


def _outcome(read: Callable[..., object], text: str, *args: object) -> object:
    try:
        return ("value", read(text, *args))
    except JsonError as error:
        return ("refused", error.problems)


@settings(max_examples=400, deadline=None)
@given(text=json_like_texts(), max_depth=st.sampled_from([MAX_DEPTH, 3]))
def test_the_quick_parse_answers_as_the_scan_first_one(text: str, max_depth: int):
    """Every command and screen event takes the quick path; it must accept, refuse and
    place exactly what the scan-first reading does."""
    assert _outcome(read_json, text, max_depth) == _outcome(read_strict, text, max_depth)
    assert _outcome(read_json, text, max_depth, False) == _outcome(
        read_strict, text, max_depth, False
    )


def test_a_command_is_read_without_the_scan(monkeypatch):
    """The quick path is taken: scanning is for what its checks stop."""
    monkeypatch.setattr(jsontext, "scan", lambda *args: pytest.fail("scanned"))
    assert read_json('{"command": "adjust", "seconds": -90.5}') == {
        "command": "adjust",
        "seconds": -90.5,
    }


def test_a_duplicate_key_in_a_short_command_is_still_placed():
    with pytest.raises(JsonError) as refused:
        read_json('{"command": "adjust", "seconds": 60, "seconds": -60}')
    assert refused.value.problems[0].place.startswith("seconds (dòng 1, cột 38)")
