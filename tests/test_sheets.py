"""Plans made in Excel or as CSV: `runshow import`, `runshow check` on a sheet, the template."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from runshow.agenda import AgendaError, load_agenda, parse_agenda, slug
from runshow.sheets import (
    DELEGATE_COLUMNS,
    DELEGATES_SHEET,
    EVENT_SHEET,
    ITEM_COLUMNS,
    PROGRAMME_SHEET,
    load_plan,
    read_sheet,
    write_workbook,
)
from tests.core_helpers import BUNDLED_AGENDA, REPO

TEMPLATE = REPO / "docs" / "agenda-template.xlsx"
HEADERS = [column.header for column in ITEM_COLUMNS]


def runshow(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runshow", *arguments],
        cwd=cwd,
        env={**os.environ, "PYTHONUTF8": "1"},
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )


def problems(path: Path, base=None) -> list[str]:
    with pytest.raises(AgendaError) as raised:
        read_sheet(path, base)
    return [str(problem) for problem in raised.value.problems]


#: A programme sheet with a kind, a length and a time that do not read.
MISTAKEN_ROWS = [
    [*HEADERS[:6], "Loại"],
    ["08:00", "Khai mạc", None, None, None, 10, "Khai mạc"],
    ["08:10", "", "Trần Thị B", None, None, "mười", None],
    ["07:50", "Văn nghệ", None, None, None, 0, "Văn nghệ"],
]


def small_plan(tmp_path: Path, rows: list[list], name: str = "plan.xlsx") -> Path:
    """A workbook with the programme sheet only (headers: Giờ, Nội dung, ... as given)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = PROGRAMME_SHEET
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


# --------------------------------------------------------------------------- #
# The template.


def test_the_template_imports_to_exactly_the_bundled_programme():
    bundled = load_agenda(BUNDLED_AGENDA)
    imported = load_plan(TEMPLATE)
    assert imported.spec == bundled.spec


def test_the_committed_template_is_what_the_script_writes(tmp_path):
    fresh = tmp_path / "fresh.xlsx"
    write_workbook(load_agenda(BUNDLED_AGENDA), fresh)
    committed, written = load_workbook(TEMPLATE), load_workbook(fresh)
    assert committed.sheetnames == written.sheetnames
    for name in written.sheetnames:
        assert list(committed[name].values) == list(written[name].values), name


def test_the_template_has_the_documented_sheets_and_columns():
    workbook = load_workbook(TEMPLATE)
    assert workbook.sheetnames[:3] == [PROGRAMME_SHEET, DELEGATES_SHEET, EVENT_SHEET]
    programme = workbook[PROGRAMME_SHEET]
    assert [cell.value for cell in programme[1]][:8] == [
        "Giờ",
        "Nội dung",
        "Người trình bày",
        "Chức vụ",
        "Đơn vị",
        "Thời lượng (phút)",
        "Lời dẫn MC",
        "Ghi chú kỹ thuật",
    ]
    assert programme["A2"].value == "08:00"
    assert programme.max_row == 14  # header + 13 items
    assert workbook[DELEGATES_SHEET].max_row == 20  # header + 19 delegates
    docs = (REPO / "docs" / "sheet-format.md").read_text(encoding="utf-8")
    for header in HEADERS + [column.header for column in DELEGATE_COLUMNS]:
        assert f"`{header}`" in docs


def test_a_programme_edited_live_goes_out_to_excel_and_back_unchanged(tmp_path):
    """`runshow export -o plan.xlsx` then `runshow import`: nothing the console can set
    is lost on the way (a count-up, a stop at zero, who did not come, the ids)."""
    document = json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8"))
    document["items"][3]["timer"] = {"mode": "countup"}
    document["items"][4]["timer"] |= {"at_zero": "stop"}
    document["items"][5]["timer"] |= {"audience": False}
    document["delegates"][2]["present"] = False
    for number, delegate in enumerate(document["delegates"], start=1):
        delegate["id"] = f"d{number}"
    edited = parse_agenda(json.dumps(document, ensure_ascii=False))
    path = tmp_path / "plan.xlsx"
    write_workbook(edited, path)
    assert load_plan(path).spec == edited.spec


