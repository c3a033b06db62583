"""Who may control the show: the technician's login, checked on the server."""

from __future__ import annotations

from functools import wraps
from typing import Any
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

from runshow.web import runtime
from runshow.web.pages import page_context
from runshow.web.throttle import FailureThrottle

bp = Blueprint("auth", __name__)

SESSION_KEY = "technician"


def is_technician(session_data: Any = None) -> bool:
    """True when the session belongs to a technician logged in with the current key."""
    data = session if session_data is None else session_data
    return data.get(SESSION_KEY) == runtime().session_token()


def client_address() -> str:
    return request.remote_addr or "unknown"


def check_key(candidate: str, throttle: FailureThrottle) -> tuple[bool, int]:
    """Check a key from this request's address against `throttle` (the login page's
    or the API's): (accepted, seconds to wait if locked out)."""
    who = client_address()
    wait = throttle.retry_after(who)
    if wait:
        return False, wait
    if runtime().control_key.matches(candidate):
        throttle.succeeded(who)
        return True, 0
    throttle.failed(who)
    return False, throttle.retry_after(who)


def locked_out_text(wait: int) -> str:
    return f"Nhập sai quá nhiều lần. Vui lòng thử lại sau {wait} giây."


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
    accepted, wait = check_key(request.form.get("key", "").strip(), runtime().login_throttle)
    if accepted:
        session.clear()
        session[SESSION_KEY] = runtime().session_token()
        session.permanent = True
        return redirect(next_path)
    error = locked_out_text(wait) if wait else "Mã điều khiển không đúng."
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
    from runshow.web.live import disconnect_consoles

    if is_technician():
        runtime().login_epoch.bump()
        disconnect_consoles(runtime().socketio)
    session.clear()
    return redirect(url_for("auth.login"))
