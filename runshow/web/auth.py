"""The technician's login page and logout; the checks themselves are web/access.py's."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

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

from runshow.web.access import WRONG_KEY, client_address, locked_out_text
from runshow.web.channels import disconnect_consoles
from runshow.web.extension import current_show
from runshow.web.pages import page_context

bp = Blueprint("auth", __name__)


def is_technician() -> bool:
    """True when this request's session is a logged-in technician's."""
    return current_show().access.is_technician(session)


def login_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        if not is_technician():
            return redirect(url_for("auth.login", next=request.path))
        return view(*args, **kwargs)

    return guarded


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
        if is_technician():
            return redirect(next_path)
        return render_template("login.html", error=None, next=next_path, **page_context("login"))
    access = current_show().access
    key = request.form.get("key", "").strip()
    accepted, wait = access.check_key(key, client_address(), access.login_throttle)
    if accepted:
        access.log_in(session)
        return redirect(next_path)
    error = locked_out_text(wait) if wait else WRONG_KEY
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
    if is_technician():
        show = current_show()
        show.access.log_everyone_out()
        disconnect_consoles(show.socketio)
    session.clear()
    return redirect(url_for("auth.login"))
