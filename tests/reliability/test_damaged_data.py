"""A damaged data directory at start: rebuilt from the event log when it can be,
otherwise a plain refusal naming the file and what to do (never a traceback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runshow.agenda import load_agenda
from runshow.service import ShowService
from runshow.store import DataFileError, Store
from tests.conftest import BUNDLED_AGENDA, start_server, stop_server
from tests.core_helpers import FakeClock
from tests.reliability.damage import database, edit_database, saved_show, serve_until_exit


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(load_agenda(BUNDLED_AGENDA).start_ms)


# Ways the snapshot row gets damaged while the event log is intact.
SNAPSHOT_DAMAGE = {
    "json cut in half": "UPDATE snapshot SET state = substr(state, 1, length(state) / 2)",
    "a field missing": "UPDATE snapshot SET state = json_remove(state, '$.current_id')",
    "text where a deadline belongs": (
        "UPDATE snapshot SET state = json_set(state,"
        " '$.timers.van-nghe-chao-mung.deadline_ms', 'sắp hết giờ')"
    ),
    "a number where text belongs": "UPDATE snapshot SET state = json_set(state, '$.mc_message', 7)",
    "an unknown field": "UPDATE snapshot SET state = json_set(state, '$.surprise', 1)",
    "not json at all": "UPDATE snapshot SET state = 'xin chào'",
    "an older revision than the log": "UPDATE snapshot SET revision = 2,"
    " state = json_set(state, '$.revision', 2)",
    "the row deleted": "DELETE FROM snapshot",
    "the table dropped": "DROP TABLE snapshot",
}


@pytest.mark.parametrize("damage", SNAPSHOT_DAMAGE.values(), ids=SNAPSHOT_DAMAGE.keys())
def test_a_damaged_snapshot_is_rebuilt_from_the_event_log(data_dir, clock, damage):
    saved = saved_show(data_dir, clock)
    edit_database(data_dir, damage)

    store = Store(data_dir)
    try:
        service = ShowService(load_agenda(BUNDLED_AGENDA), store, clock=clock)
        assert service.state == saved
        assert service.state.timer().deadline_ms == saved.timer().deadline_ms
        assert any("dựng lại từ nhật ký" in warning for warning in service.warnings)
        assert store.load() == saved, "the rebuilt snapshot is saved"
        assert service.dispatch({"command": "pause"}, "test").accepted
    finally:
        store.close()


def test_a_damaged_snapshot_with_a_damaged_log_refuses_to_start_saying_what_to_do(data_dir, clock):
    saved_show(data_dir, clock)
    edit_database(data_dir, "UPDATE snapshot SET state = '{'")
    edit_database(data_dir, 'UPDATE events SET arguments = \'{"seconds": "x"}\' WHERE seq = 3')

    with pytest.raises(DataFileError) as refused:
        ShowService(load_agenda(BUNDLED_AGENDA), Store(data_dir), clock=clock)
    assert str(database(data_dir)) in str(refused.value)
    assert "--fresh" in str(refused.value)


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def not_a_database(path: Path) -> None:
    path.write_text("Đây không phải cơ sở dữ liệu\n" * 200, encoding="utf-8")


def a_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "something").write_text("x")


FILE_DAMAGE = {
    "not a database": not_a_database,
    "cut in half": cut_in_half,
    "a directory in its place": a_directory,
}


@pytest.mark.parametrize("damage", FILE_DAMAGE.values(), ids=FILE_DAMAGE.keys())
def test_an_unusable_data_file_refuses_to_start_naming_the_file_and_what_to_do(
    data_dir, clock, damage
):
    saved_show(data_dir, clock)
    damage(database(data_dir))

    status, output = serve_until_exit(data_dir)

    assert status == 1, output
    assert "Traceback" not in output
    assert str(database(data_dir)) in output
    assert "runshow serve --fresh" in output
    assert "dời tệp này" in output


def test_fresh_sets_an_unusable_data_file_aside_and_starts_from_the_top(data_dir, clock, tmp_path):
    saved_show(data_dir, clock)
    a_directory(database(data_dir))

    server = start_server(data_dir, tmp_path / "fresh.log", extra_args=("--fresh",))
    try:
        assert server.state()["revision"] == 0
        assert server.command("next")["ok"]
    finally:
        stop_server(server)
    assert len(list((data_dir / "archive").glob("runshow-*.sqlite3"))) == 1


def test_a_server_on_a_snapshot_with_text_for_a_deadline_rebuilds_it_and_answers(
    data_dir, clock, tmp_path
):
    """The old server started on such a file and then answered 500 to everything."""
    saved = saved_show(data_dir, clock)
    edit_database(data_dir, SNAPSHOT_DAMAGE["text where a deadline belongs"])

    server = start_server(data_dir, tmp_path / "server.log")
    try:
        state = server.state()
        assert state["revision"] == saved.revision
        assert state["current"]["id"] == saved.current_id
        assert state["timer"]["deadline_ms"] == saved.timer().deadline_ms
        assert server.command("pause")["revision"] == saved.revision + 1
    finally:
        stop_server(server)
    assert "dựng lại từ nhật ký" in server.log()


LIVE_EDITS = (
    {"command": "goto", "item_id": "tham-luan-ha-noi"},
    {"command": "start"},
    {"command": "edit_item", "item_id": "tham-luan-ha-noi", "changes": {"duration": 7}},
    {
        "command": "add_item",
        "after": "tham-luan-ho-chi-minh",
        "item": {"kind": "award", "title": "Trao Cờ thi đua", "duration": 5},
    },
    {"command": "move_item", "item_id": "tham-luan-da-nang", "after": "tham-luan-ha-noi"},
    {"command": "set_present", "delegate_id": "d3", "present": False},
    {"command": "edit_event", "changes": {"banner_lines": ["HỘI NGHỊ", "Cần Thơ, 2023"]}},
    {"command": "undo"},  # the banner edit is reverted: replay must revert it too
)


def test_a_damaged_snapshot_after_live_edits_is_rebuilt_with_the_edited_programme(data_dir, clock):
    service = ShowService(load_agenda(BUNDLED_AGENDA), Store(data_dir), clock=clock)
    for payload in LIVE_EDITS:
        clock.advance(5)
        answer = service.dispatch(payload, "test")
        assert answer.accepted, answer
    saved, programme = service.state, service.agenda.spec
    service.store.close()
    edit_database(data_dir, "UPDATE snapshot SET state = 'xin chào'")

    store = Store(data_dir)
    try:
        rebuilt = ShowService(load_agenda(BUNDLED_AGENDA), store, clock=clock)
        assert rebuilt.state == saved
        assert rebuilt.agenda.spec == programme
        assert [item.id for item in rebuilt.agenda.items][5:9] == [
            "tham-luan-ha-noi",
            "tham-luan-da-nang",
            "tham-luan-ho-chi-minh",
            "trao-co-thi-dua",
        ]
        assert rebuilt.state.timer().deadline_ms == saved.timer().deadline_ms
        assert any("dựng lại từ nhật ký" in warning for warning in rebuilt.warnings)
        assert rebuilt.dispatch({"command": "undo"}, "test").accepted  # the set_present
        assert rebuilt.agenda.spec.delegates[2].present is True
    finally:
        store.close()


@pytest.mark.parametrize("version", [1, 2], ids=["an older version", "the version in use"])
def test_a_damaged_programme_version_is_made_again_from_the_log(data_dir, clock, version):
    """A stored programme version that no longer reads must not stop the show, nor
    blame the agenda file, which is intact."""
    service = ShowService(load_agenda(BUNDLED_AGENDA), Store(data_dir), clock=clock)
    edits = (
        {"command": "edit_item", "item_id": "tham-luan-ha-noi", "changes": {"duration": 7}},
        {"command": "set_present", "delegate_id": "d3", "present": False},
    )
    for payload in edits:
        clock.advance(5)
        assert service.dispatch(payload, "test").accepted
    saved, programme = service.state, service.agenda.spec
    assert saved.programme_version == 2
    service.store.close()
    edit_database(
        data_dir,
        "UPDATE programmes SET agenda = substr(agenda, 1, length(agenda) / 2)"
        f" WHERE version = {version}",
    )

    store = Store(data_dir)
    try:
        again = ShowService(load_agenda(BUNDLED_AGENDA), store, clock=clock)
        assert again.state == saved
        assert again.agenda.spec == programme
        (warning,) = again.warnings
        assert f"Bản chương trình đã sửa số {version}" in warning
        assert str(database(data_dir)) in warning and "đã dựng lại từ nhật ký lệnh" in warning
        assert again.dispatch({"command": "undo"}, "test").accepted
        assert again.agenda.items[5].spec.duration == 7
        assert again.dispatch({"command": "undo"}, "test").accepted
        assert again.agenda.items[5].spec.duration == 10
    finally:
        store.close()
