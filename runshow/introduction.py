"""The MC's introduction of the delegates, as sentences to read aloud.

"Về phía Trung ương, xin trân trọng giới thiệu: Đồng chí Đỗ Văn Chiến, Bí thư Trung
ương Đảng, …; Đồng chí Phạm Huy Giang, …." One paragraph per delegation, in
protocol order, of the delegates who are present.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runshow.agenda import Delegate

_GROUP_PREFIXES = ("Đại biểu ", "đại biểu ")


@dataclass(frozen=True)
class Paragraph:
    """One delegation: the words that open it and one line per delegate."""

    group: str
    lead: str
    lines: tuple[str, ...]


def delegate_words(delegate: Delegate) -> str:
    """``Đồng chí Đỗ Văn Chiến, Bí thư Trung ương Đảng`` (the title alone when unnamed)."""
    name = " ".join(part for part in (delegate.honorific, delegate.name) if part)
    return f"{name}, {delegate.title}" if delegate.name else delegate.title


def group_lead(group: str) -> str:
    """``Đại biểu Trung ương`` → ``Về phía Trung ương, xin trân trọng giới thiệu:``."""
    side = group
    for prefix in _GROUP_PREFIXES:
        side = side.removeprefix(prefix)
    return f"Về phía {side}, xin trân trọng giới thiệu:"


def introduction(delegates: Iterable[Delegate]) -> list[Paragraph]:
    """Paragraphs for `delegates` (already only those present), in their order."""
    groups: list[tuple[str, list[Delegate]]] = []
    for delegate in delegates:
        if groups and groups[-1][0] == delegate.group:
            groups[-1][1].append(delegate)
        else:
            groups.append((delegate.group, [delegate]))
    paragraphs = []
    for group, members in groups:
        words = [delegate_words(member) for member in members]
        lines = [f"{text};" for text in words[:-1]] + [f"{words[-1]}."]
        paragraphs.append(Paragraph(group=group, lead=group_lead(group), lines=tuple(lines)))
    return paragraphs
