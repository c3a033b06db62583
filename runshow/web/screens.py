"""The screens: stage, MC tablet, delegates' programme, control console, and a home page."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from runshow.agenda import KIND_LABELS
from runshow.network import base_urls
from runshow.printout import print_rows
from runshow.report import report_csv, report_rows, totals_line
from runshow.report_xlsx import XLSX_MIMETYPE, report_xlsx
from runshow.timefmt import clock_text, offset_words
from runshow.timeline import timeline_svg
from runshow.web.auth import login_required
from runshow.web.extension import current_show
from runshow.web.pages import page_context
from runshow.web.qr import qr_svg
from runshow.words import ROLE_NAMES

bp = Blueprint("screens", __name__)

SCREENS = (
    {
        "name": "stage",
        "path": "/stage",
        "label": ROLE_NAMES["stage"],
        "description": "Máy chiếu hoặc màn LED: băng rôn, diễn giả; đồng hồ nếu chương trình cho.",
    },
    {
        "name": "speaker",
        "path": "/speaker",
        "label": ROLE_NAMES["speaker"],
        "description": "Màn hình dưới chân bục hoặc máy tính trên bục: đồng hồ lớn, tin nhắn.",
    },
    {
        "name": "mc",
        "path": "/mc",
        "label": ROLE_NAMES["mc"],
        "description": "Lời dẫn chương trình, mục tiếp theo, thời gian còn lại. Tin nhắn gửi "
        "MC chỉ hiện khi mở bằng đường dẫn có mã MC (in khi chạy máy chủ, mã QR trên bàn "
        "điều khiển).",
    },
    {
        "name": "clock",
        "path": "/clock",
        "label": ROLE_NAMES["clock"],
        "description": "Giờ hiện tại thật lớn, đồng hồ của mục đang diễn ra và đèn ĐANG DIỄN RA: "
        "cho phòng điều khiển và hậu trường.",
    },
    {
        "name": "programme",
        "path": "/programme",
        "label": ROLE_NAMES["programme"],
        "description": "Chương trình hội nghị trên điện thoại, chỉ xem.",
    },
    {
        "name": "control",
        "path": "/control",
        "label": ROLE_NAMES["control"],
        "description": "Dành cho kỹ thuật viên: cần mã điều khiển.",
    },
)


def _lan_addresses() -> list[str]:
    """Where screens reach this server: only addresses it listens on (`--host`),
    LAN ones rather than loopback, else the address this request came to."""
    port = request.host.rsplit(":", 1)[1] if ":" in request.host else "80"
    host = current_app.config["RUNSHOW_HOST"]
    addresses = base_urls(host, int(port)) if port.isdigit() else []
    return [url for url in addresses if "://127." not in url] or [request.host_url.rstrip("/")]


@bp.route("/")
def index() -> str:
    # A QR code must lead somewhere. The MC's has no token: this page is public.
    lan = _lan_addresses()
    qr_svgs = {screen["path"]: qr_svg(lan[0] + screen["path"]) for screen in SCREENS}
    return render_template(
        "index.html", screens=SCREENS, addresses=lan, qr_svgs=qr_svgs, **page_context("home")
    )


@bp.route("/stage")
def stage() -> str:
    return render_template("stage.html", **page_context("stage"))


@bp.route("/speaker")
def speaker() -> str:
    """The speaker's confidence monitor: always the countdown."""
    return render_template("speaker.html", **page_context("speaker"))


@bp.route("/mc")
def mc() -> str:
    """The MC's private view with the MC link's token (``?token=``); without it the
    public one: the MC's messages are for the MC's tablet only."""
    private = current_show().access.is_mc_token(request.args.get("token"))
    return render_template("mc.html", mc_private=private, **page_context("mc", private=private))


def mc_link(base_url: str) -> str:
    """The MC tablet's address, with its token."""
    return f"{base_url}/mc?{urlencode({'token': current_show().access.mc_token})}"


@bp.route("/clock")
def studio_clock() -> str:
    """The studio clock: time of day, the item's countdown, the on-air light."""
    return render_template("clock.html", **page_context("clock"))


@bp.route("/prompter")
def prompter() -> str:
    """The MC's script, large, for a prompter's glass: with the MC link's token, as the
    MC's tablet (without it there is no script to show)."""
    private = current_show().access.is_mc_token(request.args.get("token"))
    return render_template(
        "prompter.html", mc_private=private, **page_context("prompter", private=private)
    )


@bp.route("/programme")
def programme() -> str:
    return render_template("programme.html", **page_context("programme"))


@bp.route("/control")
@login_required
def control() -> str:
    link = mc_link(_lan_addresses()[0])
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


@bp.route("/report")
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
        **page_context("report"),
    )


@bp.route("/print")
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
    filename = f"runshow-{kind}-{agenda.event.date}.{suffix}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/report.csv")
@login_required
def report_download() -> Response:
    return _download(_report_csv_text(current_show()), "text/csv; charset=utf-8", "csv")


@bp.route("/report.xlsx")
@login_required
def report_workbook() -> Response:
    """The same table as the CSV, in an Excel workbook with a heading."""
    show = current_show()
    event = show.agenda.event
    heading = [
        "Báo cáo chương trình: kế hoạch và thực tế",
        event.title,
        f"{event.venue.name}, {event.venue.address}",
        f"Ngày {event.date}, bắt đầu {event.start}",
    ]
    content = report_xlsx(_report_csv_text(show), heading, rehearsal=show.agenda.rehearsal)
    return _download(content, XLSX_MIMETYPE, "xlsx")
