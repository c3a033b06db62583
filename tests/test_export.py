"""Taking the edited programme out: the console's downloads (GET /api/agenda.json and
.xlsx) and `runshow export`, also while the server runs, and after a rehearsal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runshow.agenda import load_agenda, parse_agenda
from runshow.datadir import DataDirLock
from runshow.sheets import load_plan
from runshow.store import Store
from tests.conftest import (
    BUNDLED_AGENDA,
    CONTROL_KEY,
    FakeClock,
    free_port,
    running_app,
    start_server,
    stop_server,
)
from tests.reliability.fuzzing import plain_words

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}
FIRST = load_agenda(BUNDLED_AGENDA).items[0].id
NEW_TITLE = "Văn nghệ chào mừng (đã sửa)"


def _edit(client) -> None:
    body = {"command": "edit_item", "item_id": FIRST, "changes": {"title": NEW_TITLE}}
    assert client.post("/api/command", json=body, headers=AUTH).get_json()["ok"]


def _runshow(*arguments: str, cwd: Path, key: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "RUNSHOW_CONTROL_KEY"}
    if key is not None:
        env["RUNSHOW_CONTROL_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "runshow", *arguments],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )


def _plain(result: subprocess.CompletedProcess) -> None:
    """A refusal a technician reads: one sentence, no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


# --------------------------------------------------------------------------- #
# The console's downloads.


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_the_technician_downloads_the_edited_programme(technician, tmp_path, suffix: str):
    _edit(technician)
    response = technician.get(f"/api/agenda{suffix}")
    assert response.status_code == 200
    assert f'filename="agenda{suffix}"' in response.headers["Content-Disposition"]
    path = tmp_path / f"agenda{suffix}"
    path.write_bytes(response.data)
    exported = load_plan(path, load_agenda(BUNDLED_AGENDA))
    assert exported.items[0].title == NEW_TITLE
    assert exported.event.date == load_agenda(BUNDLED_AGENDA).event.date


def test_the_downloads_are_the_technicians_only(client):
    for suffix in (".json", ".xlsx"):
        assert client.get(f"/api/agenda{suffix}").status_code == 401
        wrong = {"Authorization": "Bearer wrong"}
        assert client.get(f"/api/agenda{suffix}", headers=wrong).status_code == 401
        assert client.get(f"/api/agenda{suffix}", headers=AUTH).status_code == 200


def test_a_rehearsal_exports_the_programme_as_written_not_shifted(tmp_path):
    written = load_agenda(BUNDLED_AGENDA)
    shifted = written.start_ms + 400 * 24 * 3600_000
    with running_app(tmp_path / "data", FakeClock(), RUNSHOW_REHEARSAL_START_MS=shifted) as app:
        text = app.test_client().get("/api/agenda.json", headers=AUTH).get_data(as_text=True)
        assert parse_agenda(text).event == written.event
        workbook = app.test_client().get("/api/agenda.xlsx", headers=AUTH).data
        (tmp_path / "plan.xlsx").write_bytes(workbook)
        assert load_plan(tmp_path / "plan.xlsx", written).event == written.event


def test_the_console_menu_offers_both_downloads(technician):
    page = technician.get("/control").get_data(as_text=True)
    assert 'href="/api/agenda.json"' in page and 'href="/api/agenda.xlsx"' in page


# --------------------------------------------------------------------------- #
# `runshow export` while the server runs.


@pytest.fixture
def running(tmp_path: Path):
    server = start_server(tmp_path / "data", tmp_path / "server.log")
    server.command("edit_item", item_id=FIRST, changes={"title": NEW_TITLE})
    yield server
    stop_server(server)


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_export_during_the_show_asks_the_running_server(running, tmp_path, suffix: str):
    out = tmp_path / f"x{suffix}"
    result = _runshow("export", "-o", str(out), "--data-dir", "data", cwd=tmp_path, key=CONTROL_KEY)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert load_plan(out, load_agenda(BUNDLED_AGENDA)).items[0].title == NEW_TITLE
    assert running.state()["revision"] == 1  # asked, nothing changed


