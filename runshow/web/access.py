"""Who may do what, checked on the server: the one place every side asks.

The login page and the pages (web/auth.py), the HTTP API (web/api.py), the
Socket.IO channels (web/channels.py) and the display workers' snapshots
(web/workers.py) all check here: a technician's session, the control key (typed
at /login or sent as `Authorization: Bearer`), the MC link's token, and the
throttles that slow down guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from flask import request

from runshow.keys import ControlKey, LoginEpoch, same_secret
from runshow.web.throttle import FailureThrottle

#: Where a technician's session keeps its token.
SESSION_KEY = "technician"


class Refusal(NamedTuple):
    """Why a request is not let in: its HTTP status, the words, the headers to send."""

    status: int
    message: str
    headers: dict[str, str]


def locked_out_text(wait: int) -> str:
    return f"Nhập sai quá nhiều lần. Vui lòng thử lại sau {wait} giây."


WRONG_KEY = "Mã điều khiển không đúng."
NO_BEARER = "Thiếu mã điều khiển: gửi kèm 'Authorization: Bearer <mã>'."


def client_address() -> str:
    """The address this request came from (a throttle counts failures per address)."""
    return request.remote_addr or "unknown"


@dataclass
class Access:
    """The show's secrets and the throttles that guard them.

    The login page and the HTTP API each have their own throttle, so a Companion
    button still sending an old key cannot lock the technician out of /login from
    the same laptop."""

    control_key: ControlKey
    login_epoch: LoginEpoch
    mc_token: str
    login_throttle: FailureThrottle = field(default_factory=FailureThrottle)
    api_throttle: FailureThrottle = field(default_factory=FailureThrottle)

    def session_token(self) -> str:
        """What a technician's session holds: it changes with the key and at every logout."""
        return self.control_key.session_token(self.login_epoch.value)

    def is_technician(self, session: Any) -> bool:
        """True when `session` belongs to a technician logged in with the current key."""
        return session.get(SESSION_KEY) == self.session_token()

    def log_in(self, session: Any) -> None:
        """Make `session` (Flask's) a technician's, for a week."""
        session.clear()
        session[SESSION_KEY] = self.session_token()
        session.permanent = True

    def log_everyone_out(self) -> None:
        """Every technician's session ends (the open consoles are the channels' to close)."""
        self.login_epoch.bump()

    def is_mc_token(self, candidate: object) -> bool:
        """True for the MC link's token (``/mc?token=...``)."""
        return same_secret(candidate, self.mc_token)

    def check_key(self, candidate: str, who: str, throttle: FailureThrottle) -> tuple[bool, int]:
        """Check a key from address `who` against `throttle` (the login page's or the
        API's): (accepted, seconds to wait if locked out)."""
        wait = throttle.retry_after(who)
        if wait:
            return False, wait
        if self.control_key.matches(candidate):
            throttle.succeeded(who)
            return True, 0
        throttle.failed(who)
        return False, throttle.retry_after(who)

    def bearer_refusal(self, authorization: str | None, who: str) -> Refusal | None:
        """None when an `Authorization` header carries the control key; else why not."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return Refusal(401, NO_BEARER, {"WWW-Authenticate": "Bearer"})
        accepted, wait = self.check_key(token.strip(), who, self.api_throttle)
        if wait:
            return Refusal(429, locked_out_text(wait), {"Retry-After": str(wait)})
        if not accepted:
            return Refusal(401, WRONG_KEY, {"WWW-Authenticate": "Bearer"})
        return None
