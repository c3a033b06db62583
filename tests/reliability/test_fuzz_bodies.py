"""Generated HTTP bodies: random bytes, any content type, bodies past the size
limit, deep nesting. Never a 5xx or a traceback; past 64 KiB a JSON 413."""

from __future__ import annotations

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
