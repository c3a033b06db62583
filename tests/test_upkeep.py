"""Keeping screens connected (runshow/web/upkeep.py): pings sent by one sweep,
silent clients closed, and no green thread per screen while it is idle."""

from __future__ import annotations

import threading
import time

import engineio
import engineio.socket
import pytest
import socketio
from engineio import packet as eio_packet

from runshow.web.upkeep import PING_INTERVAL_S, ScreenSocket, ping_options, sweep_clients
from tests.conftest import start_server, stop_server
from tests.raw_websocket import open_screen


class KeepTalking:
    """Sends an Engine.IO NOOP every half second from a thread, until the socket fails."""

    def __init__(self, screen) -> None:
        self.screen, self.sent = screen, []
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            time.sleep(0.5)
            try:
                self.screen.send("6")
            except OSError:
                return
            self.sent.append(time.monotonic())


def connected(server: engineio.Server, socket_class: type, sid: str):
    client = socket_class(server, sid)
    client.connected = True
    server.sockets[sid] = client
    return client


def test_the_sweep_closes_a_client_that_stopped_answering_pings_and_forgets_closed_ones():
    """What Engine.IO's monitor does, in one pass, on the library's own sockets too."""
    server = engineio.Server(async_mode="threading", monitor_clients=False)
    disconnected = []
    server.on("disconnect", lambda sid, reason: disconnected.append((sid, reason)))
    silent, answering, closed = (connected(server, engineio.socket.Socket, sid) for sid in "abc")
    silent.last_ping = time.time() - server.ping_timeout - 1  # pinged, never answered
    answering.last_ping = None  # answered its last ping
    closed.closed = True

    sweep_clients(server)

    assert silent.closed
    assert disconnected == [("a", server.reason.PING_TIMEOUT)]
    assert not answering.closing and not answering.closed
    assert set(server.sockets) == {"a", "b"}  # the silent one goes on the next pass
    sweep_clients(server)
    assert set(server.sockets) == {"b"}


def test_the_sweep_pings_when_due_and_closes_who_does_not_answer_in_time():
    server = engineio.Server(async_mode="threading", monitor_clients=False)
    disconnected = []
    server.on("disconnect", lambda sid, reason: disconnected.append(sid))
    client = connected(server, ScreenSocket, "s")
    t0 = time.monotonic()
    client.schedule_ping()  # what the server does on connect
    due = client.ping_due
    assert due == pytest.approx(t0 + server.ping_interval, abs=1)

    sweep_clients(server, now=due - 0.1)
    assert client.queue.empty() and client.last_ping is None  # not yet

    sweep_clients(server, now=due)
    assert client.queue.get(block=False).packet_type == eio_packet.PING
    assert client.last_ping == pytest.approx(time.time(), abs=1)  # the library's clock

    client.receive(eio_packet.Packet(eio_packet.PONG))  # answered: the next one is scheduled
    assert client.last_ping is None and client.ping_due > due
    sweep_clients(server, now=client.ping_due)
    assert client.queue.get(block=False).packet_type == eio_packet.PING
    assert not client.closed

    client.last_ping = time.time() - server.ping_timeout - 1  # and this one is never answered
    sweep_clients(server)
    assert client.closed and disconnected == ["s"]


def test_closing_a_socket_again_does_not_wait_for_a_queue_nobody_reads():
    server = engineio.Server(async_mode="threading", monitor_clients=False)
    client = connected(server, ScreenSocket, "s")
    client.close(wait=False, abort=True)
    client.close(wait=True)  # as the library: only the call that closes waits
    assert client.closed


@pytest.mark.parametrize("raw", ["", "abc", "0", "0.5", "1.5", "26", "nan"])
def test_a_ping_interval_out_of_range_keeps_engine_io_s_own(raw):
    options = ping_options({"RUNSHOW_PING_INTERVAL_S": raw})
    assert options == {"ping_interval": PING_INTERVAL_S, "ping_timeout": 20.0}


