"""Writes one benchmark's figures into its own section of docs/benchmarks.md."""

from __future__ import annotations

import platform
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

REPORT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = """# Benchmarks

Figures measured on this project's machines (2 cores, 24 GiB) by the scripts in
`bench/`. Each script rewrites its own section; run `python bench/<script>.py`.
Speed is measured here, not asserted in tests.
"""


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]

    return {
        "min": ordered[0],
        "median": statistics.median(ordered),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": ordered[-1],
    }


def write_section(name: str, body: str) -> None:
    """Replace (or add) the section `name` of the report."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else HEADER
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"<!-- {name} -->\n## {name}\n\n_{stamp}, Python {platform.python_version()}, "
        f"{platform.machine()}_\n\n{body.strip()}\n<!-- /{name} -->\n"
    )
    pattern = re.compile(rf"<!-- {re.escape(name)} -->.*?<!-- /{re.escape(name)} -->\n", re.S)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text + "\n" + section
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
