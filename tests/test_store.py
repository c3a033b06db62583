"""The show survives on disk: the SQLite store and the one dispatcher in front of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runshow import i18n
from runshow.engine import ShowState
from runshow.service import ShowService
from runshow.store import StorageError, Store, snapshot_from_json, state_to_json
from tests.core_helpers import MINUTE, FakeClock, Show, small_agenda
from tests.reliability.damage import fill_the_database


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(small_agenda().start_ms)


@pytest.fixture
def opened(data_dir):
    """Opens stores on the data folder and closes them all at the end."""
    stores: list[Store] = []

    def open_store() -> Store:
        stores.append(Store(data_dir))
        return stores[-1]

    yield open_store
    for store in stores:
        store.close()


@pytest.fixture
def service(opened, clock) -> ShowService:
    return ShowService(small_agenda(), opened(), clock=clock)


def busy_evening() -> ShowState:
    """A state with something in every field: two clocks, visits, messages, both
    overlays, and something to undo and to redo."""
    show = Show()
    show.do("start")
    show.wait(minutes=9)
    show.do("adjust", seconds=-30)
    show.do("next")
    show.do("start")
    show.wait(minutes=3)
    show.do("pause")
    show.do("message", text="Còn 2 phút — xin cảm ơn", target="both")
    show.do("blackout", on=True)
    show.do("banner")
    show.do("adjust", seconds=60)
    show.do("undo")
    assert show.state.banner and show.state.undo and show.state.redo
    return show.state


# --------------------------------------------------------------------------- #
# Store.


def test_a_new_store_on_an_empty_folder_has_no_show_yet(opened):
    store = opened()
    assert store.load() is None
    assert store.events() == []


def test_a_committed_state_is_loaded_back_equal_by_a_new_store_on_the_same_folder(opened):
    state = busy_evening()
    first = opened()
    first.commit(state, "blackout", {"on": True}, "test", at_ms=123)
    first.close()

    loaded = opened().load()

    assert loaded == state
    assert loaded.timers["khai-mac"] == state.timers["khai-mac"]
    assert loaded.stage_message == "Còn 2 phút — xin cảm ơn"


def test_the_latest_commit_is_the_state_and_every_commit_is_in_the_log(opened):
    store = opened()
    show = Show()
    for name, arguments in [("start", {}), ("adjust", {"seconds": 60}), ("pause", {})]:
        state = show.do(name, **arguments)
        store.commit(state, name, arguments, "test", at_ms=show.now)
    assert [(event.command, event.revision) for event in store.events()] == [
        ("start", 1),
        ("adjust", 2),
        ("pause", 3),
    ]
    store.close()
    assert opened().load() == show.state


def test_a_revision_cannot_be_logged_twice_and_the_refusal_leaves_the_store_usable(opened):
    store = opened()
    show = Show()
    state = show.do("start")
    store.commit(state, "start", {}, "test", at_ms=1)
    with pytest.raises(StorageError, match="cùng phiên bản"):
        store.commit(state, "start", {}, "test", at_ms=2)
    assert len(store.events()) == 1
    assert store.load() == state
    store.commit(show.do("pause"), "pause", {}, "test", at_ms=3)
    assert [event.revision for event in store.events()] == [1, 2]


# --------------------------------------------------------------------------- #
# The dispatcher: validate, apply, persist, then tell the screens.


def test_each_accepted_command_is_logged_with_its_name_arguments_source_and_revision(
    service, clock
):
    service.dispatch({"command": "start"}, "socket:control")
    clock.advance(minutes=2)
    service.dispatch({"command": "adjust", "seconds": 60, "revision": 1}, "http")
    clock.advance(seconds=5)
    service.dispatch({"command": "message", "text": "Còn 2 phút", "target": "mc"}, "http")

    logged = [
        (event.at_ms - service.agenda.start_ms, event.command, event.arguments, event.source)
        for event in service.store.events()
    ]
    assert logged == [
        (0, "start", {}, "socket:control"),
        (2 * MINUTE, "adjust", {"seconds": 60}, "http"),
        (2 * MINUTE + 5000, "message", {"text": "Còn 2 phút", "target": "mc"}, "http"),
    ]
    assert [event.revision for event in service.store.events()] == [1, 2, 3]
    seqs = [event.seq for event in service.store.events()]
    assert seqs == sorted(seqs)


def test_an_accepted_command_answers_with_the_new_revision(service):
    result = service.dispatch({"command": "start"}, "http")
    assert result.accepted
    assert result.to_json() == {"ok": True, "revision": 1}
    assert service.state.revision == 1


def test_the_state_is_saved_before_any_screen_is_told(service):
    seen: list[tuple[int, int | None, int]] = []

    def screen(state: ShowState) -> None:
        saved = service.store.load()
        seen.append((state.revision, saved.revision, len(service.store.events())))

    service.subscribe(screen)
    service.dispatch({"command": "start"}, "http")
    service.dispatch({"command": "pause"}, "http")
    assert seen == [(1, 1, 1), (2, 2, 2)]


def test_every_screen_is_told_of_every_new_state_in_order(service):
    first: list[int] = []
    second: list[int] = []
    service.subscribe(lambda state: first.append(state.revision))
    service.subscribe(lambda state: second.append(state.revision))
    for name in ("start", "pause", "resume"):
        service.dispatch({"command": name}, "http")
    assert first == second == [1, 2, 3]


def test_a_refused_command_writes_nothing_and_tells_no_one(service):
    service.dispatch({"command": "start"}, "http")
    told: list[ShowState] = []
    service.subscribe(told.append)
    before = service.state

    result = service.dispatch({"command": "resume"}, "http")

    assert not result.accepted
    assert result.code == "not_possible"
    assert result.revision == 1
    assert result.to_json()["error"] == result.reason
    assert service.state is before
    assert service.store.load() == before
    assert len(service.store.events()) == 1
    assert told == []


def test_a_stale_command_writes_nothing(service):
    service.dispatch({"command": "start"}, "http")
    result = service.dispatch({"command": "next", "revision": 0}, "http")
    assert result.code == "stale_revision"
    assert service.state.current_id == "khai-mac"
    assert [event.command for event in service.store.events()] == ["start"]


def test_a_malformed_command_is_answered_invalid_with_the_problems(service):
    told: list[ShowState] = []
    service.subscribe(told.append)

    result = service.dispatch({"command": "adjust", "seconds": "60"}, "http")

    assert not result.accepted
    assert result.code == "invalid"
    assert result.revision == 0
    assert result.problems == [
        {"place": "seconds", "message": 'phải là số nguyên (nhận được "60")'}
    ]
    assert result.to_json()["problems"] == result.problems
    assert service.store.load() is None
    assert service.store.events() == []
    assert told == []


def test_when_saving_fails_the_show_does_not_move_and_no_screen_is_told(opened, clock):
    store = opened()
    service = ShowService(small_agenda(), store, clock=clock)
    assert service.dispatch({"command": "start"}, "http").accepted
    told: list[ShowState] = []
    service.subscribe(told.append)
    fill_the_database(store)

    # The log's last page fills up within a few dozen commands; then the disk is "full".
    for _ in range(500):
        before = service.state
        result = service.dispatch({"command": "adjust", "seconds": 1}, "http")
        if not result.accepted:
            break
    assert not result.accepted, "the database never filled up"
    assert result.code == "storage_error"
    assert "ổ đĩa đã đầy" in result.reason
    assert result.to_json()["error"] == result.reason
    assert result.revision == before.revision
    assert service.state is before
    assert told[-1] == before, "nothing unsaved was broadcast"
    assert store.load() == before
    assert store.events()[-1].revision == before.revision
    # The fault cleared (the reopened connection has no page limit): the next command is saved.
    assert service.dispatch({"command": "adjust", "seconds": 1}, "http").accepted
    assert store.events()[-1].revision == before.revision + 1
    assert told[-1] == service.state == store.load()


# --------------------------------------------------------------------------- #
# Restarting.


def test_a_restarted_service_carries_on_from_the_saved_revision(opened, clock):
    agenda = small_agenda()
    before = ShowService(agenda, opened(), clock=clock)
    before.dispatch({"command": "start"}, "http")
    clock.advance(minutes=3)
    before.dispatch({"command": "adjust", "seconds": 30}, "http")
    deadline = before.state.timer().deadline_ms
    before.store.close()

    clock.advance(minutes=1)
    after = ShowService(agenda, opened(), clock=clock)

    assert after.state == before.state
    assert after.warnings == []
    assert after.state.timer().deadline_ms == deadline
    assert after.view()["timer"]["remaining_ms"] == 6 * MINUTE + 30_000
    result = after.dispatch({"command": "pause", "revision": 2}, "http")
    assert result.revision == 3
    assert [event.revision for event in after.store.events()] == [1, 2, 3]


def test_a_restart_with_an_edited_programme_falls_back_to_the_banner_and_says_why(opened, clock):
    before = ShowService(small_agenda(), opened(), clock=clock)
    before.dispatch({"command": "goto", "item_id": "bao-cao"}, "http")
    before.dispatch({"command": "start"}, "http")
    before.store.close()

    def drop_the_report(document):
        document["items"] = [item for item in document["items"] if item["id"] != "bao-cao"]

    after = ShowService(small_agenda(drop_the_report), opened(), clock=clock)

    assert after.state.current_id is None
    assert after.state.revision == 2
    assert any("bao-cao" in warning for warning in after.warnings)
    assert after.dispatch({"command": "next"}, "http").accepted


def test_a_snapshot_saved_before_visits_keeps_its_actual_times(opened, clock):
    """Saved by the version that kept one start and end per item."""
    start = small_agenda().start_ms
    old = {
        "revision": 3,
        "current_id": "bao-cao",
        "cursor_id": "bao-cao",
        "timers": {
            "khai-mac": {
                "duration_ms": 600000,
                "remaining_ms": 0,
                "deadline_ms": None,
                "adjust_ms": 0,
                "started": True,
            },
            "bao-cao": {
                "duration_ms": 900000,
                "remaining_ms": 900000,
                "deadline_ms": start + 25 * MINUTE,
                "adjust_ms": 0,
                "started": True,
            },
        },
        "records": {
            "khai-mac": {"actual_start_ms": start, "actual_end_ms": start + 10 * MINUTE},
            "bao-cao": {"actual_start_ms": start + 10 * MINUTE, "actual_end_ms": None},
        },
        "stage_message": None,
        "mc_message": None,
        "blackout": False,
    }
    store = opened()
    # The log and the snapshot agree on the revision, as the old version wrote them.
    store.commit(ShowState(revision=3), "next", {}, "test", at_ms=start)
    store._db.execute("UPDATE snapshot SET state = ?", (json.dumps(old),))
    service = ShowService(small_agenda(), store, clock=clock)
    clock.now = start + 12 * MINUTE
    items = service.view()["schedule"]["items"]
    assert items[0]["actual_duration_ms"] == 10 * MINUTE
    assert items[1]["actual_duration_ms"] == 2 * MINUTE
    assert service.state.timer().running


def test_what_undo_would_do_is_saved_as_words_each_reader_reads_in_their_language():
    """Saved and read back, an undo entry still says what it did in every language;
    one saved before its words were (a Vietnamese label only) is shown as written."""
    show = Show()
    show.do("next")
    show.do("adjust", seconds=30)
    restored = snapshot_from_json(state_to_json(show.state))
    entry = restored.undo[-1]
    assert entry.words.said("vi") == "Thêm 30 giây (mục 1)"
    assert entry.words.said("en").startswith("Add ") and entry.words.said("en").endswith("(item 1)")
    with i18n.language("en"):
        assert restored.undo[0].label == "Go to item 1"
    saved = json.loads(state_to_json(show.state))
    assert saved["undo"][0]["words"] == [
        "Chuyển sang %(item)s",
        {"item": ["mục %(number)s", {"number": 1}]},
    ]
    saved["undo"][0]["label"] = "Chuyển sang mục 1"  # as saved before the words were
    del saved["undo"][0]["words"]
    older = snapshot_from_json(json.dumps(saved))
    with i18n.language("en"):
        assert older.undo[0].label == "Chuyển sang mục 1"
