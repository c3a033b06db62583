"""Runshow: a live run-of-show display for conferences and ceremonies."""

from pathlib import Path

__version__ = "0.1.0"

#: The project folder, which holds `templates/`, `static/` and the bundled `agenda.json`.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
