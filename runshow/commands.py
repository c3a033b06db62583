"""The commands a technician can give, as one validated vocabulary.

Every entry point (Socket.IO, HTTP, tests) turns its input into one of these
with `parse_command`; nothing else reaches the engine. The JSON form is
``{"command": NAME, ...arguments, "revision": optional}``.

Guards against acting twice (docs/protocol.md): position commands may say
`from` which item the sender saw on (``null``: none, the banner), clock
commands `item_id` the item they act on; the engine refuses them with
`moved_on` if the show is no longer there.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from runshow.errors import Problem, describe_pydantic_error, did_you_mean, shown
from runshow.i18n import _
from runshow.jsontext import Unreadable

#: speaker: the speaker's screen (/speaker); stage: the audience screen (/stage, seen by
#: the speaker too); mc: the MC's tablet; both: stage and MC (as before /speaker existed).
#: Clearing with "both" or "all" clears every message.
MessageTarget = Literal["speaker", "stage", "mc", "both", "all"]
#: A message's look on the screens (a preset's colour); none: the screen's own.
MessageColour = Literal["blue", "yellow", "red", "green", "grey"]
MAX_ADJUST_SECONDS = 3 * 3600
MAX_MESSAGE_CHARS = 280
MAX_FLASH_SECONDS = 30


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    revision: int | None = Field(
        default=None, ge=0, description="The revision the sender saw; a stale one is refused."
    )

    def arguments(self) -> dict[str, Any]:
        """What the event log records besides the name (a guard or a colour only if sent)."""
        unsent_guards = {"item_id", "from_id", "colour"} - self.model_fields_set
        return self.model_dump(by_alias=True, exclude={"command", "revision", *unsent_guards})

    def replayable(self) -> dict[str, Any]:
        """The command as sent, without its revision: what redo sends again."""
        return {"command": self.command, **self.arguments()}


class ClockCommand(_Command):
    """A command on an item's clock; `item_id` names the item it is meant for."""

    item_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="The item the sender means (for start from the banner: the one to come).",
    )


class PositionCommand(_Command):
    """A command that moves the show; `from` names the item the sender saw on."""

    from_id: str | None = Field(
        default=None,
        alias="from",
        max_length=64,
        description="The item on when the sender pressed (null: none was on).",
    )

    def names_position(self) -> bool:
        """Whether the sender said where the show was (`from`, possibly null)."""
        return "from_id" in self.model_fields_set


class Start(ClockCommand):
    command: Literal["start"]


class Pause(ClockCommand):
    command: Literal["pause"]


class Resume(ClockCommand):
    command: Literal["resume"]


class Reset(ClockCommand):
    command: Literal["reset"]


class Adjust(ClockCommand):
    command: Literal["adjust"]
    seconds: int = Field(ge=-MAX_ADJUST_SECONDS, le=MAX_ADJUST_SECONDS)


class Next(PositionCommand):
    command: Literal["next"]


class Previous(PositionCommand):
    command: Literal["previous"]


class Goto(PositionCommand):
    command: Literal["goto"]
    item_id: str = Field(min_length=1, max_length=64)


class Message(_Command):
    command: Literal["message"]
    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)
    ]
    target: MessageTarget = "stage"
    colour: MessageColour | None = None


class Flash(_Command):
    """Catch a speaker's eye: the target screens flash for `seconds` (a deadline the
    server sets, so every screen stops together)."""

    command: Literal["flash"]
    seconds: int = Field(default=3, ge=1, le=MAX_FLASH_SECONDS)
    target: MessageTarget = "speaker"


class ClearMessage(_Command):
    command: Literal["clear_message"]
    target: MessageTarget = "both"


class Blackout(_Command):
    command: Literal["blackout"]
    on: bool


class Banner(_Command):
    command: Literal["banner"]
    on: bool = True


class EditCommand(_Command):
    """A change to the programme itself (see runshow/editing.py)."""