def test_a_count_up_item_that_kept_its_thresholds_goes_out_without_them(tmp_path):
    """Switched to count up on the console, an item keeps the thresholds it had; they
    never apply, and the sheet would refuse them, so the workbook leaves them out."""
    document = json.loads(BUNDLED_AGENDA.read_text(encoding="utf-8"))
    document["items"][3]["timer"] |= {"mode": "countup"}
    assert document["items"][3]["timer"]["warning"] is not None
    path = tmp_path / "plan.xlsx"
    write_workbook(parse_agenda(json.dumps(document, ensure_ascii=False)), path)
    item = load_plan(path).items[3]
    assert item.spec.timer.mode == "countup" and item.spec.timer.warning is None


# --------------------------------------------------------------------------- #
# A plan typed by an organiser.


def test_a_minimal_sheet_gets_ids_thresholds_and_a_fixed_afternoon_start(tmp_path):
    path = small_plan(
        tmp_path,
        [
            ["Giờ", "Nội dung", "Người trình bày", "Chức vụ", "Đơn vị", "Thời lượng (phút)"],
            [dt.time(8, 0), "Chào cờ", None, None, None, 5],
            ["8:05", "Phát biểu của Hiệu trưởng", "Nguyễn Văn A", "Hiệu trưởng", "Trường X", 7.5],
            [None, "Trao bằng tốt nghiệp", None, "Ban Giám hiệu", "", "30 phút"],
            ["14h", "Tiệc chia tay", None, None, None, None],
        ],
    )
    agenda = load_plan(path, load_agenda(BUNDLED_AGENDA))
    ids = [item.id for item in agenda.items]
    assert ids == ["chao-co", "phat-bieu-cua-hieu-truong", "trao-bang-tot-nghiep", "tiec-chia-tay"]
    speech = agenda.items[1].spec
    assert speech.presenter.name == "Nguyễn Văn A"
    assert speech.duration == 7.5
    assert (speech.timer.warning, speech.timer.danger) == (2, 1)
    assert (agenda.items[2].spec.timer.warning, agenda.items[2].spec.timer.danger) == (5, 2)
    assert agenda.items[0].spec.presenter is None
    party = agenda.items[3].spec
    assert party.timer.mode == "countup"
    assert party.starts_at == "14:00"
    assert agenda.items[1].spec.starts_at is None  # 08:05 is where the programme gets to anyway
    assert agenda.event.start == "08:00"  # from the base agenda
    assert len(agenda.spec.delegates) == 19  # from the base agenda


def test_every_mistake_in_a_sheet_names_its_sheet_row_and_column(tmp_path):
    path = small_plan(tmp_path, MISTAKEN_ROWS)
    found = problems(path, load_agenda(BUNDLED_AGENDA))
    sheet = f"trang «{PROGRAMME_SHEET}»"
    assert f"{sheet}, dòng 2, cột G (Loại): loại «Khai mạc» không có" in found[0]
    assert found[1:] == [
        f"{sheet}, dòng 3, cột F (Thời lượng (phút)): thời lượng phải là số phút "
        "(nhận được «mười»)",
        f"{sheet}, dòng 4, cột A (Giờ): giờ 07:50 sớm hơn giờ mục này bắt đầu theo các mục "
        "trước (08:10): kiểm tra giờ hoặc thời lượng các mục trước",
    ]


def test_the_audience_countdown_column_is_yes_no_or_the_kinds_default(tmp_path):
    rows = [
        ["Nội dung", "Loại", "Thời lượng (phút)", "Đồng hồ khán giả"],
        ["Phát biểu của lãnh đạo", "Phát biểu", 10, "không"],
        ["Hỏi đáp", "Hỏi đáp", 15, None],
        ["Trao thưởng", "Trao thưởng", 10, "có"],
    ]
    agenda = load_plan(small_plan(tmp_path, rows), load_agenda(BUNDLED_AGENDA))
    assert [item.spec.timer.audience for item in agenda.items] == [False, None, True]
    assert [item.audience_timer for item in agenda.items] == [False, True, True]
    rows[1][3] = "tuỳ"
    found = problems(small_plan(tmp_path, rows, "wrong.xlsx"), load_agenda(BUNDLED_AGENDA))
    assert found == [
        f"trang «{PROGRAMME_SHEET}», dòng 2, cột D (Đồng hồ khán giả): ghi «có», «không» "
        "hoặc để trống (nhận được «tuỳ»)"
    ]


