"""The live edits that turn one programme into another: how a dress rehearsal's
corrections reach the show (runshow/rehearsal.py).

Pure: two programmes in, a list of edit commands out (the JSON payloads the console
would send), each of which `runshow.editing.edited` applies. Applied in order to
`before`, they give `after`'s items, event and delegates, except the delegates'
presence: a tick of who came belongs to the day it was made, not to the plan.

The list is short, one command per correction a person made: an item edited (all its
changed fields in one command), added, removed or moved (only the items out of order
move: swapping two speeches is one move), the event edited, a delegate edited or added.
An added item's edit, if any, corrects what the add gave it by default.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from runshow.agenda import Agenda
from runshow.commands import InvalidCommand, parse_command
from runshow.editing import EditRefused, edited

#: What a delegate's correction never carries: its id (fixed) and its presence tick.
_DELEGATE_FIELDS_NOT_CARRIED = ("id", "present")


def corrections(before: Agenda, after: Agenda) -> list[dict[str, Any]]:
    """The edit commands that make `before`'s programme `after`'s."""
    old, new = _document(before), _document(after)
    placing = list(_item_places(old["items"], new["items"]))
    return [
        *placing,
        *_item_edits(_placed_items(before, placing), new["items"]),
        *_changed("edit_event", {}, old["event"], new["event"]),
        *_delegate_edits(
            dict(zip(before.delegate_ids(), old["delegates"], strict=True)),
            after.delegate_ids(),
            new["delegates"],
        ),
    ]


def _document(agenda: Agenda) -> dict[str, Any]:
    return json.loads(json.dumps(agenda.spec.model_dump(mode="json")))


def _changed(
    command: str, names: dict[str, Any], old: dict[str, Any], new: dict[str, Any], *skip: str
) -> list[dict[str, Any]]:
    """One edit command with every top-level field of `new` that differs from `old`
    (a nested object is sent whole), or none."""
    changes = {
        key: value for key, value in new.items() if key not in skip and old.get(key) != value
    }
    return [{"command": command, **names, "changes": changes}] if changes else []


def _placed_items(before: Agenda, placing: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items once removed, moved and added as `placing` says, as editing makes them:
    an added item gets editing's defaults (the suggested thresholds of a countdown that
    gives none), which its edit then corrects."""
    agenda = before
    for payload in placing:
        try:
            agenda = edited(agenda, parse_command(payload))  # type: ignore[arg-type]
        except (EditRefused, InvalidCommand):
            break  # the show refuses it too, and says so; the items after get no edit
    return _document(agenda)["items"]


def _item_places(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """The items removed, moved (only those out of order) and added."""
    old_by_id = {item["id"]: item for item in old}
    new_ids = [item["id"] for item in new]
    for item_id in old_by_id:
        if item_id not in new_ids:
            yield {"command": "remove_item", "item_id": item_id}
    kept = [item_id for item_id in old_by_id if item_id in set(new_ids)]
    placed = set(_longest_ordered_run(kept, [i for i in new_ids if i in old_by_id]))
    existing = set(kept)
    for index, item_id in enumerate(new_ids):
        if item_id in old_by_id and item_id not in placed:
            after = _nearest_before(new_ids, index, existing)
            yield {"command": "move_item", "item_id": item_id, "after": after}
    for index, item in enumerate(new):
        if item["id"] not in existing:
            after = _nearest_before(new_ids, index, existing)
            yield {"command": "add_item", "after": after, "item": item}
            existing.add(item["id"])


def _item_edits(
    placed: list[dict[str, Any]], new: list[dict[str, Any]]
) -> Iterable[dict[str, Any]]:
    """One edit per item whose fields differ once it is in its place."""
    placed_by_id = {item["id"]: item for item in placed}
    for item in new:
        if item["id"] in placed_by_id:
            yield from _changed(
                "edit_item", {"item_id": item["id"]}, placed_by_id[item["id"]], item, "id"
            )


def _delegate_edits(
    old_by_id: dict[str, dict[str, Any]], new_ids: list[str], new: list[dict[str, Any]]
) -> Iterable[dict[str, Any]]:
    """Delegates are edited and added live, never moved or removed: matched by id
    (`Agenda.delegate_ids`: ``d1``, ``d2``… by position when the file gives none)."""
    for delegate_id, delegate in zip(new_ids, new, strict=True):
        if delegate_id in old_by_id:
            yield from _changed(
                "edit_delegate",
                {"delegate_id": delegate_id},
                old_by_id[delegate_id],
                delegate,
                *_DELEGATE_FIELDS_NOT_CARRIED,
            )
    # Added in the order they were made (d20 before d21), each after the nearest
    # delegate before it that is already there: the ids come out as they were.
    existing = set(old_by_id)
    added = sorted(
        (index for index, delegate_id in enumerate(new_ids) if delegate_id not in existing),
        key=lambda index: _number(new_ids[index]),
    )
    for index in added:
        fields = {
            key: value
            for key, value in new[index].items()
            if key not in _DELEGATE_FIELDS_NOT_CARRIED
        }
        after = _nearest_before(new_ids, index, existing)
        yield {"command": "add_delegate", "after": after, "delegate": fields}
        existing.add(new_ids[index])


def _number(delegate_id: str) -> tuple[int, str]:
    digits = delegate_id[1:]
    return (
        (int(digits), "") if delegate_id.startswith("d") and digits.isdigit() else (0, delegate_id)
    )


def _nearest_before(ids: list[str], index: int, existing: set[str]) -> str | None:
    """The closest id before `index` that is already in the programme (None: first)."""
    for earlier in reversed(ids[:index]):
        if earlier in existing:
            return earlier
    return None


def _longest_ordered_run(old: list[str], new: list[str]) -> list[str]:
    """The most items of `new` already in the same order in `old` (a longest increasing
    subsequence of their old positions): every other item needs one move."""
    position = {item_id: index for index, item_id in enumerate(old)}
    ends: list[int] = []  # ends[k]: index in `new` of the smallest tail of a run of k + 1
    previous: list[int | None] = [None] * len(new)
    for index, item_id in enumerate(new):
        low, high = 0, len(ends)
        while low < high:
            middle = (low + high) // 2
            if position[new[ends[middle]]] < position[item_id]:
                low = middle + 1
            else:
                high = middle
        previous[index] = ends[low - 1] if low else None
        if low == len(ends):
            ends.append(index)
        else:
            ends[low] = index
    run: list[str] = []
    cursor = ends[-1] if ends else None
    while cursor is not None:
        run.append(new[cursor])
        cursor = previous[cursor]
    return run[::-1]
