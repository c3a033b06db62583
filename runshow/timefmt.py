"""Durations and clock times written the way a Vietnamese show sheet writes them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def duration_text(ms: int) -> str:
    """135 minutes → ``2 giờ 15 phút``; 90 seconds → ``1 phút 30 giây``."""
    seconds = round(abs(ms) / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{hours} giờ"] if hours else []
    if minutes or (hours and seconds):
        parts.append(f"{minutes} phút")
    if seconds or not parts:
        parts.append(f"{seconds} giây")
    return ("-" if ms < 0 else "") + " ".join(parts)


def clock_text(epoch_ms: int, tz: ZoneInfo) -> str:
    """Epoch milliseconds → ``08:00`` in the event's zone."""
    return dt.datetime.fromtimestamp(epoch_ms / 1000, tz).strftime("%H:%M")


def offset_text(ms: int, tolerance_ms: int = 30_000) -> str:
    """How far the programme is from its plan: ``chậm 5 phút``, ``sớm 2 phút``, ``đúng giờ``."""
    if abs(ms) <= tolerance_ms:
        return "đúng giờ"
    rounded = round(ms / 60_000) * 60_000
    return ("chậm " if ms > 0 else "sớm ") + duration_text(abs(rounded))


# The same rules as static/js/timer.js, pinned together by tests/vectors/timer.json.


def clock_digits(total_seconds: int) -> str:
    """Whole seconds as ``mm:ss``, or ``h:mm:ss`` from one hour (negative counts as 0)."""
    seconds = max(0, total_seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def timer_text(mode: str, at_zero: str, remaining_ms: int, elapsed_ms: int) -> str:
    """What a timer shows: a countdown rounded up to the second, then ``+mm:ss`` of
    overtime rounded down (``00:00`` held for an item that stops at zero); a
    count-up its elapsed time rounded down."""
    if mode == "countup":
        return clock_digits(elapsed_ms // 1000)
    if remaining_ms > 0:
        return clock_digits(-(-remaining_ms // 1000))
    if at_zero == "stop":
        return clock_digits(0)
    return "+" + clock_digits(-remaining_ms // 1000)


def signed_short(ms: int) -> str:
    """Over (``+1:30``) or under (``-0:30``) a planned duration, in whole seconds as the
    timers show them; minutes not padded, ``h:mm:ss`` from one hour."""
    total = abs(ms) // 1000
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    body = f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
    sign = "+" if ms > 0 else "-" if ms < 0 else ""
    return sign + body
