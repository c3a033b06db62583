"""The login page speaks the console's language and keeps it on the way in and out (issue 23)."""

from __future__ import annotations

from tests.conftest import CONTROL_KEY


def test_the_login_keeps_the_links_language_to_the_console_and_back(client):
    sent = client.get("/control?lang=en")
    assert sent.status_code == 302
    assert sent.headers["Location"] == "/login?next=/control&lang=en"
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Control console login" in page
    assert 'action="/login?lang=en"' in page
    wrong = client.post("/login?lang=en", data={"key": "guess", "next": "/control"})
    assert wrong.status_code == 401
    assert "Control console login" in wrong.get_data(as_text=True)
    logged_in = client.post("/login?lang=en", data={"key": CONTROL_KEY, "next": "/control"})
    assert logged_in.headers["Location"] == "/control?lang=en"
    console = client.get("/control?lang=en").get_data(as_text=True)
    assert 'action="/logout?lang=en"' in console
    assert '<option value="en" lang="en" selected>English</option>' in console
    assert client.post("/logout?lang=en").headers["Location"] == "/login?lang=en"


def test_without_a_language_asked_the_login_is_as_before(client):
    assert client.get("/control").headers["Location"] == "/login?next=/control"
    assert "Đăng nhập điều khiển" in client.get("/login").get_data(as_text=True)
    logged_in = client.post("/login", data={"key": CONTROL_KEY, "next": "/control"})
    assert logged_in.headers["Location"] == "/control"
