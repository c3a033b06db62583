"""The report as XLSX (the same figures as the CSV) and as a timeline drawn on the page."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from pytest import approx

from runshow.report_xlsx import REHEARSAL_MARK
from tests.conftest import CONTROL_KEY, app_config
from tests.test_report import play_the_first_two_items


def csv_rows(technician) -> list[list[str]]:
    text = technician.get("/report.csv").get_data(as_text=True)
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def xlsx_table(technician):
    response = technician.get("/report.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = [["" if value is None else str(value) for value in row] for row in sheet.values]
    header = next(index for index, row in enumerate(rows) if row[:2] == ["STT", "Nội dung"])
    return rows[:header], rows[header:]


def test_the_report_needs_the_technician_for_the_workbook_too(client):
    assert client.get("/report.xlsx").status_code == 302


def test_the_workbook_holds_exactly_the_csv_figures_with_totals(technician, clock):
    play_the_first_two_items(technician, clock)
    heading, table = xlsx_table(technician)
    assert table == csv_rows(technician)
    assert heading[0][0] == "Báo cáo chương trình: kế hoạch và thực tế"
    assert not any(REHEARSAL_MARK in row[0] for row in heading)
    totals = table[-1]
    assert totals[1] == "Tổng cộng"
    assert totals[5] == "135:00"  # the afternoon visit has no planned length
    assert totals[8] == "19:30"  # 11:30 + 8:00 actually run
    assert totals[9] == "-0:30"  # +1:30 and -2:00


def test_a_rehearsal_report_says_so_in_the_workbook(tmp_path, clock):
    technician = technician_on_the_day(tmp_path, clock)
    heading, _ = xlsx_table(technician)
    assert [row[0] for row in heading if row[0] == REHEARSAL_MARK] == [REHEARSAL_MARK]
    assert "TỔNG DUYỆT" in technician.get("/report").get_data(as_text=True)


def test_a_show_run_on_another_day_than_its_plan_draws_the_plan_only(technician, clock):
    play_the_first_two_items(technician, clock)
    svg = technician.get("/report").get_data(as_text=True)
    assert svg.count('<g class="row"') == 13
    assert '<rect class="actual" x=' not in svg.split('class="legend"')[0]


def technician_on_the_day(tmp_path, clock):
    """A technician's client on a dress rehearsal whose first item is planned for the fake
    clock's now (``serve --rehearsal``)."""
    from runshow.web import create_app

    app = create_app(app_config(tmp_path / "day-data", clock, RUNSHOW_REHEARSAL_START_MS=clock.now))
    technician = app.test_client()
    technician.post("/login", data={"key": CONTROL_KEY})
    return technician


def test_the_report_page_draws_planned_and_actual_bars_with_the_overrun_in_red(tmp_path, clock):
    technician = technician_on_the_day(tmp_path, clock)
    play_the_first_two_items(technician, clock)
    page = technician.get("/report").get_data(as_text=True)
    svg = re.search(r'<svg class="timeline".*?</svg>', page, re.S).group(0)
    rows = re.findall(r'<g class="row" data-item="(\d+)">(.*?)</g>', svg, re.S)
    assert len(rows) == 13
    by_item = dict(rows)
    # The performance ran 90 s over: planned, actual and a red overrun.
    assert by_item["1"].count('class="planned"') == 1
    assert by_item["1"].count('class="actual"') == 1
    assert by_item["1"].count('class="overrun"') == 1
    # The opening finished early: no red.
    assert 'class="overrun"' not in by_item["2"]
    assert 'class="actual"' in by_item["2"]
    # Not yet on: the plan only.
    assert 'class="actual"' not in by_item["5"]
    # The bar lengths follow the times: 11:30 of actual against 10:00 planned.
    width = {
        kind: float(
            re.search(rf'class="{kind}" x="[\d.]+" y="\d+" width="([\d.]+)"', by_item["1"]).group(1)
        )
        for kind in ("planned", "actual", "overrun")
    }
    assert (width["actual"] + width["overrun"]) / width["planned"] == approx(1.15, rel=0.02)
    assert width["overrun"] / width["planned"] == approx(0.15, rel=0.05)
    assert "Quá giờ" in svg
