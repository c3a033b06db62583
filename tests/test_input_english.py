"""Bad input refused in English beside Vietnamese (issue 23): every file type's refusal is
worded, when it is found, in the asker's language; the places (``items[6].duration``,
line and column, sheet row and column letter) point at the same spot in every language."""

from __future__ import annotations

import json
import typing
import unicodedata

import pytest
from pydantic_core.core_schema import ErrorType

from runshow import i18n
from runshow.agenda import AgendaError, load_agenda, parse_agenda
from runshow.automations import AutomationsError, load_rules, problems_text
from runshow.errors import _JSON_REASONS, describe_json_error, describe_pydantic_error
from runshow.rooms import RoomsError, plan_rooms, room_files
from runshow.screen_options import parse_screen_options
from runshow.sheets import PROGRAMME_SHEET, read_sheet
from runshow.textfit import draft_warnings, fit_warnings
from tests.conftest import CONTROL_KEY
from tests.core_helpers import BUNDLED_AGENDA, bundled_document
from tests.test_input import pydantic_error
from tests.test_sheets import MISTAKEN_ROWS, small_plan

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}", "Content-Type": "application/json"}
LONG_TITLE = (
    "Tóm tắt một số nội dung cơ bản trong báo cáo thực hiện giao ước thi đua sáu tháng "
    "đầu năm hai nghìn không trăm hai mươi ba của Cụm thi đua năm thành phố trực thuộc "
    "Trung ương và phương hướng nhiệm vụ trọng tâm sáu tháng cuối năm"
)


def vietnamese(text: str) -> bool:
    """Whether `text` has a Vietnamese letter (a mark on a letter, or đ)."""
    return any(
        char in "đĐ" or len(unicodedata.normalize("NFD", char)) > 1
        for char in text
        if char.isalpha()
    )


def refusal(action) -> list[tuple[str, str]]:
    """The (place, message) of every problem `action` is refused with."""
    with pytest.raises((AgendaError, AutomationsError)) as raised:
        action()
    return [(problem.place, problem.message) for problem in raised.value.problems]


def in_both(action) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    vietnamese_answer = refusal(action)
    with i18n.language("en"):
        english_answer = refusal(action)
    return vietnamese_answer, english_answer


