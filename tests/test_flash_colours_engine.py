"""The engine's `flash` and message colours, on a fake clock."""

from __future__ import annotations

from runshow.payloads import for_public, for_speaker, live_view
from tests.core_helpers import Show


def test_a_flash_ends_at_the_deadline_the_server_set_and_undo_takes_it_back():
    show = Show()
    show.do("flash")
    assert (show.state.flash_target, show.state.flash_until_ms) == ("speaker", show.now + 3000)
    show.wait(2.9)
    assert live_view(show.agenda, show.state, show.now)["flash"]["until_ms"] == show.now + 100
    show.wait(0.1)
    assert live_view(show.agenda, show.state, show.now)["flash"] is None
    show.do("flash", seconds=10, target="all")
    show.do("undo")
    assert show.state.flash_until_ms == show.now  # the first one's, over now
    assert live_view(show.agenda, show.state, show.now)["flash"] is None


def test_a_messages_colour_goes_with_it_and_each_screen_reads_only_its_own():
    show = Show()
    show.do("goto", item_id=show.agenda.items[1].id)
    show.do("message", text="Còn 1 phút", target="speaker", colour="red")
    show.do("message", text="Mời về chỗ", target="mc", colour="grey")
    view = live_view(show.agenda, show.state, show.now)
    assert view["message_colours"] == {"speaker": "red", "mc": "grey"}
    assert for_speaker(view)["message_colours"] == {"speaker": "red"}
    assert "message_colours" not in for_public(view)  # the stage's has none: absent
    show.do("message", text="Còn 1 phút", target="speaker")  # the same words, plain
    assert dict(show.state.message_colours) == {"mc": "grey"}
    show.do("message", text="Xin nói to hơn", target="all", colour="yellow")
    show.do("clear_message", target="mc")
    assert dict(show.state.message_colours) == {"stage": "yellow", "speaker": "yellow"}
    show.do("next")  # the speaker's messages go with the item, and their colours
    assert dict(show.state.message_colours) == {}
