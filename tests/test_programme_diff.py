"""The edits that turn one programme into another (a rehearsal's corrections, carried
to the show): applied to the first, they give the second, presence ticks aside."""

from __future__ import annotations

from hypothesis import given, note, settings
from hypothesis import strategies as st

from runshow.agenda import Agenda, load_agenda
from runshow.commands import parse_command
from runshow.editing import EditRefused, edited
from runshow.programme_diff import corrections
from tests.core_helpers import BUNDLED_AGENDA

FILE = load_agenda(BUNDLED_AGENDA)
IDS = [item.id for item in FILE.items]
DELEGATES = FILE.delegate_ids()


def applied(agenda: Agenda, payloads: list[dict]) -> Agenda:
    for payload in payloads:
        agenda = edited(agenda, parse_command(payload))
    return agenda


def without_presence(agenda: Agenda) -> dict:
    document = agenda.spec.model_dump(mode="json")
    for number, delegate in enumerate(document["delegates"], start=1):
        delegate.pop("present")
        delegate["id"] = delegate["id"] or f"d{number}"
    return document


def test_a_mornings_corrections_are_one_command_each():
    """A new presenter, a speech cut to 15 minutes, two speeches swapped, an award
    added, a delegate's name filled: five corrections, five commands."""
    ha_noi, hcm = IDS[5], IDS[6]
    rehearsed = applied(
        FILE,
        [
            {"command": "edit_item", "item_id": IDS[4], "changes": {"presenter": {"name": "A"}}},
            {"command": "edit_item", "item_id": ha_noi, "changes": {"duration": 15}},
            {"command": "move_item", "item_id": hcm, "after": IDS[4]},
            {"command": "add_item", "after": IDS[9], "item": {"kind": "award", "title": "Cờ"}},
            {"command": "edit_delegate", "delegate_id": "d3", "changes": {"name": "Lê Văn C"}},
            {"command": "set_present", "delegate_id": "d4", "present": False},
        ],
    )
    carried = corrections(FILE, rehearsed)
    assert [payload["command"] for payload in carried] == [
        "move_item",
        "add_item",
        "edit_item",
        "edit_item",
        "edit_delegate",
    ]
    result = applied(FILE, carried)
    assert without_presence(result) == without_presence(rehearsed)
    assert result.spec.delegates[3].present, "a presence tick is not a correction"
    assert corrections(result, rehearsed) == []


EDITS = st.one_of(
    st.builds(
        lambda item, title: {"command": "edit_item", "item_id": item, "changes": {"title": title}},
        st.sampled_from(IDS),
        st.sampled_from(["Tham luận mới", "Phát biểu"]),
    ),
    st.builds(
        lambda item, minutes: {
            "command": "edit_item",
            "item_id": item,
            "changes": {"duration": minutes},
        },
        st.sampled_from(IDS[1:9]),
        st.integers(6, 40),
    ),
    st.builds(
        lambda item, after: {"command": "move_item", "item_id": item, "after": after},
        st.sampled_from(IDS),
        st.sampled_from([None, *IDS]),
    ),
    st.builds(
        lambda after, title, length: {
            "command": "add_item",
            "after": after,
            "item": {"kind": "award", "title": title, **length},
        },
        st.sampled_from([None, *IDS]),
        st.sampled_from(["Trao cờ", "Văn nghệ chào mừng"]),
        st.sampled_from([{}, {"duration": 10}]),  # counting up, or down
    ),
    st.builds(lambda item: {"command": "remove_item", "item_id": item}, st.sampled_from(IDS)),
    st.builds(
        lambda item: {
            "command": "edit_item",
            "item_id": item,
            "changes": {"timer": {"warning": None, "danger": None}},
        },
        st.sampled_from([*IDS, "trao-co", "van-nghe-chao-mung"]),  # added ones too
    ),
    st.builds(
        lambda delegate, name: {
            "command": "edit_delegate",
            "delegate_id": delegate,
            "changes": {"name": name},
        },
        st.sampled_from(DELEGATES),
        st.sampled_from(["Nguyễn Văn A", None]),
    ),
    st.builds(
        lambda after: {
            "command": "add_delegate",
            "after": after,
            "delegate": {"group": "Khách mời", "title": "Đại biểu"},
        },
        st.sampled_from([None, *DELEGATES]),
    ),
    st.builds(
        lambda delegate, present: {
            "command": "set_present",
            "delegate_id": delegate,
            "present": present,
        },
        st.sampled_from(DELEGATES),
        st.booleans(),
    ),
    st.builds(
        lambda line: {"command": "edit_event", "changes": {"banner_lines": [line]}},
        st.sampled_from(["HỘI NGHỊ", "LỄ KỶ NIỆM"]),
    ),
)


@settings(deadline=None, max_examples=150)
@given(st.lists(EDITS, max_size=12))
def test_the_corrections_of_any_rehearsal_make_its_programme(edits):
    rehearsed = FILE
    for payload in edits:
        try:
            rehearsed = edited(rehearsed, parse_command(payload))
        except EditRefused:  # refused on the console too: the rehearsal goes on
            note(f"refused: {payload}")
    carried = corrections(FILE, rehearsed)
    note(str(carried))
    assert without_presence(applied(FILE, carried)) == without_presence(rehearsed)


def test_an_item_added_without_thresholds_is_carried_without_them():
    """Added in the rehearsal, then its yellow and red cleared (a speech that must not
    flash at the speaker): the show's copy must not get the suggested ones back."""
    rehearsed = applied(
        FILE,
        [
            {
                "command": "add_item",
                "after": IDS[2],
                "item": {"kind": "award", "title": "Trao Cờ", "duration": 15},
            },
            {
                "command": "edit_item",
                "item_id": "trao-co",
                "changes": {"timer": {"warning": None, "danger": None}},
            },
        ],
    )
    assert rehearsed.get("trao-co").spec.timer.warning is None
    carried = applied(FILE, corrections(FILE, rehearsed))
    assert carried.get("trao-co").spec == rehearsed.get("trao-co").spec
