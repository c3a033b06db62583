"""One table of word cases (tests/vectors/words.json) pins runshow/timefmt.py and the
screens' static/js together: a planned length, a duration and the programme's lateness
read the same on the console and the phones as in the report and the printed run sheet,
in Vietnamese and in English (a case's `lang`, Vietnamese when it has none)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runshow import i18n
from runshow.timefmt import duration_text, length_text, offset_words

VECTORS = json.loads((Path(__file__).parent / "vectors" / "words.json").read_text("utf-8"))
LENGTHS, DURATIONS, OFFSETS = VECTORS["lengths"], VECTORS["durations"], VECTORS["offsets"]
TABLES = {"lengths": LENGTHS, "durations": DURATIONS, "offsets": OFFSETS}


def lang_of(case: dict) -> str:
    return case.get("lang", i18n.SOURCE_LANGUAGE)


@pytest.mark.parametrize("case", LENGTHS, ids=[case["name"] for case in LENGTHS])
def test_python_writes_planned_lengths_as_the_table(case):
    with i18n.language(lang_of(case)):
        assert length_text(case["duration_ms"], case["estimated"]) == case["expect"]


@pytest.mark.parametrize("case", DURATIONS, ids=[case["name"] for case in DURATIONS])
def test_python_says_durations_as_the_table(case):
    with i18n.language(lang_of(case)):
        assert duration_text(case["ms"]) == case["expect"]


@pytest.mark.parametrize("case", OFFSETS, ids=[case["name"] for case in OFFSETS])
def test_python_says_the_offset_as_the_table(case):
    with i18n.language(lang_of(case)):
        assert offset_words(case["offset_ms"]) == case["expect"]


def test_the_table_speaks_both_languages():
    for table in TABLES.values():
        assert {lang_of(case) for case in table} == {"vi", "en"}


#: The same words in the browser, from the console's own modules.
JS_SIDE = """async ({lengths, durations, offsets}) => {
  const dom = await import('/static/js/dom.js');
  const labels = await import('/static/js/labels.js');
  return {
    lengths: lengths.map(({duration_ms, estimated}) =>
      labels.plannedLength({duration_ms, duration_estimated: estimated})),
    durations: durations.map(({ms}) => dom.durationWords(ms)),
    offsets: offsets.map(({offset_ms}) => labels.offsetWords(offset_ms)),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_pages_say_them_as_the_table(live_server, open_page, lang):
    tables = {
        name: [case for case in table if lang_of(case) == lang] for name, table in TABLES.items()
    }
    said = open_page(f"{live_server.url}/programme?lang={lang}").evaluate(JS_SIDE, tables)
    mismatches = [
        (case["name"], result, case["expect"])
        for name, table in tables.items()
        for case, result in zip(table, said[name], strict=True)
        if result != case["expect"]
    ]
    assert mismatches == []
