"""`runshow serve --rehearsal`: the programme today, shifted, its data apart from the show."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from runshow.agenda import load_agenda
from runshow.rehearsal import CARRIED_SOURCE, HandOver, hand_over, prepare
from runshow.service import ShowService
from runshow.store import Store
from tests.conftest import BUNDLED_AGENDA, CONTROL_KEY, LiveServer, start_server, stop_server

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HA_NOI = "tham-luan-ha-noi"


def files_of(folder: Path, leave_out: str = "rehearsal") -> dict[str, bytes]:
    """Every file under `folder` (but the rehearsal's own), by relative path, byte for byte."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.relative_to(folder).parts[0] != leave_out
    }


def logged_in(server: LiveServer) -> requests.Session:
    session = requests.Session()
    response = session.post(
        f"{server.url}/login", data={"key": CONTROL_KEY, "next": "/control"}, timeout=10
    )
    assert response.ok
    return session


def today_at(hhmm: str) -> int:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    moment = dt.datetime.now(TZ).replace(hour=hours, minute=minutes, second=0, microsecond=0)
    return int(moment.timestamp() * 1000)


@pytest.fixture
def show_data(tmp_path: Path) -> Path:
    """A data directory after part of the real show: an item run, a message, a logout."""
    data = tmp_path / "data"
    show = start_server(data, tmp_path / "show.log")
    try:
        show.command("goto", item_id=HA_NOI)
        show.command("start")
        show.command("message", text="Còn 2 phút", target="stage")
        session = logged_in(show)
        assert session.get(f"{show.url}/report", timeout=10).ok
    finally:
        stop_server(show)
    return data


def test_a_rehearsal_runs_today_from_now_and_never_touches_the_shows_data(show_data, tmp_path):
    before = files_of(show_data)
    assert "runshow.sqlite3" in before
    rehearsal = start_server(show_data, tmp_path / "rehearsal.log", extra_args=("--rehearsal",))
    try:
        programme = requests.get(f"{rehearsal.url}/api/programme", timeout=10).json()
        now = dt.datetime.now(TZ)
        assert programme["rehearsal"] is True
        assert abs(programme["start_ms"] - now.timestamp() * 1000) < 61_000
        assert programme["items"][0]["planned_start_ms"] == programme["start_ms"]
        assert programme["event"]["date"] == now.date().isoformat()
        assert programme["event"]["banner_place_date"].endswith(
            f"ngày {now.day} tháng {now.month} năm {now.year}"
        )
        state = rehearsal.state()
        assert state["revision"] == 0 and state["message"]["stage"] is None, "the show's state"
        schedule = requests.get(f"{rehearsal.url}/api/schedule", timeout=10).json()
        assert schedule["items"][0]["planned_start_ms"] == programme["start_ms"]

        rehearsal.command("goto", item_id=HA_NOI)
        rehearsal.command("start")
        rehearsal.command("next")
        session = logged_in(rehearsal)
        for path in ("/stage", "/mc", "/programme", "/control", "/report"):
            page = session.get(f"{rehearsal.url}{path}", timeout=10).text
            assert "TỔNG DUYỆT" in page, path
        csv = session.get(f"{rehearsal.url}/report.csv", timeout=10)
        assert "tong-duyet" in csv.headers["Content-Disposition"]
        started = dt.datetime.fromtimestamp(programme["items"][5]["planned_start_ms"] / 1000, TZ)
        assert started.strftime("%H:%M") in session.get(f"{rehearsal.url}/report").text
        session.post(f"{rehearsal.url}/logout", timeout=10)
    finally:
        stop_server(rehearsal)
    assert "TỔNG DUYỆT" in rehearsal.log()
    assert files_of(show_data) == before, "the real show's data directory changed"


