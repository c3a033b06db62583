"""The API's and the console socket's refusals in the asker's language (issue 23):
English with `Accept-Language: en` (or the socket's `?lang=en`), Vietnamese without;
the codes the same in both."""

from __future__ import annotations

import queue

import pytest
import requests

from runshow.web import create_app
from runshow.web.extension import current_show
from tests.conftest import BUNDLED_AGENDA, CONTROL_KEY, FakeClock, open_console
from tests.reliability.fuzzing import english_words, plain_words

BEARER = {"Authorization": f"Bearer {CONTROL_KEY}"}
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    app = create_app(
        {
            "RUNSHOW_AGENDA": str(BUNDLED_AGENDA),
            "RUNSHOW_DATA_DIR": str(tmp_path_factory.mktemp("english")),
            "RUNSHOW_CONTROL_KEY": CONTROL_KEY,
            "RUNSHOW_CLOCK": FakeClock(),
        }
    )
    yield app.test_client()
    with app.app_context():
        current_show().service.store.close()


#: (method, path, headers, body, status, code): one refusal of each kind.
REFUSALS = [
    ("post", "/api/command", {}, {"command": "pause"}, 401, "unauthorized"),
    ("post", "/api/command", BEARER, {"command": "jump"}, 400, "invalid"),
    ("post", "/api/command", BEARER, {"command": "pause"}, 409, "not_possible"),
    ("post", "/api/command", BEARER, "x" * 70_000, 413, "too_large"),
    ("get", "/api/rooms/nowhere/state", {}, None, 404, "unknown_room"),
]


@pytest.mark.parametrize(("method", "path", "headers", "body", "status", "code"), REFUSALS)
def test_a_refusal_is_english_when_asked_and_vietnamese_by_default(
    client, method, path, headers, body, status, code
):
    send = getattr(client, method)
    options = {"data": body} if isinstance(body, str) else {"json": body}
    english = send(path, headers=headers | ENGLISH, **options)
    vietnamese = send(path, headers=headers, **options)
    for response in (english, vietnamese):
        assert response.status_code == status, response.get_data(as_text=True)
        assert response.get_json()["code"] == code
    assert english_words(english.get_json()["error"]), english.get_json()
    assert plain_words(vietnamese.get_json()["error"]), vietnamese.get_json()
    assert english.get_json()["error"] != vietnamese.get_json()["error"]


def test_lang_in_the_query_wins_over_accept_language(client):
    answer = client.post(
        "/api/command?lang=vi", json={"command": "pause"}, headers=BEARER | ENGLISH
    ).get_json()
    assert answer["code"] == "not_possible" and plain_words(answer["error"])


def test_console_sockets_are_answered_each_in_its_handshake_language(fanout_server, fanout):
    """Two consoles, one English and one Vietnamese, on each broadcast path: each
    refusal in its own language, and the codes the same."""
    english, vietnamese = (
        open_console(fanout_server.url, lang="en"),
        open_console(fanout_server.url),
    )
    try:
        answers = [
            console.call("command", {"command": "pause"}, namespace="/control", timeout=10)
            for console in (english, vietnamese, english)
        ]
        scroll = english.call("prompter_scroll", {"ratio": 2}, namespace="/control", timeout=10)
    finally:
        english.disconnect()
        vietnamese.disconnect()
    assert [answer["code"] for answer in answers] == ["not_possible"] * 3
    assert english_words(answers[0]["error"]) and english_words(answers[2]["error"])
    assert plain_words(answers[1]["error"])
    assert scroll["code"] == "invalid" and english_words(scroll["error"]), scroll


def test_what_undo_would_do_reaches_each_console_in_its_own_language(fanout_server, fanout):
    """A note every console of the room is sent (what undo would revert) is not frozen
    in the language of the console that sent the command: each reads its own."""
    english = open_console(fanout_server.url, lang="en")
    vietnamese = open_console(fanout_server.url)
    states: dict[str, queue.Queue] = {"en": queue.Queue(), "vi": queue.Queue()}
    english.on("state", states["en"].put, namespace="/control")
    vietnamese.on("state", states["vi"].put, namespace="/control")
    try:
        for sender in (vietnamese, english):
            answer = sender.call("command", {"command": "next"}, namespace="/control", timeout=10)
            assert answer["ok"], answer
            seen = {lang: _state_of(states[lang], answer["revision"]) for lang in states}
            number = seen["en"]["current"]["index"] + 1
            assert seen["en"]["undo"] == f"Go to item {number}", seen["en"]
            assert seen["vi"]["undo"] == f"Chuyển sang mục {number}", seen["vi"]
    finally:
        english.disconnect()
        vietnamese.disconnect()
    public = requests.get(f"{fanout_server.url}/api/state", headers=ENGLISH, timeout=10).json()
    assert public["undo"] == "Go to item 2"


def test_a_live_edits_fit_warnings_reach_each_console_in_its_own_language(fanout_server):
    """The programme the consoles are sent after an edit carries the server's warnings
    (a title too long for the stage): each console reads them in its own language."""
    english = open_console(fanout_server.url, lang="en")
    vietnamese = open_console(fanout_server.url)
    programmes: dict[str, queue.Queue] = {"en": queue.Queue(), "vi": queue.Queue()}
    english.on("programme", programmes["en"].put, namespace="/control")
    vietnamese.on("programme", programmes["vi"].put, namespace="/control")
    long_title = {"title": "Phát biểu " * 40}
    edit = {"command": "edit_item", "item_id": "van-nghe-chao-mung", "changes": long_title}
    try:
        answer = vietnamese.call("command", edit, namespace="/control", timeout=10)
        assert answer["ok"], answer
        warnings = {
            lang: programmes[lang].get(timeout=10)["items"][0]["fit_warnings"]
            for lang in programmes
        }
    finally:
        english.disconnect()
        vietnamese.disconnect()
    assert warnings["en"] and all(english_words(warning) for warning in warnings["en"])
    assert warnings["vi"] and all(plain_words(warning) for warning in warnings["vi"])


def _state_of(states: queue.Queue, revision: int) -> dict:
    """The first state of `revision` the console is sent."""
    while True:
        state = states.get(timeout=10)
        if state["revision"] == revision:
            return state
