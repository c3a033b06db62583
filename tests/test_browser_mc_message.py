"""A message to the MC is fitted in the bar as the bar is while it shows (the
progress gone from beside it), not as it was a moment before: a message that fits
the bar stays in it, at its size, and does not drop down over the MC's script."""

from __future__ import annotations

import pytest

from tests.browser import wait_for_revision

pytestmark = pytest.mark.browser

#: 113 characters: in the bar of a 1024 px tablet when the message has the bar to itself
#: (measured beside the progress it dropped down over the script instead).
MEDIUM_MESSAGE = (
    "Mời MC giới thiệu đoàn đại biểu Thành phố Hải Phòng vừa đến, ngồi hàng ghế thứ hai, "
    "sau đó mời cả hội trường đứng"
)

FIT = """() => {
  const box = document.querySelector('#mc-message-box');
  const text = document.querySelector('#mc-message');
  return [box.dataset.overflow, text.style.fontSize];
}"""


def test_a_message_that_fits_the_bar_is_fitted_to_the_bar_it_shows_in(live_server, open_page):
    mc = open_page(live_server.mc_url, size=(1024, 768))
    live_server.command("message", text=MEDIUM_MESSAGE, target="mc")
    wait_for_revision(mc, 1)
    shown = mc.evaluate(FIT)
    mc.evaluate("() => window.dispatchEvent(new Event('resize'))")  # fitted again, as it is
    again = mc.evaluate(FIT)
    assert shown == again, f"fitted beside the progress: {shown}, in the bar as shown: {again}"
    assert again[0] == "false", "it fits the bar: it stays in it"
