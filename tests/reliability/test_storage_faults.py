"""Real storage faults under a running show: a full disk, read-only media, a
locked database, write-ahead files that cannot be written.

Each refused write is answered with a plain refusal (HTTP 503 / the console's
acknowledgement, code `storage_error`), changes nothing and tells no screen;
the next command after the fault clears is saved as usual."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import requests

from runshow.store import Store
from tests.conftest import CONTROL_KEY, start_server, stop_server
from tests.reliability.damage import database, fill_the_database, saved_show, serve_until_exit


def post_command(server, command: str, **arguments) -> requests.Response:
    return requests.post(
        f"{server.url}/api/command",
        json={"command": command, **arguments},
        headers={"Authorization": f"Bearer {CONTROL_KEY}"},
        timeout=10,
    )


def assert_refused_for_storage(response: requests.Response, words: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["ok"] is False
    assert body["code"] == "storage_error"
    assert words in body["error"]
    assert "Chương trình giữ nguyên" in body["error"]


def test_a_full_disk_mid_show_is_refused_then_the_next_command_after_freeing_it_works(
    small_disk, tmp_path
):
    """The old server failed the COMMIT, stayed inside the transaction and answered
    500 to every command until it was restarted."""
    server = start_server(small_disk.path / "data", tmp_path / "server.log")
    try:
        server.command("next")
        before = server.command("start")["state"]
        small_disk.fill()

        assert_refused_for_storage(post_command(server, "adjust", seconds=60), "ổ đĩa đã đầy")
        assert_refused_for_storage(post_command(server, "pause"), "ổ đĩa đã đầy")
        after = server.state()
        assert after["revision"] == before["revision"] == 2
        assert after["timer"]["deadline_ms"] == before["timer"]["deadline_ms"]
        assert server.process.poll() is None

        small_disk.free()
        assert server.command("adjust", seconds=60)["revision"] == 3
        assert server.state()["timer"]["adjust_ms"] == 60_000
    finally:
        stop_server(server)
    assert "Traceback" not in server.log()


def test_a_disk_already_full_at_start_answers_refusals_instead_of_dying(small_disk, tmp_path):
    """The old server mapped SQLite's -shm file and died with SIGBUS on the first
    command when the disk had no room left for it."""
    data = small_disk.path / "data"
    first = start_server(data, tmp_path / "first.log")
    first.command("next")
    stop_server(first)
    small_disk.fill()

    server = start_server(data, tmp_path / "server.log")
    try:
        assert_refused_for_storage(post_command(server, "start"), "ổ đĩa đã đầy")
        assert server.process.poll() is None, "the server must not die"
        assert server.state()["revision"] == 1
        small_disk.free()
        assert server.command("start")["revision"] == 2
    finally:
        stop_server(server)
    assert server.process.returncode != -signal.SIGBUS


def test_a_usb_stick_turning_read_only_mid_show_is_refused_and_nothing_is_lost(usb_stick, tmp_path):
    """The kernel turns a failing stick read-only under the server: every command is
    refused in plain words (no 500, no frozen server); the show is carried on from
    a copy of the data directory on another disk, exactly where it was."""
    data = usb_stick.path / "data"
    server = start_server(data, tmp_path / "server.log")
    try:
        server.command("next")
        acknowledged = server.command("start")["state"]
        usb_stick.fail()

        for _ in range(2):
            assert_refused_for_storage(post_command(server, "adjust", seconds=60), "ổ đĩa")
        assert server.state()["revision"] == acknowledged["revision"]
        assert server.process.poll() is None
    finally:
        stop_server(server)

    elsewhere = tmp_path / "laptop-disk" / "data"
    shutil.copytree(data, elsewhere, ignore=shutil.ignore_patterns("runshow.lock"))
    again = start_server(elsewhere, tmp_path / "again.log")
    try:
        state = again.state()
        assert state["revision"] == acknowledged["revision"]
        assert state["timer"]["deadline_ms"] == acknowledged["timer"]["deadline_ms"]
        assert again.command("adjust", seconds=60)["revision"] == acknowledged["revision"] + 1
    finally:
        stop_server(again)


def test_read_only_media_at_start_refuse_to_start_with_a_plain_message(small_disk, tmp_path):
    data = small_disk.path / "data"
    first = start_server(data, tmp_path / "first.log")
    first.command("next")
    stop_server(first)
    small_disk.remount("ro")

    status, output = serve_until_exit(data)

    assert status == 1, output
    assert "Traceback" not in output
    assert "chỉ cho phép đọc" in output
    assert str(data) in output


def test_the_running_show_keeps_its_file_locked_so_no_other_program_can_write_it(
    tmp_path, live_server
):
    """EXCLUSIVE locking mode: another program (a database tool, a second server)
    gets "database is locked" at once, and the show goes on."""
    live_server.command("next")
    intruder = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], timeout=0.5);"
            "db.execute('BEGIN IMMEDIATE')",
            str(database(live_server.data_dir)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert intruder.returncode != 0
    assert "database is locked" in intruder.stderr
    assert live_server.command("start")["revision"] == 2


def test_a_database_locked_by_another_program_at_start_refuses_to_start_saying_so(tmp_path, clock):
    data = tmp_path / "data"
    saved_show(data, clock)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], isolation_level=None);"
            "db.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); sys.stdin.read()",
            str(database(data)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        status, output = serve_until_exit(data)
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)

    assert status == 1, output
    assert "Traceback" not in output
    assert "đang bị một chương trình khác mở và khóa" in output
    assert str(database(data)) in output


def test_an_unwritable_shared_memory_file_is_never_used(tmp_path, clock):
    """The old server mapped runshow.sqlite3-shm; when it could not be written the
    first command killed the server. The WAL index now lives in memory."""
    data = tmp_path / "data"
    saved = saved_show(data, clock)
    shm = Path(f"{database(data)}-shm")
    shm.mkdir()  # cannot be opened, written or mapped, even by root

    server = start_server(data, tmp_path / "server.log")
    try:
        assert server.state()["revision"] == saved.revision
        assert server.command("pause")["revision"] == saved.revision + 1
    finally:
        stop_server(server)
    assert server.process.returncode != -signal.SIGBUS


def test_an_unwritable_write_ahead_log_refuses_to_start_naming_the_data_file(tmp_path, clock):
    data = tmp_path / "data"
    saved_show(data, clock)
    Path(f"{database(data)}-wal").mkdir()

    status, output = serve_until_exit(data)

    assert status == 1, output
    assert "Traceback" not in output
    assert str(database(data)) in output


def test_a_console_command_refused_by_storage_is_acknowledged_and_broadcasts_nothing(
    sockets, technician, app
):
    stage = sockets.connect("/live", role="stage")
    console = sockets.connect("/control", http_client=technician)
    service = app.extensions["runshow"].service
    assert service.dispatch({"command": "start"}, "test").accepted
    fill_the_database(service.store)
    stage.get_received("/live")

    acks = []
    for _ in range(500):
        acks.append(
            console.emit(
                "command", {"command": "adjust", "seconds": 1}, namespace="/control", callback=True
            )
        )
        if not acks[-1]["ok"]:
            break
    refused = acks[-1]
    assert refused["ok"] is False, "the database never filled up"
    assert refused["code"] == "storage_error"
    assert "ổ đĩa đã đầy" in refused["error"]
    revisions = [
        e["args"][0]["revision"] for e in stage.get_received("/live") if e["name"] == "state"
    ]
    assert revisions[-1] == refused["revision"] == service.state.revision
    assert service.store.load() == service.state

    after = console.emit(
        "command", {"command": "adjust", "seconds": 1}, namespace="/control", callback=True
    )
    assert after == {"ok": True, "revision": refused["revision"] + 1}


def test_the_store_never_maps_a_shared_memory_file(tmp_path):
    store = Store(tmp_path / "data")
    try:
        assert store._connection().execute("PRAGMA locking_mode").fetchone() == ("exclusive",)
        assert not Path(f"{store.path}-shm").exists()
        assert os.path.exists(store.path)
    finally:
        store.close()