def test_a_restarted_rehearsal_goes_on_and_a_new_start_begins_a_new_one(show_data, tmp_path):
    first = start_server(show_data, tmp_path / "one.log", extra_args=("--rehearsal",))
    try:
        start_ms = requests.get(f"{first.url}/api/programme", timeout=10).json()["start_ms"]
        first.command("next")
    finally:
        stop_server(first)

    again = start_server(show_data, tmp_path / "two.log", extra_args=("--rehearsal",))
    try:
        assert requests.get(f"{again.url}/api/programme", timeout=10).json()["start_ms"] == start_ms
        assert again.state()["revision"] == 1
    finally:
        stop_server(again)

    later = start_server(
        show_data, tmp_path / "three.log", extra_args=("--rehearsal", "--start", "14:00")
    )
    try:
        programme = requests.get(f"{later.url}/api/programme", timeout=10).json()
        assert programme["start_ms"] == today_at("14:00")
        assert programme["event"]["start"] == "14:00"
        assert later.state()["revision"] == 0
    finally:
        stop_server(later)
    assert list((show_data / "rehearsal" / "archive").glob("*.sqlite3"))


def test_start_without_rehearsal_is_refused_plainly(tmp_path):
    finished = subprocess.run(
        [sys.executable, "-m", "runshow", "serve", "--start", "14:00"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=30,
    )
    assert finished.returncode == 2
    assert "--rehearsal" in finished.stderr
    assert not (tmp_path / "data").exists()


#: Words of a Python or library message in English, never of the technician's Vietnamese.
ENGLISH = re.compile(
    r"\b(the|while|should|error|warning|exception|traceback|thrown|deprecated|monkey\w*)\b",
    re.IGNORECASE,
)


@contextlib.contextmanager
def serving(data: Path, log: Path, **options) -> Iterator[LiveServer]:
    """`start_server`'s server, stopped at the end of the block (its log stays readable)."""
    server = start_server(data, log, **options)
    try:
        yield server
    finally:
        stop_server(server)


def test_a_rehearsal_with_a_start_time_prints_no_traceback_and_no_english(tmp_path):
    """The --start argument once imported pydantic before eventlet's monkey patch: an
    English warning and a PydanticUserError traceback on every start."""
    with serving(
        tmp_path / "data",
        tmp_path / "rehearsal.log",
        extra_args=("--rehearsal", "--start", "14:00"),
    ) as rehearsal:
        assert requests.get(f"{rehearsal.url}/api/programme", timeout=10).json()["rehearsal"]
    printed = rehearsal.log()
    assert "TỔNG DUYỆT" in printed
    assert "Traceback" not in printed
    assert not ENGLISH.findall(printed), printed


def test_the_same_start_again_resumes_the_rehearsal_and_says_so(tmp_path):
    """Shell history after a crash: `--rehearsal --start 14:00` again is the same
    rehearsal, not a new one; another start begins a new one, and says so too."""
    data = tmp_path / "data"
    with serving(
        data, tmp_path / "one.log", extra_args=("--rehearsal", "--start", "14:00")
    ) as first:
        first.command("next")
        first.command("message", text="Còn 2 phút", target="stage")
    assert "Bắt đầu buổi tổng duyệt mới, khai mạc lúc 14:00 hôm nay." in first.log()

    with serving(
        data, tmp_path / "two.log", extra_args=("--rehearsal", "--start", "14:00")
    ) as again:
        state = again.state()
        assert state["revision"] == 2, "the rehearsal went on where it was"
        assert state["message"]["stage"] == "Còn 2 phút"
    assert "Tiếp tục buổi tổng duyệt hôm nay" in again.log()
    assert not list((data / "rehearsal" / "archive").glob("*.sqlite3")), "nothing archived"

    with serving(
        data, tmp_path / "three.log", extra_args=("--rehearsal", "--start", "15:00")
    ) as other:
        assert other.state()["revision"] == 0
        programme = requests.get(f"{other.url}/api/programme", timeout=10).json()
        assert programme["start_ms"] == today_at("15:00")
    archived = list((data / "rehearsal" / "archive").glob("*.sqlite3"))
    assert len(archived) == 1
    assert (
        "Bắt đầu buổi tổng duyệt mới, khai mạc lúc 15:00 hôm nay (buổi trước được cất vào "
        in other.log()
    )


# --------------------------------------------------------------------------- #
# What a rehearsal hands to the show.

CARRIED_LINE = "Dùng chương trình đã sửa trong buổi tổng duyệt: 5 thay đổi."
HAI_PHONG, CAN_THO, CHI_DAO = "tham-luan-hai-phong", "tham-luan-can-tho", "phat-bieu-chi-dao"


def console_programme(server: LiveServer) -> dict:
    """The programme as the console sees it (with the delegates)."""
    return requests.get(
        f"{server.url}/api/programme",
        headers={"Authorization": f"Bearer {CONTROL_KEY}"},
        timeout=10,
    ).json()


def the_files_start_ms() -> int:
    """08:00 on 28 July 2023 in Cần Thơ: the bundled programme's real start."""
    return int(dt.datetime(2023, 7, 28, 8, 0, tzinfo=TZ).timestamp() * 1000)


def rehearse(
    data: Path, log: Path, *corrections: dict, agenda: Path = BUNDLED_AGENDA, runs: bool = True
) -> None:
    """A rehearsal that corrects the programme and (`runs`) runs part of it (a clock, a
    message, a presence tick, the banner): only the corrections are for the show."""
    with serving(data, log, agenda=agenda, extra_args=("--rehearsal",)) as rehearsal:
        if runs:
            rehearsal.command("goto", item_id=HA_NOI)
            rehearsal.command("start")
        for correction in corrections:
            rehearsal.command(**correction)
        if runs:
            rehearsal.command("message", text="Còn 2 phút", target="stage")
            rehearsal.command("set_present", delegate_id="d3", present=False)
            rehearsal.command("banner", on=True)
            rehearsal.command("next")


MORNING_CORRECTIONS = (
    {"command": "edit_item", "item_id": HA_NOI, "changes": {"presenter": {"name": "Trần Văn Mới"}}},
    {"command": "edit_item", "item_id": CHI_DAO, "changes": {"duration": 15}},
    {"command": "move_item", "item_id": CAN_THO, "after": "tham-luan-da-nang"},
    {
        "command": "add_item",
        "after": CHI_DAO,
        "item": {"kind": "award", "title": "Trao Cờ thi đua", "duration": 5},
    },
    {"command": "edit_delegate", "delegate_id": "d2", "changes": {"name": "Vũ Chiến Thắng"}},
)


def test_the_rehearsals_corrections_reach_the_show_once_and_at_its_real_times(tmp_path):
    """The morning: rehearse, correct the programme on the console, stop, start the
    event with plain `serve`: the show runs the corrected programme, at the event's
    own date and times, with nothing of the rehearsal's runs."""
    data = tmp_path / "data"
    rehearse(data, tmp_path / "rehearsal.log", *MORNING_CORRECTIONS)

    with serving(data, tmp_path / "show.log") as show:
        programme = console_programme(show)
        state = show.state()
        session = logged_in(show)
        console = session.get(f"{show.url}/control", timeout=10).text
    assert CARRIED_LINE in show.log()
    assert CARRIED_LINE.rstrip(".") in console, "the console says it too"
    assert programme["rehearsal"] is False
    assert programme["start_ms"] == the_files_start_ms()
    assert programme["event"]["date"] == "2023-07-28"
    assert programme["items"][0]["planned_start_ms"] == the_files_start_ms()
    items = {item["id"]: item for item in programme["items"]}
    assert items[HA_NOI]["presenter"]["name"] == "Trần Văn Mới"
    assert items[CHI_DAO]["duration_ms"] == 15 * 60_000
    order = [item["id"] for item in programme["items"]]
    assert order.index(CAN_THO) < order.index(HAI_PHONG), "the two speeches swapped"
    assert order[order.index(CHI_DAO) + 1] == "trao-co-thi-dua"
    delegates = {delegate["id"]: delegate for delegate in programme["delegates"]}
    assert delegates["d2"]["name"] == "Vũ Chiến Thắng"
    assert delegates["d3"]["present"] is True, "a presence tick is the rehearsal's, not the plan"
    assert state["current"] is None and state["timer"] is None
    assert state["message"]["stage"] is None
    assert state["revision"] == 5, "five live edits in the show's log"
    assert state["undo"] == "Sửa đại biểu", "each carried edit can be undone by its name"

    with serving(data, tmp_path / "again.log") as again:
        assert console_programme(again)["items"] == programme["items"], "kept across a restart"
        assert again.state()["revision"] == 5, "carried once"
    assert "buổi tổng duyệt" not in again.log()

    with serving(data, tmp_path / "fresh.log", extra_args=("--fresh",)) as fresh:
        assert items[HA_NOI] != {i["id"]: i for i in console_programme(fresh)["items"]}[HA_NOI]
        assert fresh.state()["revision"] == 0
    assert "--fresh: buổi diễn bắt đầu từ tệp chương trình; 5 thay đổi" in fresh.log(), (
        "the show that had them is archived: --fresh says it leaves them out"
    )

    with serving(data, tmp_path / "after-fresh.log") as after_fresh:
        assert after_fresh.state()["revision"] == 0, "the rehearsal is not carried a second time"


def test_fresh_starts_from_the_file_and_says_what_it_leaves_out(tmp_path):
    data = tmp_path / "data"
    rehearse(data, tmp_path / "rehearsal.log", *MORNING_CORRECTIONS)
    with serving(data, tmp_path / "fresh.log", extra_args=("--fresh",)) as fresh:
        assert fresh.state()["revision"] == 0
        assert console_programme(fresh)["items"][5]["id"] == HA_NOI
    assert (
        "--fresh: buổi diễn bắt đầu từ tệp chương trình; 5 thay đổi của buổi tổng duyệt "
        "không được dùng." in fresh.log()
    )
    with serving(data, tmp_path / "plain.log") as plain:
        assert plain.state()["revision"] == 0, "left out once, left out for good"


def test_a_show_that_has_begun_keeps_its_programme_and_says_why(tmp_path):
    data = tmp_path / "data"
    with serving(data, tmp_path / "show.log") as show:
        show.command("start")
    rehearse(data, tmp_path / "rehearsal.log", MORNING_CORRECTIONS[0])
    with serving(data, tmp_path / "again.log") as again:
        items = {item["id"]: item for item in console_programme(again)["items"]}
        assert items[HA_NOI]["presenter"]["name"] is None
        assert again.state()["revision"] == 1
    assert (
        "Không dùng 1 thay đổi của buổi tổng duyệt: buổi diễn đã có thao tác riêng "
        "(phiên bản 1), chương trình của nó không bị ghi đè" in again.log()
    )
    with serving(data, tmp_path / "crash-restart.log") as restarted:
        assert restarted.state()["revision"] == 1
    assert "buổi tổng duyệt" not in restarted.log(), (
        "said once: a restart mid-show does not offer --fresh again at every start"
    )


def test_an_agenda_file_changed_since_the_rehearsal_is_not_overwritten(tmp_path):
    agenda = tmp_path / "agenda.json"
    agenda.write_text(BUNDLED_AGENDA.read_text(encoding="utf-8"), encoding="utf-8")
    data = tmp_path / "data"
    rehearse(data, tmp_path / "rehearsal.log", MORNING_CORRECTIONS[0], agenda=agenda)
    document = json.loads(agenda.read_text(encoding="utf-8"))
    document["items"][0]["title"] = "Chương trình văn nghệ đặc sắc"
    agenda.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    with serving(data, tmp_path / "show.log", agenda=agenda) as show:
        items = console_programme(show)["items"]
        assert items[0]["title"] == "Chương trình văn nghệ đặc sắc"
        assert items[5]["presenter"]["name"] is None
        assert show.state()["revision"] == 0
    assert (
        f"Không dùng các thay đổi của buổi tổng duyệt: tệp chương trình {agenda} đã đổi "
        "từ khi tổng duyệt sửa chương trình; buổi diễn dùng tệp" in show.log()
    )


def test_a_rehearsal_that_goes_on_hands_over_its_new_corrections(tmp_path):
    """Rehearsed, carried; rehearsed again the same morning (it resumes), corrected
    once more: the show gets that correction too, and only it."""
    data = tmp_path / "data"
    rehearse(data, tmp_path / "one.log", MORNING_CORRECTIONS[0])
    with serving(data, tmp_path / "show-one.log") as first:
        assert first.state()["revision"] == 1
    assert "buổi tổng duyệt: 1 thay đổi." in first.log()

    rehearse(data, tmp_path / "two.log", MORNING_CORRECTIONS[1], runs=False)
    with serving(data, tmp_path / "show-two.log") as second:
        items = {item["id"]: item for item in console_programme(second)["items"]}
        assert items[HA_NOI]["presenter"]["name"] == "Trần Văn Mới"
        assert items[CHI_DAO]["duration_ms"] == 15 * 60_000
        assert second.state()["revision"] == 2
    assert "Dùng chương trình đã sửa trong buổi tổng duyệt: 1 thay đổi." in second.log()


def test_a_rehearsal_still_running_is_not_read_and_the_show_says_so(tmp_path):
    data = tmp_path / "data"
    with serving(data, tmp_path / "rehearsal.log", extra_args=("--rehearsal",)) as rehearsal:
        rehearsal.command(**MORNING_CORRECTIONS[0])
        with serving(data, tmp_path / "show.log") as show:
            assert show.state()["revision"] == 0
    assert "vẫn đang chạy: chưa lấy được chương trình đã sửa của nó" in show.log()


def test_a_new_rehearsal_does_not_overwrite_what_an_earlier_one_handed_over(tmp_path):
    """A new rehearsal starts from the agenda file: carrying its programme would take
    back the earlier rehearsal's corrections, which it never saw."""
    data = tmp_path / "data"
    rehearse(data, tmp_path / "one.log", MORNING_CORRECTIONS[0])
    with serving(data, tmp_path / "show-one.log") as first:
        assert first.state()["revision"] == 1
    with serving(data, tmp_path / "two.log", extra_args=("--rehearsal", "--fresh")) as second:
        second.command(**MORNING_CORRECTIONS[1])
    with serving(data, tmp_path / "show-two.log") as show:
        items = {item["id"]: item for item in console_programme(show)["items"]}
        assert items[HA_NOI]["presenter"]["name"] == "Trần Văn Mới"
        assert items[CHI_DAO]["duration_ms"] == 20 * 60_000
    assert (
        "Không dùng 2 thay đổi của buổi tổng duyệt: buổi diễn đã nhận thay đổi của một buổi "
        "tổng duyệt trước, chương trình của nó không bị ghi đè." in show.log()
    )


def test_a_hand_over_cut_short_carries_the_rest_at_the_next_start(tmp_path, clock):
    """A crash between two carried corrections: the next start works the difference
    out again from the show's programme, and carries only what is left."""
    show_dir = tmp_path / "data"
    file_agenda = load_agenda(BUNDLED_AGENDA)
    plan = prepare(show_dir, TZ, None, clock(), fresh=False, stamp="1")
    rehearsal_store = Store(plan.data_dir)
    rehearsal = ShowService(file_agenda.rehearsal_at(plan.start_ms), rehearsal_store, clock)
    for correction in MORNING_CORRECTIONS:
        assert rehearsal.dispatch(correction, "http").accepted
    rehearsal_store.close()

    show = ShowService(file_agenda, Store(show_dir), clock)
    first = {"command": "move_item", "item_id": CAN_THO, "after": "tham-luan-da-nang"}
    assert show.dispatch(first, f"{CARRIED_SOURCE}{plan.rehearsal_id}").accepted  # then a crash
    done = hand_over(show, show_dir, fresh=False)
    assert done.line == "Dùng chương trình đã sửa trong buổi tổng duyệt: 4 thay đổi."
    assert done.carried == 5 and show.state.revision == 5
    assert hand_over(show, show_dir, fresh=False).line is None, "handed over once"
    show.store.close()


def rehearsed_in_process(show_dir: Path, clock, *commands: dict) -> None:
    """The rehearsal's server, without the server: its data directory after `commands`
    (it resumes the same rehearsal when there is one)."""
    plan = prepare(show_dir, TZ, None, clock(), fresh=False, stamp="1")
    store = Store(plan.data_dir)
    try:
        rehearsal = ShowService(load_agenda(BUNDLED_AGENDA).rehearsal_at(plan.start_ms), store)
        for command in commands:
            assert rehearsal.dispatch(command, "http").accepted, command
    finally:
        store.close()


def show_in_process(show_dir: Path, clock) -> ShowService:
    return ShowService(load_agenda(BUNDLED_AGENDA), Store(show_dir), clock)


def test_fresh_after_a_carried_rehearsal_says_what_it_leaves_out(tmp_path, clock):
    """Carried, then the show tried out and reset with `--fresh` before the doors open:
    the reset show runs the agenda file, without the rehearsal's corrections. It says
    so (docs/operations.md's rules), it does not drop them in silence."""
    show_dir = tmp_path / "data"
    rehearsed_in_process(show_dir, clock, *MORNING_CORRECTIONS)
    show = show_in_process(show_dir, clock)
    assert hand_over(show, show_dir, fresh=False).line == CARRIED_LINE
    assert show.dispatch({"command": "start"}, "http").accepted  # a try-out of the show
    show.store.close()

    Store.archive(show_dir, "try-out")  # what `serve --fresh` does first
    fresh = show_in_process(show_dir, clock)
    done = hand_over(fresh, show_dir, fresh=True)
    assert fresh.state.revision == 0
    assert done.line is not None and done.line.startswith(
        "--fresh: buổi diễn bắt đầu từ tệp chương trình; 5 thay đổi của buổi tổng duyệt "
        "không được dùng."
    ), done.line
    fresh.store.close()


def test_a_rehearsal_that_takes_its_corrections_back_takes_them_back_in_the_show(tmp_path, clock):
    """Carried; the rehearsal goes on and undoes its one correction (back to the file's
    programme): the show is given the file's programme back too, as it is given any
    later correction of the same rehearsal."""
    show_dir = tmp_path / "data"
    rehearsed_in_process(show_dir, clock, MORNING_CORRECTIONS[0])
    show = show_in_process(show_dir, clock)
    assert hand_over(show, show_dir, fresh=False).carried == 1
    assert show.agenda.get(HA_NOI).spec.presenter.name == "Trần Văn Mới"

    rehearsed_in_process(show_dir, clock, {"command": "undo"})
    done = hand_over(show, show_dir, fresh=False)
    assert done.line == "Dùng chương trình đã sửa trong buổi tổng duyệt: 1 thay đổi."
    assert show.agenda.get(HA_NOI).spec == load_agenda(BUNDLED_AGENDA).get(HA_NOI).spec
    show.store.close()


def test_a_restart_of_the_show_does_not_replay_a_rehearsal_it_has_had(tmp_path, clock, monkeypatch):
    """Every start of the show looks at the rehearsal; one it has already had is known
    by its saved state alone. Its whole log is not replayed (a quarter of a second for a
    rehearsal of 60 edits here) on each restart, a crash in the middle of the show too."""
    import runshow.rehearsal

    show_dir = tmp_path / "data"
    rehearsed_in_process(show_dir, clock, *MORNING_CORRECTIONS)
    show = show_in_process(show_dir, clock)
    assert hand_over(show, show_dir, fresh=False).line == CARRIED_LINE
    assert show.dispatch({"command": "start"}, "http").accepted

    def replayed(*args, **kwargs):
        raise AssertionError("the rehearsal's log replayed again")

    monkeypatch.setattr(runshow.rehearsal, "ShowService", replayed)
    assert hand_over(show, show_dir, fresh=False) == HandOver(None, 5)
    show.store.close()


def test_a_hand_over_a_write_refused_part_way_carries_the_rest_at_the_next_start(
    tmp_path, clock, monkeypatch
):
    """The disk refuses the third correction (a USB stick pulled, a full disk freed since):
    the line says 2/5, and the next start carries the other three, not nothing."""
    from runshow.store import StorageError

    show_dir = tmp_path / "data"
    rehearsed_in_process(show_dir, clock, *MORNING_CORRECTIONS)
    show = show_in_process(show_dir, clock)
    commit = show.store.commit

    def refused_third(state, *args, **kwargs):
        if state.revision == 3:
            raise StorageError("không ghi được")
        return commit(state, *args, **kwargs)

    monkeypatch.setattr(show.store, "commit", refused_third)
    assert hand_over(show, show_dir, fresh=False).line.startswith("Chỉ dùng được 2/5 thay đổi")
    monkeypatch.setattr(show.store, "commit", commit)
    done = hand_over(show, show_dir, fresh=False)
    assert done.line == "Dùng chương trình đã sửa trong buổi tổng duyệt: 3 thay đổi."
    assert done.carried == 5
    show.store.close()
