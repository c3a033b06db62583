"""The message catalogues, kept in step with the source (docs/translating.md).

``python -m runshow.catalogues`` extracts every marked message from runshow/ and
templates/ (domain ``messages``) and from static/js (domain ``js``), adds the new ones to
each language's ``.po`` (untranslated), drops the ones no longer used, and compiles every
``.po`` to its ``.mo``. tests/test_catalogues.py fails while a catalogue misses a message,
carries one no longer used, or its ``.mo`` is stale.

``python -m runshow.catalogues --add fr`` starts a catalogue for a new language.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from runshow import bundled
from runshow.i18n import DOMAIN, JS_DOMAIN, SOURCE_LANGUAGE, TRANSLATIONS_DIR

_PY_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
#: Templates also tell apart the same words in two senses: ``pgettext('studio clock', …)``.
_TEMPLATE_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}

#: domain → (folder, method map, keywords): where its messages are written.
SOURCES = {
    DOMAIN: [
        (Path(__file__).resolve().parent, [("**.py", "python")], _PY_KEYWORDS),
        (bundled("templates"), [("**.html", "jinja2")], _TEMPLATE_KEYWORDS),
    ],
    JS_DOMAIN: [
        (
            bundled("static") / "js",
            [("**.js", "javascript")],
            {"t": None, "tn": (1, 2), "tc": ((1, "c"), 2)},
        ),
    ],
}
_JINJA_OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
_METHODS = {"jinja2": "jinja2.ext:babel_extract"}


def _method_map(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(pattern, _METHODS.get(method, method)) for pattern, method in pairs]


def extract(domain: str) -> Catalog:
    """Every message marked in `domain`'s sources, with the files that use it."""
    catalog = Catalog(locale=SOURCE_LANGUAGE, domain=domain, project="Runshow")
    for folder, methods, keywords in SOURCES[domain]:
        for filename, _lineno, message, _comments, context in extract_from_dir(
            str(folder),
            _method_map(methods),
            _JINJA_OPTIONS,
            keywords=keywords,
            comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True,
        ):
            location = (f"{folder.name}/{filename}", 0)
            existing = catalog.get(message if isinstance(message, str) else message[0], context)
            if existing is not None:
                existing.locations = sorted({*existing.locations, location})
                continue
            catalog.add(message, locations=[location], context=context)
    return catalog


def po_path(lang: str, domain: str) -> Path:
    return TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def catalogue_languages() -> list[str]:
    return sorted(path.name for path in TRANSLATIONS_DIR.iterdir() if path.is_dir())


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def po_text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def updated(lang: str, domain: str) -> Catalog:
    """`lang`'s catalogue with exactly the messages the sources mark, its translations kept."""
    template = extract(domain)
    path = po_path(lang, domain)
    catalog = read(path) if path.exists() else _new_catalogue(lang, domain)
    catalog.update(
        template, no_fuzzy_matching=True, update_header_comment=False, update_creation_date=False
    )
    return catalog


def _new_catalogue(lang: str, domain: str) -> Catalog:
    """Dated once, so that updating a catalogue changes only its messages."""
    return Catalog(
        locale=lang,
        domain=domain,
        project="Runshow",
        version="",
        header_comment=f"# Runshow's {domain} in {lang} (docs/translating.md).",
        creation_date=datetime.now(timezone.utc).replace(microsecond=0),
        revision_date=datetime.now(timezone.utc).replace(microsecond=0),
        fuzzy=False,
    )


def write(lang: str) -> None:
    for domain in SOURCES:
        catalog = updated(lang, domain)
        path = po_path(lang, domain)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po_text(catalog))
        path.with_suffix(".mo").write_bytes(mo_bytes(read(path)))
        missing = sum(1 for message in catalog if message.id and not message.string)
        print(f"{path.relative_to(TRANSLATIONS_DIR.parent)}: {len(catalog)} messages", end="")
        print(f", {missing} not yet translated" if missing else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--add", metavar="LANG", help="start a catalogue for a new language")
    args = parser.parse_args(argv)
    langs = catalogue_languages()
    if args.add:
        langs = sorted({*langs, args.add})
    for lang in langs:
        write(lang)
    return 0


if __name__ == "__main__":
    sys.exit(main())
