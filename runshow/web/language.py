"""Which language each answer speaks, and the pages' scripts' words (docs/translating.md).

- A page speaks its link's ``?lang=`` (the page remembers it: static/js/lang-memory.js),
  else the server's (`runshow serve --lang`, Vietnamese by default). A browser's own
  Accept-Language is not asked: a technician's English laptop still gets Vietnamese.
- The HTTP API and the live connections speak ``?lang=``, else Accept-Language, else the
  server's; the pages send their own language with every request and connection, so a
  stage in English and a console in Vietnamese are answered each in its own.
- ``/i18n/<lang>.js`` is the pages' scripts' catalogue for that language (static/js/i18n.js).
"""

from __future__ import annotations

import functools
import hashlib
import json
from typing import Any

from babel import Locale
from babel.messages.mofile import read_mo
from flask import Blueprint, Flask, Response, abort, current_app, has_request_context, request
from flask_babel import Babel, get_locale

from runshow import i18n, words
from runshow.agenda import localized
from runshow.i18n import JS_DOMAIN, SOURCE_LANGUAGE, TRANSLATIONS_DIR

bp = Blueprint("language", __name__)

#: Paths that are not pages: their callers may say their language in Accept-Language.
_NOT_PAGES = ("/api/", "/socket.io")


def select_language() -> str:
    asked = i18n.supported(request.args.get("lang"))
    if asked:
        return asked
    if request.path.startswith(_NOT_PAGES):
        heard = request.accept_languages.best_match(i18n.languages())
        if heard:
            return heard
    return current_app.config["RUNSHOW_LANG"]


def page_language() -> str:
    return str(get_locale()) if has_request_context() else i18n.default_language()


def language_name(lang: str) -> str:
    """`lang` in its own words, as a language switch lists it: "Tiếng Việt", "English"."""
    name = Locale.parse(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:]


def _request_language() -> str | None:
    return str(get_locale()) if has_request_context() else None


def init_app(app: Flask) -> None:
    app.config["RUNSHOW_LANG"] = i18n.supported(app.config.get("RUNSHOW_LANG")) or SOURCE_LANGUAGE
    app.config["BABEL_DEFAULT_LOCALE"] = SOURCE_LANGUAGE
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(TRANSLATIONS_DIR)
    Babel(app, locale_selector=select_language)
    i18n.set_resolver(_request_language)
    app.jinja_env.globals.update(
        page_language=page_language, languages=i18n.languages, language_name=language_name
    )
    app.jinja_env.filters["local_date"] = i18n.format_date
    app.jinja_env.globals["localized"] = localized  # the agenda's texts in the page's language
    app.register_blueprint(bp)


def bundle(lang: str) -> dict[str, Any]:
    """What static/js/i18n.js reads: every message of the scripts, and the shared words."""
    with i18n.language(lang):
        shared = {
            "ITEM_STATUS_WORDS": i18n.translate_all(words.ITEM_STATUS_WORDS),
            "ROLE_NAMES": i18n.translate_all(words.ROLE_NAMES),
        }
    return {"lang": lang, **_script_messages(lang), "words": shared}


@functools.cache
def _script_messages(lang: str) -> dict[str, Any]:
    """The js catalogue: msgid → its text, or its forms for a plural (by `plural`'s index);
    a message with a context (static/js/i18n.js `tc`) is keyed ``context\x04msgid``."""
    path = TRANSLATIONS_DIR / lang / "LC_MESSAGES" / f"{JS_DOMAIN}.mo"
    if lang == SOURCE_LANGUAGE or not path.exists():
        return {"plural": "n != 1", "messages": {}}
    with path.open("rb") as file:
        catalog = read_mo(file)
    messages: dict[str, Any] = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        key = message.id[0] if message.pluralizable else message.id
        if message.context:
            key = f"{message.context}\x04{key}"
        messages[key] = list(message.string) if message.pluralizable else message.string
    return {"plural": catalog.plural_expr, "messages": messages}


@bp.route("/i18n/<lang>.js")
def script(lang: str) -> Response:
    if lang not in i18n.languages():
        abort(404)
    body = "globalThis.RUNSHOW_I18N = " + json.dumps(bundle(lang), ensure_ascii=False) + ";\n"
    response = Response(body, mimetype="text/javascript")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:20])
    response.cache_control.no_cache = True  # revalidated: a new catalogue reaches every page
    return response.make_conditional(request)
