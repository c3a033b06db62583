"""One server per data directory: an operating-system lock on a file in it.

The lock belongs to the process, so the system releases it however the
process ends (Ctrl+C, a crash, SIGKILL, a power cut): no stale lock to clean
up by hand. The file also says which process holds it, for the message the
second server prints.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

LOCK_FILENAME = "runshow.lock"


class DataDirBusy(Exception):
    """Another Runshow server already uses this data directory."""


class DataDirLock:
    """Held from `acquire` until `release` or the end of the process."""

    def __init__(self, data_dir: str | Path):
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / LOCK_FILENAME
        self._handle: IO[str] | None = None

    def acquire(self) -> DataDirLock:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Opened without truncating: the holder's process id stays readable until we own it.
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115  (held for the process)
        try:
            _lock(handle)
        except OSError:
            holder = _holder(handle)
            handle.close()
            who = f" (tiến trình số {holder})" if holder.isdigit() else ""
            raise DataDirBusy(
                f"Không thể chạy: thư mục dữ liệu {self.data_dir.resolve()} đang được một máy "
                f"chủ Runshow khác dùng{who}. Mỗi thư mục dữ liệu chỉ một máy chủ: hãy dùng "
                "máy chủ đang chạy, hoặc dừng nó trước, hoặc chọn thư mục khác bằng --data-dir."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file releases the lock
            self._handle = None


def _holder(handle: IO[str]) -> str:
    try:
        handle.seek(0)
        return handle.read().strip()
    except OSError:  # Windows: the holder's lock covers what we would read
        return ""


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