class EditItem(EditCommand):
    command: Literal["edit_item"]
    item_id: str = Field(min_length=1, max_length=64)
    changes: dict[str, Any] = Field(min_length=1, description="Item fields as in agenda.json.")


class AddItem(EditCommand):
    command: Literal["add_item"]
    after: str | None = Field(description="The item it follows; null: first.")
    item: dict[str, Any] = Field(description="An item as in agenda.json (id optional).")


class RemoveItem(EditCommand):
    command: Literal["remove_item"]
    item_id: str = Field(min_length=1, max_length=64)


class MoveItem(EditCommand):
    command: Literal["move_item"]
    item_id: str = Field(min_length=1, max_length=64)
    after: str | None = Field(description="The item it will follow; null: first.")


class EditEvent(EditCommand):
    command: Literal["edit_event"]
    changes: dict[str, Any] = Field(min_length=1, description="Event fields as in agenda.json.")


class EditDelegate(EditCommand):
    command: Literal["edit_delegate"]
    delegate_id: str = Field(min_length=1, max_length=64)
    changes: dict[str, Any] = Field(min_length=1)


class AddDelegate(EditCommand):
    command: Literal["add_delegate"]
    after: str | None = Field(description="The delegate it follows in protocol order; null: first.")
    delegate: dict[str, Any]


class SetPresent(EditCommand):
    command: Literal["set_present"]
    delegate_id: str = Field(min_length=1, max_length=64)
    present: bool


class Undo(_Command):
    command: Literal["undo"]


class Redo(_Command):
    command: Literal["redo"]


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
    | Flash
    | Blackout
    | Banner
    | Undo
    | Redo
    | EditItem
    | AddItem
    | RemoveItem
    | MoveItem
    | EditEvent
    | EditDelegate
    | AddDelegate
    | SetPresent,
    Field(discriminator="command"),
]

CommandName = Literal[
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
    "flash",
    "blackout",
    "banner",
    "undo",
    "redo",
    "edit_item",
    "add_item",
    "remove_item",
    "move_item",
    "edit_event",
    "edit_delegate",
    "add_delegate",
    "set_present",
]
COMMAND_NAMES: tuple[str, ...] = get_args(CommandName)
EDIT_COMMANDS: tuple[type[EditCommand], ...] = (
    EditItem,
    AddItem,
    RemoveItem,
    MoveItem,
    EditEvent,
    EditDelegate,
    AddDelegate,
    SetPresent,
)
EDIT_COMMAND_NAMES: tuple[str, ...] = tuple(
    get_args(model.model_fields["command"].annotation)[0] for model in EDIT_COMMANDS
)

#: Each command's model by its name, read from the `Command` union.
_MODELS: dict[str, type[_Command]] = {
    get_args(model.model_fields["command"].annotation)[0]: model
    for model in get_args(get_args(Command)[0])
}


class InvalidCommand(ValueError):
    """The input is not a well-formed command; `problems` say why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def parse_command(payload: Any) -> Command:
    """Validate a decoded JSON payload into a command, or raise InvalidCommand."""
    if isinstance(payload, Unreadable):
        raise InvalidCommand(payload.problems)
    if not isinstance(payload, dict):
        raise InvalidCommand([Problem("", _("lệnh phải là một đối tượng JSON {...}"))])
    name = payload.get("command")
    if name is None:
        raise InvalidCommand([Problem("command", _("thiếu tên lệnh"))])
    if not isinstance(name, str) or name not in _MODELS:
        hint = did_you_mean(name, COMMAND_NAMES) or _(
            " (có: %(names)s)", names=", ".join(COMMAND_NAMES)
        )
        message = _("lệnh không tồn tại: %(name)s%(hint)s", name=shown(name), hint=hint)
        raise InvalidCommand([Problem("command", message)])
    model = _MODELS[name]
    try:
        return model.model_validate(payload)  # type: ignore[return-value]
    except ValidationError as exc:
        problems = [describe_pydantic_error(error, model) for error in exc.errors()]
        raise InvalidCommand(problems) from None
