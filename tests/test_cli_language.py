"""The command line in English beside Vietnamese (issue 23): `runshow --lang en ...` or the
environment's language (LANG=en_US.UTF-8) decides what the terminal says; only `--lang`
changes the pages' default (`serve --lang en`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import CONTROL_KEY, start_server, stop_server
from tests.core_helpers import BUNDLED_AGENDA
from tests.test_workers import redis_url  # noqa: F401  (a fixture)

ENGLISH_SYSTEM = {"LANG": "en_US.UTF-8"}


def runshow(*arguments: str, cwd: Path, env: dict[str, str] | None = None):
    return subprocess.run(
        [sys.executable, "-m", "runshow", *arguments],
        cwd=cwd,
        env={**os.environ, "PYTHONUTF8": "1", **(env or {})},
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )


def test_check_in_english_summarises_the_programme_in_english(tmp_path):
    result = runshow("--lang", "en", "check", str(BUNDLED_AGENDA), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "agenda.json: valid" in result.stdout
    assert "Items: 13" in result.stdout
    assert "Expected end: 10:15" in result.stdout
    assert "Date: 2023-07-28, starts 08:00 (Asia/Ho_Chi_Minh)" in result.stdout
    assert "hợp lệ" not in result.stdout and "Số mục" not in result.stdout


def test_lang_may_also_follow_the_subcommand(tmp_path):
    result = runshow("check", str(BUNDLED_AGENDA), "--lang", "en", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Items: 13" in result.stdout


def test_a_refused_import_says_why_in_english(tmp_path):
    output = tmp_path / "no-such-folder" / "agenda.json"
    result = runshow("--lang", "en", "import", str(BUNDLED_AGENDA), "-o", str(output), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"Could not write {output}: the folder it goes in does not exist.\n")
    assert not output.exists()


def test_argparse_refusals_and_help_speak_english(tmp_path):
    refused = runshow("--lang", "en", "serve", "--port", "abc", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr == (
        "runshow serve: --port must be a whole number (got 'abc'). See: runshow serve --help\n"
    )
    helped = runshow("--lang", "en", "serve", "--help", cwd=tmp_path)
    assert helped.returncode == 0
    assert "run the programme server on the local network" not in helped.stdout  # the list's
    assert "start again from the beginning" in helped.stdout
    assert "tổng duyệt" not in helped.stdout
    listed = runshow("--lang", "en", "--help", cwd=tmp_path)
    assert "run the programme server on the local network" in listed.stdout
    assert "live event run-of-show display" in listed.stdout


def test_an_english_system_gets_an_english_command_line(tmp_path):
    result = runshow("check", str(BUNDLED_AGENDA), cwd=tmp_path, env=ENGLISH_SYSTEM)
    assert result.returncode == 0, result.stderr
    assert "Items: 13" in result.stdout
    helped = runshow("--help", cwd=tmp_path, env={"LC_ALL": "en_GB.UTF-8"})
    assert "live event run-of-show display" in helped.stdout


def test_lang_vi_wins_over_an_english_system(tmp_path):
    result = runshow("--lang", "vi", "check", str(BUNDLED_AGENDA), cwd=tmp_path, env=ENGLISH_SYSTEM)
    assert result.returncode == 0, result.stderr
    assert "Số mục: 13" in result.stdout


def test_a_language_without_a_catalogue_is_refused_in_words(tmp_path):
    result = runshow("--lang", "xx", "check", cwd=tmp_path)
    assert result.returncode == 2
    assert "--lang: không có lựa chọn 'xx' (chọn một trong: " in result.stderr  # Vietnamese


def test_serve_lang_en_speaks_english_and_serves_english_pages(tmp_path):
    server = start_server(tmp_path / "data", tmp_path / "serve.log", extra_args=("--lang", "en"))
    try:
        stage = requests.get(f"{server.url}/stage", timeout=10)
        vietnamese = requests.get(f"{server.url}/stage?lang=vi", timeout=10)
    finally:
        stop_server(server)
    assert '<html lang="en"' in stage.text
    assert '<html lang="vi"' in vietnamese.text
    log = server.log()
    assert "Open the screens at:" in log
    assert "  Stage screen (audience):" in log
    assert "Press Ctrl+C to stop. The state is saved after every command." in log
    assert "Server stopped. The programme's state is saved in" in log
    assert "Mở các màn hình" not in log


def test_an_english_system_alone_keeps_the_pages_vietnamese(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    server = start_server(tmp_path / "data", tmp_path / "serve.log")
    try:
        stage = requests.get(f"{server.url}/stage", timeout=10)
        # The terminal's English does not reach the answers: the API's default stays too.
        refused = requests.post(
            f"{server.url}/api/command",
            json={"command": "start", "nonsense": 1},
            headers={"Authorization": f"Bearer {CONTROL_KEY}"},
            timeout=10,
        )
    finally:
        stop_server(server)
    assert '<html lang="vi"' in stage.text
    assert refused.json()["error"].startswith("Lệnh không hợp lệ: ")
    assert "Open the screens at:" in server.log()
    assert "Server stopped." in server.log()


def test_resuming_a_saved_show_is_said_in_english(tmp_path):
    server = start_server(tmp_path / "data", tmp_path / "first.log")
    server.command("start")
    stop_server(server)
    again = start_server(tmp_path / "data", tmp_path / "again.log", extra_args=("--lang", "en"))
    stop_server(again)
    log = again.log()
    assert "Resuming the saved programme (revision " in log
    assert "To start again from the beginning (e.g. after a rehearsal): runshow serve --fresh" in (
        log
    )


def test_a_server_of_several_rooms_lists_them_in_english(tmp_path):
    from tests.test_rooms import ROOM_A, ROOM_B

    server = start_server(
        tmp_path / "data",
        tmp_path / "rooms.log",
        ROOM_A,
        extra_args=("--agenda", str(ROOM_B), "--lang", "en"),
        ready_path="/api/rooms",
    )
    stop_server(server)
    log = server.log()
    assert "Runshow — 2 rooms" in log
    assert "Producer's control key (every room, the overview page):" in log
    assert "  Control console: http://127.0.0.1:" in log
    assert "Mã điều khiển" not in log


def test_a_busy_port_is_refused_in_english(tmp_path):
    server = start_server(tmp_path / "data", tmp_path / "serve.log")
    try:
        port = server.url.rsplit(":", 1)[1]
        refused = runshow(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            port,
            "--data-dir",
            str(tmp_path / "other"),
            cwd=tmp_path,
            env=ENGLISH_SYSTEM,
        )
    finally:
        stop_server(server)
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"Cannot start: port {port} on 127.0.0.1 is already in use")
    assert "choose another port with --port." in refused.stderr


def test_display_workers_start_with_the_servers_language(tmp_path, redis_url):  # noqa: F811
    from tests.test_workers import start_with_a_worker, wait_until_up

    server, worker_url = start_with_a_worker(tmp_path, redis_url, extra_args=("--lang", "en"))
    try:
        wait_until_up(worker_url)  # started with `--lang en` too: it understood it
    finally:
        stop_server(server)
    assert f"Display worker 1 (display screens): port {worker_url.rsplit(':', 1)[1]}" in (
        server.log()
    )
