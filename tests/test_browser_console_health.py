"""The console asks how the server sends to the screens (/api/health) now and then,
not once per screen that comes or goes: when a hall of phones reconnects at once
after a restart, every console would otherwise add a request per phone to the
server's busiest seconds."""

from __future__ import annotations

import pytest
import socketio

pytestmark = pytest.mark.browser

PHONES = 30


def test_the_console_does_not_ask_for_health_once_per_screen(control, live_server):
    asked: list[str] = []
    control.on("request", lambda r: asked.append(r.url) if "/api/health" in r.url else None)
    phones = []
    try:
        for _ in range(PHONES):
            phone = socketio.Client(reconnection=False)
            phone.connect(
                f"{live_server.url}?role=programme",
                namespaces=["/live"],
                transports=["websocket"],
                wait_timeout=10,
            )
            phones.append(phone)
        control.wait_for_function(
            f"() => document.querySelector('#presence').textContent.includes('Khán giả {PHONES}')"
        )
    finally:
        for phone in phones:
            phone.disconnect()
    control.wait_for_function(
        "() => document.querySelector('#presence').textContent.includes('Khán giả 0')"
    )
    assert len(asked) <= 4, f"{len(asked)} requests to /api/health for {PHONES} phones"
