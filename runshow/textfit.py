"""Will the text fit the stage? Measured with the real font, not by counting characters.

The stage (1920x1080) clamps the speaker line and the item title to two lines
and shrinks a banner line that is wider than the screen. This module measures
text with the advance widths and pair kerning of the vendored Be Vietnam Pro
(fontTools reads the same woff2 files the browser gets), at the font sizes,
weights, letter spacing and widths written in ``static/css/stage.css``, and
says which texts would be cut or shrunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from runshow import bundled
from runshow.agenda import Agenda, Presenter, presenter_line, shows_audience_timer
from runshow.i18n import N_, _

STAGE_WIDTH, STAGE_HEIGHT = 1920, 1080
FONT_DIR = bundled("static") / "vendor" / "be-vietnam-pro" / "files"
STAGE_CSS = bundled("static") / "css" / "stage.css"
CLAMPED_LINES = 2  # .item-speaker, .item-title: -webkit-line-clamp
#: Below this a shrunk banner line is no longer readable from the back of the hall.
MIN_BANNER_PX = 36


# --------------------------------------------------------------------------- #
# The font.


@dataclass(frozen=True)
class _Face:
    """One subset file of one weight: its glyphs' advances and pair kerning."""

    units: int
    glyphs: dict[int, str]  # code point → glyph name
    advances: dict[str, int]
    kerning: dict[tuple[str, str], int]


def _pair_kerning(font) -> dict[tuple[str, str], int]:
    """Horizontal pair adjustments of the GPOS 'kern' lookups (formats 1 and 2)."""
    pairs: dict[tuple[str, str], int] = {}
    if "GPOS" not in font:
        return pairs
    table = font["GPOS"].table
    kern_lookups = {
        index
        for record in table.FeatureList.FeatureRecord
        if record.FeatureTag == "kern"
        for index in record.Feature.LookupListIndex
    }
    glyph_order = font.getGlyphOrder()
    for index in sorted(kern_lookups):
        lookup = table.LookupList.Lookup[index]
        subtables = lookup.SubTable
        if lookup.LookupType == 9:  # extension: unwrap
            subtables = [sub.ExtSubTable for sub in subtables]
        for sub in subtables:
            if getattr(sub, "LookupType", 2) != 2:
                continue
            firsts = sub.Coverage.glyphs
            if sub.Format == 1:
                for first, pair_set in zip(firsts, sub.PairSet, strict=True):
                    for record in pair_set.PairValueRecord:
                        value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                        if value:
                            pairs.setdefault((first, record.SecondGlyph), value)
            elif sub.Format == 2:
                class1 = sub.ClassDef1.classDefs
                class2 = sub.ClassDef2.classDefs
                seconds_by_class: dict[int, list[str]] = {}
                for glyph in glyph_order:
                    seconds_by_class.setdefault(class2.get(glyph, 0), []).append(glyph)
                for first in firsts:
                    row = sub.Class1Record[class1.get(first, 0)]
                    for second_class, record in enumerate(row.Class2Record):
                        value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                        if value:
                            for second in seconds_by_class.get(second_class, []):
                                pairs.setdefault((first, second), value)
    return pairs


def _ranges(text: str) -> tuple[tuple[int, int], ...]:
    """``U+0102-0103,U+20AB`` → ((0x102, 0x103), (0x20AB, 0x20AB))."""
    spans = []
    for part in text.replace("U+", "").split(","):
        low, _, high = part.strip().partition("-")
        spans.append((int(low, 16), int(high or low, 16)))
    return tuple(spans)


@cache
def _faces(weight: int) -> tuple[tuple[tuple[tuple[int, int], ...], _Face], ...]:
    """The subset files of one weight with their unicode-ranges, in the order the
    stylesheet declares them."""
    from fontTools.ttLib import TTFont

    css = (FONT_DIR.parent / "be-vietnam-pro.css").read_text(encoding="utf-8")
    faces = []
    for block in re.findall(r"@font-face\s*\{([^}]*)\}", css):
        if f"font-weight: {weight};" not in block:
            continue
        filename = re.search(r"url\(files/([^)]+)\)", block).group(1)  # type: ignore[union-attr]
        ranges = _ranges(re.search(r"unicode-range:\s*([^;]+);", block).group(1))  # type: ignore[union-attr]
        font = TTFont(FONT_DIR / filename)
        face = _Face(
            units=font["head"].unitsPerEm,
            glyphs=dict(font.getBestCmap()),
            advances={name: advance for name, (advance, _) in font["hmtx"].metrics.items()},
            kerning=_pair_kerning(font),
        )
        faces.append((ranges, face))
    return tuple(faces)


def _face_for(char: str, weight: int) -> _Face:
    """As the browser chooses: the last declared face whose unicode-range holds it."""
    code = ord(char)
    faces = _faces(weight)
    for ranges, face in reversed(faces):
        if any(low <= code <= high for low, high in ranges):
            return face
    return faces[-1][1]


