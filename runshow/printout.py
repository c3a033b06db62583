"""What /print lays out: each item with its time, length, presenter, the MC's words,
the delegates to introduce at the opening and the technician's notes, in the current
language (the agenda's texts where it translates them)."""

from __future__ import annotations

from dataclasses import dataclass

from runshow.agenda import Agenda, localized, localized_presenter_line
from runshow.i18n import _
from runshow.introduction import Paragraph, introduction
from runshow.timefmt import clock_text, length_text, minutes_number

#: The item during which the MC introduces the delegates.
INTRODUCTION_KIND = "opening"


@dataclass(frozen=True)
class PrintRow:
    id: str
    number: int
    start: str
    title: str
    kind_label: str
    presenter: str
    length: str
    thresholds: str
    mc_script: str
    tech_notes: str
    introduction: tuple[Paragraph, ...]


def _minutes(value: float | None) -> str:
    return "" if value is None else minutes_number(value)


def print_rows(agenda: Agenda) -> list[PrintRow]:
    tz = agenda.tz
    rows = []
    for item, start in zip(agenda.items, agenda.planned_starts_ms(), strict=True):
        spec = item.spec
        timer = spec.timer
        thresholds = " / ".join(
            part for part in (_minutes(timer.warning), _minutes(timer.danger)) if part
        )
        paragraphs = (
            introduction(d for d in agenda.spec.delegates if d.present)
            if spec.kind == INTRODUCTION_KIND
            else []
        )
        rows.append(
            PrintRow(
                id=item.id,
                number=item.index + 1,
                start=clock_text(start, tz),
                title=localized(item, "title"),
                kind_label=localized(item, "kind_label"),
                presenter=localized_presenter_line(item),
                length=length_text(item.duration_ms, spec.duration_estimated),
                thresholds=_("%(thresholds)s phút", thresholds=thresholds) if thresholds else "",
                mc_script=localized(item, "mc_script"),
                tech_notes=spec.tech_notes,
                introduction=tuple(paragraphs),
            )
        )
    return rows
