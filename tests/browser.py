"""Helpers for driving Debian's headless Chromium with Playwright (never `playwright install`)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright

from tests.conftest import CONTROL_KEY

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError("Debian's chromium is missing: `bash scripts/test` installs it")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def login(page: Page, base_url: str, key: str = CONTROL_KEY) -> None:
    """Log in through the form, as a technician would, and land on /control."""
    page.goto(f"{base_url}/control")
    page.fill("#login-key", key)
    page.click("#login-submit")
    page.wait_for_url(f"{base_url}/control")
    page.wait_for_selector("body[data-connected='true']")


def wait_for_revision(page: Page, revision: int, timeout_ms: int = 10_000) -> None:
    """Wait until the page shows the state at `revision` or later."""
    page.wait_for_function(
        "revision => Number(document.body.dataset.revision) >= revision",
        arg=revision,
        timeout=timeout_ms,
    )


def settle(control: Page, timeout_ms: int = 5_000) -> None:
    """Wait until the console takes a press of the same control as a new one (a repeat
    within its reaction window is treated as a bounce of the first press)."""
    control.wait_for_function("() => !document.body.dataset.repeatGuard", timeout=timeout_ms)
