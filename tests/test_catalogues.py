"""The message catalogues against the source (docs/translating.md): every language's
catalogue carries exactly the messages the source marks, each translated, with the same
placeholders, and its compiled `.mo` is the one `python -m runshow.catalogues` makes."""

from __future__ import annotations

import re

import pytest

from runshow import catalogues, i18n

LANGUAGES = [lang for lang in catalogues.catalogue_languages() if lang != i18n.SOURCE_LANGUAGE]
CASES = [(lang, domain) for lang in LANGUAGES for domain in catalogues.SOURCES]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def ids(catalog) -> set[str]:
    """Each message's msgid, after its context when it has one (``context\x04msgid``)."""
    return {key(message) for message in catalog if message.id}


def key(message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}\x04{msgid}" if message.context else msgid


@pytest.fixture(scope="module")
def extracted() -> dict[str, set[str]]:
    return {domain: ids(catalogues.extract(domain)) for domain in catalogues.SOURCES}


def test_english_is_there():
    assert "en" in LANGUAGES
    assert i18n.languages() == ("vi", *LANGUAGES)


@pytest.mark.parametrize(("lang", "domain"), CASES)
def test_a_catalogue_has_every_message_of_the_source_and_no_other(lang, domain, extracted):
    catalog = catalogues.read(catalogues.po_path(lang, domain))
    missing = extracted[domain] - ids(catalog)
    unused = ids(catalog) - extracted[domain]
    assert not missing, (
        f"{lang}/{domain}.po misses (python -m runshow.catalogues): {sorted(missing)[:10]}"
    )
    assert not unused, f"{lang}/{domain}.po carries messages no longer used: {sorted(unused)[:10]}"


@pytest.mark.parametrize(("lang", "domain"), CASES)
def test_every_message_is_translated_with_its_placeholders(lang, domain):
    catalog = catalogues.read(catalogues.po_path(lang, domain))
    untranslated, fuzzy, unlike = [], [], []
    for message in catalog:
        if not message.id:
            continue
        sources = [message.id] if isinstance(message.id, str) else list(message.id)
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        if not all(texts):
            untranslated.append(sources[0])
        if message.fuzzy:
            fuzzy.append(sources[0])
        wanted = set(PLACEHOLDER.findall(sources[-1])) - {"num"}
        if any(wanted - set(PLACEHOLDER.findall(text)) for text in texts if text):
            unlike.append(sources[0])
    assert not untranslated, f"{lang}/{domain}.po: not translated: {untranslated[:10]}"
    assert not fuzzy, f"{lang}/{domain}.po: marked fuzzy: {fuzzy[:10]}"
    assert not unlike, f"{lang}/{domain}.po: placeholders lost: {unlike[:10]}"


@pytest.mark.parametrize(("lang", "domain"), CASES)
def test_the_compiled_catalogue_is_current(lang, domain):
    path = catalogues.po_path(lang, domain)
    compiled = catalogues.mo_bytes(catalogues.read(path))
    assert path.with_suffix(".mo").read_bytes() == compiled, "run python -m runshow.catalogues"


def test_messages_speak_the_language_asked_and_vietnamese_by_default():
    from runshow.words import role_name

    assert role_name("stage") == "Màn hình sân khấu"
    with i18n.language("en"):
        assert role_name("stage") == "Stage screen"
    with i18n.language("xx"):  # a language nobody translated: Vietnamese
        assert role_name("stage") == "Màn hình sân khấu"


@pytest.mark.parametrize(
    ("asked", "lang"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-GB", "en"),
        ("en_US.UTF-8", "en"),
        ("vi", "vi"),
        ("fr", None),
        ("C.UTF-8", None),
        ("", None),
    ],
)
def test_a_language_is_understood_however_it_is_written(asked, lang):
    assert i18n.supported(asked) == lang


def test_dates_follow_the_language():
    import datetime

    day = datetime.date(2023, 7, 28)
    assert i18n.format_date(day, "vi") == "28/07/2023"
    assert i18n.format_date(day, "en") == "28 July 2023"
