"""Item kinds beyond conferences (ceremonies, graduations, festivals) and the
label an item may carry instead of its kind's."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from runshow.agenda import KIND_LABELS, AgendaError, ItemKind, parse_agenda
from runshow.payloads import programme_view
from tests.core_helpers import bundled_document

CEREMONY_KINDS = ("performance", "award", "ceremony", "break", "video", "qa", "diploma", "oath")


def test_every_kind_the_file_accepts_has_a_vietnamese_label():
    assert list(get_args(ItemKind)) == list(KIND_LABELS)
    assert all(label.strip() for label in KIND_LABELS.values())
    assert len(set(KIND_LABELS.values())) == len(KIND_LABELS)


@pytest.mark.parametrize("kind", CEREMONY_KINDS)
def test_a_ceremony_item_loads_and_shows_its_kind_in_words(kind):
    document = bundled_document()
    document["items"][0]["kind"] = kind
    agenda = parse_agenda(json.dumps(document))
    first = programme_view(agenda)["items"][0]
    assert first["kind"] == kind
    assert first["kind_label"] == KIND_LABELS[kind]
    assert first["kind_label"] != "Khác"


def test_an_item_may_carry_its_own_label():
    document = bundled_document()
    document["items"][0] |= {"kind": "diploma", "kind_label": "Trao bằng Tiến sĩ"}
    agenda = parse_agenda(json.dumps(document))
    assert agenda.items[0].kind_label == "Trao bằng Tiến sĩ"
    assert programme_view(agenda)["items"][0]["kind_label"] == "Trao bằng Tiến sĩ"
    assert agenda.items[1].kind_label == KIND_LABELS[agenda.items[1].spec.kind]


@pytest.mark.parametrize(
    ("label", "message"),
    [("", "không được để trống"), ("x" * 41, "quá dài (tối đa 40 ký tự)")],
)
def test_an_empty_or_overlong_custom_label_is_refused_at_its_place(label, message):
    document = bundled_document()
    document["items"][3]["kind_label"] = label
    with pytest.raises(AgendaError) as raised:
        parse_agenda(json.dumps(document))
    assert [(p.place, p.message) for p in raised.value.problems] == [
        ("items[3].kind_label", message)
    ]


def test_a_programme_whose_only_item_is_wrong_reports_that_item_not_an_empty_list():
    document = bundled_document()
    document["items"] = [document["items"][0] | {"duration": 0}]
    with pytest.raises(AgendaError) as raised:
        parse_agenda(json.dumps(document))
    assert [str(p) for p in raised.value.problems] == [
        "items[0].duration: phải là số > 0 (nhận được 0)"
    ]
