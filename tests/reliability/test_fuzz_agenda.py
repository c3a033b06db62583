"""Mutations of the bundled agenda.json, as an organiser's editing (or a broken
USB stick) produces them: the loader either returns a programme whose schedule
can be computed and printed, or refuses with problems in plain Vietnamese.
Never another exception."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runshow.agenda import AgendaError, parse_agenda
from runshow.cli import summary
from tests.core_helpers import BUNDLED_AGENDA, bundled_document
from tests.reliability.fuzzing import FUZZ, json_values, plain_words

pytestmark = pytest.mark.reliability

BUNDLED_TEXT = BUNDLED_AGENDA.read_text(encoding="utf-8")


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


PATHS = _paths(bundled_document())


def _changed(path: tuple, action: str, value: Any) -> str:
    document = bundled_document()
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):  # "add": a field next to it, often a near-miss name
        parent[f"{last}{value}" if isinstance(value, str) else f"{last}s"] = value
    return json.dumps(document, ensure_ascii=False, indent=2)


document_mutations = st.builds(
    _changed, st.sampled_from(PATHS), st.sampled_from(["replace", "delete", "add"]), json_values
)


def _edited(start: int, cut: int, insert: str) -> str:
    start %= len(BUNDLED_TEXT)
    return BUNDLED_TEXT[:start] + insert + BUNDLED_TEXT[start + cut :]


text_mutations = st.builds(
    _edited,
    st.integers(0, len(BUNDLED_TEXT)),
    st.integers(0, 8),
    st.text(max_size=6)
    | st.sampled_from(["NaN", "1e999", "[" * 50, '"id": "x", ', "9" * 5000])
    | st.sampled_from(["\\ud800", "\\udc00", "\ud83d"]),  # half an emoji: escaped or not
)


@FUZZ
@given(text=document_mutations | text_mutations)
def test_a_mutated_agenda_loads_or_is_refused_in_plain_words(text: str):
    try:
        agenda = parse_agenda(text, source="agenda.json")
    except AgendaError as refused:
        assert refused.problems
        for problem in refused.problems:
            assert plain_words(str(problem)), problem
        return
    assert summary(agenda)
    starts = agenda.planned_starts_ms()
    assert starts == sorted(starts)
    assert agenda.planned_end_ms >= agenda.start_ms
