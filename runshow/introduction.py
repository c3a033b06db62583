"""The MC's introduction of the delegates, as sentences to read aloud.

"Về phía Trung ương, xin trân trọng giới thiệu: Đồng chí Đỗ Văn Chiến, Bí thư Trung
ương Đảng, …; Đồng chí Phạm Huy Giang, …." One paragraph per delegation, in
protocol order, of the delegates who are present. In another language the sentences
are that language's (the catalogue's) and the delegates' words the agenda's
translations where it gives them ("On behalf of the Central Government, we are
honoured to introduce: Comrade Do Van Chien, Secretary of …").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from runshow.agenda import Delegate, localized
from runshow.i18n import _, current_language, language

#: Vietnamese groups are written "Đại biểu Trung ương"; the lead names the side alone.
_GROUP_PREFIXES = ("Đại biểu ", "đại biểu ")


@dataclass(frozen=True)
class Paragraph:
    """One delegation: the words that open it and one line per delegate."""

    group: str
    lead: str
    lines: tuple[str, ...]


def delegate_words(delegate: Delegate, lang: str | None = None) -> str:
    """``Đồng chí Đỗ Văn Chiến, Bí thư Trung ương Đảng`` (the title alone when unnamed)."""
    title = localized(delegate, "title", lang)
    honorific = localized(delegate, "honorific", lang)
    name = " ".join(part for part in (honorific, delegate.name) if part)
    return f"{name}, {title}" if delegate.name else title


def group_lead(group: str) -> str:
    """``Đại biểu Trung ương`` → ``Về phía Trung ương, xin trân trọng giới thiệu:``,
    in the current language."""
    side = group
    for prefix in _GROUP_PREFIXES:
        side = side.removeprefix(prefix)
    return _("Về phía %(side)s, xin trân trọng giới thiệu:", side=side)


def introduction(delegates: Iterable[Delegate], lang: str | None = None) -> list[Paragraph]:
    """Paragraphs for `delegates` (already only those present), in their order, in
    `lang` (the current language when None)."""
    lang = lang or current_language()
    groups: list[tuple[str, list[Delegate]]] = []
    for delegate in delegates:
        if groups and groups[-1][0] == delegate.group:
            groups[-1][1].append(delegate)
        else:
            groups.append((delegate.group, [delegate]))
    paragraphs = []
    for _written_group, members in groups:
        group = localized(members[0], "group", lang)
        words = [delegate_words(member, lang) for member in members]
        lines = [f"{text};" for text in words[:-1]] + [f"{words[-1]}."]
        with language(lang):
            lead = group_lead(group)
        paragraphs.append(Paragraph(group=group, lead=lead, lines=tuple(lines)))
    return paragraphs