def test_export_during_the_show_uses_the_key_kept_in_the_data_directory(running, tmp_path):
    (running.data_dir / "control-key").write_text(CONTROL_KEY + "\n", encoding="utf-8")
    out = tmp_path / "x.json"
    result = _runshow("export", "-o", str(out), "--data-dir", "data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert parse_agenda(out.read_text(encoding="utf-8")).items[0].title == NEW_TITLE


def test_export_with_a_wrong_key_names_the_running_server(running, tmp_path):
    result = _runshow(
        "export", "-o", "x.json", "--data-dir", "data", cwd=tmp_path, key="not-the-key"
    )
    _plain(result)
    pid, port = running.process.pid, running.url.rsplit(":", 1)[1]
    assert f"tiến trình số {pid}, cổng {port}" in result.stderr
    assert "--control-key" in result.stderr
    assert not (tmp_path / "x.json").exists()


def test_export_when_the_holder_does_not_answer_names_it_in_one_sentence(tmp_path):
    """The data directory is held by a process that does not answer at the address it
    gave (a server hung, or stopped answering): one sentence, never a traceback."""
    data = tmp_path / "data"
    ready = tmp_path / "ready"
    port = free_port()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, pathlib\n"
            "from runshow.datadir import DataDirLock\n"
            "lock = DataDirLock(sys.argv[1]).acquire()\n"
            "lock.announce(f'http://127.0.0.1:{sys.argv[2]}', int(sys.argv[2]))\n"
            "pathlib.Path(sys.argv[1], 'runshow.sqlite3').touch()\n"
            "pathlib.Path(sys.argv[3]).touch()\n"
            "time.sleep(60)\n",
            str(data),
            str(port),
            str(ready),
        ]
    )
    try:
        while not ready.exists():
            assert holder.poll() is None
        result = _runshow("export", "-o", "x.json", "--data-dir", "data", cwd=tmp_path, key="k")
    finally:
        holder.kill()
        holder.wait()
    _plain(result)
    assert f"máy chủ Runshow đang chạy (tiến trình số {holder.pid}, cổng {port})" in result.stderr


def test_export_after_the_server_stopped_reads_the_data_directory(tmp_path):
    server = start_server(tmp_path / "data", tmp_path / "server.log")
    server.command("edit_item", item_id=FIRST, changes={"title": NEW_TITLE})
    stop_server(server)
    result = _runshow("export", "-o", "x.xlsx", "--data-dir", "data", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert load_plan(tmp_path / "x.xlsx", load_agenda(BUNDLED_AGENDA)).items[0].title == NEW_TITLE
    DataDirLock(tmp_path / "data").acquire().release()  # export let go of the directory


# --------------------------------------------------------------------------- #
# After a dress rehearsal (issue 20, point 4).


def test_export_after_a_rehearsal_points_to_its_folder_and_rehearsal_exports_it(tmp_path):
    server = start_server(tmp_path / "data", tmp_path / "server.log", extra_args=("--rehearsal",))
    server.command("edit_item", item_id=FIRST, changes={"title": NEW_TITLE})
    stop_server(server)
    plain = _runshow("export", "-o", "x.json", cwd=tmp_path)
    _plain(plain)
    assert f"{Path('data') / 'rehearsal'}" in plain.stderr
    assert "runshow export --rehearsal -o x.json" in plain.stderr
    rehearsed = _runshow("export", "--rehearsal", "-o", "x.json", cwd=tmp_path)
    assert rehearsed.returncode == 0, rehearsed.stderr
    exported = parse_agenda((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert exported.items[0].title == NEW_TITLE
    assert exported.event == load_agenda(BUNDLED_AGENDA).event  # the plan, not today's shift


# --------------------------------------------------------------------------- #
# No subcommand prints a traceback for a foreseeable failure.

FORESEEABLE = {
    "check-missing-file": ("check", "nothing.json"),
    "check-a-folder": ("check", "."),
    "check-bad-sheet": ("check", "plan.xlsx"),
    "import-missing-file": ("import", "nothing.xlsx", "-o", "out.json"),
    "import-to-a-missing-folder": ("import", str(BUNDLED_AGENDA), "-o", "no/such/out.json"),
    "export-no-data": ("export", "-o", "x.json", "--data-dir", "empty"),
    "export-wrong-suffix": ("export", "-o", "x.txt"),
    "export-to-a-missing-folder": ("export", "-o", "no/such/x.json", "--data-dir", "data"),
    "export-missing-agenda": ("export", "-o", "x.json", "--agenda", "nothing.json"),
    "export-damaged-data": ("export", "-o", "x.json", "--data-dir", "damaged"),
    "serve-missing-agenda": ("serve", "--agenda", "nothing.json", "--port", "0"),
    "serve-bad-port": ("serve", "--port", "http"),
    "serve-start-without-rehearsal": ("serve", "--start", "14:00"),
    "serve-bad-start": ("serve", "--rehearsal", "--start", "25:99"),
    "no-subcommand": (),
    "unknown-subcommand": ("exprot",),
    "export-without-output": ("export",),
    "unknown-option": ("check", "--verbose"),
}


@pytest.mark.parametrize("arguments", FORESEEABLE.values(), ids=FORESEEABLE.keys())
def test_no_subcommand_prints_a_traceback_for_a_foreseeable_failure(tmp_path, arguments):
    (tmp_path / "plan.xlsx").write_text("not a workbook", encoding="utf-8")
    (tmp_path / "damaged").mkdir()
    (tmp_path / "damaged" / "runshow.sqlite3").write_bytes(b"not a database" * 100)
    Store(tmp_path / "data").close()
    result = _runshow(*arguments, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.stderr.strip(), "a failure says why"
    assert plain_words(result.stderr), result.stderr
    for english in ("usage:", "error:", "invalid", "required", "unrecognized", "expected"):
        assert english not in result.stderr, result.stderr
