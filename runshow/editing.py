"""Live edits of the programme: pure functions from (programme, edit) to a new programme.

An edit is applied to the programme's JSON document and the result is checked
by exactly the rules of the agenda file (`parse_agenda`), so a live edit can
never make a programme the file would refuse. Problems are reported at the
field of the command that caused them (``changes.duration``), in the agenda's
own words. The show's safety rules (the item on cannot be removed, its timer
keeps its deadline) live in the engine; here only the programme changes.
"""

from __future__ import annotations

import json
from typing import Any

from runshow import commands as c
from runshow.agenda import (
    Agenda,
    AgendaError,
    parse_agenda,
    slug,
    suggested_thresholds,
    unique_id,
)
from runshow.errors import Problem
from runshow.i18n import N_, _
from runshow.phrase import Phrase, phrase

#: Item fields an edit may not change.
FIXED_ITEM_FIELDS = ("id",)


class EditRefused(Exception):
    """The edit would make an invalid programme, or names something that is not there."""

    def __init__(self, reason: str, problems: list[Problem] | None = None):
        self.reason = reason
        self.problems = problems or []
        super().__init__(reason)


def _document(agenda: Agenda) -> dict[str, Any]:
    return json.loads(json.dumps(agenda.spec.model_dump(mode="json")))


