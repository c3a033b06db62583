"""OSC addresses as Runshow's commands, and the show as OSC (docs/osc.md). Pure:
no socket here (runshow/web/osc_link.py listens and sends).

In: `/runshow/<command> [arguments]`, or `/runshow/<room>/<command> ...` for the
show of a room. Each becomes the JSON command the console would send, for the one
dispatcher to validate, log and apply. A last, optional argument names the item
the sender saw on (the double-press guard): `from` for next/previous/goto, the
item for start/pause/resume/adjust.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runshow.i18n import N_, _
from runshow.timefmt import clock_text, offset_words, timer_text

if TYPE_CHECKING:  # not at run time: `runshow serve` parses its options before eventlet
    from runshow.agenda import Agenda

PREFIX = "runshow"
#: command → what its arguments are, in order (each optional unless said).
ADDRESSES: dict[str, str] = {
    "next": "[from]",
    "previous": "[from]",
    "start": "[item_id]",
    "pause": "[item_id]",
    "resume": "[item_id]",
    "goto": "item_id | 1-based index, [from]",
    "adjust": "±seconds, [item_id]",
    "message": "text, [target]",
    "clear_message": "[target]",
    "blackout": "0 | 1",
    "banner": "0 | 1",
    "flash": "[seconds], [target]",
    "prompter": "0…1: where the current item's script is read",
    "undo": "",
}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class OscRefused(ValueError):
    """A message that is not one of Runshow's commands, said in plain words."""


@dataclass(frozen=True)
class OscCommand:
    room: str | None
    command: str
    arguments: tuple[Any, ...]


def parse_address(address: str, arguments: Sequence[Any]) -> OscCommand:
    """`/runshow[/<room>]/<command>` and its arguments. Raises `OscRefused`."""
    parts = address.strip("/").split("/")
    if len(parts) not in (2, 3) or parts[0] != PREFIX:
        raise OscRefused(
            _(
                "địa chỉ OSC không dùng được: %(address)s (cần /runshow/<lệnh>)",
                address=repr(address),
            )
        )
    *room, name = parts[1:]
    if name not in ADDRESSES:
        raise OscRefused(
            _(
                "không có lệnh OSC %(name)s; các lệnh: %(names)s",
                name=repr(name),
                names=", ".join(ADDRESSES),
            )
        )
    return OscCommand(room[0] if room else None, name, tuple(arguments))


def to_command(osc: OscCommand, agenda: Agenda) -> dict[str, Any]:
    """The JSON command `osc` stands for, on `agenda` (a goto's index is its item)."""
    name, args = osc.command, list(osc.arguments)
    payload: dict[str, Any] = {"command": name}
    if name in ("next", "previous"):
        _take_guard(payload, "from", args)
    elif name in ("start", "pause", "resume"):
        _take_guard(payload, "item_id", args)
    elif name == "goto":
        payload["item_id"] = _item(agenda, _needed(args, N_("mục cần chuyển tới")))
        _take_guard(payload, "from", args)
    elif name == "adjust":
        seconds = _needed(args, N_("số giây (âm để bớt)"))
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise OscRefused(_("adjust cần số giây, nhận được %(value)s", value=repr(seconds)))
        payload["seconds"] = round(seconds)
        _take_guard(payload, "item_id", args)
    elif name == "message":
        payload["text"] = _needed(args, N_("nội dung lời nhắn"))
        if args:
            payload["target"] = args.pop(0)
    elif name == "clear_message":
        if args:
            payload["target"] = args.pop(0)
    elif name in ("blackout", "banner"):
        payload["on"] = _switch(_needed(args, N_("0 hoặc 1")))
    elif name == "flash":
        if args:
            payload["seconds"] = args.pop(0)
        if args:
            payload["target"] = args.pop(0)
    if args:
        raise OscRefused(
            _(
                "%(name)s nhận thừa %(count)s đối số: %(args)s",
                name=name,
                count=len(args),
                args=repr(args),
            )
        )
    return payload


def _needed(args: list[Any], what: str) -> Any:
    if not args:
        raise OscRefused(_("thiếu đối số: %(what)s", what=_(what)))
    return args.pop(0)


