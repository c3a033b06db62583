"""Loading agenda.json: the bundled programme, and every kind of mistake a person
editing the file can make, each reported at its place in plain Vietnamese."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from runshow.agenda import AgendaError, load_agenda, parse_agenda
from tests.core_helpers import (
    BROKEN_AGENDAS,
    BUNDLED_AGENDA,
    MINUTE,
    REPO,
    Broken,
    agenda_with_three_mistakes,
    bundled_document,
)

CITY_SPEAKERS = [
    "thành phố Hà Nội",
    "Thành phố Hồ Chí Minh",
    "thành phố Đà Nẵng",
    "thành phố Hải Phòng",
    "thành phố Cần Thơ",
]


@pytest.fixture(scope="module")
def bundled():
    return load_agenda(BUNDLED_AGENDA)


def local(agenda, epoch_ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch_ms / 1000, agenda.tz)


def problems_of(path) -> list:
    with pytest.raises(AgendaError) as raised:
        load_agenda(path)
    assert raised.value.source == str(path)
    return raised.value.problems


# --------------------------------------------------------------------------- #
# The bundled programme.


def test_the_bundled_agenda_has_thirteen_items(bundled):
    assert len(bundled.items) == 13
    assert [item.index for item in bundled.items] == list(range(13))


def test_the_programme_opens_with_the_welcome_performance(bundled):
    first = bundled.items[0]
    assert first.id == "van-nghe-chao-mung"
    assert first.spec.kind == "performance"


def test_the_five_cities_speak_ten_minutes_each_in_the_planned_order(bundled):
    speeches = [item for item in bundled.items if item.spec.kind == "discussion_speech"]
    assert [item.spec.presenter.organisation for item in speeches] == CITY_SPEAKERS
    assert all(item.duration_ms == 10 * MINUTE for item in speeches)
    assert all(item.spec.duration_estimated is False for item in speeches)
    # One after the other, with nothing in between.
    indexes = [item.index for item in speeches]
    assert indexes == list(range(indexes[0], indexes[0] + 5))


def test_the_stage_banner_has_exactly_the_four_lines_of_the_invitation(bundled):
    assert bundled.event.banner_lines == (
        "CỤM THI ĐUA 5 THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG",
        "HỘI NGHỊ",
        "SƠ KẾT THỰC HIỆN GIAO ƯỚC THI ĐUA 6 THÁNG ĐẦU NĂM",
        "VÀ TRIỂN KHAI NHIỆM VỤ 6 THÁNG CUỐI NĂM 2023",
    )


def test_the_conference_starts_at_eight_on_28_july_2023_in_can_tho_time(bundled):
    assert bundled.event.date == "2023-07-28"
    assert bundled.event.start == "08:00"
    assert local(bundled, bundled.start_ms) == dt.datetime(2023, 7, 28, 8, 0, tzinfo=bundled.tz)


def test_the_morning_is_planned_to_end_at_a_quarter_past_ten(bundled):
    assert local(bundled, bundled.planned_end_ms) == dt.datetime(
        2023, 7, 28, 10, 15, tzinfo=bundled.tz
    )
    assert bundled.total_planned_ms == 135 * MINUTE


def test_the_afternoon_visit_starts_at_two_and_counts_up_without_a_duration(bundled):
    visit = bundled.items[-1]
    assert visit.spec.kind == "visit"
    assert not visit.timed
    assert visit.duration_ms == 0
    assert local(bundled, bundled.planned_starts_ms()[-1]).strftime("%H:%M") == "14:00"


def test_the_minimal_example_in_the_format_reference_is_a_valid_agenda():
    reference = (REPO / "docs" / "agenda-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", reference, re.DOTALL)
    assert example is not None
    agenda = parse_agenda(example.group(1), source="agenda-format.md")
    assert [item.id for item in agenda.items] == ["opening"]


def test_a_fractional_duration_is_kept_to_the_second():
    document = bundled_document()
    document["items"][0]["duration"] = 7.5
    agenda = parse_agenda(json.dumps(document, ensure_ascii=False))
    assert agenda.items[0].duration_ms == 7 * MINUTE + 30_000


# --------------------------------------------------------------------------- #
# Broken files: one mistake, one problem, at the right place.


@pytest.mark.parametrize("broken", BROKEN_AGENDAS, ids=lambda broken: broken.name)
def test_a_mistake_is_reported_at_its_place_with_the_reason(broken: Broken, tmp_path):
    path = broken.write(tmp_path)
    problems = problems_of(path)
    assert [problem.place for problem in problems] == [broken.place]
    assert broken.message in problems[0].message


def test_invalid_json_is_located_by_line_and_column_as_an_editor_shows_them(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_text('{\n  "schema_version": 1,\n    "event": {,\n', encoding="utf-8")
    [problem] = problems_of(path)
    assert str(problem) == "dòng 3, cột 15: JSON không hợp lệ: tên trường phải nằm trong ngoặc kép"


def test_a_duplicate_id_names_both_items_that_share_it(tmp_path):
    [duplicate] = [broken for broken in BROKEN_AGENDAS if broken.name == "duplicate-id"]
    [problem] = problems_of(duplicate.write(tmp_path))
    assert problem.place == "items[7].id"
    assert "items[5].id" in problem.message


def test_a_missing_file_is_reported_as_not_found(tmp_path):
    path = tmp_path / "khong-co.json"
    [problem] = problems_of(path)
    assert problem.place == ""
    assert problem.message == "không tìm thấy tệp"


def test_every_mistake_in_a_file_is_reported_at_once(tmp_path):
    path = agenda_with_three_mistakes(tmp_path)
    problems = problems_of(path)
    assert sorted(problem.place for problem in problems) == [
        "event.start",
        "items[2].kind",
        "items[6].duration",
    ]


def test_type_mistakes_and_rule_mistakes_are_reported_together(tmp_path):
    document = bundled_document()
    document["items"][3]["duration"] = "15 phút"
    document["items"][8]["id"] = "tham-luan-da-nang"
    document["items"][9]["timer"]["danger"] = 5
    path = tmp_path / "agenda.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    places = {problem.place for problem in problems_of(path)}
    assert places == {"items[3].duration", "items[8].id", "items[9].timer.danger"}


def test_the_error_text_names_the_file_on_every_line(tmp_path):
    document = bundled_document()
    document["event"]["timezone"] = "Asia/Hanoi"
    document["items"][0]["kind"] = "karaoke"
    path = tmp_path / "chuong-trinh.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AgendaError) as raised:
        load_agenda(path)
    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}: ") for line in lines)


@pytest.mark.parametrize(
    ("document", "place"),
    [
        ([], ""),
        ({"schema_version": 1, "event": "hội nghị", "items": {}}, "event"),
        ({**bundled_document(), "items": ["khai-mac"]}, "items[0]"),
    ],
    ids=["a-list-instead-of-an-object", "objects-of-the-wrong-shape", "an-item-that-is-text"],
)
def test_a_document_of_the_wrong_shape_is_reported_not_crashed_on(document, place):
    with pytest.raises(AgendaError) as raised:
        parse_agenda(json.dumps(document, ensure_ascii=False))
    assert place in [problem.place for problem in raised.value.problems]


def test_a_timer_of_the_wrong_type_is_reported_once():
    document = bundled_document()
    document["items"][4]["timer"] = "nhanh"
    with pytest.raises(AgendaError) as raised:
        parse_agenda(json.dumps(document, ensure_ascii=False))
    assert [str(problem) for problem in raised.value.problems] == [
        'items[4].timer: phải là đối tượng {...} (nhận được "nhanh")'
    ]


def test_the_accepted_values_are_listed_in_vietnamese():
    document = bundled_document()
    document["items"][6]["timer"]["at_zero"] = "dừng"
    with pytest.raises(AgendaError) as raised:
        parse_agenda(json.dumps(document, ensure_ascii=False))
    [problem] = raised.value.problems
    assert problem.place == "items[6].timer.at_zero"
    assert problem.message.endswith('chỉ chấp nhận "overtime" hoặc "stop"')


def test_a_file_saved_as_utf8_with_bom_by_windows_notepad_loads(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_bytes(b"\xef\xbb\xbf" + BUNDLED_AGENDA.read_bytes())
    assert len(load_agenda(path).items) == 13


def test_a_file_in_a_legacy_vietnamese_encoding_is_reported_as_not_utf8(tmp_path):
    path = tmp_path / "agenda.json"
    path.write_bytes('{"title": "Cân Thơ"}'.encode("cp1258"))
    [problem] = problems_of(path)
    assert "không phải UTF-8" in problem.message


def test_a_rehearsal_moves_every_planned_time_and_the_day_it_is_written_with():
    import datetime as dt

    from runshow.agenda import load_agenda

    show = load_agenda(BUNDLED_AGENDA)
    start = dt.datetime(2026, 11, 24, 14, 0, tzinfo=show.tz)
    rehearsal = show.rehearsal_at(int(start.timestamp() * 1000))
    assert rehearsal.rehearsal and not show.rehearsal
    shift = rehearsal.start_ms - show.start_ms
    assert [s - shift for s in rehearsal.planned_starts_ms()] == show.planned_starts_ms()
    assert rehearsal.planned_end_ms - rehearsal.start_ms == 135 * 60_000
    assert (rehearsal.event.date, rehearsal.event.start) == ("2026-11-24", "14:00")
    assert rehearsal.event.banner_place_date == "Cần Thơ, ngày 24 tháng 11 năm 2026"
    assert show.event.banner_place_date == "Cần Thơ, ngày 28 tháng 7 năm 2023"
    # A rehearsal of a rehearsal starts from the written programme, not from the first shift.
    again = rehearsal.rehearsal_at(int(start.timestamp() * 1000))
    assert again.planned_starts_ms() == rehearsal.planned_starts_ms()
