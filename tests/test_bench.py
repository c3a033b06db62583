"""The fan-out benchmark runs (at a tiny size: figures are for docs/benchmarks.md,
never asserted here)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.core_helpers import REPO


def run_bench(script: str, *arguments: str) -> subprocess.CompletedProcess:
    """Run bench/`script` as a user would; it must succeed."""
    done = subprocess.run(
        [sys.executable, f"bench/{script}", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_the_fanout_bench_runs_against_runshow_on_both_paths_and_node():
    targets = "runshow,runshow-stock"
    targets += ",node" if shutil.which("node") and shutil.which("npm") else ""
    tiny = ("--sizes", "12", "--repeats", "1", "--rounds", "2", "--idle", "0.5", "--gc-stats")
    done = run_bench("fanout.py", *tiny, "--targets", targets)
    for target in targets.split(","):
        row = next(line for line in done.stdout.splitlines() if line.startswith(f"| {target} |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[1] == "12"
        assert cells[5] == "0", f"{target}: every screen got every command"


def test_the_command_path_bench_runs():
    targets = "runshow,runshow-tmpfs" if Path("/dev/shm").is_dir() else "runshow"
    targets += ",node" if shutil.which("node") else ""
    done = run_bench("command_path.py", "--commands", "3", "--warmup", "1", "--targets", targets)
    for target in targets.split(","):
        row = next(line for line in done.stdout.splitlines() if line.startswith(f"| {target} |"))
        to_screen, p95, to_answer = (float(cell) for cell in row.strip("| ").split("|")[1:])
        assert 0 < to_screen <= p95 and to_answer > 0, row


def test_the_screens_bench_runs():
    done = run_bench("screens.py", "--seconds", "2")
    rows = [
        line for line in done.stdout.splitlines() if line.startswith("| ") and "---" not in line
    ]
    pages = [row.strip("| ").split(" |")[0] for row in rows[1:]]
    assert pages == ["stage", "speaker", "mc", "programme", "clock", "prompter"], rows


def test_the_rooms_bench_runs_rooms_side_by_side_with_one_room():
    tiny = ("--rooms", "3", "--per-room", "4", "--idle-rooms", "4", "--rounds", "2")
    done = run_bench("rooms.py", *tiny, "--idle", "0.5")
    rows = {
        cells[0]: cells
        for cells in (
            [cell.strip() for cell in line.strip("|").split("|")]
            for line in done.stdout.splitlines()
            if re.match(r"\| \d+ rooms? x ", line)
        )
    }
    assert list(rows) == ["1 room x 4", "1 room x 12", "3 rooms x 4", "4 rooms x 3"], rows
    for name, cells in rows.items():
        assert cells[6] == "0", f"{name}: every screen got its room's every command"
    for name in ("3 rooms x 4", "4 rooms x 3"):
        assert rows[name][7] == rows[name][8] == "0", f"{name}: no state from another room"
    assert "Targets (issue 21, 5. Scale):" in done.stdout
