"""Runshow: a live run-of-show display for conferences and ceremonies."""

from pathlib import Path

__version__ = "0.1.0"

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent


def bundled(name: str) -> Path:
    """A file or folder shipped with Runshow: ``templates``, ``static`` or ``agenda.json``.

    An installed wheel carries them inside the package (``runshow/static``); a
    repository checkout (the editable install, the tests) keeps them at its top
    level, where the customer wants them. The package comes first so that an
    installed copy never reads a stray folder next to it.
    """
    inside = _PACKAGE / name
    if inside.exists() or not (_CHECKOUT / "pyproject.toml").is_file():
        return inside
    return _CHECKOUT / name
