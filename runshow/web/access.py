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

from runshow.i18n import N_, _
from runshow.keys import ControlKey, LoginEpoch, same_secret
from runshow.web.throttle import FailureThrottle

#: Where a technician's session keeps its token.
SESSION_KEY = "technician"
#: Where a room operator's session keeps its room and token.
OPERATOR_SESSION_KEY = "operator"

#: Who holds a key: the producer (the control key opens every room), else a room's id.
PRODUCER = "producer"
OPERATOR = "operator"


class Refusal(NamedTuple):
    """Why a request is not let in: its HTTP status, the words, the headers to send."""

    status: int
    message: str
    headers: dict[str, str]


def locked_out_text(wait: int) -> str:
    return _("Nhập sai quá nhiều lần. Vui lòng thử lại sau %(wait)s giây.", wait=wait)


WRONG_KEY = N_("Mã điều khiển không đúng.")
OTHER_ROOM = N_("Mã điều khiển này chỉ dùng cho phòng khác.")
NO_BEARER = N_("Thiếu mã điều khiển: gửi kèm 'Authorization: Bearer <mã>'.")


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
    #: Room id → its operator's key (several rooms only): that key controls that room.
    operator_keys: dict[str, ControlKey] = field(default_factory=dict)

    def session_token(self) -> str:
        """What a technician's session holds: it changes with the key and at every logout."""
        return self.control_key.session_token(self.login_epoch.value)

    def is_technician(self, session: Any) -> bool:
        """True when `session` belongs to a technician logged in with the current key."""
        return session.get(SESSION_KEY) == self.session_token()

    def operator_token(self, room: str) -> str:
        return self.operator_keys[room].session_token(self.login_epoch.value)

    def operator_room(self, session: Any) -> str | None:
        """The room whose operator `session` is logged in as, if any."""
        held = session.get(OPERATOR_SESSION_KEY)
        if not isinstance(held, list) or len(held) != 2 or held[0] not in self.operator_keys:
            return None
        return held[0] if held[1] == self.operator_token(held[0]) else None

    def controller(self, session: Any, room: str) -> str | None:
        """Who `session` is in `room`: the producer, the room's operator, or nobody."""
        if self.is_technician(session):
            return PRODUCER
        return OPERATOR if self.operator_room(session) == room else None

    def log_in(self, session: Any, holder: str = PRODUCER) -> None:
        """Make `session` (Flask's) the producer's or the operator's of room `holder`,
        for a week."""
        session.clear()
        if holder == PRODUCER:
            session[SESSION_KEY] = self.session_token()
        else:
            session[OPERATOR_SESSION_KEY] = [holder, self.operator_token(holder)]
        session.permanent = True

    def log_everyone_out(self) -> None:
        """Every technician's session ends (the open consoles are the channels' to close)."""
        self.login_epoch.bump()

    def is_mc_token(self, candidate: object) -> bool:
        """True for the MC link's token (``/mc?token=...``)."""
        return same_secret(candidate, self.mc_token)

    def holder_of(self, candidate: str) -> str | None:
        """`PRODUCER` for the control key, a room's id for its operator key, else None."""
        if self.control_key.matches(candidate):
            return PRODUCER
        return next(
            (room for room, key in self.operator_keys.items() if key.matches(candidate)), None
        )

    def check_holder(
        self, candidate: str, who: str, throttle: FailureThrottle
    ) -> tuple[str | None, int]:
        """Check a key from address `who` against `throttle` (the login page's or the
        API's): (whose key it is, or None; seconds to wait if locked out)."""
        wait = throttle.retry_after(who)
        if wait:
            return None, wait
        holder = self.holder_of(candidate)
        if holder is not None:
            throttle.succeeded(who)
            return holder, 0
        throttle.failed(who)
        return None, throttle.retry_after(who)

    def check_key(self, candidate: str, who: str, throttle: FailureThrottle) -> tuple[bool, int]:
        """`check_holder` for the control key only: (accepted, seconds to wait)."""
        holder, wait = self.check_holder(candidate, who, throttle)
        return holder == PRODUCER, wait

    def bearer_controller(
        self, authorization: str | None, who: str, room: str | None = None
    ) -> tuple[str | None, Refusal | None]:
        """Who an `Authorization` header speaks for in `room` (`PRODUCER` or `OPERATOR`),
        or why it is refused. Without `room`, only the control key is accepted."""
        scheme, _space, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None, Refusal(401, _(NO_BEARER), {"WWW-Authenticate": "Bearer"})
        holder, wait = self.check_holder(token.strip(), who, self.api_throttle)
        if wait:
            return None, Refusal(429, locked_out_text(wait), {"Retry-After": str(wait)})
        if holder is None:
            return None, Refusal(401, _(WRONG_KEY), {"WWW-Authenticate": "Bearer"})
        if holder == PRODUCER:
            return PRODUCER, None
        if holder == room:
            return OPERATOR, None
        return None, Refusal(403, _(OTHER_ROOM), {})

    def bearer_refusal(self, authorization: str | None, who: str) -> Refusal | None:
        """None when an `Authorization` header carries the control key; else why not."""
        return self.bearer_controller(authorization, who)[1]


@dataclass
class RoomAccess:
    """One room's side of `Access`: who controls it (the producer or its operator) and
    its MC link's token."""

    room: str
    show: Access
    mc_token: str

    @property
    def control_key(self) -> ControlKey:
        return self.show.control_key

    @property
    def operator_key(self) -> ControlKey | None:
        return self.show.operator_keys.get(self.room)

    def controller(self, session: Any) -> str | None:
        return self.show.controller(session, self.room)

    def is_technician(self, session: Any) -> bool:
        """True when `session` may control this room."""
        return self.controller(session) is not None

    def is_mc_token(self, candidate: object) -> bool:
        """True for the MC link's token (``/mc?token=...``)."""
        return same_secret(candidate, self.mc_token)

    def bearer_controller(
        self, authorization: str | None, who: str
    ) -> tuple[str | None, Refusal | None]:
        return self.show.bearer_controller(authorization, who, self.room)

    def bearer_refusal(self, authorization: str | None, who: str) -> Refusal | None:
        """None when an `Authorization` header carries the control key; else why not."""
        return self.show.bearer_refusal(authorization, who)
