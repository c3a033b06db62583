"""The reliability suite: faults injected the way a venue produces them.

Every test here is marked `reliability`. The default run (`scripts/test`, CI)
runs each of them at a quick size; `scripts/test --all` sets RUNSHOW_TEST_ALL=1
and they run at full size (20 kills instead of 3, a 30 s network cut instead of
a few seconds). Read the size with `sized(quick, full)`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

FULL_RUN = os.environ.get("RUNSHOW_TEST_ALL") == "1"


def sized(quick, full):
    """`full` under `scripts/test --all`, `quick` otherwise."""
    return full if FULL_RUN else quick


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.reliability)


def _mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


@dataclass
class SmallDisk:
    """A real, small file system (tmpfs) mounted for one test: it fills up like a
    USB stick, and can be mounted read-only."""

    path: Path
    size: str

    def fill(self) -> None:
        """Write a filler file until the kernel answers ENOSPC."""
        chunk = b"\0" * 65536
        with open(self.path / "filler", "ab", buffering=0) as filler:
            for block in (chunk, b"\0" * 512, b"\0"):
                try:
                    while True:
                        filler.write(block)
                except OSError as error:
                    assert error.errno == errno.ENOSPC, error
        assert os.statvfs(self.path).f_bavail == 0

    def free(self) -> None:
        (self.path / "filler").unlink()

    def remount(self, mode: str) -> None:
        done = _mount("-o", f"remount,{mode}", str(self.path))
        assert done.returncode == 0, done.stderr


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    disk = SmallDisk(mount_point, "4m")
    done = _mount("-t", "tmpfs", "-o", f"size={disk.size}", "tmpfs", str(mount_point))
    if done.returncode != 0:
        pytest.skip(f"needs permission to mount a tmpfs ({done.stderr.strip()})")
    try:
        yield disk
    finally:
        with contextlib.suppress(OSError):
            subprocess.run(["umount", "-l", str(mount_point)], check=False)


@dataclass
class UsbStick:
    """An ext4 file system on a loop device, mounted with errors=remount-ro as
    distributions mount removable disks: when the kernel finds an error it turns
    the whole file system read-only under the running server."""

    path: Path
    device: str

    def fail(self) -> None:
        """Make the kernel find a file-system error (ext4's own test switch)."""
        name = Path(self.device).name
        Path(f"/sys/fs/ext4/{name}/trigger_fs_error").write_text("test\n", encoding="utf-8")


@pytest.fixture
def usb_stick(tmp_path: Path) -> Iterator[UsbStick]:
    image = tmp_path / "usb.img"
    mount_point = tmp_path / "usb"
    mount_point.mkdir()
    with open(image, "wb") as blank:
        blank.truncate(16 * 1024 * 1024)
    made = subprocess.run(["mkfs.ext4", "-q", "-F", str(image)], capture_output=True, check=False)
    done = _mount("-o", "loop,errors=remount-ro", str(image), str(mount_point))
    if made.returncode != 0 or done.returncode != 0:
        pytest.skip(f"needs mkfs.ext4 and loop mounts ({done.stderr.strip()})")
    device = subprocess.run(
        ["findmnt", "-n", "-o", "SOURCE", str(mount_point)], capture_output=True, text=True
    ).stdout.strip()
    try:
        yield UsbStick(mount_point, device)
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
        subprocess.run(["losetup", "-d", device], check=False, capture_output=True)