def test_rule_mistakes_found_by_the_agenda_checks_point_at_the_cell(tmp_path):
    path = small_plan(
        tmp_path,
        [
            ["Nội dung", "Người trình bày", "Chức vụ", "Thời lượng (phút)", "Vàng (phút)"],
            ["Khai mạc", "Lê Văn C", None, 10, 12],
            ["", None, None, 5, None],
            ["Văn nghệ", None, None, 0, None],
        ],
    )
    found = problems(path, load_agenda(BUNDLED_AGENDA))
    sheet = f"trang «{PROGRAMME_SHEET}»"
    assert sorted(found) == sorted(
        [
            f"{sheet}, dòng 2, cột C (Chức vụ): không được để trống",
            f"{sheet}, dòng 2, cột E (Vàng (phút)): ngưỡng 12 phút phải nhỏ hơn thời lượng 10 phút",
            f"{sheet}, dòng 3, cột A (Nội dung): không được để trống",
            f"{sheet}, dòng 4, cột D (Thời lượng (phút)): phải là số > 0 (nhận được 0.0)",
        ]
    )


def test_a_formula_never_calculated_is_named_instead_of_read_as_empty(tmp_path):
    """openpyxl writes formulas without their result: read as empty, the item would
    silently count up. Excel and LibreOffice save the result along with the formula."""
    path = small_plan(
        tmp_path,
        [["Nội dung", "Thời lượng (phút)"], ["Khai mạc", "=5+2"], ["Văn nghệ", 10]],
    )
    assert problems(path) == [
        f"trang «{PROGRAMME_SHEET}», dòng 2, cột B: công thức «=5+2» chưa có kết quả đã tính "
        "trong tệp: mở tệp bằng Excel hoặc LibreOffice rồi lưu lại"
    ]


def test_an_unknown_column_and_a_missing_title_column_are_named(tmp_path):
    path = small_plan(tmp_path, [["Giờ", "Tiêu đề chính", "Thời lượng"], ["08:00", "A", 5]])
    found = problems(path, load_agenda(BUNDLED_AGENDA))
    sheet = f"trang «{PROGRAMME_SHEET}»"
    assert found[0].startswith(f"{sheet}, dòng 1, cột B: cột «Tiêu đề chính» không được hỗ trợ")
    assert found[1] == f"{sheet}, dòng 1: thiếu cột «Nội dung»"


def test_a_delegate_without_a_title_is_named_by_row_and_column(tmp_path):
    workbook = load_workbook(TEMPLATE)
    workbook[DELEGATES_SHEET]["D5"] = None
    workbook[EVENT_SHEET]["B11"] = "25/7/2023"  # the date row
    path = tmp_path / "plan.xlsx"
    workbook.save(path)
    found = problems(path)
    assert sorted(found) == sorted(
        [
            f"trang «{DELEGATES_SHEET}», dòng 5, cột D (Chức vụ): không được để trống",
            f"trang «{EVENT_SHEET}», dòng 11, cột B: ngày phải có dạng YYYY-MM-DD "
            '(nhận được "25/7/2023")',
        ]
    )


def test_a_csv_from_excel_with_semicolons_imports_with_the_base_event(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "\ufeffGiờ;Nội dung;Người trình bày;Chức vụ;Đơn vị;Thời lượng (phút);Lời dẫn MC\n"
        '08:00;Khai mạc;;MC;;5;"Kính thưa quý vị,\nxin chào mừng"\n'
        ";Tham luận;Phạm D;Giám đốc;Sở X;7,5;\n",
        encoding="utf-8",
    )
    agenda = load_plan(path, load_agenda(BUNDLED_AGENDA))
    assert [item.title for item in agenda.items] == ["Khai mạc", "Tham luận"]
    assert agenda.items[0].spec.mc_script == "Kính thưa quý vị,\nxin chào mừng"
    assert agenda.items[1].spec.duration == 7.5
    assert agenda.event.title == load_agenda(BUNDLED_AGENDA).event.title