def _merge(old: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """`old` (an object, or None) with `changes` laid over it; nested objects
    (presenter, timer, venue) merge field by field, null clears."""
    merged = dict(old) if isinstance(old, dict) else {}
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


_NO_DELEGATE = N_("Không có đại biểu nào mang mã %(id)s.")
_NO_DELEGATE_HERE = N_("không có đại biểu %(id)s")
_UNCHANGEABLE = N_("không đổi được")


def _item_index(document: dict[str, Any], item_id: str, field: str = "item_id") -> int:
    for index, item in enumerate(document["items"]):
        if item["id"] == item_id:
            return index
    raise EditRefused(
        _("Không có mục nào mang mã %(id)s trong chương trình.", id=repr(item_id)),
        [Problem(field, _("không có mục %(id)s", id=repr(item_id)))],
    )


def _position_after(document: dict[str, Any], after: str | None, key: str = "items") -> int:
    """Where an entry goes: first when `after` is None, else right after `after`."""
    if after is None:
        return 0
    if key == "items":
        return _item_index(document, after, "after") + 1
    ids = _delegate_ids(document)
    if after not in ids:
        raise EditRefused(
            _(_NO_DELEGATE, id=repr(after)),
            [Problem("after", _(_NO_DELEGATE_HERE, id=repr(after)))],
        )
    return ids.index(after) + 1


def _delegate_ids(document: dict[str, Any]) -> list[str]:
    return [d.get("id") or f"d{n}" for n, d in enumerate(document["delegates"], start=1)]


def _pin_delegate_ids(document: dict[str, Any]) -> None:
    """Write the positional ids in, so that adding or moving one keeps the others'."""
    for delegate, delegate_id in zip(document["delegates"], _delegate_ids(document), strict=True):
        delegate["id"] = delegate_id


def _delegate_index(document: dict[str, Any], delegate_id: str) -> int:
    ids = _delegate_ids(document)
    if delegate_id not in ids:
        raise EditRefused(
            _(_NO_DELEGATE, id=repr(delegate_id)),
            [Problem("delegate_id", _(_NO_DELEGATE_HERE, id=repr(delegate_id)))],
        )
    return ids.index(delegate_id)


def _new_item(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """A new item with an id made from its title when it has none, and a countdown
    timer with the suggested thresholds when it gives none."""
    item = dict(item)
    if not item.get("id") and isinstance(item.get("title"), str):
        taken = {existing["id"] for existing in document["items"]}
        item["id"] = unique_id(slug(item["title"]), taken)
    duration = item.get("duration")
    timer = item.get("timer")
    if timer is None and duration is None:
        item["timer"] = {"mode": "countup"}
    elif _countdown_without_thresholds(timer) and _positive(duration):
        warning, danger = suggested_thresholds(float(duration))
        item["timer"] = {"mode": "countdown", **(timer or {}), "warning": warning, "danger": danger}
    return item


def _positive(number: Any) -> bool:
    return isinstance(number, int | float) and not isinstance(number, bool) and number > 0


def _countdown_without_thresholds(timer: Any) -> bool:
    """No timer at all, or a countdown whose warning and danger are both left empty
    (the console's form sends them as null)."""
    if timer is None:
        return True
    return (
        isinstance(timer, dict)
        and timer.get("mode", "countdown") == "countdown"
        and timer.get("warning") is None
        and timer.get("danger") is None
    )


def edited(agenda: Agenda, command: c.EditCommand) -> Agenda:
    """The programme after `command`, or EditRefused saying why not."""
    document = _document(agenda)
    where: dict[str, str] = {}  # agenda location prefix → the command's field
    if isinstance(command, c.EditItem):
        index = _item_index(document, command.item_id)
        fixed = [name for name in FIXED_ITEM_FIELDS if name in command.changes]
        if fixed:
            raise EditRefused(
                _("Không đổi được mã mục (id): hãy thêm mục mới rồi xóa mục cũ."),
                [Problem(f"changes.{fixed[0]}", _(_UNCHANGEABLE))],
            )
        document["items"][index] = _merge(document["items"][index], command.changes)
        where[f"items[{index}]"] = "changes"
    elif isinstance(command, c.AddItem):
        index = _position_after(document, command.after)
        document["items"].insert(index, _new_item(document, command.item))
        where[f"items[{index}]"] = "item"
    elif isinstance(command, c.RemoveItem):
        index = _item_index(document, command.item_id)
        if len(document["items"]) == 1:
            raise EditRefused(_("Không xóa được mục duy nhất của chương trình."))
        del document["items"][index]
    elif isinstance(command, c.MoveItem):
        if command.after == command.item_id:
            raise EditRefused(_("Không chuyển được một mục ra sau chính nó."))
        item = document["items"].pop(_item_index(document, command.item_id))
        document["items"].insert(_position_after(document, command.after), item)
    elif isinstance(command, c.EditEvent):
        document["event"] = _merge(document["event"], command.changes)
        where["event"] = "changes"
    elif isinstance(command, c.EditDelegate):
        _pin_delegate_ids(document)
        index = _delegate_index(document, command.delegate_id)
        if "id" in command.changes:
            raise EditRefused(
                _("Không đổi được mã đại biểu."), [Problem("changes.id", _(_UNCHANGEABLE))]
            )
        document["delegates"][index] = _merge(document["delegates"][index], command.changes)
        where[f"delegates[{index}]"] = "changes"
    elif isinstance(command, c.AddDelegate):
        _pin_delegate_ids(document)
        index = _position_after(document, command.after, "delegates")
        taken, number = set(_delegate_ids(document)), len(document["delegates"]) + 1
        while f"d{number}" in taken:
            number += 1
        document["delegates"].insert(index, {**command.delegate, "id": f"d{number}"})
        where[f"delegates[{index}]"] = "delegate"
    elif isinstance(command, c.SetPresent):
        _pin_delegate_ids(document)
        index = _delegate_index(document, command.delegate_id)
        document["delegates"][index]["present"] = command.present
    return _checked(document, agenda, where)


def _checked(document: dict[str, Any], agenda: Agenda, where: dict[str, str]) -> Agenda:
    try:
        parsed = parse_agenda(json.dumps(document, ensure_ascii=False), source=agenda.source)
    except AgendaError as error:
        problems = [_placed(problem, where) for problem in error.problems]
        reason = "; ".join(str(problem) for problem in problems)
        raise EditRefused(
            _("Chương trình sau khi sửa không hợp lệ: %(reason)s", reason=reason), problems
        ) from None
    return parsed.planned_like(agenda)


def _placed(problem: Problem, where: dict[str, str]) -> Problem:
    """``items[6].presenter.role`` → ``changes.presenter.role`` for the item being edited."""
    for prefix, field in where.items():
        if problem.place == prefix or problem.place.startswith((f"{prefix}.", f"{prefix}[")):
            rest = problem.place[len(prefix) :].lstrip(".")
            return Problem(f"{field}.{rest}" if rest else field, problem.message)
    return problem  # a rule across items (a duplicate id): the agenda's place says where


def _item_name(agenda: Agenda, item_id: str | None) -> Phrase:
    item = agenda.get(item_id)
    return phrase(N_("mục %(number)s"), number=item.index + 1 if item is not None else item_id)


def describe_edit(command: c.EditCommand, agenda: Agenda) -> Phrase:
    """The edit as the undo button names it, against the programme before it."""
    if isinstance(command, c.EditItem):
        return phrase(N_("Sửa %(item)s"), item=_item_name(agenda, command.item_id))
    if isinstance(command, c.AddItem):
        title = command.item.get("title")
        if isinstance(title, str):
            return phrase(N_("Thêm mục «%(title)s»"), title=title)
        return phrase(N_("Thêm mục"))
    if isinstance(command, c.RemoveItem):
        return phrase(N_("Xóa %(item)s"), item=_item_name(agenda, command.item_id))
    if isinstance(command, c.MoveItem):
        item = _item_name(agenda, command.item_id)
        if command.after is None:
            return phrase(N_("Chuyển %(item)s lên đầu"), item=item)
        after = _item_name(agenda, command.after)
        return phrase(N_("Chuyển %(item)s sau %(after)s"), item=item, after=after)
    if isinstance(command, c.EditEvent):
        return phrase(N_("Sửa thông tin sự kiện"))
    if isinstance(command, c.AddDelegate):
        return phrase(N_("Thêm đại biểu"))
    if isinstance(command, c.SetPresent):
        return phrase(N_("Đánh dấu có mặt") if command.present else N_("Đánh dấu vắng mặt"))
    return phrase(N_("Sửa đại biểu"))
