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