def _take_guard(payload: dict[str, Any], key: str, args: list[Any]) -> None:
    if args:
        guard = args.pop(0)
        payload[key] = None if guard in ("", None) else guard


def _switch(value: Any) -> Any:
    """OSC's true/false, or 0/1 as int, float or text (a fader or a button)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return value.strip() == "1"
    return value  # anything else is the validator's to refuse, with its words


def _item(agenda: Agenda, chosen: Any) -> Any:
    """An item id as it is, or a 1-based index (an int, or digits) as its id."""
    if isinstance(chosen, str) and not chosen.isdigit():
        return chosen
    if isinstance(chosen, str | int) and not isinstance(chosen, bool):
        index = int(chosen)
        if 1 <= index <= len(agenda.items):
            return agenda.items[index - 1].id
        raise OscRefused(
            _(
                "không có mục số %(index)s (chương trình có %(count)s mục)",
                index=index,
                count=len(agenda.items),
            )
        )
    raise OscRefused(_("goto cần mã mục hoặc số thứ tự, nhận được %(value)s", value=repr(chosen)))


def parse_target(text: str) -> tuple[str, int]:
    """`--osc-feedback HOST:PORT`. Raises ValueError saying what is expected."""
    host, _colon, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(
            _(
                "--osc-feedback cần HOST:CỔNG, ví dụ 192.168.1.20:9000 (nhận %(text)s)",
                text=repr(text),
            )
        )
    return host.strip("[]"), int(port)


def parse_allow(texts: Iterable[str]) -> list[Network]:
    """`--osc-allow` values (addresses or networks, comma-separated). Raises
    ValueError naming the one that is not."""
    networks = []
    for text in texts:
        for part in filter(None, (piece.strip() for piece in text.split(","))):
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(
                    _(
                        "--osc-allow: %(part)s không phải địa chỉ hay mạng (ví dụ 192.168.1.0/24)",
                        part=repr(part),
                    )
                ) from None
    return networks


def allowed(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


#: Every address of the feedback bundle, after `/runshow[/<room>]`, and its OSC type.
FEEDBACK: dict[str, str] = {
    "/item/id": "s",
    "/item/title": "s",
    "/item/presenter": "s",
    "/remaining/seconds": "i",
    "/remaining/text": "s",
    "/phase": "s",
    "/running": "i",
    "/paused": "i",
    "/offset/seconds": "i",
    "/offset/text": "s",
    "/next/title": "s",
    "/end/projected": "s",
    "/blackout": "i",
    "/banner": "i",
    "/message": "s",
}


def feedback(view: dict[str, Any], schedule: dict[str, Any], tz: Any) -> dict[str, Any]:
    """The feedback fields (`FEEDBACK`'s addresses) of the live state `view` and the
    schedule's figures `schedule` (runshow.payloads' live_view and schedule_summary).
    Texts are empty, numbers 0, when there is nothing to tell."""
    current, following, timer = view["current"] or {}, view["next"] or {}, view["timer"]
    remaining_ms = timer["remaining_ms"] if timer else 0
    remaining_text = ""
    if timer:
        remaining_text = timer_text(
            timer["mode"], timer["at_zero"], timer["remaining_ms"], timer["elapsed_ms"]
        )
    offset_ms = schedule["offset_ms"]
    projected = schedule["projected_end_ms"]
    return {
        "/item/id": current.get("id", ""),
        "/item/title": current.get("title", ""),
        "/item/presenter": current.get("presenter_line") or "",
        # whole seconds as the countdown shows them: up while left, down when over
        "/remaining/seconds": -(-remaining_ms // 1000),
        "/remaining/text": remaining_text,
        "/phase": timer["phase"] if timer else "",
        "/running": int(bool(timer and timer["status"] == "running")),
        "/paused": int(bool(timer and timer["status"] == "paused")),
        "/offset/seconds": round(offset_ms / 1000) if offset_ms is not None else 0,
        "/offset/text": offset_words(offset_ms)["text"] if offset_ms is not None else "",
        "/next/title": following.get("title", ""),
        "/end/projected": clock_text(projected, tz) if projected is not None else "",
        "/blackout": int(view["blackout"]),
        "/banner": int(view["banner"]),
        "/message": view["message"].get("stage") or "",
    }
