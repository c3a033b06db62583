"""The speaker's screen and the audience screen: message targets, the audience timer,
screen names and "identify"."""

from __future__ import annotations

from runshow.agenda import load_agenda
from runshow.payloads import for_public, for_speaker, state_view
from tests.conftest import BUNDLED_AGENDA
from tests.core_helpers import Show, small_agenda
from tests.test_live import events_named


def test_the_bundled_agenda_keeps_the_countdown_off_the_audience_screen_for_protocol_items():
    agenda = load_agenda(BUNDLED_AGENDA)
    hidden = [item.id for item in agenda.items if item.timed and not item.audience_timer]
    assert hidden == [
        "van-nghe-chao-mung",
        "tuyen-bo-ly-do",
        "khai-mac",
        "phat-bieu-chi-dao",
        "be-mac",
    ]
    assert agenda.get("tham-luan-ha-noi").audience_timer


def test_the_agenda_can_override_the_kinds_default():
    def show_it(document):
        document["items"][0]["timer"]["audience"] = False  # an opening: hidden by default anyway
        document["items"][2]["timer"]["audience"] = False  # a discussion speech: shown by default

    agenda = small_agenda(show_it)
    assert [item.audience_timer for item in agenda.items] == [False, True, False, False]


def test_a_message_to_the_speaker_reaches_only_the_speakers_screen():
    show = Show()
    show.do("goto", item_id="tham-luan")
    show.do("message", text="Còn 2 phút", target="speaker")
    view = state_view(show.agenda, show.state, show.now)
    assert view["message"] == {"speaker": "Còn 2 phút", "stage": None, "mc": None}
    assert for_speaker(view)["message"] == {"speaker": "Còn 2 phút", "stage": None}
    assert for_public(view)["message"] == {"stage": None}


def test_stage_and_both_keep_their_meaning_and_clearing_both_clears_everything():
    show = Show()
    show.do("goto", item_id="tham-luan")
    show.do("message", text="Xin mời đại biểu về chỗ", target="stage")
    show.do("message", text="Mời MC", target="mc")
    show.do("message", text="Còn 1 phút", target="speaker")
    state = show.state
    assert (state.stage_message, state.mc_message, state.speaker_message) == (
        "Xin mời đại biểu về chỗ",
        "Mời MC",
        "Còn 1 phút",
    )
    show.do("message", text="Hết giờ", target="both")
    assert (show.state.stage_message, show.state.mc_message) == ("Hết giờ", "Hết giờ")
    assert show.state.speaker_message == "Còn 1 phút"
    show.do("clear_message", target="both")
    assert (show.state.stage_message, show.state.mc_message, show.state.speaker_message) == (
        None,
        None,
        None,
    )
    show.refused("clear_message", target="speaker")


def test_the_speakers_message_leaves_with_the_speaker():
    show = Show()
    show.do("goto", item_id="tham-luan")
    show.do("message", text="Còn 1 phút", target="speaker")
    show.do("next")
    assert show.state.speaker_message is None


def test_a_speaker_screen_gets_its_message_and_a_stage_does_not(sockets, technician):
    speaker = sockets.connect("/live", role="speaker")
    stage = sockets.connect("/live", role="stage")
    console = sockets.connect("/control", http_client=technician)
    console.emit(
        "command", {"command": "goto", "item_id": "phat-bieu-chi-dao"}, namespace="/control"
    )
    console.emit(
        "command",
        {"command": "message", "text": "Còn 2 phút", "target": "speaker"},
        namespace="/control",
    )
    seen_by_speaker = events_named(speaker, "/live", "state")[-1]
    received = stage.get_received("/live")
    seen_by_stage = [e["args"][0] for e in received if e["name"] == "state"][-1]
    programme = next(e["args"][0] for e in received if e["name"] == "programme")
    assert seen_by_speaker["message"] == {"speaker": "Còn 2 phút", "stage": None}
    assert seen_by_stage["message"] == {"stage": None}
    rules = {item["id"]: item["audience_timer"] for item in programme["items"]}
    assert rules["phat-bieu-chi-dao"] is False and rules["tham-luan-ha-noi"] is True


def test_the_console_lists_named_screens_and_can_make_one_identify_itself(app, technician):
    socketio = app.extensions["runshow"].socketio

    def screen(role: str, name: str | None = None):
        query = f"role={role}" + (f"&name={name}" if name is not None else "")
        return socketio.test_client(app, namespace="/live", query_string=query)

    led = screen("stage", "LED%20ch%C3%ADnh")
    lectern = screen("speaker", "B%E1%BB%A5c")
    phone = screen("programme")
    console = socketio.test_client(app, namespace="/control", flask_test_client=technician)
    try:
        listed = events_named(console, "/control", "screens")[-1]
        assert [(s["role"], s["name"]) for s in listed] == [
            ("speaker", "Bục"),
            ("stage", "LED chính"),
        ]
        led_id = next(s["id"] for s in listed if s["role"] == "stage")
        ack = console.emit("identify", {"id": led_id}, namespace="/control", callback=True)
        assert ack == {"ok": True}
        assert events_named(led, "/live", "identify") == [{"role": "stage", "name": "LED chính"}]
        assert events_named(lectern, "/live", "identify") == []
        gone = console.emit("identify", {"id": "nobody"}, namespace="/control", callback=True)
        assert gone["ok"] is False and gone["error"]
    finally:
        for client in (led, lectern, phone):
            client.disconnect(namespace="/live")
        console.disconnect(namespace="/control")
