"""Installing Runshow as a user does: a wheel, a fresh virtual environment, a
terminal that knows nothing of this checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

from tests.core_helpers import REPO


@dataclass(frozen=True)
class Installed:
    """A fresh virtual environment, and an empty working folder outside the repository."""

    venv: Path
    elsewhere: Path

    @classmethod
    def create(cls, root: Path) -> Installed:
        venv.EnvBuilder(with_pip=True).create(root / "venv")
        (root / "elsewhere").mkdir()
        return cls(root / "venv", root / "elsewhere")

    def program(self, name: str) -> Path:
        folder = "Scripts" if os.name == "nt" else "bin"
        suffix = ".exe" if os.name == "nt" else ""
        return self.venv / folder / f"{name}{suffix}"

    def run(self, *args: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a program of the environment from the empty folder (the timeout only
        stops a hung install; a loaded CI machine can take minutes)."""
        return subprocess.run(
            args,
            cwd=self.elsewhere,
            env=clean_env() | env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def clean_env() -> dict[str, str]:
    """The environment of a fresh terminal: no trace of this checkout or its venv."""
    hidden = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    return {key: value for key, value in os.environ.items() if key not in hidden}


def build_wheel(into: Path) -> Path:
    """`pip wheel .` with the pinned hatchling of the test environment (no download)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(into),
            str(REPO),
        ],
        check=True,
        timeout=120,
    )
    (wheel,) = into.glob("runshow-*.whl")
    return wheel
