"""Who reads what: the MC's link token, failed-login throttling, secret files."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import flask.sessions
import pytest

from runshow import keys
from runshow.keys import LoginEpoch, mc_token
from runshow.web.throttle import FailureThrottle
from tests.conftest import CONTROL_KEY, mc_auth
from tests.test_live import events_named

SECRET = "Anh Nam len sau tiet muc nay"  # ASCII: pages embed non-ASCII JSON escaped


def send_mc_message(app) -> None:
    service = app.extensions["runshow"].service
    assert service.dispatch({"command": "message", "text": SECRET, "target": "mc"}, "t").accepted


def test_the_mc_page_without_the_token_never_carries_the_mcs_message(app, client):
    send_mc_message(app)
    token = app.extensions["runshow"].access.mc_token

    for address in ("/mc", "/mc?token=", "/mc?token=guess", "/mc?role=mc"):
        page = client.get(address).get_data(as_text=True)
        assert SECRET not in page, address
        assert 'id="mc-public-note"' in page, "the public view says why"
    private = client.get(f"/mc?token={token}").get_data(as_text=True)
    assert SECRET in private
    assert 'id="mc-public-note"' not in private


def test_the_live_channel_gives_the_mc_role_only_with_the_token(sockets, technician, app):
    anonymous = sockets.connect("/live", role="mc")
    wrong = sockets.connect("/live", role="mc", auth={"token": "guess"})
    tablet = sockets.connect("/live", role="mc", auth=mc_auth(app))
    console = sockets.connect("/control", http_client=technician)
    for sio in (anonymous, wrong, tablet):
        sio.get_received("/live")

    send_mc_message(app)

    assert events_named(tablet, "/live", "state")[-1]["message"]["mc"] == SECRET
    for sio in (anonymous, wrong):
        assert "mc" not in events_named(sio, "/live", "state")[-1]["message"]
    # On reconnect too: the snapshot a screen gets when it connects.
    late = sockets.connect("/live", role="mc")
    assert "mc" not in events_named(late, "/live", "state")[0]["message"]
    presence = events_named(console, "/control", "presence")[-1]
    assert presence["mc"] == 1, "only the tablet with the token counts as the MC"


def test_the_home_page_does_not_give_the_token_away_and_the_console_shows_it(
    app, client, technician
):
    token = app.extensions["runshow"].access.mc_token
    assert token not in client.get("/").get_data(as_text=True)
    console = technician.get("/control").get_data(as_text=True)
    assert re.search(rf'id="mc-link-url" href="http://[^"]+/mc\?token={re.escape(token)}"', console)
    assert "<svg" in console.split('id="mc-link"')[1].split("</details>")[0], "a QR code"


def test_serve_prints_the_mc_link_with_its_token(live_server):
    assert f"{live_server.mc_url}\n" in live_server.log()


def test_the_mc_token_is_kept_in_the_data_directory_for_its_owner_only(tmp_path):
    first = mc_token(tmp_path)
    assert mc_token(tmp_path) == first, "the same token after a restart"
    assert len(first) >= 20
    if os.name != "nt":
        assert stat.S_IMODE((tmp_path / "mc-token").stat().st_mode) == 0o600


# --------------------------------------------------------------------------- #
# Throttling failed logins.


def test_a_companion_button_with_an_old_key_cannot_lock_the_technician_out_of_login(app):
    companion = app.test_client()  # the same laptop: the same address
    for _ in range(10):
        response = companion.post(
            "/api/command", json={"command": "next"}, headers={"Authorization": "Bearer old-key"}
        )
    assert response.status_code == 429, "the API throttles the old key"
    technician = app.test_client()
    assert technician.post("/login", data={"key": CONTROL_KEY}).status_code == 302


def test_logins_and_the_api_are_throttled_separately_both_ways(app):
    browser = app.test_client()
    for _ in range(6):
        browser.post("/login", data={"key": "guess"})
    assert browser.post("/login", data={"key": CONTROL_KEY}).status_code == 429
    response = browser.post(
        "/api/command", json={"command": "next"}, headers={"Authorization": f"Bearer {CONTROL_KEY}"}
    )
    assert response.status_code == 200


def test_failures_expire_and_forgotten_addresses_take_no_memory():
    now = [1000.0]
    throttle = FailureThrottle(max_failures=3, window_s=60, lockout_s=60, clock=lambda: now[0])
    for n in range(1000):
        throttle.failed(f"10.0.{n // 250}.{n % 250}")
    for _ in range(3):
        throttle.failed("10.9.9.9")
    assert throttle.retry_after("10.9.9.9") == 60
    assert throttle.tracked() == 1001

    now[0] += 61
    assert throttle.retry_after("10.9.9.9") == 0
    assert throttle.tracked() == 0
    throttle.retry_after("192.168.1.20")  # asking does not remember anyone
    assert throttle.tracked() == 0


# --------------------------------------------------------------------------- #
# Secret files are written atomically.

SECRET_WRITERS = {
    "control-key": "from runshow.keys import resolve_control_key as w; w(d)",
    "secret-key": "from runshow.keys import session_secret as w; w(d)",
    "mc-token": "from runshow.keys import mc_token as w; w(d)",
    "login-epoch": "from runshow.keys import LoginEpoch; LoginEpoch(d).bump()",
}


def write_with_no_room(data_dir: Path, code: str) -> subprocess.CompletedProcess:
    """Run `code` in a process that may not write a single byte to any file
    (RLIMIT_FSIZE 0: the kernel answers EFBIG, as a full disk answers ENOSPC)."""
    script = (
        "import resource, sys, pathlib\n"
        "d = pathlib.Path(sys.argv[1])\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))\n" + code
    )
    env = {k: v for k, v in os.environ.items() if k != "RUNSHOW_CONTROL_KEY"}
    return subprocess.run(
        [sys.executable, "-c", script, str(data_dir)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


no_file_size_limit = pytest.mark.skipif(os.name == "nt", reason="RLIMIT_FSIZE is POSIX")


@no_file_size_limit
@pytest.mark.parametrize("name", SECRET_WRITERS)
def test_a_secret_that_cannot_be_written_leaves_no_empty_file(tmp_path, name):
    """The old writer truncated first: a crash or a full disk left an empty key
    (an empty session secret signs every cookie with "")."""
    failed = write_with_no_room(tmp_path, SECRET_WRITERS[name])

    assert failed.returncode != 0, "the write must have been refused"
    assert not (tmp_path / name).exists()
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file left behind"


@no_file_size_limit
def test_a_logout_that_cannot_be_saved_never_brings_old_sessions_back(tmp_path):
    epoch = LoginEpoch(tmp_path)
    epoch.bump()
    epoch.bump()

    failed = write_with_no_room(tmp_path, SECRET_WRITERS["login-epoch"])

    assert failed.returncode != 0
    assert LoginEpoch(tmp_path).value == 2, "the old epoch is kept whole, not reset to 0"


def test_every_secret_file_is_private_and_written_by_one_helper(tmp_path, monkeypatch):
    monkeypatch.delenv("RUNSHOW_CONTROL_KEY", raising=False)
    written: list[str] = []
    real = keys.write_secret
    monkeypatch.setattr(
        keys, "write_secret", lambda path, text: (written.append(path.name), real(path, text))
    )
    keys.resolve_control_key(tmp_path)
    keys.session_secret(tmp_path)
    keys.mc_token(tmp_path)
    keys.LoginEpoch(tmp_path).bump()
    assert sorted(written) == sorted(SECRET_WRITERS)
    if os.name != "nt":
        for name in SECRET_WRITERS:
            assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_the_session_signer_is_made_once_and_anew_when_the_secret_changes(app, monkeypatch):
    """Flask-SocketIO opens the session for every Socket.IO event: making its signer
    each time was a cost a storm of connecting screens paid thousands of times."""
    made: list[object] = []
    real = flask.sessions.URLSafeTimedSerializer
    monkeypatch.setattr(
        flask.sessions, "URLSafeTimedSerializer", lambda *a, **k: made.append(1) or real(*a, **k)
    )
    console = app.test_client()
    assert console.post("/login", data={"key": CONTROL_KEY}).status_code == 302
    for _ in range(5):
        assert console.get("/control").status_code == 200
    assert len(made) == 1

    app.secret_key = "a new secret"  # a cookie signed with the old one no longer opens
    assert console.get("/control").status_code == 302
    assert len(made) == 2
