"""The day as a picture: planned bars against actual bars per item, overruns in red.

Server-rendered SVG for the report page (it prints as it shows). Built from the
same schedule view as the report's table, so the picture and the figures agree.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup, escape

from runshow.agenda import Agenda, localized
from runshow.engine import ShowState
from runshow.i18n import _
from runshow.schedule import schedule_view
from runshow.timefmt import clock_text

WIDTH = 1000
LABEL_WIDTH = 300
ROW_HEIGHT = 30
AXIS_HEIGHT = 26
LEGEND_HEIGHT = 28
TITLE_CHARS = 40
GRID_STEP_MS = 15 * 60_000
DAY_MARGIN_MS = 12 * 3600_000


@dataclass(frozen=True)
class Bar:
    item_number: int
    title: str
    planned: tuple[int, int] | None  # start, end in epoch ms
    actual: tuple[int, int] | None
    overrun_ms: int  # the actual bar's last part past the planned length


def timeline_bars(agenda: Agenda, state: ShowState, now_ms: int) -> list[Bar]:
    schedule = schedule_view(agenda, state, now_ms)
    bars = []
    for item, entry in zip(agenda.items, schedule["items"], strict=True):
        planned = None
        if item.duration_ms:
            planned = (entry["planned_start_ms"], entry["planned_start_ms"] + item.duration_ms)
        actual = None
        if entry["actual_start_ms"] is not None:
            end = now_ms if entry["status"] == "now" else entry["actual_end_ms"]
            if end is not None and end > entry["actual_start_ms"]:
                actual = (entry["actual_start_ms"], end)
        over = entry["over_under_ms"] or 0
        bars.append(
            Bar(
                item_number=item.index + 1,
                title=localized(item, "title"),
                planned=planned,
                actual=actual,
                overrun_ms=max(over, 0),
            )
        )
    return bars


def _short(text: str) -> str:
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


def timeline_svg(agenda: Agenda, state: ShowState, now_ms: int) -> Markup:
    """The SVG markup of the day's timeline (empty when nothing has a time to draw)."""
    bars = timeline_bars(agenda, state, now_ms)
    planned = [bar.planned for bar in bars if bar.planned is not None]
    if not planned:
        return Markup("")
    # Actual times on another day than the plan (a show run on another day, not as a rehearsal)
    # cannot share its axis: only the plan is drawn then.
    window = (planned[0][0] - DAY_MARGIN_MS, planned[-1][1] + DAY_MARGIN_MS)
    bars = [
        bar
        if bar.actual is None or window[0] <= bar.actual[0] <= window[1]
        else replace(bar, actual=None, overrun_ms=0)
        for bar in bars
    ]
    spans = [span for bar in bars for span in (bar.planned, bar.actual) if span is not None]
    first = min(start for start, _end in spans)
    last = max(end for _start, end in spans)
    first -= first % GRID_STEP_MS
    last += -last % GRID_STEP_MS or GRID_STEP_MS
    scale = (WIDTH - LABEL_WIDTH - 10) / (last - first)

    def x(ms: int) -> float:
        return round(LABEL_WIDTH + (ms - first) * scale, 1)

    height = AXIS_HEIGHT + ROW_HEIGHT * len(bars) + LEGEND_HEIGHT
    label = escape(_("Biểu đồ thời gian: kế hoạch và thực tế từng mục"))
    planned_word, actual_word, overrun_word = (
        escape(word) for word in (_("Kế hoạch"), _("Thực tế"), _("Quá giờ"))
    )
    parts: list[str] = [
        f'<svg class="timeline" id="report-timeline" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{label}">'
    ]
    bottom = AXIS_HEIGHT + ROW_HEIGHT * len(bars)
    for tick in range(first, last + 1, GRID_STEP_MS):
        major = (tick // 60_000) % 60 == 0
        parts.append(
            f'<line class="grid{" major" if major else ""}" x1="{x(tick)}" y1="{AXIS_HEIGHT - 4}" '
            f'x2="{x(tick)}" y2="{bottom}"/>'
        )
        parts.append(
            f'<text class="tick" x="{x(tick)}" y="{AXIS_HEIGHT - 9}" text-anchor="middle">'
            f"{clock_text(tick, agenda.tz)}</text>"
        )
    for row, bar in enumerate(bars):
        top = AXIS_HEIGHT + row * ROW_HEIGHT
        parts.append(
            f'<text class="label" x="4" y="{top + ROW_HEIGHT / 2 + 5}">'
            f"{bar.item_number}. {escape(_short(bar.title))}</text>"
        )
        parts.append(_bar_group(bar, top, x))
    legend = bottom + 18
    parts.append(
        f'<rect class="planned" x="{LABEL_WIDTH}" y="{legend - 10}" width="24" height="10"/>'
        f'<text class="legend" x="{LABEL_WIDTH + 30}" y="{legend}">{planned_word}</text>'
        f'<rect class="actual" x="{LABEL_WIDTH + 120}" y="{legend - 10}" width="24" height="10"/>'
        f'<text class="legend" x="{LABEL_WIDTH + 150}" y="{legend}">{actual_word}</text>'
        f'<rect class="overrun" x="{LABEL_WIDTH + 230}" y="{legend - 10}" width="24" height="10"/>'
        f'<text class="legend" x="{LABEL_WIDTH + 260}" y="{legend}">{overrun_word}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _bar_group(bar: Bar, top: int, x: Any) -> str:
    group = [f'<g class="row" data-item="{bar.item_number}">']
    if bar.planned is not None:
        start, end = bar.planned
        planned_word = escape(_("Kế hoạch"))
        group.append(
            f'<rect class="planned" x="{x(start)}" y="{top + 5}" '
            f'width="{max(x(end) - x(start), 1)}" height="9"><title>{planned_word}</title></rect>'
        )
    if bar.actual is not None:
        start, end = bar.actual
        overrun_start = max(start, end - bar.overrun_ms)
        group.append(
            f'<rect class="actual" x="{x(start)}" y="{top + 15}" '
            f'width="{max(x(overrun_start) - x(start), 1)}" height="9"/>'
        )
        if bar.overrun_ms:
            group.append(
                f'<rect class="overrun" x="{x(overrun_start)}" y="{top + 15}" '
                f'width="{max(x(end) - x(overrun_start), 1)}" height="9"/>'
            )
    group.append("</g>")
    return "".join(group)
