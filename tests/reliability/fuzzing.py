"""What the hypothesis fuzzers share: their size, their inputs and what a refusal
must look like.

CI runs a few dozen examples per test; ``scripts/test --all`` (RUNSHOW_TEST_ALL=1)
runs thousands. ``RUNSHOW_FUZZ_EXAMPLES=N`` sets the count by hand.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from runshow.commands import COMMAND_NAMES
from tests.core_helpers import PYDANTIC_ENGLISH

FULL_RUN = os.environ.get("RUNSHOW_TEST_ALL") == "1"
EXAMPLES = int(os.environ.get("RUNSHOW_FUZZ_EXAMPLES") or (2000 if FULL_RUN else 40))

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: The English runs of a fuzz: a quarter of its examples (the same inputs, other words).
FUZZ_ENGLISH = settings(FUZZ, max_examples=max(10, EXAMPLES // 4))

# --------------------------------------------------------------------------- #
# Inputs.

#: Text with, now and then, half of a UTF-16 pair (a lone surrogate: an emoji a client
#: cut in two), which no UTF-8 file or screen can take.
any_text = st.text(max_size=12) | st.text(
    st.characters(codec="utf-8") | st.characters(categories=["Cs"]), min_size=1, max_size=6
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.integers(-100, 100)
    | st.floats()  # NaN and ±Infinity included: json.dumps writes them, JSON forbids them
    | any_text
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(any_text, inner, max_size=4),
    max_leaves=8,
)
ARGUMENTS = ("seconds", "item_id", "from", "text", "target", "on", "revision", "command")
#: Something shaped like a command, more or less.
commands = st.builds(
    lambda name, arguments: {"command": name, **arguments},
    st.sampled_from(COMMAND_NAMES) | st.text(max_size=10),
    st.dictionaries(st.sampled_from(ARGUMENTS) | st.text(max_size=8), json_values, max_size=3),
)
payloads = commands | json_values


def _nested(depth: int, inner: str = "1") -> str:
    return '{"a":' * depth + inner + "}" * depth


#: JSON texts that Python's reader crashes on or silently alters.
dangerous_texts = st.one_of(
    st.integers(17, 6000).map(lambda n: '{"command": "adjust", "seconds": ' + "9" * n + "}"),
    st.integers(21, 6000).map(lambda n: "[" * n + "]" * n),
    st.integers(20, 6000).map(lambda n: '{"command": "message", "text": ' + _nested(n) + "}"),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1e300", "1e16"]).map(
        lambda number: '{"command": "adjust", "seconds": ' + number + "}"
    ),
    st.sampled_from(COMMAND_NAMES).map(lambda name: f'{{"command": "{name}", "command": "next"}}'),
    st.sampled_from(["\\ud800", "\\udfff", "a\\ude00\\ud83d", "\\udbff\\u0041"]).map(
        lambda half: '{"command": "message", "text": "' + half + '"}'
    ),
)

_SURROGATE = re.compile("[\ud800-\udfff]")


def dumped(payload: Any) -> str:
    """JSON as a browser writes it: UTF-8 text, a lone surrogate as its escape."""
    text = json.dumps(payload, ensure_ascii=False)
    return _SURROGATE.sub(lambda half: f"\\u{ord(half.group()):04x}", text)


#: Bodies as a sender might get them wrong: JSON texts, cut or spliced, or bytes.
texts = (
    payloads.map(dumped)
    | dangerous_texts
    | st.builds(lambda text, cut: text[:cut], payloads.map(dumped), st.integers(0, 40))
    | st.text(max_size=200)
)

# --------------------------------------------------------------------------- #
# What a refusal looks like.

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|«[^»]*»')
#: What Python's JSON reader says in English (``Invalid \\escape``, ``Expecting value``).
_JSON_ENGLISH = re.compile(
    r"Invalid|Expecting|Unterminated|Extra data|Illegal|delimiter|control character|escape"
)
#: A letter only Vietnamese writes (a vowel with its mark, đ): a sentence has one.
_VIETNAMESE_LETTER = re.compile("[\u00c0-\u01b0\u1ea0-\u1ef9]")
REFUSAL_CODES = {"invalid", "not_possible", "stale_revision", "moved_on"}


def plain_words(message: str) -> bool:
    """Vietnamese for people: no pydantic or JSON-reader English, no Python spelling
    of null, and at least one Vietnamese word outside what it quotes."""
    outside_quotes = _JSON_STRING.sub("", message)
    return (
        not PYDANTIC_ENGLISH.search(message)
        and not _JSON_ENGLISH.search(outside_quotes)
        and not re.search(r"\b(None|True|False)\b|Traceback", outside_quotes)
        and bool(_VIETNAMESE_LETTER.search(outside_quotes))
    )


def assert_plain_refusal(answer: dict[str, Any]) -> None:
    assert answer["ok"] is False, answer
    assert answer["code"] in REFUSAL_CODES, answer
    assert isinstance(answer["error"], str) and answer["error"], answer
    error = answer["error"]
    for problem in answer.get("problems", []):  # places are the sender's own names
        error = error.replace(problem["place"], "") if problem["place"] else error
    assert plain_words(error), answer["error"]
    for problem in answer.get("problems", []):
        assert plain_words(problem["message"]), problem


#: What a sender wrote, as a refusal quotes it: JSON strings, «titles», Python's 'reprs'.
_QUOTED = re.compile(_JSON_STRING.pattern + r"|'(?:[^'\\]|\\.)*'")


def english_words(message: str) -> bool:
    """English for people (``Accept-Language: en``): not a Vietnamese letter outside
    what it quotes (the sender's own input, the agenda's texts), and some words."""
    outside_quotes = _QUOTED.sub("", message)
    return (
        not _VIETNAMESE_LETTER.search(outside_quotes)
        and not re.search(r"\b(None|True|False)\b|Traceback", outside_quotes)
        and bool(re.search(r"[A-Za-z]{3,}", outside_quotes))
    )


def assert_english_refusal(answer: dict[str, Any]) -> None:
    """`assert_plain_refusal` for an English asker: the same codes, English words."""
    assert answer["ok"] is False, answer
    assert answer["code"] in REFUSAL_CODES, answer
    error = answer["error"]
    places = sorted((problem["place"] for problem in answer.get("problems", [])), key=len)
    for place in reversed(places):  # the sender's own names; "[2][1].À" before "[1]"
        error = error.replace(place, "") if place else error
    assert english_words(error), answer["error"]
    for problem in answer.get("problems", []):
        assert english_words(problem["message"]), problem
