"""The planned-versus-actual report of a show, for the organisers after the event.

Built from the same schedule view the console shows, so the two always agree;
the actual times come from the saved state and so survive restarts. Written in the
current language: its words from the catalogue, the agenda's texts translated where
the agenda translates them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import astuple, dataclass
from zoneinfo import ZoneInfo

from runshow.agenda import Agenda, localized, localized_presenter_line
from runshow.engine import ShowState
from runshow.i18n import N_, _, format_date
from runshow.schedule import schedule_view
from runshow.timefmt import clock_text, signed_short
from runshow.words import item_status_word

#: How a visit began or ended, in the words of the console's buttons.
COMMAND_WORDS = {
    "start": N_("Bắt đầu"),
    "resume": N_("Tiếp tục"),
    "reset": N_("Đặt lại"),
    "next": N_("Tiếp theo"),
    "previous": N_("Trước"),
    "goto": N_("Chuyển đến"),
}


@dataclass(frozen=True)
class VisitRow:
    """One stay of an item on stage: from which command to which, how long its clock ran."""

    number: str  # "3.2": item 3, its second visit
    label: str
    how: str
    actual_start: str
    actual_end: str
    actual_minutes: str


@dataclass(frozen=True)
class ReportRow:
    number: int
    title: str
    presenter: str
    status: str
    planned_start: str
    planned_minutes: str
    actual_start: str
    actual_end: str
    actual_minutes: str
    over_under: str
    #: Listed when the item was on more than once (a reset, going back to it):
    #: the row above is then their total. One visit is the row itself.
    visits: tuple[VisitRow, ...] = ()


def minutes(ms: int | None) -> str:
    if ms is None:
        return ""
    seconds = ms // 1000  # whole seconds, as the timers show them
    return f"{seconds // 60}:{seconds % 60:02d}"


def _command_word(command: str) -> str:
    return _(COMMAND_WORDS[command]) if command in COMMAND_WORDS else command


def _how(visit: dict) -> str:
    began = _command_word(visit["started_by"])
    if visit["ended_by"] is None:
        if visit["running"]:
            return _("%(began)s → đang diễn ra", began=began)
        return _("%(began)s → tạm dừng", began=began)
    return f"{began} → {_command_word(visit['ended_by'])}"


def report_rows(agenda: Agenda, state: ShowState, now_ms: int) -> list[ReportRow]:
    tz: ZoneInfo = agenda.tz
    schedule = schedule_view(agenda, state, now_ms, with_visits=True)

    def clock(ms: int | None) -> str:
        return "" if ms is None else clock_text(ms, tz)

    rows = []
    for item, entry in zip(agenda.items, schedule["items"], strict=True):
        over_under = entry["over_under_ms"]
        visits = entry["visits"] if len(entry["visits"]) > 1 else []
        rows.append(
            ReportRow(
                number=item.index + 1,
                title=localized(item, "title"),
                presenter=localized_presenter_line(item),
                status=item_status_word(entry["status"]),
                planned_start=clock(entry["planned_start_ms"]),
                planned_minutes=minutes(item.duration_ms) if item.duration_ms else "",
                actual_start=clock(entry["actual_start_ms"]),
                actual_end=clock(entry["actual_end_ms"]),
                actual_minutes=minutes(entry["actual_duration_ms"]),
                over_under="" if over_under is None else signed_short(over_under),
                visits=tuple(
                    VisitRow(
                        number=f"{item.index + 1}.{count}",
                        label=_("Lượt %(count)s", count=count),
                        how=_how(visit),
                        actual_start=clock(visit["started_ms"]),
                        actual_end=clock(visit["ended_ms"]),
                        actual_minutes=minutes(visit["run_ms"]),
                    )
                    for count, visit in enumerate(visits, start=1)
                ),
            )
        )
    return rows


CSV_HEADER = (
    N_("STT"),
    N_("Nội dung"),
    N_("Người trình bày"),
    N_("Trạng thái"),
    N_("Bắt đầu (kế hoạch)"),
    N_("Thời lượng (kế hoạch)"),
    N_("Bắt đầu (thực tế)"),
    N_("Kết thúc (thực tế)"),
    N_("Thời lượng (thực tế)"),
    N_("Chênh lệch"),
)


TOTALS_LABEL = N_("Tổng cộng")


def totals_line(agenda: Agenda, state: ShowState, now_ms: int) -> tuple[str, ...]:
    """The report's last line: planned minutes of the whole programme, minutes actually
    run, and the over/under of the items that ran, summed."""
    schedule = schedule_view(agenda, state, now_ms)
    entries = schedule["items"]
    ran = [entry["actual_duration_ms"] for entry in entries if entry["actual_duration_ms"]]
    over = [entry["over_under_ms"] for entry in entries if entry["over_under_ms"] is not None]
    starts = [entry["actual_start_ms"] for entry in entries if entry["actual_start_ms"]]
    ends = [entry["actual_end_ms"] for entry in entries if entry["actual_end_ms"]]
    tz = agenda.tz
    return (
        "",
        _(TOTALS_LABEL),
        "",
        "",
        clock_text(agenda.start_ms, tz),
        minutes(agenda.total_planned_ms),
        clock_text(min(starts), tz) if starts else "",
        clock_text(max(ends), tz) if ends else "",
        minutes(sum(ran)) if ran else "",
        signed_short(sum(over)) if over else "",
    )


def report_csv(rows: list[ReportRow], totals: tuple[str, ...] | None = None) -> str:
    """CSV with a byte-order mark, so Excel opens the Vietnamese text correctly.
    An item on stage more than once is followed by one line per visit; the
    `totals` line (see `totals_line`) ends the table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_(word) for word in CSV_HEADER])
    for row in rows:
        writer.writerow(astuple(row)[: len(CSV_HEADER)])
        for visit in row.visits:
            writer.writerow(
                (
                    visit.number,
                    visit.label,
                    "",
                    visit.how,
                    "",
                    "",
                    visit.actual_start,
                    visit.actual_end,
                    visit.actual_minutes,
                    "",
                )
            )
    if totals is not None:
        writer.writerow(totals)
    return "\ufeff" + buffer.getvalue()


def report_heading(agenda: Agenda) -> list[str]:
    """The lines above the workbook's table: what it is, the event, where and when."""
    event = agenda.event
    return [
        _("Báo cáo chương trình: kế hoạch và thực tế"),
        localized(event, "title"),
        f"{event.venue.name}, {event.venue.address}",
        _(
            "Ngày %(date)s, bắt đầu %(start)s",
            date=format_date(dt.date.fromisoformat(event.date)),
            start=event.start,
        ),
    ]