def text_width(text: str, size_px: float, weight: int, letter_spacing_em: float = 0) -> float:
    """Width in pixels of `text` on one line, as the browser lays it out."""
    total = 0.0
    previous: tuple[_Face, str] | None = None
    for char in text:
        face = _face_for(char, weight)
        glyph = face.glyphs.get(ord(char), ".notdef")
        units = face.advances.get(glyph, face.units // 2)
        if previous is not None and previous[0] is face:
            units += face.kerning.get((previous[1], glyph), 0)
        total += units / face.units * size_px + letter_spacing_em * size_px
        previous = (face, glyph)
    return total


def wrap_lines(text: str, width: float, size_px: float, weight: int, spacing: float = 0) -> int:
    """How many lines `text` takes in a box `width` pixels wide (greedy, at spaces,
    as the browser breaks; balancing evens the lines but never adds one)."""
    lines, current = 0, ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size_px, weight, spacing) > width:
            lines, current = lines + 1, word
        else:
            current = candidate
    return lines + (1 if current else 0)


# --------------------------------------------------------------------------- #
# The stage's CSS.


@dataclass(frozen=True)
class TextStyle:
    size_px: float
    weight: int
    letter_spacing_em: float = 0


def _rules(css: str) -> dict[str, dict[str, str]]:
    """selector → its declarations (later rules override earlier ones)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = dict(
            (name.strip(), value.strip())
            for name, _, value in (part.partition(":") for part in body.split(";"))
            if value.strip()
        )
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(declarations)
    return rules


def _px(value: str, font_px: float = 0) -> float:
    """``4.6vh`` / ``4vw`` / ``0.02em`` / ``12px`` at 1920x1080, in pixels."""
    number, unit = re.fullmatch(r"(-?[\d.]+)(vh|vw|px|em)?", value.strip()).groups()  # type: ignore[union-attr]
    scale = {"vh": STAGE_HEIGHT / 100, "vw": STAGE_WIDTH / 100, "em": font_px, "px": 1, None: 1}
    return float(number) * scale[unit]


def _padding_x(declarations: dict[str, str]) -> float:
    parts = declarations.get("padding", "0").split()
    horizontal = parts[1] if len(parts) > 1 else parts[0]
    return 2 * _px(horizontal)


@dataclass(frozen=True)
class StageLayout:
    speaker: TextStyle
    title: TextStyle
    #: Without the audience's countdown (a leader's speech) the two take the screen, larger.
    speaker_alone: TextStyle
    title_alone: TextStyle
    banner_line: TextStyle
    banner_organiser: TextStyle
    banner_headline: TextStyle
    item_width: float
    banner_width: float


@cache
def stage_layout(css_path: Path = STAGE_CSS) -> StageLayout:
    rules = _rules(css_path.read_text(encoding="utf-8"))

    def style(*selectors: str) -> TextStyle:
        merged: dict[str, str] = {}
        for selector in selectors:
            merged |= rules[selector]
        size = _px(merged["font-size"])
        spacing = merged.get("letter-spacing", "0")
        return TextStyle(
            size_px=size,
            weight=int(merged.get("font-weight", "400")),
            letter_spacing_em=_px(spacing, 1) if spacing.endswith("em") else _px(spacing) / size,
        )

    alone = 'body[data-audience-timer="false"]'
    return StageLayout(
        speaker=style(".item-speaker"),
        title=style(".item-title"),
        speaker_alone=style(".item-speaker", f"{alone} .item-speaker"),
        title_alone=style(".item-title", f"{alone} .item-title"),
        banner_line=style(".banner-line"),
        banner_organiser=style(".banner-line", ".banner-organiser"),
        banner_headline=style(".banner-line", ".banner-headline"),
        item_width=STAGE_WIDTH - _padding_x(rules[".item"]),
        # stage.js fits a banner line to the banner's box less its padding.
        banner_width=STAGE_WIDTH - _padding_x(rules[".banner"]),
    )


BannerLineKind = Literal["organiser", "headline", "line"]


def banner_line_kind(index: int, line: str) -> BannerLineKind:
    """The look of a banner line: the first is the organiser's, a short later line
    (three words at most, e.g. "HỘI NGHỊ") is the headline. The stage is sent it with
    the programme (`Programme.banner_kinds`) and draws it as `.banner-<kind>`."""
    if index > 0 and len(line.split()) <= 3:
        return "headline"
    return "organiser" if index == 0 else "line"


def banner_style(layout: StageLayout, line: str, index: int) -> TextStyle:
    return {
        "organiser": layout.banner_organiser,
        "headline": layout.banner_headline,
        "line": layout.banner_line,
    }[banner_line_kind(index, line)]


# --------------------------------------------------------------------------- #
# The verdicts.


@dataclass(frozen=True)
class FitWarning:
    place: str  # where in the agenda, e.g. "items[5].title"
    message: str

    @property
    def item_index(self) -> int | None:
        """The item it is about (None: the event's banner)."""
        match = re.match(r"items\[(\d+)\]", self.place)
        return int(match.group(1)) if match else None

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


#: What is said of a text the stage cuts (N_; ``%(lines)s`` it takes, ``%(shown)s`` shown).
TITLE_CUT = N_(
    "Tiêu đề dài %(lines)s dòng trên sân khấu 1920x1080 nhưng chỉ hiện được %(shown)s dòng: "
    "phần sau sẽ bị cắt. Hãy rút gọn."
)
PRESENTER_CUT = N_(
    "Dòng diễn giả dài %(lines)s dòng trên sân khấu 1920x1080 nhưng chỉ hiện được %(shown)s "
    "dòng: phần sau sẽ bị cắt. Hãy rút gọn."
)


def clamped_warning(place: str, said: str, text: str, style: TextStyle, width: float):
    """A warning (`said`: TITLE_CUT or PRESENTER_CUT) if `text` takes more lines than shown."""
    lines = wrap_lines(text, width, style.size_px, style.weight, style.letter_spacing_em)
    if lines <= CLAMPED_LINES:
        return None
    return FitWarning(place, _(said, lines=lines, shown=CLAMPED_LINES))


def banner_warning(index: int, line: str, layout: StageLayout) -> FitWarning | None:
    style = banner_style(layout, line, index)
    width = text_width(line, style.size_px, style.weight, style.letter_spacing_em)
    if width <= layout.banner_width:
        return None
    shrunk = style.size_px * layout.banner_width / width
    if shrunk >= MIN_BANNER_PX:
        return None
    return FitWarning(
        f"event.banner_lines[{index}]",
        _(
            "dòng băng rôn quá dài: phải thu nhỏ còn %(shrunk)s px (thiết kế %(design)s px, "
            "tối thiểu nên %(minimum)s px) mới vừa màn hình. Hãy ngắt thành hai dòng.",
            shrunk=format(shrunk, ".0f"),
            design=format(style.size_px, ".0f"),
            minimum=MIN_BANNER_PX,
        ),
    )


def item_warnings(
    place: str, title: str, presenter_line: str, audience_timer: bool
) -> list[FitWarning]:
    """The item's title and presenter line that will not fit (`place`: ``items[5]``), at
    the sizes the stage uses with or without the audience's countdown."""
    layout = stage_layout()
    checks = (
        ("title", TITLE_CUT, title, layout.title if audience_timer else layout.title_alone),
        (
            "presenter",
            PRESENTER_CUT,
            presenter_line,
            layout.speaker if audience_timer else layout.speaker_alone,
        ),
    )
    return [
        warning
        for field, said, text, style in checks
        if (warning := clamped_warning(f"{place}.{field}", said, text, style, layout.item_width))
    ]


def banner_warnings(lines: Iterable[str]) -> list[FitWarning]:
    layout = stage_layout()
    return [
        warning
        for index, line in enumerate(lines)
        if (warning := banner_warning(index, line, layout)) is not None
    ]


def fit_warnings(agenda: Agenda) -> list[FitWarning]:
    """Every title, presenter line and banner line that will not fit the stage."""
    warnings = banner_warnings(agenda.event.banner_lines)
    for item in agenda.items:
        presenter = presenter_line(item.spec.presenter)
        warnings.extend(
            item_warnings(f"items[{item.index}]", item.title, presenter, item.audience_timer)
        )
    return warnings


def draft_warnings(draft: Any) -> list[str]:
    """Warnings for a text the technician is typing in the edit panel (not yet sent):
    ``{"title", "presenter": {name, role, organisation}, "kind", "timer": {"audience"}}``
    or ``{"banner_lines": [...]}``."""
    if not isinstance(draft, dict):
        return []
    if isinstance(draft.get("banner_lines"), list):
        lines = [line for line in draft["banner_lines"] if isinstance(line, str) and line.strip()]
        return [str(w) for w in banner_warnings(lines)]
    title = draft.get("title") if isinstance(draft.get("title"), str) else ""
    presenter = draft.get("presenter") if isinstance(draft.get("presenter"), dict) else {}
    words = {key: str(presenter.get(key) or "")[:500] for key in ("name", "role", "organisation")}
    line = presenter_line(Presenter.model_construct(**words))  # a draft: not validated
    kind = draft.get("kind") if isinstance(draft.get("kind"), str) else "other"
    timer = draft.get("timer") if isinstance(draft.get("timer"), dict) else {}
    chosen = timer.get("audience") if isinstance(timer.get("audience"), bool) else None
    with_timer = shows_audience_timer(kind, chosen)
    return [w.message for w in item_warnings("draft", title[:2000], line, with_timer)]
