"""Secrets kept in the data directory: the technician's control key and the
key that signs session cookies. Both survive restarts, so a technician stays
logged in when the server comes back."""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

CONTROL_KEY_ENV = "RUNSHOW_CONTROL_KEY"
CONTROL_KEY_FILE = "control-key"
SECRET_KEY_FILE = "secret-key"
LOGIN_EPOCH_FILE = "login-epoch"
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
    if explicit:
        return ControlKey(explicit, "option")
    from_env = os.environ.get(CONTROL_KEY_ENV, "").strip()
    if from_env:
        return ControlKey(from_env, "environment")
    path = data_dir / CONTROL_KEY_FILE
    if path.exists():
        kept = path.read_text(encoding="utf-8").strip()
        if kept:
            return ControlKey(kept, "file", path)
    key = generate_key()
    _write_private(path, key + "\n")
    return ControlKey(key, "generated", path)


class LoginEpoch:
    """A counter kept in the data directory: logging out raises it, which ends
    every console session at once, including across restarts."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOGIN_EPOCH_FILE
        text = self.path.read_text(encoding="utf-8").strip() if self.path.exists() else ""
        self.value = int(text) if text.isdigit() else 0

    def bump(self) -> None:
        self.value += 1
        _write_private(self.path, f"{self.value}\n")


def session_secret(data_dir: Path) -> str:
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    secret = secrets.token_hex(32)
    _write_private(path, secret + "\n")
    return secret


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