def test_a_csv_mistake_names_the_file_row_and_column(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("Nội dung,Thời lượng (phút)\nKhai mạc,abc\n", encoding="utf-8")
    assert problems(path, load_agenda(BUNDLED_AGENDA)) == [
        "trang «plan.csv», dòng 2, cột B (Thời lượng (phút)): thời lượng phải là số phút "
        "(nhận được «abc»)"
    ]


def test_a_file_that_is_not_a_workbook_is_refused_in_words(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    assert problems(path) == ["không đọc được tệp Excel (.xlsx): tệp hỏng hoặc sai định dạng"]


def test_ids_are_ascii_slugs_of_vietnamese_titles():
    assert slug("Đồng chí Đỗ Văn Chiến phát biểu") == "dong-chi-do-van-chien-phat-bieu"
    assert slug("!!!") == "muc"


# --------------------------------------------------------------------------- #
# The command line.


def test_runshow_import_writes_an_agenda_that_loads(tmp_path):
    output = tmp_path / "agenda.json"
    result = runshow("import", str(TEMPLATE), "-o", str(output), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "13 mục, 19 đại biểu" in result.stdout
    written = parse_agenda(output.read_text(encoding="utf-8"))
    assert written.spec == load_agenda(BUNDLED_AGENDA).spec
    assert json.loads(output.read_text(encoding="utf-8"))["schema_version"] == 1


def test_runshow_check_reads_a_sheet_and_lists_its_mistakes(tmp_path):
    good = runshow("check", str(TEMPLATE), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "agenda-template.xlsx: hợp lệ" in good.stdout
    assert "Số mục: 13" in good.stdout

    bad = small_plan(tmp_path, [["Nội dung", "Thời lượng (phút)"], ["Khai mạc", "x"]])
    result = runshow("check", str(bad), "--base", str(BUNDLED_AGENDA), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "Tệp chương trình có 1 lỗi:",
        f"  {bad}: trang «{PROGRAMME_SHEET}», dòng 2, cột B (Thời lượng (phút)): "
        "thời lượng phải là số phút (nhận được «x»)",
    ]
    assert not (tmp_path / "agenda.json").exists()


def test_runshow_import_writes_nothing_when_the_sheet_has_mistakes(tmp_path):
    bad = small_plan(tmp_path, [["Nội dung", "Thời lượng (phút)"], ["Khai mạc", "x"]])
    output = tmp_path / "out.json"
    result = runshow("import", str(bad), "-o", str(output), cwd=tmp_path)
    assert result.returncode == 1
    assert "dòng 2, cột B" in result.stderr
    assert not output.exists()


def test_thresholds_on_a_row_without_a_length_are_refused_at_their_cells(tmp_path):
    """A yellow or red threshold needs a countdown: on a row with no length (or marked
    to count up) it would be dropped, and the clock would never turn yellow or red."""
    plan = small_plan(
        tmp_path,
        [
            ["Nội dung", "Thời lượng (phút)", "Vàng (phút)", "Đỏ (phút)", "Đếm lên"],
            ["Khai mạc", 10, None, None, None],
            ["Tham quan mô hình", None, 2, 1, None],
            ["Văn nghệ", None, None, 1, None],
            ["Giao lưu", 30, 5, None, "x"],
        ],
    )
    output = tmp_path / "out.json"
    result = runshow(
        "import", str(plan), "-o", str(output), "--base", str(BUNDLED_AGENDA), cwd=tmp_path
    )
    assert result.returncode == 1, result.stdout
    sheet = f"trang «{PROGRAMME_SHEET}»"
    no_length = (
        "ngưỡng chỉ dùng cho mục đếm ngược: mục không có thời lượng đếm lên và không đổi "
        "màu (ghi «Thời lượng (phút)» hoặc để trống ô này)"
    )
    counts_up = (
        "ngưỡng chỉ dùng cho mục đếm ngược: mục có «x» ở cột «Đếm lên» không đổi màu "
        "(bỏ «x» ở «Đếm lên» hoặc để trống ô này)"
    )
    assert result.stderr.splitlines()[1:] == [
        f"  {plan}: {sheet}, dòng 3, cột C (Vàng (phút)): {no_length}",
        f"  {plan}: {sheet}, dòng 3, cột D (Đỏ (phút)): {no_length}",
        f"  {plan}: {sheet}, dòng 4, cột D (Đỏ (phút)): {no_length}",
        f"  {plan}: {sheet}, dòng 5, cột C (Vàng (phút)): {counts_up}",
    ]
    assert "Traceback" not in result.stderr
    assert not output.exists()


def test_a_threshold_on_a_row_with_no_length_and_marked_to_count_up_asks_for_a_length(
    tmp_path,
):
    """Taking the «x» out of «Đếm lên» would not make a row with no length count down:
    the refusal asks for the length, as on a row without the «x»."""
    from runshow.sheets import THRESHOLD_WITHOUT_LENGTH

    plan = small_plan(
        tmp_path,
        [
            ["Nội dung", "Thời lượng (phút)", "Vàng (phút)", "Đếm lên"],
            ["Giao lưu", None, 5, "x"],
        ],
    )
    with pytest.raises(AgendaError) as refused:
        load_plan(plan, load_agenda(BUNDLED_AGENDA))
    assert [problem.message for problem in refused.value.problems] == [THRESHOLD_WITHOUT_LENGTH]