def test_a_shorter_ping_interval_shortens_the_timeout_with_it():
    assert ping_options({"RUNSHOW_PING_INTERVAL_S": "2"}) == {
        "ping_interval": 2.0,
        "ping_timeout": 4.0,
    }


def test_a_real_server_pings_who_answers_and_closes_who_does_not(tmp_path, monkeypatch):
    """Over real WebSockets: a screen answering every ping stays connected and keeps
    getting states; a screen that never answers is closed after its ping's timeout,
    though it keeps talking (so no read timeout could close it instead)."""
    monkeypatch.setenv("RUNSHOW_PING_INTERVAL_S", "1")  # ping timeout 2 s, sweep every 0.5 s
    server = start_server(tmp_path / "data", tmp_path / "server.log")
    try:
        answering, silent = open_screen(server.url), open_screen(server.url)
        chatter = KeepTalking(silent)  # Engine.IO NOOPs, never a pong
        opening = answering.next_message()
        assert opening.startswith("0") and '"pingInterval":1000' in opening
        started = time.monotonic()
        pings = 0
        while time.monotonic() - started < 5:
            message = answering.next_message()
            assert message is not None, "the answering screen was closed"
            if message == "2":
                pings += 1
                answering.send("3")
        assert 2 <= pings <= 6  # one every second, up to half a second late (and load)

        revision = server.command("next")["revision"]
        while (message := answering.next_message()) is not None:
            if message == "2":
                answering.send("3")
            elif message.startswith('42/live,["state"') and f'"revision":{revision},' in message:
                break
        assert message is not None, "the answering screen got no state after its pings"

        # The silent one got its pings too, and was closed: ping at 1 s, 2 s to answer.
        silent_messages = []
        while (message := silent.next_message()) is not None:
            silent_messages.append(message)
        assert "2" in silent_messages
        assert time.monotonic() - started < 12
        assert len(chatter.sent) >= 2
        answering.close()
        silent.close()
    finally:
        stop_server(server)
    assert "Traceback" not in server.log()


def test_a_screen_that_leaves_leaves_no_error_in_the_technician_s_terminal(live_server):
    """A Socket.IO client disconnecting properly (close packet, then the WebSocket's
    close frame): the server closes its side once, quietly."""
    for transports in (["websocket"], ["polling", "websocket"]):
        client = socketio.Client(reconnection=False)
        client.connect(
            f"{live_server.url}?role=stage",
            namespaces=["/live"],
            transports=transports,
            wait_timeout=10,
        )
        client.disconnect()
    live_server.command("next")  # anything the server still had to say is out by now
    time.sleep(0.5)
    log = live_server.log()
    assert "error" not in log.lower(), log


def test_a_connection_keeps_one_wsgi_environ_not_a_copy_of_it(app):
    """Flask-SocketIO's middleware copied every request's environ to put the app in
    it, and a connected screen kept both; Runshow puts the app in the server's own."""
    from werkzeug.test import EnvironBuilder

    environ = EnvironBuilder(path="/socket.io/", query_string="EIO=3").get_environ()
    seen: list[dict] = []
    engine = app.extensions["socketio"].server.eio
    real = engine.handle_request
    engine.handle_request = lambda env, start: seen.append(env) or real(env, start)
    try:
        app.wsgi_app(environ, lambda *_: None)
    finally:
        engine.handle_request = real
    assert seen[0] is environ and environ["flask.app"] is app


def test_flask_socketio_s_middleware_still_only_copies_the_environ_and_adds_the_app():
    """Runshow's `_one_environ_per_connection` does that middleware's work without
    the copy: if a new Flask-SocketIO does more there, it must be done there too."""
    import inspect

    import flask_socketio

    body = inspect.getsource(flask_socketio._SocketIOMiddleware.__call__).split("\n", 1)[1]
    assert [line.strip() for line in body.strip().splitlines()] == [
        "environ = environ.copy()",
        "environ['flask.app'] = self.flask_app",
        "return super().__call__(environ, start_response)",
    ]
