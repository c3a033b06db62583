"""What each display page costs in Chromium while a timer runs, and how late its second
flips against the true second.

A real `runshow serve`, an item's countdown running; each display page (stage, speaker,
MC tablet, programme, studio clock, prompter) opened in Debian's headless Chromium at its
real size, all at once, each with its device clock skewed differently (the server's clock
is this machine's: the true one). Over `--seconds`:

- CPU: DevTools `Performance.getMetrics` TaskDuration (the renderer's main-thread work for
  the page) at the start and the end, as a share of one core; and the JS heap at both ends.
- Flip lag: a MutationObserver on the page's countdown notes the true time of each change
  (`performance.timeOrigin + performance.now()`: the host clock, whatever the page's `Date`
  says); the lag is that time minus the whole second of the server's deadline it shows.

Usage: python bench/screens.py [--seconds 60] [--write]
Only on a quiet machine: other work on the cores shows up in both figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import write_section  # noqa: E402
from tests.browser import SKEWED_CLOCK, launch_chromium  # noqa: E402
from tests.conftest import start_server, stop_server  # noqa: E402

#: page → (path, viewport, the countdown's selector, device clock skew in ms).
PAGES = {
    "stage": ("/stage", (1920, 1080), "#stage-timer", 300_000),
    "speaker": ("/speaker", (1280, 720), "#speaker-timer", -180_000),
    "mc": ("/mc", (1024, 768), "#mc-timer", 45_000),
    "programme": ("/programme", (390, 844), None, -7_000),
    "clock": ("/clock", (1920, 1080), "#clock-timer", 123_456),
    "prompter": ("/prompter", (1920, 1080), None, -654_321),
}

WATCH_FLIPS = """(selector) => {
  window.__flips = [];
  const node = document.querySelector(selector);
  new MutationObserver(() => window.__flips.push(performance.timeOrigin + performance.now()))
    .observe(node, { childList: true, subtree: true, characterData: true });
}"""


def task_seconds(session) -> tuple[float, float]:
    metrics = {m["name"]: m["value"] for m in session.send("Performance.getMetrics")["metrics"]}
    return metrics["TaskDuration"], metrics["JSHeapUsedSize"]


def lags_ms(flips: list[float], deadline_ms: int) -> list[float]:
    """Each flip's lateness after the whole second of the deadline it shows."""
    return [(flip - deadline_ms) % 1000 for flip in flips]


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(seconds: float) -> list[dict]:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="runshow-bench-screens-"))
    server = start_server(folder / "data", folder / "server.log")
    try:
        server.command("goto", item_id="tham-luan-ha-noi")
        deadline = server.command("start")["state"]["timer"]["deadline_ms"]
        token = server.mc_url.split("token=", 1)[1]
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            opened = []
            for name, (path, size, selector, skew) in PAGES.items():
                context = browser.new_context(viewport={"width": size[0], "height": size[1]})
                context.add_init_script(SKEWED_CLOCK % skew)
                page = context.new_page()
                query = f"?token={token}" if name in ("mc", "prompter") else ""
                page.goto(f"{server.url}{path}{query}")
                page.wait_for_function("document.body.dataset.clockSettled === 'true'")
                session = context.new_cdp_session(page)
                session.send("Performance.enable")
                if selector:
                    page.evaluate(WATCH_FLIPS, selector)
                opened.append((name, page, session, selector))
            starts = {name: task_seconds(session) for name, _, session, _ in opened}
            began = time.monotonic()
            time.sleep(seconds)  # the pages run on their own meanwhile: this is the measurement
            elapsed = time.monotonic() - began
            rows = []
            for name, page, session, selector in opened:
                (task0, heap0), (task1, heap1) = starts[name], task_seconds(session)
                lags = lags_ms(page.evaluate("window.__flips"), deadline) if selector else []
                rows.append(
                    {
                        "page": name,
                        "cpu_percent": 100 * (task1 - task0) / elapsed,
                        "heap_mb": (heap0 / 1e6, heap1 / 1e6),
                        "flips": len(lags),
                        "lag_p50": statistics.median(lags) if lags else None,
                        "lag_p99": sorted(lags)[max(0, int(len(lags) * 0.99) - 1)]
                        if lags
                        else None,
                    }
                )
            browser.close()
        return rows
    finally:
        stop_server(server)


def table(rows: list[dict], seconds: float) -> str:
    load = os.getloadavg()[0]
    lines = [
        f"Six pages at once for {seconds:g} s, a countdown running; load average "
        f"{load:.1f} on {os.cpu_count()} cores when it ended (targets: ≤ 1 % of a core, "
        "flip ≤ 8 ms p99).",
        "",
        "| page | CPU, % of a core | JS heap start → end, MB | flips | lag p50, ms | lag p99, ms |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        lag = (f"{row['lag_p50']:.1f}", f"{row['lag_p99']:.1f}") if row["flips"] else ("—", "—")
        lines.append(
            f"| {row['page']} | {row['cpu_percent']:.2f} | {row['heap_mb'][0]:.1f} → "
            f"{row['heap_mb'][1]:.1f} | {row['flips']} | {lag[0]} | {lag[1]} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--write", action="store_true", help="into docs/benchmarks.md")
    arguments = parser.parse_args()
    text = table(measure(arguments.seconds), arguments.seconds)
    print(text)
    if arguments.write:
        write_section("Display pages in Chromium: CPU and the second's flip", text)


if __name__ == "__main__":
    main()
