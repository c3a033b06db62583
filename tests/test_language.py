"""Which language each answer speaks (runshow/web/language.py, docs/translating.md)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import running_app


def bundle(client, lang: str) -> dict:
    body = client.get(f"/i18n/{lang}.js").get_data(as_text=True)
    prefix = "globalThis.RUNSHOW_I18N = "
    assert body.startswith(prefix)
    return json.loads(body[len(prefix) :].rstrip().rstrip(";"))


def test_a_page_speaks_its_links_language_and_never_the_browsers(client):
    assert '<html lang="vi">' in client.get("/stage").get_data(as_text=True)
    english = client.get("/stage?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english
    assert "/i18n/en.js" in english
    asked_by_browser = client.get("/stage", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="vi">' in asked_by_browser.get_data(as_text=True)
    unknown = client.get("/stage?lang=xx").get_data(as_text=True)
    assert '<html lang="vi">' in unknown


def test_the_servers_language_is_the_pages_default(tmp_path, clock):
    with running_app(tmp_path, clock, RUNSHOW_LANG="en") as app:
        client = app.test_client()
        assert '<html lang="en">' in client.get("/stage").get_data(as_text=True)
        assert '<html lang="vi">' in client.get("/stage?lang=vi").get_data(as_text=True)


def test_the_scripts_catalogue_per_language(client):
    english = bundle(client, "en")
    assert english["lang"] == "en"
    assert english["words"]["ROLE_NAMES"]["stage"] == "Stage screen"
    vietnamese = bundle(client, "vi")
    assert vietnamese["messages"] == {}
    assert vietnamese["words"]["ROLE_NAMES"]["stage"] == "Màn hình sân khấu"
    assert client.get("/i18n/xx.js").status_code == 404
    again = client.get(
        "/i18n/en.js",
        headers={"If-None-Match": client.get("/i18n/en.js").headers["ETag"].strip('"')},
    )
    assert again.status_code in (200, 304)


@pytest.mark.parametrize(
    ("headers", "query", "lang"),
    [
        ({}, "", "vi"),
        ({"Accept-Language": "en-US,en;q=0.9"}, "", "en"),
        ({"Accept-Language": "fr, en;q=0.5"}, "", "en"),
        ({"Accept-Language": "en"}, "?lang=vi", "vi"),
        ({}, "?lang=en", "en"),
    ],
)
def test_the_api_speaks_accept_language_or_its_lang(client, headers, query, lang):
    from flask_babel import get_locale

    with client.application.test_request_context(f"/api/state{query}", headers=headers):
        assert str(get_locale()) == lang
