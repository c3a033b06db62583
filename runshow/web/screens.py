"""The screens: stage, MC tablet, delegates' programme, control console, and a home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, g, render_template, request, url_for

from runshow.agenda import KIND_LABELS, localized, localized_presenter_line
from runshow.i18n import N_, _, format_date, translate_all
from runshow.printout import print_rows
from runshow.report import report_csv, report_heading, report_rows, totals_line
from runshow.report_xlsx import XLSX_MIMETYPE, RoomReport, report_xlsx, rooms_report_xlsx
from runshow.schedule import schedule_view
from runshow.timefmt import clock_text, offset_words
from runshow.timeline import timeline_svg
from runshow.web.auth import login_required, producer_required
from runshow.web.extension import current_server, current_show
from runshow.web.overview import room_chooser
from runshow.web.pages import lan_addresses, page_context, server_context
from runshow.web.qr import qr_svg
from runshow.web.roomurls import room_route
from runshow.web.tiles import room_tile
from runshow.words import ITEM_STATUS_WORDS, role_name

bp = Blueprint("screens", __name__)

#: The home page's screens, each named by its role (runshow/words.py) and described.
SCREENS = (
    {
        "name": "stage",
        "path": "/stage",
        "description": N_(
            "Máy chiếu hoặc màn LED: băng rôn, diễn giả; đồng hồ nếu chương trình cho."
        ),
    },
    {
        "name": "speaker",
        "path": "/speaker",
        "description": N_("Màn hình dưới chân bục hoặc máy tính trên bục: đồng hồ lớn, tin nhắn."),
    },
    {
        "name": "mc",
        "path": "/mc",
        "description": N_(
            "Lời dẫn chương trình, mục tiếp theo, thời gian còn lại. Tin nhắn gửi "
            "MC chỉ hiện khi mở bằng đường dẫn có mã MC (in khi chạy máy chủ, mã QR trên bàn "
            "điều khiển)."
        ),
    },
    {
        "name": "clock",
        "path": "/clock",
        "description": N_(
            "Giờ hiện tại thật lớn, đồng hồ của mục đang diễn ra và đèn ĐANG DIỄN RA: "
            "cho phòng điều khiển và hậu trường."
        ),
    },
    {
        "name": "programme",
        "path": "/programme",
        "description": N_("Chương trình hội nghị trên điện thoại, chỉ xem."),
    },
    {
        "name": "control",
        "path": "/control",
        "description": N_("Dành cho kỹ thuật viên: cần mã điều khiển."),
    },
)


@bp.route("/")
def index() -> Any:
    if current_server().several:
        return room_chooser()
    # A QR code must lead somewhere. The MC's has no token: this page is public.
    lan = lan_addresses()
    qr_svgs = {screen["path"]: qr_svg(lan[0] + screen["path"]) for screen in SCREENS}
    screens = [
        screen | {"label": role_name(screen["name"]), "description": _(screen["description"])}
        for screen in SCREENS
    ]
    return render_template(
        "index.html", screens=screens, addresses=lan, qr_svgs=qr_svgs, **page_context("home")
    )


@room_route(bp, "/stage")
def stage() -> str:
    return render_template("stage.html", **page_context("stage"))


@room_route(bp, "/speaker")
def speaker() -> str:
    """The speaker's confidence monitor: always the countdown."""
    return render_template("speaker.html", **page_context("speaker"))


@room_route(bp, "/mc")
def mc() -> str:
    """The MC's private view with the MC link's token (``?token=``); without it the
    public one: the MC's messages are for the MC's tablet only."""
    private = current_show().access.is_mc_token(request.args.get("token"))
    return render_template("mc.html", mc_private=private, **page_context("mc", private=private))


def mc_link(base_url: str) -> str:
    """The MC tablet's address, with its token."""
    return base_url + url_for("screens.mc", token=current_show().access.mc_token)


@room_route(bp, "/clock")
def studio_clock() -> str:
    """The studio clock: time of day, the item's countdown, the on-air light."""
    return render_template("clock.html", **page_context("clock"))


@room_route(bp, "/prompter")
def prompter() -> str:
    """The MC's script, large, for a prompter's glass: with the MC link's token, as the
    MC's tablet (without it there is no script to show)."""
    private = current_show().access.is_mc_token(request.args.get("token"))
    return render_template(
        "prompter.html", mc_private=private, **page_context("prompter", private=private)
    )


@room_route(bp, "/programme")
def programme() -> str:
    """The delegates' programme; on a server of several rooms without one, what is on
    now in each room and each room's programme, to pick the next session."""
    if is_every_room():
        return every_room_programme()
    return render_template("programme.html", **page_context("programme"))


