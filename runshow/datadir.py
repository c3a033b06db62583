"""One server per data directory: an operating-system lock on a file in it.

The lock belongs to the process, so the system releases it however the
process ends (Ctrl+C, a crash, SIGKILL, a power cut): no stale lock to clean
up by hand. The file also says which process holds it, for the message the
second server prints; a file beside it says where that server answers, for
`runshow export` during the show (read only while the lock is held, so an old
one left by a crash is never believed).
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from runshow.i18n import _

log = logging.getLogger(__name__)

LOCK_FILENAME = "runshow.lock"
ADDRESS_FILENAME = "runshow.address"


class DataDirBusy(Exception):
    """Another Runshow server already uses this data directory (`pid`: its process
    number, "" when it cannot be read)."""

    def __init__(self, message: str, pid: str = ""):
        super().__init__(message)
        self.pid = pid


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
            pid = holder if holder.isdigit() else ""
            raise DataDirBusy(
                _(
                    "Không thể chạy: thư mục dữ liệu %(folder)s đang được một máy chủ Runshow "
                    "khác dùng%(who)s. Mỗi thư mục dữ liệu chỉ một máy chủ: hãy dùng máy chủ "
                    "đang chạy, hoặc dừng nó trước, hoặc chọn thư mục khác bằng --data-dir.",
                    folder=self.data_dir.resolve(),
                    who=_(" (tiến trình số %(pid)s)", pid=pid) if pid else "",
                ),
                pid,
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return self

    def announce(self, url: str, port: int) -> None:
        """Say where the server holding the lock answers (`url`, from this machine).
        Only `runshow export` meanwhile reads it: a disk that cannot take it (full,
        read-only) must not stop a show that can still run and refuse in words."""
        from runshow.keys import write_secret

        record = {"pid": os.getpid(), "url": url, "port": port}
        try:
            write_secret(self.data_dir / ADDRESS_FILENAME, json.dumps(record) + "\n")
        except OSError as error:
            log.warning("the server's address for runshow export not written: %s", error)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file releases the lock
            self._handle = None


@dataclass(frozen=True)
class Holder:
    """The running server that holds a data directory, as far as it said."""

    pid: str  # "" when unknown
    url: str | None  # where it answers, when it said
    port: int | None

    def named(self) -> str:
        """``Runshow đang chạy (tiến trình số 4242, cổng 5000)``, with what is known."""
        known = [
            _("tiến trình số %(pid)s", pid=self.pid) if self.pid else "",
            _("cổng %(port)s", port=self.port) if self.port else "",
        ]
        details = ", ".join(part for part in known if part)
        if not details:
            return _("máy chủ Runshow đang chạy")
        return _("máy chủ Runshow đang chạy (%(details)s)", details=details)


def holder(data_dir: str | Path) -> Holder | None:
    """The server that holds `data_dir` now, or None when none does (the directory
    is then free: nothing is left locked by asking)."""
    folder = Path(data_dir)
    if not (folder / LOCK_FILENAME).exists():
        return None
    try:
        probe = DataDirLock(folder).acquire()
    except DataDirBusy as busy:
        return _announced(folder, busy.pid)
    probe.release()
    return None


def _announced(folder: Path, pid: str) -> Holder:
    try:
        record = json.loads((folder / ADDRESS_FILENAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Holder(pid, None, None)
    if not isinstance(record, dict) or str(record.get("pid")) != (pid or str(record.get("pid"))):
        return Holder(pid, None, None)  # written by an earlier server, not this one
    url, port = record.get("url"), record.get("port")
    return Holder(
        str(record.get("pid", pid)),
        url if isinstance(url, str) else None,
        port if isinstance(port, int) else None,
    )


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
