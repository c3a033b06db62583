"""The report as an Excel workbook: the CSV's table, under a heading, with widths and colour.

Written from the CSV text itself, so the two downloads always hold the same figures,
in the current language (the CSV's and the heading's).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from runshow.i18n import N_, _
from runshow.report import TOTALS_LABEL

REHEARSAL_MARK = N_("TỔNG DUYỆT — không phải số liệu của buổi chính thức")
SHEET_TITLE = N_("Báo cáo")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN_WIDTHS = (6, 48, 40, 22, 12, 12, 12, 12, 12, 11)


@dataclass(frozen=True)
class RoomReport:
    """One room's part of the combined workbook: its sheet's name, the room's CSV and
    heading, and its line in the summary sheet."""

    sheet: str
    csv_text: str
    heading: list[str]
    rehearsal: bool
    summary: list[str]


#: The combined workbook's first sheet, one row per room.
SUMMARY_TITLE = N_("Tổng hợp")
SUMMARY_HEADER = (
    N_("Phòng"),
    N_("Sự kiện"),
    N_("Ngày"),
    N_("Kết thúc theo kế hoạch"),
    N_("Kết thúc (dự kiến hoặc thực tế)"),
    N_("Lệch so với kế hoạch"),
    N_("Số mục đã diễn ra"),
)


def report_xlsx(csv_text: str, heading: list[str], rehearsal: bool) -> bytes:
    """A workbook whose sheet holds `heading` (a line a row), the rehearsal mark
    when it was one, a blank row, then the CSV's rows (header first)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _(SHEET_TITLE)
    _fill(sheet, csv_text, heading, rehearsal)
    return _saved(workbook)


def rooms_report_xlsx(rooms: list[RoomReport]) -> bytes:
    """Several rooms' reports in one workbook: a summary sheet (a row per room), then
    one sheet per room as `report_xlsx` writes it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    summary = workbook.active
    summary.title = _(SUMMARY_TITLE)
    summary.append([_(word) for word in SUMMARY_HEADER])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for room in rooms:
        summary.append(room.summary)
        _fill(workbook.create_sheet(room.sheet[:31]), room.csv_text, room.heading, room.rehearsal)
    for index, width in enumerate((18, 60, 12, 14, 16, 16, 12)):
        summary.column_dimensions[chr(ord("A") + index)].width = width
    return _saved(workbook)


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(sheet, csv_text: str, heading: list[str], rehearsal: bool) -> None:
    """`heading`, the rehearsal mark, a blank row, then the CSV's table, styled."""
    from openpyxl.styles import Alignment, Font, PatternFill

    lines = [*heading, *([_(REHEARSAL_MARK)] if rehearsal else [])]
    for number, line in enumerate(lines, start=1):
        sheet.append([line])
        sheet.cell(number, 1).font = Font(bold=number == 1, size=14 if number == 1 else 11)
    if rehearsal:
        sheet.cell(len(lines), 1).font = Font(bold=True, color="B91C1C", size=12)
    sheet.append([])
    table = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    first_row = sheet.max_row + 1
    for row in table:
        sheet.append(row)
    header_fill = PatternFill("solid", fgColor="FFF1F5F9")
    for cell in sheet[first_row]:
        cell.font, cell.fill = Font(bold=True), header_fill
    over_column = len(table[0])
    for row in sheet.iter_rows(min_row=first_row + 1):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column in (2, 3))
        over = row[over_column - 1] if len(row) >= over_column else None
        if over is not None and str(over.value or "").startswith("+"):
            over.font = Font(bold=True, color="B91C1C")
    last = sheet[sheet.max_row]
    if last[1].value == _(TOTALS_LABEL):
        for cell in last:
            cell.font = Font(bold=True, color=cell.font.color)
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = sheet.cell(first_row + 1, 1)
