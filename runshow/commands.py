"""The commands a technician can give, as one validated vocabulary.

Every entry point (Socket.IO, HTTP, tests) turns its input into one of these
with `parse_command`; nothing else reaches the engine. The JSON form is
``{"command": NAME, ...arguments, "revision": optional}``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from runshow.errors import Problem, describe_pydantic_error

MessageTarget = Literal["stage", "mc", "both"]
MAX_ADJUST_SECONDS = 3 * 3600
MAX_MESSAGE_CHARS = 280


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    revision: int | None = Field(
        default=None, ge=0, description="The revision the sender saw; a stale one is refused."
    )

    def arguments(self) -> dict[str, Any]:
        """What the event log records besides the name."""
        return self.model_dump(exclude={"command", "revision"})


class Start(_Command):
    command: Literal["start"]


class Pause(_Command):
    command: Literal["pause"]


class Resume(_Command):
    command: Literal["resume"]


class Reset(_Command):
    command: Literal["reset"]


class Adjust(_Command):
    command: Literal["adjust"]
    seconds: int = Field(ge=-MAX_ADJUST_SECONDS, le=MAX_ADJUST_SECONDS)


class Next(_Command):
    command: Literal["next"]


class Previous(_Command):
    command: Literal["previous"]


class Goto(_Command):
    command: Literal["goto"]
    item_id: str = Field(min_length=1, max_length=64)


class Message(_Command):
    command: Literal["message"]
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)
    ]
    target: MessageTarget = "stage"


class ClearMessage(_Command):
    command: Literal["clear_message"]
    target: MessageTarget = "both"


class Blackout(_Command):
    command: Literal["blackout"]
    on: bool


class Banner(_Command):
    command: Literal["banner"]


Command = Annotated[
    Start
    | Pause
    | Resume
    | Reset
    | Adjust
    | Next
    | Previous
    | Goto
    | Message
    | ClearMessage
    | Blackout
    | Banner,
    Field(discriminator="command"),
]

COMMAND_NAMES: tuple[str, ...] = (
    "start",
    "pause",
    "resume",
    "reset",
    "adjust",
    "next",
    "previous",
    "goto",
    "message",
    "clear_message",
    "blackout",
    "banner",
)

_adapter: TypeAdapter[Command] = TypeAdapter(Command)


class InvalidCommand(ValueError):
    """The input is not a well-formed command; `problems` say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def parse_command(payload: Any) -> Command:
    """Validate a decoded JSON payload into a command, or raise InvalidCommand."""
    if not isinstance(payload, dict):
        raise InvalidCommand([Problem("", "lệnh phải là một đối tượng JSON {...}")])
    name = payload.get("command")
    if name is None:
        raise InvalidCommand([Problem("command", "thiếu tên lệnh")])
    if name not in COMMAND_NAMES:
        known = ", ".join(COMMAND_NAMES)
        raise InvalidCommand([Problem("command", f"lệnh không tồn tại: {name!r} (có: {known})")])
    try:
        return _adapter.validate_python(payload)
    except ValidationError as exc:
        problems = [describe_pydantic_error(error) for error in exc.errors()]
        raise InvalidCommand([_without_tag(problem, name) for problem in problems]) from None


def _without_tag(problem: Problem, name: str) -> Problem:
    """Drop the discriminator pydantic puts first in locations (``adjust.seconds``)."""
    prefix = f"{name}."
    place = problem.place.removeprefix(prefix) if problem.place != name else ""
    return Problem(place, problem.message)
