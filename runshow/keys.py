"""Secrets kept in the data directory: the technician's control key, the key
that signs session cookies, the MC's link token and the login epoch. They
survive restarts, so a technician stays logged in when the server comes back.
Every one of them is written atomically (`write_secret`)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

CONTROL_KEY_ENV = "RUNSHOW_CONTROL_KEY"
CONTROL_KEY_FILE = "control-key"
SECRET_KEY_FILE = "secret-key"
LOGIN_EPOCH_FILE = "login-epoch"
MC_TOKEN_FILE = "mc-token"
OPERATOR_KEY_FILE = "operator-key"
# No look-alike characters (0/o, 1/l/i): the key is read off a screen and typed.
_KEY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@dataclass(frozen=True)
class ControlKey:
    value: str
    origin: str  # "option", "environment", "file" or "generated"
    path: Path | None = None

    def session_token(self, epoch: int) -> str:
        """What a technician's session remembers. It changes with the key and with
        every logout (the epoch), so either ends every console's session."""
        return hashlib.sha256(f"{epoch}:{self.value}".encode()).hexdigest()[:24]

    def matches(self, candidate: str) -> bool:
        return secrets.compare_digest(candidate.encode(), self.value.encode())


def generate_key() -> str:
    """Three groups of four, e.g. ``k7pm-2xqa-9fhd``: about 59 bits, easy to type."""
    groups = ("".join(secrets.choice(_KEY_ALPHABET) for _ in range(4)) for _ in range(3))
    return "-".join(groups)


def resolve_control_key(data_dir: Path, explicit: str | None = None) -> ControlKey:
    """The option wins, then the environment, then the key kept in the data
    directory; with none of them a new key is generated and kept there."""
    known = known_control_key(data_dir, explicit)
    if known is not None:
        return known
    path = data_dir / CONTROL_KEY_FILE
    key = generate_key()
    write_secret(path, key + "\n")
    return ControlKey(key, "generated", path)


def known_control_key(data_dir: Path, explicit: str | None = None) -> ControlKey | None:
    """The key as `resolve_control_key` finds it (option, environment, data
    directory), or None: nothing is generated or written."""
    if explicit:
        return ControlKey(explicit, "option")
    from_env = os.environ.get(CONTROL_KEY_ENV, "").strip()
    if from_env:
        return ControlKey(from_env, "environment")
    path = data_dir / CONTROL_KEY_FILE
    kept = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    return ControlKey(kept, "file", path) if kept else None


class LoginEpoch:
    """A counter kept in the data directory: logging out raises it, which ends
    every console session at once, including across restarts."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOGIN_EPOCH_FILE
        text = self.path.read_text(encoding="utf-8").strip() if self.path.exists() else ""
        self.value = int(text) if text.isdigit() else 0

    def bump(self) -> None:
        self.value += 1
        write_secret(self.path, f"{self.value}\n")


def session_secret(data_dir: Path) -> str:
    return _kept_or_new(data_dir / SECRET_KEY_FILE, lambda: secrets.token_hex(32))


def same_secret(candidate: object, secret: str) -> bool:
    """True when `candidate` is `secret` (never for an empty secret), in constant time."""
    return (
        isinstance(candidate, str)
        and bool(secret)
        and secrets.compare_digest(candidate.encode(), secret.encode())
    )


def mc_token(data_dir: Path) -> str:
    """What the MC's link carries (``/mc?token=...``): without it /mc is the public view."""
    return _kept_or_new(data_dir / MC_TOKEN_FILE, lambda: secrets.token_urlsafe(16))


def operator_key(room_dir: Path) -> ControlKey:
    """A room's operator key (several rooms): it controls that room only. Kept in the
    room's data folder like the control key in the data directory."""
    path = room_dir / OPERATOR_KEY_FILE
    existed = path.exists() and path.read_text(encoding="utf-8").strip()
    return ControlKey(_kept_or_new(path, generate_key), "file" if existed else "generated", path)


def _kept_or_new(path: Path, generate) -> str:
    """The secret kept at `path`, or a new one kept there (an empty file counts as none)."""
    kept = path.read_text(encoding="utf-8").strip() if path.exists() else ""
    if kept:
        return kept
    secret = generate()
    write_secret(path, secret + "\n")
    return secret


def write_secret(path: Path, text: str) -> None:
    """Write a file only its owner may read, atomically: a temporary file beside it,
    flushed to the disk, then renamed over it. A crash or a full disk leaves the
    old file or the new one, never an empty or half-written secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; Windows has no directory handles)."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
