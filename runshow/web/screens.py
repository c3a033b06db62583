"""The screens: stage, MC tablet, delegates' programme, control console, and a home page."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request

from runshow.network import base_urls
from runshow.report import report_csv, report_rows
from runshow.timefmt import clock_text, offset_text
from runshow.web import runtime
from runshow.web.auth import login_required
from runshow.web.pages import page_context
from runshow.web.qr import qr_svg

bp = Blueprint("screens", __name__)

SCREENS = (
    {
        "name": "stage",
        "path": "/stage",
        "label": "Màn hình sân khấu",
        "description": "Máy chiếu hoặc màn LED: băng rôn, diễn giả và đồng hồ đếm ngược.",
    },
    {
        "name": "mc",
        "path": "/mc",
        "label": "Máy tính bảng MC",
        "description": "Lời dẫn chương trình, mục tiếp theo, thời gian còn lại.",
    },
    {
        "name": "programme",
        "path": "/programme",
        "label": "Chương trình (đại biểu)",
        "description": "Chương trình hội nghị trên điện thoại, chỉ xem.",
    },
    {
        "name": "control",
        "path": "/control",
        "label": "Bàn điều khiển",
        "description": "Dành cho kỹ thuật viên: cần mã điều khiển.",
    },
)


@bp.route("/")
def index() -> str:
    port = request.host.rsplit(":", 1)[1] if ":" in request.host else "80"
    # Only addresses this server listens on (`--host`): a QR code must lead somewhere.
    host = current_app.config["RUNSHOW_HOST"]
    addresses = base_urls(host, int(port)) if port.isdigit() else []
    lan = [url for url in addresses if "://127." not in url] or [request.host_url.rstrip("/")]
    qr_svgs = {screen["path"]: qr_svg(lan[0] + screen["path"]) for screen in SCREENS}
    return render_template(
        "index.html", screens=SCREENS, addresses=lan, qr_svgs=qr_svgs, **page_context("home")
    )


@bp.route("/stage")
def stage() -> str:
    return render_template("stage.html", **page_context("stage"))


@bp.route("/mc")
def mc() -> str:
    return render_template("mc.html", **page_context("mc"))


@bp.route("/programme")
def programme() -> str:
    return render_template("programme.html", **page_context("programme"))


@bp.route("/control")
@login_required
def control() -> str:
    return render_template("control.html", **page_context("control"))


def _report():
    show = runtime()
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
        planned_end=clock_text(view["planned_end_ms"], tz),
        projected_end=clock_text(view["projected_end_ms"], tz),
        offset=offset_text(view["offset_ms"]),
        **page_context("report"),
    )


@bp.route("/report.csv")
@login_required
def report_download() -> Response:
    show, rows = _report()
    filename = f"runshow-bao-cao-{show.agenda.event.date}.csv"
    return Response(
        report_csv(rows),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
