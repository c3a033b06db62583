"""Generated HTTP bodies: random bytes, any content type, bodies past the size
limit, deep nesting. Never a 5xx or a traceback; past 64 KiB a JSON 413, which a
client that sends its whole body before reading (urllib, requests) receives too."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CONTROL_KEY, LiveServer
from tests.reliability.fuzzing import FUZZ, assert_plain_refusal

pytestmark = pytest.mark.reliability

LIMIT = 64 * 1024
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
        "multipart/form-data",
    ]
)


def post(server: LiveServer, body: bytes, content_type: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {CONTROL_KEY}", "Content-Type": content_type}
    return requests.post(f"{server.url}/api/command", data=body, headers=headers, timeout=30)


@FUZZ
@given(body=st.binary(max_size=4096), content_type=CONTENT_TYPES)
def test_random_bytes_are_refused_in_plain_words(module_server, body: bytes, content_type: str):
    before = module_server.state()["revision"]
    response = post(module_server, body, content_type)
    assert response.status_code in (200, 400, 409), response.text
    answer = response.json()
    if not answer["ok"]:
        assert_plain_refusal(answer)
        assert module_server.state()["revision"] == before


@FUZZ
@given(size=st.integers(LIMIT + 1, 2 * 1024 * 1024), filler=st.sampled_from([b" ", b"[", b"9"]))
def test_a_body_past_the_limit_is_a_json_413(module_server, size: int, filler: bytes):
    before = module_server.state()["revision"]
    body = b'{"command": "message", "text": "' + filler * size + b'"}'
    response = post(module_server, body, "application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert module_server.state()["revision"] == before


@FUZZ
@given(depth=st.integers(21, 30_000), opener=st.sampled_from(["[", '{"a":']))
def test_deep_nesting_is_refused_with_its_place(module_server, depth: int, opener: str):
    closer = "]" if opener == "[" else "}"
    body = '{"command": "message", "text": ' + opener * depth + "1" * (opener != "[")
    body += closer * depth + "}"
    response = post(module_server, body[: LIMIT - 1].encode(), "application/json")
    assert response.status_code == 400
    answer = response.json()
    assert_plain_refusal(answer)
    assert any("lồng nhau quá sâu" in problem["message"] for problem in answer["problems"])


# --------------------------------------------------------------------------- #
# Past the limit, as clients really send it: the whole body first, then read the answer.

BIG_BODY = b'{"command": "message", "text": "' + b"x" * (5 * 1024 * 1024) + b'"}'
JSON_AUTH = {"Authorization": f"Bearer {CONTROL_KEY}", "Content-Type": "application/json"}


def _assert_too_large(status: int, body: bytes) -> None:
    assert status == 413
    answer = json.loads(body)
    assert answer["code"] == "too_large" and "64 KiB" in answer["error"], answer


@pytest.mark.parametrize("keep_alive", [True, False], ids=["keep-alive", "close"])
def test_requests_sending_5_mb_gets_its_413(module_server, keep_alive: bool):
    before = module_server.state()["revision"]
    headers = JSON_AUTH | ({} if keep_alive else {"Connection": "close"})
    with requests.Session() as session:
        for _ in range(3):  # and the connection (kept alive) still serves the next
            response = session.post(
                f"{module_server.url}/api/command", data=BIG_BODY, headers=headers, timeout=30
            )
            _assert_too_large(response.status_code, response.content)
        assert session.get(f"{module_server.url}/api/state", timeout=10).ok
    assert module_server.state()["revision"] == before


def test_urllib_sending_5_mb_gets_its_413(module_server):
    request = urllib.request.Request(
        f"{module_server.url}/api/command", data=BIG_BODY, headers=JSON_AUTH
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    _assert_too_large(refused.value.code, refused.value.read())


def test_a_body_past_what_the_server_reads_is_answered_and_the_connection_closed(
    module_server,
):
    """A client announcing a gigabyte gets its 413 at once, and the server closes the
    connection instead of reading (and dropping) a gigabyte."""
    with socket.create_connection(module_server.url.removeprefix("http://").split(":")) as raw:
        raw.settimeout(10)
        raw.sendall(
            b"POST /api/command HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {CONTROL_KEY}\r\n".encode()
            + b"Content-Length: 1073741824\r\n\r\n"
            + b'{"command": "message", "text": "'
            + b"x" * 65536
        )
        received = b""
        while chunk := raw.recv(65536):  # the server closes: no timeout
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), received[:200]
    _assert_too_large(413, body)


def _chunks(*parts: bytes):
    yield from parts


def test_a_chunked_body_is_read_and_past_the_limit_gets_its_413(module_server):
    """A body sent in chunks (no length beforehand) is read as sent, not taken for
    empty, and past the limit it is a 413 like any other."""
    url = f"{module_server.url}/api/command"
    small = requests.post(
        url, data=_chunks(b'{"command": ', b'"clear_message"}'), headers=JSON_AUTH, timeout=30
    )
    assert small.status_code in (200, 409), small.text  # read: a command, not "no value"
    big = requests.post(
        url,
        data=_chunks(*[BIG_BODY[i : i + 65536] for i in range(0, len(BIG_BODY), 65536)]),
        headers=JSON_AUTH,
        timeout=30,
    )
    _assert_too_large(big.status_code, big.content)