def agenda_with(path: tuple[str | int, ...], value) -> str:
    document = bundled_document()
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return json.dumps(document, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- #
# agenda.json


def test_a_json_syntax_error_in_an_agenda_is_said_in_english_at_the_same_line_and_column():
    text = '{\n  "schema_version": 1,\n  "event": \n}'
    vi, en = in_both(lambda: parse_agenda(text))
    assert vi == [("dòng 4, cột 1", "JSON không hợp lệ: thiếu giá trị")]
    assert en == [("line 4, column 1", "invalid JSON: a value is missing")]


def test_a_number_json_cannot_hold_is_said_in_english_at_its_path_and_line():
    text = agenda_with(("items", 6, "duration"), "@@").replace('"@@"', "1e999")
    vi, en = in_both(lambda: parse_agenda(text))
    ((vi_place, vi_message),) = vi
    ((en_place, en_message),) = en
    assert vi_place.startswith("items[6].duration (dòng ")
    assert en_place == vi_place.replace("dòng", "line").replace("cột", "column")
    assert vi_message == "số 1e999 quá lớn (tối đa 9.007.199.254.740.991)"
    assert en_message == "the number 1e999 is too large (at most 9,007,199,254,740,991)"


def test_agenda_validation_errors_are_said_in_english_at_the_same_places():
    document = bundled_document()
    document["items"][6]["duration"] = -5
    document["items"][2]["titel"] = "Báo cáo"
    document["items"][3]["timer"] = {"warning": 30}
    document["event"]["date"] = "28/07/2023"
    text = json.dumps(document, ensure_ascii=False)
    vi, en = in_both(lambda: parse_agenda(text))
    assert [place for place, _ in en] == [place for place, _ in vi]
    english = dict(en)
    assert english["items[6].duration"] == "must be a number > 0 (got -5)"
    assert english["items[2].titel"] == "field not supported; did you mean “title”?"
    assert english["event.date"] == 'the date must be written YYYY-MM-DD (got "28/07/2023")'
    duration = document["items"][3]["duration"]
    assert english["items[3].timer.warning"] == (
        f"the 30 min threshold must be less than the duration of {duration:g} min"
    )
    assert dict(vi)["items[6].duration"] == "phải là số > 0 (nhận được -5)"
    assert not any(vietnamese(message) for _, message in en), en


def test_an_agenda_file_that_is_not_there_is_said_in_english(tmp_path):
    vi, en = in_both(lambda: load_agenda(tmp_path / "missing.json"))
    assert (vi, en) == ([("", "không tìm thấy tệp")], [("", "file not found")])


@pytest.mark.parametrize("kind", typing.get_args(ErrorType))
def test_every_kind_of_pydantic_error_is_worded_in_english(kind: str):
    with i18n.language("en"):
        problem = describe_pydantic_error(pydantic_error(kind, "wrong value"))
    assert problem.place == "items[2].x"
    assert problem.message and not vietnamese(problem.message), problem.message
    assert "None" not in problem.message


@pytest.mark.parametrize("reason", _JSON_REASONS)
def test_every_json_syntax_error_is_worded_in_english(reason: str):
    error = json.JSONDecodeError(reason, "[1,\n 2 x]", 7)
    with i18n.language("en"):
        problem = describe_json_error(error)
    assert problem.place == "line 2, column 4"
    assert problem.message.startswith("invalid JSON: ")
    assert not vietnamese(problem.message), problem.message


# --------------------------------------------------------------------------- #
# An Excel import


def test_an_xlsx_import_error_is_said_in_english_at_the_same_sheet_row_and_column(tmp_path):
    path = small_plan(tmp_path, MISTAKEN_ROWS)
    base = load_agenda(BUNDLED_AGENDA)
    vi, en = in_both(lambda: read_sheet(path, base))
    sheet = f"sheet “{PROGRAMME_SHEET}”"
    assert en[1:] == [
        (
            f"{sheet}, row 3, column F (Thời lượng (phút))",
            "the duration must be a number of minutes (got “mười”)",
        ),
        (
            f"{sheet}, row 4, column A (Giờ)",
            "the time 07:50 is earlier than this item starts after the items before it "
            "(08:10): check the times or the durations of the items before",
        ),
    ]
    assert en[0][0] == f"{sheet}, row 2, column G (Loại)"
    assert en[0][1].startswith("there is no kind “Khai mạc” (available: «Tuyên bố lý do», ")
    assert vi[1] == (
        f"trang «{PROGRAMME_SHEET}», dòng 3, cột F (Thời lượng (phút))",
        "thời lượng phải là số phút (nhận được «mười»)",
    )


def test_an_agenda_rule_broken_in_a_sheet_is_said_in_english_at_its_cell(tmp_path):
    path = small_plan(
        tmp_path,
        [
            ["Nội dung", "Người trình bày", "Chức vụ", "Thời lượng (phút)", "Vàng (phút)"],
            ["Khai mạc", "Lê Văn C", None, 10, 12],
        ],
    )
    _vi, en = in_both(lambda: read_sheet(path, load_agenda(BUNDLED_AGENDA)))
    sheet = f"sheet “{PROGRAMME_SHEET}”, row 2"
    assert sorted(en) == [
        (f"{sheet}, column C (Chức vụ)", "must not be empty"),
        (
            f"{sheet}, column E (Vàng (phút))",
            "the 12 min threshold must be less than the duration of 10 min",
        ),
    ]


def test_a_file_that_is_not_a_workbook_is_refused_in_english(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    _vi, en = in_both(lambda: read_sheet(path))
    assert en == [
        ("", "cannot read the Excel file (.xlsx): the file is damaged or not in that format")
    ]


# --------------------------------------------------------------------------- #
# The automations file, the rooms, the screen options


def test_an_automations_file_error_is_said_in_english_at_the_same_places(tmp_path):
    path = tmp_path / "automations.json"
    rules = [
        {"on": "item_strat", "send": {"http": "http://10.0.0.9/cut"}},
        {"on": "pause", "send": {"osc": "10.0.0.9:53000"}},
    ]
    path.write_text(json.dumps({"automations": rules}), encoding="utf-8")
    vi, en = in_both(lambda: load_rules(path))
    assert [place for place, _ in en] == [place for place, _ in vi]
    english = dict(en)
    assert english["automations[0].on"].startswith('the value "item_strat" is not valid; only ')
    assert english["automations[0].on"].endswith("did you mean “item_start”?")
    assert english["automations[1].send"] == "'osc' needs an 'address' (e.g. /cue/go)"
    with i18n.language("en"):
        with pytest.raises(AutomationsError) as raised:
            load_rules(path)
        assert problems_text(raised.value).startswith("the automations file has 2 errors:\n")

    path.write_text('{"automations": [,]}', encoding="utf-8")
    vi, en = in_both(lambda: load_rules(path))
    assert vi == [("dòng 1, cột 18", "JSON không hợp lệ: thiếu giá trị")]
    assert en == [("line 1, column 18", "invalid JSON: a value is missing")]


def test_rooms_that_cannot_be_served_are_refused_in_english(tmp_path):
    files = ["Hội trường A.json", "phong-b.json", "b/phong-b.json"]
    with pytest.raises(RoomsError) as vietnamese_refusal:
        plan_rooms(files)
    with i18n.language("en"), pytest.raises(RoomsError) as english_refusal:
        plan_rooms(files)
    assert str(vietnamese_refusal.value).startswith("Không thể chạy: tên phòng «Hội trường A»")
    assert str(english_refusal.value) == (
        "Cannot start: the room name “Hội trường A” (from the file Hội trường A.json) cannot be "
        "used in an address: only lower-case letters without accents, digits and hyphens, at "
        "most 40 characters (e.g. hoi-truong-a.json); two files make the same room "
        "“phong-b”: phong-b.json and b/phong-b.json; rename one of them."
    )
    with i18n.language("en"), pytest.raises(RoomsError) as empty:
        room_files(tmp_path)
    assert str(empty.value) == f"Cannot start: the folder {tmp_path} holds no .json programme file."


def test_screen_options_are_refused_in_english_at_the_same_places():
    _options, vi = parse_screen_options({"scale": 9, "theme": "pink"})
    with i18n.language("en"):
        _options, en = parse_screen_options({"scale": 9, "theme": "pink"})
    assert [p.place for p in en] == [p.place for p in vi] == ["options.theme", "options.scale"]
    assert en[1].message == "must be a number ≤ 2 (got 9)"


# --------------------------------------------------------------------------- #
# Text that will not fit the stage


def test_a_text_fit_warning_is_said_in_english_at_the_same_place():
    document = bundled_document()
    document["items"][2]["title"] = LONG_TITLE
    agenda = parse_agenda(json.dumps(document, ensure_ascii=False))
    (vietnamese_warning,) = fit_warnings(agenda)
    with i18n.language("en"):
        (english_warning,) = fit_warnings(agenda)
    assert english_warning.place == vietnamese_warning.place == "items[2].title"
    assert vietnamese_warning.message.startswith("Tiêu đề dài 4 dòng trên sân khấu 1920x1080")
    assert english_warning.message == (
        "The title takes 4 lines on the 1920x1080 stage but only 2 are shown: the rest will "
        "be cut. Please shorten it."
    )


# --------------------------------------------------------------------------- #
# Through the HTTP API and the console's connection


def test_the_api_refuses_a_json_syntax_error_in_the_language_asked(client):
    body = '{"command": "next",'
    english = client.post("/api/command", data=body, headers=AUTH | {"Accept-Language": "en"})
    vietnamese_answer = client.post("/api/command", data=body, headers=AUTH)
    assert english.status_code == vietnamese_answer.status_code == 400
    assert english.get_json()["code"] == vietnamese_answer.get_json()["code"] == "invalid"
    assert english.get_json()["problems"] == [
        {
            "place": "line 1, column 20",
            "message": "invalid JSON: field names must be in double quotes",
        }
    ]
    assert vietnamese_answer.get_json()["problems"] == [
        {
            "place": "dòng 1, cột 20",
            "message": "JSON không hợp lệ: tên trường phải nằm trong ngoặc kép",
        }
    ]


def test_the_api_refuses_an_invalid_edit_in_the_language_asked(client):
    edit = {
        "command": "edit_item",
        "item_id": "tham-luan-ho-chi-minh",
        "changes": {"duration": 0, "timer": {"warning": 2, "danger": 5}},
    }
    english = client.post("/api/command", json=edit, headers=AUTH | {"Accept-Language": "en-GB"})
    vietnamese_answer = client.post("/api/command", json=edit, headers=AUTH)
    assert english.status_code == vietnamese_answer.status_code == 400
    en = {p["place"]: p["message"] for p in english.get_json()["problems"]}
    vi = {p["place"]: p["message"] for p in vietnamese_answer.get_json()["problems"]}
    assert set(en) == set(vi)
    assert en["changes.duration"] == "must be a number > 0 (got 0)"
    assert vi["changes.duration"] == "phải là số > 0 (nhận được 0)"
    assert en["changes.timer.danger"] == (
        "the red threshold (5 min) must be less than or equal to the yellow one (2 min)"
    )
    assert client.get("/api/state").get_json()["revision"] == 0


def console_answer(app, technician, lang: str, event: str, payload) -> dict:
    """What the console, its page in `lang`, is answered to `event` (its language is in
    its connection's query, as live.js sends it)."""
    console = app.extensions["runshow"].socketio.test_client(
        app,
        namespace="/control",
        query_string=f"role=console&lang={lang}",
        flask_test_client=technician,
    )
    try:
        return console.emit(event, payload, namespace="/control", callback=True)
    finally:
        console.disconnect(namespace="/control")


def test_the_consoles_fit_check_speaks_the_consoles_language(app, technician):
    draft = {"title": LONG_TITLE}
    (english,) = console_answer(app, technician, "en", "fit", draft)["warnings"]
    (vietnamese_warning,) = console_answer(app, technician, "vi", "fit", draft)["warnings"]
    assert english.startswith("The title takes 3 lines on the 1920x1080 stage")
    assert vietnamese_warning.startswith("Tiêu đề dài 3 dòng trên sân khấu 1920x1080")
    assert draft_warnings({"title": LONG_TITLE}) == [vietnamese_warning]


def test_a_socket_command_that_cannot_be_read_is_refused_in_the_consoles_language(app, technician):
    """The packet is decoded before its handler knows whose language to answer in."""
    huge = {"command": "adjust", "seconds": 10**30}

    def problems(lang: str) -> list[dict[str, str]]:
        answer = console_answer(app, technician, lang, "command", huge)
        assert answer["ok"] is False and answer["code"] == "invalid"
        return answer["problems"]

    english, vietnamese_words = "100000000000…(31 characters)", "100000000000…(31 ký tự)"
    assert problems("en") == [
        {
            "place": "seconds",
            "message": f"the number {english} is too large (at most 9,007,199,254,740,991)",
        }
    ]
    assert problems("vi") == [
        {
            "place": "seconds",
            "message": f"số {vietnamese_words} quá lớn (tối đa 9.007.199.254.740.991)",
        }
    ]
