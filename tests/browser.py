"""Helpers for driving Debian's headless Chromium with Playwright (never `playwright install`)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, expect

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


def wait_for_settled_clock(page: Page, timeout_ms: int = 10_000) -> None:
    """Until the page's estimate of the server's clock is the best of a whole round of
    samples (the first sample is used at once, and may be off by half a round trip)."""
    page.wait_for_function("document.body.dataset.clockSettled === 'true'", timeout=timeout_ms)


def settle(control: Page, timeout_ms: int = 5_000) -> None:
    """Wait until the console takes a press of the same control as a new one (a repeat
    within its reaction window is treated as a bounce of the first press)."""
    control.wait_for_function("() => !document.body.dataset.repeatGuard", timeout=timeout_ms)


HA_NOI = "tham-luan-ha-noi"
HO_CHI_MINH = "tham-luan-ho-chi-minh"

# A browser whose clock is five minutes fast, set before any page script runs.
SKEWED_CLOCK = """
(() => {
  const skew = %d;
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length) { super(...args); } else { super(RealDate.now() + skew); }
    }
    static now() { return RealDate.now() + skew; }
  }
  globalThis.Date = SkewedDate;
})();
"""

FAKE_AUDIO = """
window.__tones = [];
window.AudioContext = class {
  constructor() { this.state = 'running'; this.currentTime = 0; this.destination = {}; }
  resume() {}
  createOscillator() {
    return { frequency: { value: 0 }, connect: (node) => node,
             start() { window.__tones.push(this.frequency.value); }, stop() {} };
  }
  createGain() {
    return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} },
             connect: (node) => node };
  }
};
"""


def seconds_shown(text: str) -> int:
    """'09:58' → 598; '+00:12' → -12; '1:02:03' → 3723."""
    sign = -1 if text.startswith("+") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")]
    total = 0
    for part in parts:
        total = total * 60 + part
    return sign * total


def shown_revision(page: Page) -> int:
    return int(page.evaluate("document.body.dataset.revision"))


def press(control: Page, selector: str) -> None:
    """Click a console button whose command must be accepted, and wait for its result."""
    before = shown_revision(control)
    control.click(selector)
    wait_for_revision(control, before + 1)
    settle(control)


def jump_to(control: Page, item_id: str) -> None:
    """Jump through the confirmation dialog and wait until the console shows the
    result (a console acting on an older revision is refused as stale, by design)."""
    before = shown_revision(control)
    control.click(f"tr[data-item-id='{item_id}'] button[data-action='jump']")
    expect(control.locator("#confirm-dialog")).to_be_visible()
    control.click("#confirm-yes")
    wait_for_revision(control, before + 1)
    settle(control)


#: The longest message the console accepts (280 characters), in Vietnamese.
LONGEST_MESSAGE = (
    "Xin mời đồng chí trình bày ngắn gọn phần kết luận vì chương trình đã chậm hơn kế "
    "hoạch; sau phần này Ban tổ chức sẽ mời các đại biểu dùng trà giữa giờ tại sảnh tầng "
    "một, rồi trở lại hội trường đúng giờ để tiếp tục phần tham luận của các thành phố "
    "trực thuộc Trung ương. Xin cảm ơn"
)

#: [scrollHeight, clientHeight, font px, line boxes outside the box or the window].
MESSAGE_FIT = """(selector) => {
  const node = document.querySelector(selector);
  const box = node.getBoundingClientRect();
  const range = document.createRange();
  range.selectNodeContents(node);
  const cut = [...range.getClientRects()].filter((r) => r.top < box.top - 0.5
    || r.bottom > box.bottom + 0.5 || r.bottom > innerHeight || r.right > innerWidth);
  return [node.scrollHeight, node.clientHeight, parseFloat(getComputedStyle(node).fontSize),
          cut.length];
}"""
