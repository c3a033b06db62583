"""The technician's login page and logout; the checks themselves are web/access.py's."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from runshow import i18n
from runshow.i18n import N_, _
from runshow.web.access import PRODUCER, WRONG_KEY, client_address, locked_out_text
from runshow.web.channels import disconnect_consoles
from runshow.web.extension import current_server, current_show
from runshow.web.pages import page_context

bp = Blueprint("auth", __name__)


def is_technician() -> bool:
    """True when this request's session may control the request's room."""
    return current_show().access.is_technician(session)


#: A room operator's session on another room's page (or the producer's overview).
NOT_YOUR_ROOM = N_("Phiên này chỉ điều khiển phòng khác: đăng nhập bằng mã của phòng này.")


def login_required(view):
    """The room's controllers only (the producer, or the room's operator); another
    room's operator is refused (403), anyone else is sent to log in."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not is_technician():
            if current_server().show_access.operator_room(session) is not None:
                abort(403, _(NOT_YOUR_ROOM))
            return redirect(url_for("auth.login", next=request.path, lang=_asked_language()))
        return view(*args, **kwargs)

    return guarded


def producer_required(view):
    """The producer only (the control key): a room operator is refused (403)."""

    @wraps(view)
    def guarded(*args, **kwargs):
        access = current_server().show_access
        if not access.is_technician(session):
            if access.operator_room(session) is not None:
                abort(403, _(NOT_YOUR_ROOM))
            return redirect(url_for("auth.login", next=request.path, lang=_asked_language()))
        return view(*args, **kwargs)

    return guarded


def _asked_language() -> str | None:
    """The language this request's link asked for (``?lang=``), kept through the login."""
    return i18n.supported(request.args.get("lang"))


def _in_asked_language(path: str) -> str:
    """`path` with the link's ``?lang=`` carried on: /control?lang=en after the login."""
    lang = _asked_language()
    if not lang or "lang=" in urlsplit(path).query:
        return path
    return f"{path}{'&' if '?' in path else '?'}{urlencode({'lang': lang})}"


def _safe_next(target: str | None) -> str:
    """Only paths on this server: never redirect a login to another site."""
    if (
        not target
        or urlsplit(target).netloc
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return url_for("screens.control")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str:
    next_path = _safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_server().show_access.is_technician(session):
            return redirect(_in_asked_language(next_path))
        return render_template("login.html", error=None, next=next_path, **page_context("login"))
    access = current_server().show_access
    key = request.form.get("key", "").strip()
    holder, wait = access.check_holder(key, client_address(), access.login_throttle)
    if holder is not None:
        access.log_in(session, holder)
        if holder != PRODUCER and not request.values.get("next"):  # a room's operator
            next_path = url_for("screens.control", room=holder)
        return redirect(_in_asked_language(next_path))
    error = locked_out_text(wait) if wait else _(WRONG_KEY)
    status = 429 if wait else 401
    html = render_template("login.html", error=error, next=next_path, **page_context("login"))
    return Response(html, status=status, headers={"Retry-After": str(wait)} if wait else None)


@bp.before_request
def same_origin_posts_only() -> None:
    """Another site's form must not log a console in or out (SameSite does not stop
    a cross-site POST from clearing the cookie)."""
    if request.method != "POST":
        return
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin and urlsplit(origin).netloc != request.host:
        abort(403)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Ends every technician's session: the login epoch moves on, and open
    consoles are disconnected at once."""
    server = current_server()
    if server.show_access.is_technician(session):  # the producer: every session ends
        server.show_access.log_everyone_out()
        disconnect_consoles(server.socketio)
    session.clear()  # a room operator: this session
    return redirect(url_for("auth.login", lang=_asked_language()))
