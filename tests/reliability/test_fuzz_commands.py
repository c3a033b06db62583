"""Generated commands over HTTP and over a real /control socket: every one is
answered, nothing is a 5xx or a traceback, and a refusal is plain Vietnamese that
changes nothing; English for an English asker (`Accept-Language: en`, the socket's
`?lang=en`), with the same codes."""

from __future__ import annotations

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from runshow.web import create_app
from runshow.web.extension import current_show
from tests.conftest import (
    BUNDLED_AGENDA,
    CONTROL_KEY,
    FakeClock,
    Verbatim,
    verbatim_console,
)
from tests.reliability.fuzzing import (
    FUZZ,
    FUZZ_ENGLISH,
    assert_english_refusal,
    assert_plain_refusal,
    dangerous_texts,
    json_values,
    payloads,
    texts,
)

pytestmark = pytest.mark.reliability

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    app = create_app(
        {
            "TESTING": True,  # an exception in a view fails the test instead of a 500
            "RUNSHOW_AGENDA": str(BUNDLED_AGENDA),
            "RUNSHOW_DATA_DIR": str(tmp_path_factory.mktemp("fuzz-http")),
            "RUNSHOW_CONTROL_KEY": CONTROL_KEY,
            "RUNSHOW_CLOCK": FakeClock(),
        }
    )
    yield app
    with app.app_context():
        current_show().service.store.close()


@FUZZ
@given(body=texts)
def test_any_http_command_is_answered_without_a_5xx(app, body: str):
    service = app.extensions["runshow"].service
    before = service.state
    response = app.test_client().post("/api/command", data=body.encode(), headers=AUTH)
    assert response.status_code in (200, 400, 409), response.get_data(as_text=True)
    answer = response.get_json()
    if answer["ok"]:
        assert service.state.revision == before.revision + 1
    else:
        assert_plain_refusal(answer)
        assert service.state == before


@FUZZ_ENGLISH
@given(body=texts)
def test_any_http_refusal_is_english_for_an_english_asker(app, body: str):
    service = app.extensions["runshow"].service
    before = service.state
    headers = AUTH | {"Accept-Language": "en"}
    response = app.test_client().post("/api/command", data=body.encode(), headers=headers)
    answer = response.get_json()
    if not answer["ok"]:
        assert_english_refusal(answer)
        assert service.state == before


@pytest.fixture(scope="module")
def console(module_server):
    with verbatim_console(module_server.url) as console:
        yield console


@pytest.fixture(scope="module")
def english_console(module_server):
    with verbatim_console(module_server.url, lang="en") as console:
        yield console


arguments = st.one_of(
    payloads.map(lambda payload: (payload,)),
    dangerous_texts.map(lambda text: (Verbatim(text),)),
    st.tuples(payloads, json_values),  # a command with an extra argument
    st.just(()),  # no argument at all
)


@FUZZ
@given(args=arguments)
def test_any_socket_command_is_answered_and_a_refusal_changes_nothing(module_server, console, args):
    before = module_server.state()["revision"]
    answer = console.call("command", args, namespace="/control", timeout=10)
    after = module_server.state()["revision"]
    if answer["ok"]:
        assert after == before + 1 == answer["revision"]
    else:
        assert_plain_refusal(answer)
        assert after == before


@FUZZ
@given(body=texts)
def test_any_http_command_to_the_real_server_is_answered_without_a_5xx(module_server, body: str):
    before = module_server.state()["revision"]
    response = requests.post(
        f"{module_server.url}/api/command", data=body.encode(), headers=AUTH, timeout=10
    )
    assert response.status_code in (200, 400, 409), response.text
    answer = response.json()
    if not answer["ok"]:
        assert_plain_refusal(answer)
        assert module_server.state()["revision"] == before


@FUZZ_ENGLISH
@given(args=arguments)
def test_any_socket_refusal_is_english_for_an_english_console(module_server, english_console, args):
    before = module_server.state()["revision"]
    answer = english_console.call("command", args, namespace="/control", timeout=10)
    if not answer["ok"]:
        assert_english_refusal(answer)
        assert module_server.state()["revision"] == before
