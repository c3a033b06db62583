"""The report as an Excel workbook: the CSV's table, under a heading, with widths and colour.

Written from the CSV text itself, so the two downloads always hold the same figures.
"""

from __future__ import annotations

import csv
import io

from runshow.report import TOTALS_LABEL

REHEARSAL_MARK = "TỔNG DUYỆT — không phải số liệu của buổi chính thức"
SHEET_TITLE = "Báo cáo"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMN_WIDTHS = (6, 48, 40, 22, 12, 12, 12, 12, 12, 11)


def report_xlsx(csv_text: str, heading: list[str], rehearsal: bool) -> bytes:
    """A workbook whose sheet holds `heading` (a line a row), the rehearsal mark
    when it was one, a blank row, then the CSV's rows (header first)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    lines = [*heading, *([REHEARSAL_MARK] if rehearsal else [])]
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
    if last[1].value == TOTALS_LABEL:
        for cell in last:
            cell.font = Font(bold=True, color=cell.font.color)
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = sheet.cell(first_row + 1, 1)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
