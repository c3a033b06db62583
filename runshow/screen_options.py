"""A display page's options (docs/screens.md): mirrored, keyed, scaled, parts hidden.

A screen reads them from its address (`/stage?mirror&theme=chroma&hide=clock`) and
keeps them across reloads; the console may set a connected screen's options, checked
here before they are sent to it.
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from runshow.errors import Problem, describe_pydantic_error
from runshow.i18n import _

Theme = Literal["dark", "light", "chroma"]
ScreenPart = Literal["clock", "next", "progress", "message", "title"]
THEMES: tuple[str, ...] = get_args(Theme)
SCREEN_PARTS: tuple[str, ...] = get_args(ScreenPart)
DEFAULT_CHROMA = "#00ff00"
MIN_SCALE, MAX_SCALE = 0.25, 2.0


class ScreenOptions(BaseModel):
    """What the console may set on a screen; every field optional (omitted: the page's own)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    mirror: bool = False
    theme: Theme | None = None
    chroma: str = Field(default=DEFAULT_CHROMA, pattern=r"^#[0-9a-fA-F]{6}$")
    scale: float = Field(default=1.0, ge=MIN_SCALE, le=MAX_SCALE)
    hide: list[ScreenPart] = Field(default_factory=list, max_length=len(SCREEN_PARTS))


def parse_screen_options(payload: Any) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The options as the screen will apply them, or the problems (with their places)."""
    if not isinstance(payload, dict):
        return None, [Problem("options", _("tùy chọn màn hình phải là một đối tượng {...}"))]
    try:
        options = ScreenOptions.model_validate(payload)
    except ValidationError as exc:
        problems = [describe_pydantic_error(error, ScreenOptions) for error in exc.errors()]
        return None, [
            Problem(f"options.{p.place}" if p.place else "options", p.message) for p in problems
        ]
    return options.model_dump(), []
