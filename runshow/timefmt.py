"""Durations and clock times written the way a show sheet writes them, in the reader's
language (Vietnamese: ``7,5 phút``, ``Chậm 2 phút``; English: ``7.5 minutes``, ``2 minutes
late``)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from babel.numbers import get_decimal_symbol

from runshow.i18n import _, current_language, ngettext

#: A clock time as the agenda writes it, ``HH:MM`` (00:00 to 23:59). Kept here, free of
#: pydantic, so that the command line can check `--start` before the server's eventlet
#: monkey patch (pydantic imported first breaks the patch; runshow/server.py).
CLOCK_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def duration_text(ms: int) -> str:
    """How long, in words; the sign is the caller's to say (``thêm``, ``chậm``).
    135 minutes → ``2 giờ 15 phút``; 90 seconds → ``1 phút 30 giây``; from a day on,
    days and hours: ``2 ngày 3 giờ``. Rounded to the second, halves up."""
    seconds = (abs(ms) + 500) // 1000
    days, rest = divmod(seconds, 86_400)
    if days:
        hours = rest // 3600
        parts = [ngettext("%(num)s ngày", "%(num)s ngày", days)]
        if hours:
            parts.append(ngettext("%(num)s giờ", "%(num)s giờ", hours))
        return " ".join(parts)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [ngettext("%(num)s giờ", "%(num)s giờ", hours)] if hours else []
    if minutes or (hours and seconds):
        parts.append(ngettext("%(num)s phút", "%(num)s phút", minutes))
    if seconds or not parts:
        parts.append(ngettext("%(num)s giây", "%(num)s giây", seconds))
    return " ".join(parts)


def length_text(duration_ms: int, estimated: bool = False) -> str:
    """An item's planned length as the programme writes it: ``10 phút``, ``7,5 phút``,
    ``≈ 10 phút`` when it is a guess; "" without one."""
    if not duration_ms:
        return ""
    minutes = duration_ms / 60_000
    words = ngettext(
        "%(minutes)s phút",
        "%(minutes)s phút",
        plural_count(minutes),
        minutes=minutes_number(minutes),
    )
    return f"≈ {words}" if estimated else words


def plural_count(value: float) -> int:
    """The count a number's words agree with: a fraction takes the plural ("1.5 minutes")."""
    return int(value) if float(value).is_integer() else 2


def minutes_number(minutes: float) -> str:
    """``10``, ``7,5`` (Vietnamese), ``7.5`` (English): at most six figures, no grouping."""
    return f"{minutes:g}".replace(".", get_decimal_symbol(current_language()))


def clock_text(epoch_ms: int, tz: ZoneInfo) -> str:
    """Epoch milliseconds → ``08:00`` in the event's zone."""
    return dt.datetime.fromtimestamp(epoch_ms / 1000, tz).strftime("%H:%M")


#: A programme within this much of its plan is on time.
ON_TIME_MS = 30_000


def offset_words(ms: int) -> dict[str, str]:
    """How far the programme is from its plan: its `kind` (``late``, ``early``,
    ``on-time`` within ±30 s) and its `text` (``Chậm 5 phút``, ``Sớm 2 phút``,
    ``Đúng giờ``), to the nearest minute, halves up."""
    if abs(ms) <= ON_TIME_MS:
        return {"kind": "on-time", "text": _("Đúng giờ")}
    duration = duration_text((abs(ms) + 30_000) // 60_000 * 60_000)
    if ms > 0:
        return {"kind": "late", "text": _("Chậm %(duration)s", duration=duration)}
    return {"kind": "early", "text": _("Sớm %(duration)s", duration=duration)}


# duration_text and offset_words are static/js/dom.js durationWords and static/js/labels.js
# offsetWords, pinned together by tests/vectors/words.json; what follows is
# static/js/timer.js, pinned by tests/vectors/timer.json.


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
