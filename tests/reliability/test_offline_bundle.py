"""scripts/offline-bundle: a folder of wheels that installs Runshow with no index
at all (the venue has no internet), for this machine and for Windows."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.core_helpers import REPO
from tests.install_helpers import Installed
from tests.reliability.fuzzing import FULL_RUN

pytestmark = pytest.mark.reliability

PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"


def offline_env() -> dict[str, str]:
    """No package index, no local wheel folder, no pip configuration: only the bundle."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    return env | {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}


def bundle(folder: Path, *options: str) -> list[str]:
    subprocess.run(
        ["bash", str(REPO / "scripts" / "offline-bundle"), *options, str(folder)],
        check=True,
        timeout=600,
        env=os.environ | {"PYTHON": sys.executable},
    )
    return sorted(path.name for path in folder.glob("*.whl"))


def test_the_bundle_installs_and_runs_with_no_index(tmp_path):
    wheels = bundle(tmp_path / "bundle")
    assert any(name.startswith("runshow-") for name in wheels)
    assert (tmp_path / "bundle" / "CAI-DAT.txt").is_file()

    installed = Installed.create(tmp_path / "venue")
    pip = subprocess.run(
        [
            *(str(installed.program("python")), "-m", "pip", "install", "--no-index"),
            *("--find-links", str(tmp_path / "bundle"), "runshow"),
        ],
        cwd=installed.elsewhere,
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    check = installed.run(str(installed.program("runshow")), "check")
    assert check.returncode == 0, check.stderr
    assert "agenda.json: hợp lệ" in check.stdout


@pytest.mark.skipif(not FULL_RUN, reason="downloads every Windows wheel: scripts/test --all")
def test_the_windows_bundle_has_every_wheel_a_windows_laptop_needs(tmp_path):
    wheels = bundle(tmp_path / "windows", "--windows", "--python", PYTHON)
    compiled = ("greenlet", "psutil", "pydantic_core", "markupsafe")
    for name in compiled:
        matching = [wheel for wheel in wheels if wheel.lower().startswith(name)]
        assert matching and all("win_amd64" in wheel for wheel in matching), (name, wheels)
    for name in ("colorama", "tzdata", "runshow"):
        assert any(wheel.lower().startswith(name) for wheel in wheels), (name, wheels)
    # pip resolves the whole install for Windows from the folder alone
    resolved = subprocess.run(
        [
            *(sys.executable, "-m", "pip", "install", "--dry-run", "--no-index"),
            *("--only-binary=:all:", "--platform", "win_amd64", "--python-version", PYTHON),
            *("--implementation", "cp", "--target", str(tmp_path / "target")),
            *("--find-links", str(tmp_path / "windows"), "runshow"),
        ],
        env=offline_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resolved.returncode == 0, resolved.stdout + resolved.stderr
    assert "Would install" in resolved.stdout
