"""The words of the interface in the reader's language (docs/translating.md).

Vietnamese is the source language: every message is written in Vietnamese where it is
used, marked `_("...")`, and a catalogue per other language
(``runshow/translations/<lang>/LC_MESSAGES/messages.po``, compiled to ``.mo``) gives its
translation. Knows nothing of Flask: the web package tells it whose language a message
is for (`set_resolver`: the request's), the CLI sets the process's (`set_default`).

Placeholders are ``%(name)s`` everywhere (Python, templates, JavaScript), so one
catalogue serves all three; a literal percent sign in a message with placeholders is
``%%``.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.support import NullTranslations, Translations

#: The language every message is written in, and the default everywhere.
SOURCE_LANGUAGE = "vi"
#: Where the catalogues live: <lang>/LC_MESSAGES/<domain>.po and .mo.
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
#: Python and templates; the pages' scripts have their own domain (served per language).
DOMAIN = "messages"
JS_DOMAIN = "js"

#: How a date is written, per language (a language without one gets Babel's long form).
DATE_FORMATS = {"vi": "dd/MM/yyyy", "en": "d MMMM yyyy"}


@functools.cache
def languages() -> tuple[str, ...]:
    """Vietnamese, then every language with a compiled catalogue, in name order."""
    found = sorted(
        path.parent.parent.name
        for path in TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")
        if path.parent.parent.name != SOURCE_LANGUAGE
    )
    return (SOURCE_LANGUAGE, *found)


def supported(lang: str | None) -> str | None:
    """`lang` if a catalogue speaks it ("en", "EN", "en-GB", "en_US.UTF-8" → "en"), else None."""
    if not lang:
        return None
    base = lang.replace("_", "-").split(".")[0].split("-")[0].strip().lower()
    return base if base in languages() else None


@functools.cache
def translations(lang: str, domain: str = DOMAIN) -> NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [lang], domain)


_default = SOURCE_LANGUAGE
_resolver: Callable[[], str | None] = lambda: None  # noqa: E731
_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("language", default=None)


def set_default(lang: str) -> None:
    """The process's language where nobody else says (the CLI's, the server's pages')."""
    global _default
    _default = supported(lang) or SOURCE_LANGUAGE


def default_language() -> str:
    return _default


def set_resolver(resolver: Callable[[], str | None]) -> None:
    """`resolver()` names the language of whoever is being answered now (the web
    package's: the request's), or None for the default."""
    global _resolver
    _resolver = resolver


def current_language() -> str:
    return _override.get() or _resolver() or _default


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Every message inside speaks `lang` (a broadcast written once per language)."""
    token = _override.set(supported(lang) or SOURCE_LANGUAGE)
    try:
        yield
    finally:
        _override.reset(token)


def _(message: str, **params: object) -> str:
    """`message` in the current language, its ``%(name)s`` filled from `params`."""
    text = translations(current_language()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, num: int, **params: object) -> str:
    """One or several (`num`, also ``%(num)s``): English tells them apart, Vietnamese not."""
    text = translations(current_language()).ngettext(singular, plural, num)
    return text % {"num": num, **params}


def N_(message: str) -> str:
    """Marks a message for the catalogue where it is defined; `_()` translates it where used."""
    return message


def translate_all(table: Mapping[str, str]) -> dict[str, str]:
    """A table of N_-marked messages in the current language."""
    return {key: _(value) for key, value in table.items()}


def format_date(day: date | datetime, lang: str | None = None) -> str:
    """28/07/2023 in Vietnamese, 28 July 2023 in English."""
    lang = lang or current_language()
    return babel_format_date(day, DATE_FORMATS.get(lang, "long"), locale=Locale.parse(lang))


def language_of_environment(environ: Mapping[str, str] = os.environ) -> str | None:
    """The language LC_ALL, LC_MESSAGES or LANG ask for, when a catalogue speaks it."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if environ.get(name):
            return supported(environ[name])
    return None