def every_room_programme() -> str:
    rooms = []
    for room in current_server().rooms.values():
        agenda, service = room.agenda, room.service
        statuses = {
            item["id"]: item["status"]
            for item in schedule_view(agenda, service.state, service.clock())["items"]
        }
        items = [
            {
                "start": clock_text(start, agenda.tz),
                "title": localized(item, "title"),
                "presenter": localized_presenter_line(item),
                "status": statuses.get(item.id, "upcoming"),
            }
            for item, start in zip(agenda.items, agenda.planned_starts_ms(), strict=True)
        ]
        day = dt.date.fromisoformat(agenda.event.date)
        rooms.append({"tile": room_tile(room), "entries": items, "day": day})
    return render_template(
        "rooms_programme.html",
        rooms=rooms,
        status_words=translate_all(ITEM_STATUS_WORDS),
        **server_context("home"),
    )


@room_route(bp, "/control")
@login_required
def control() -> str:
    link = mc_link(lan_addresses()[0])
    return render_template(
        "control.html",
        mc_link=link,
        mc_qr=qr_svg(link),
        kinds=KIND_LABELS,
        handover_note=_handover_note(),
        **page_context("control"),
    )


def _handover_note() -> str | None:
    """Until the first item runs: how many corrections the show got from the rehearsal."""
    from runshow.rehearsal import carried_text

    carried = current_app.config.get("RUNSHOW_CARRIED_EDITS", 0)
    return carried_text(carried) if carried and not current_show().service.state.visits else None


def _report():
    show = current_show()
    return show, report_rows(show.agenda, show.service.state, show.service.clock())


@room_route(bp, "/report")
@login_required
def report() -> str:
    """Planned against actual, printable: the organisers' record of the day."""
    show, rows = _report()
    view = show.service.view()["schedule"]
    tz = show.agenda.tz
    return render_template(
        "report.html",
        rows=rows,
        totals=totals_line(show.agenda, show.service.state, show.service.clock()),
        timeline=timeline_svg(show.agenda, show.service.state, show.service.clock()),
        planned_end=clock_text(view["planned_end_ms"], tz),
        projected_end=clock_text(view["projected_end_ms"], tz),
        offset=offset_words(view["offset_ms"])["text"],
        day=format_date(dt.date.fromisoformat(show.agenda.event.date)),
        **page_context("report"),
    )


@room_route(bp, "/print")
@login_required
def print_sheets() -> str:
    """The MC's script and the technician's run sheet, for A4."""
    show = current_show()
    return render_template(
        "print.html",
        items=print_rows(show.agenda),
        planned_end=clock_text(show.agenda.planned_end_ms, show.agenda.tz),
        **page_context("print"),
    )


def _report_csv_text(show) -> str:
    service = show.service
    rows = report_rows(show.agenda, service.state, service.clock())
    return report_csv(rows, totals_line(show.agenda, service.state, service.clock()))


def _download(content: str | bytes, mimetype: str, suffix: str) -> Response:
    agenda = current_show().agenda
    kind = "tong-duyet" if agenda.rehearsal else "bao-cao"
    return _attachment(content, mimetype, f"runshow-{kind}-{agenda.event.date}.{suffix}")


def _attachment(content: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@room_route(bp, "/report.csv")
@login_required
def report_download() -> Response:
    return _download(_report_csv_text(current_show()), "text/csv; charset=utf-8", "csv")


@room_route(bp, "/report.xlsx")
def report_workbook() -> Response:
    """The same table as the CSV, in an Excel workbook with a heading; on a server of
    several rooms without one, every room's (the producer's)."""
    if is_every_room():
        return every_room_workbook()
    return room_workbook()


def is_every_room() -> bool:
    """A page of a server of several rooms asked for without a room."""
    return current_server().several and g.get("room_id") is None


@login_required
def room_workbook() -> Response:
    show = current_show()
    content = report_xlsx(
        _report_csv_text(show), report_heading(show.agenda), show.agenda.rehearsal
    )
    return _download(content, XLSX_MIMETYPE, "xlsx")


@producer_required
def every_room_workbook() -> Response:
    """A summary sheet, then a sheet per room."""
    reports = []
    for room in current_server().rooms.values():
        service, agenda = room.service, room.agenda
        tile = room_tile(room)
        visited = sum(
            1
            for item in schedule_view(agenda, service.state, service.clock())["items"]
            if item["actual_start_ms"] is not None
        )
        summary = [
            room.id,
            localized(agenda.event, "title"),
            format_date(dt.date.fromisoformat(agenda.event.date)),
            clock_text(agenda.planned_end_ms, agenda.tz),
            tile["projected_end"],
            tile["offset"]["text"],
            str(visited),
        ]
        reports.append(
            RoomReport(
                room.id, _report_csv_text(room), report_heading(agenda), agenda.rehearsal, summary
            )
        )
    content = rooms_report_xlsx(reports)
    dates = sorted({room.agenda.event.date for room in current_server().rooms.values()})
    return _attachment(content, XLSX_MIMETYPE, f"runshow-bao-cao-cac-phong-{dates[0]}.xlsx")
