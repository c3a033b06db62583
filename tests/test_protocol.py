"""Per-audience payloads (runshow/protocol.py, docs/protocol.md): who gets what,
encoded once per view, in the declared shapes, small enough for a phone."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
import socketio.packet

from runshow import generate, payloads, protocol
from runshow.protocol import AUDIENCES, EVENTS, REQUESTS, SHAPES, VIEWS, Encoded, SocketJSON
from tests.conftest import CONTROL_KEY, mc_auth
from tests.core_helpers import REPO
from tests.test_live import events_named

AUTH = {"Authorization": f"Bearer {CONTROL_KEY}"}
SPEECHES = ("welcome_speech", "report", "discussion_speech", "directive_speech")


def run(service, *commands: dict) -> None:
    for body in commands:
        assert service.dispatch(body, source="test").accepted, body


def walk_the_show(app, clock):
    """Every item of the bundled programme in turn, started, with messages on: yields
    (item kind, the payload of each view)."""
    service = app.extensions["runshow"].service
    run(
        service,
        {"command": "message", "text": "Còn 2 phút", "target": "stage"},
        {"command": "message", "text": "Mời đại biểu về chỗ ngồi", "target": "mc"},
    )
    for _ in service.agenda.items:
        run(service, {"command": "next"}, {"command": "start"})
        clock.advance(30)
        payloads = protocol.state_payloads(service.agenda, service.state, clock.now)
        yield service.agenda.get(service.state.current_id).spec.kind, payloads


def test_every_view_of_the_show_has_its_declared_shape(app, clock):
    kinds = set()
    for kind, views in walk_the_show(app, clock):
        kinds.add(kind)
        for name, view in VIEWS.items():
            protocol.validate(view.shape, views[name])
    assert {"performance", "discussion_speech", "visit"} <= kinds


def test_the_public_state_carries_no_schedule_and_no_mc_message(app, clock, sockets, client):
    screens = {role: sockets.connect("/live", role=role) for role in ("stage", "programme")}
    for sio in screens.values():
        sio.get_received("/live")
    service = app.extensions["runshow"].service
    run(
        service,
        {"command": "next"},
        {"command": "message", "text": "Mời MC giới thiệu đại biểu", "target": "mc"},
    )
    api_state = client.get("/api/state").get_json()
    seen = [events_named(sio, "/live", "state")[-1] for sio in screens.values()] + [api_state]
    for state in seen:
        text = json.dumps(state, ensure_ascii=False)
        assert "Mời MC" not in text
        assert "mc" not in state["message"]
        assert "items" not in state.get("schedule", {})
    assert all("schedule" not in state for state in seen[:2])
    assert set(api_state["schedule"]) == {"planned_end_ms", "projected_end_ms", "offset_ms"}


def test_the_per_item_schedule_is_its_own_endpoint(client):
    client.post("/api/command", json={"command": "next"}, headers=AUTH)
    schedule = client.get("/api/schedule").get_json()
    protocol.validate(protocol.Schedule, schedule)
    assert schedule["items"][0]["status"] == "now"


def test_one_change_is_encoded_once_per_view_whatever_the_number_of_screens(
    app, sockets, technician, monkeypatch
):
    roles = ["stage"] * 3 + ["programme"] * 5 + ["mc"] * 2 + ["speaker"]
    screens = [
        sockets.connect("/live", role=role, auth=mc_auth(app) if role == "mc" else None)
        for role in roles
    ]
    consoles = [sockets.connect("/control", http_client=technician) for _ in range(2)]
    for sio in screens:
        sio.get_received("/live")
    for sio in consoles:
        sio.get_received("/control")

    encoded: list[dict] = []
    packets: list[list] = []
    real_encode, real_packet_encode = protocol.encode, socketio.packet.Packet.encode

    def counting_encode(payload):
        encoded.append(payload)
        return real_encode(payload)

    def counting_packet_encode(packet):
        # The server's packets carry the Encoded payload (the test client's own
        # re-encoding of what it received does not).
        if isinstance(packet.data, list) and any(isinstance(p, Encoded) for p in packet.data):
            packets.append(packet.data)
        return real_packet_encode(packet)

    monkeypatch.setattr(protocol, "encode", counting_encode)
    monkeypatch.setattr(socketio.packet.Packet, "encode", counting_packet_encode)
    app.extensions["runshow"].service.dispatch({"command": "next"}, source="test")

    assert len(encoded) == len(VIEWS), "one JSON text per view, not per screen"
    # One Socket.IO packet per (namespace, view): stage and phones share theirs.
    assert len(packets) == len({(a.namespace, a.view) for a in AUDIENCES.values()})
    by_role: dict[str, list[dict]] = {}
    for role, sio in zip(roles, screens, strict=True):
        by_role.setdefault(role, []).append(events_named(sio, "/live", "state")[-1])
    for role, states in by_role.items():
        assert all(state == states[0] for state in states), role
        assert states[0]["revision"] == 1
    assert by_role["stage"][0] == by_role["programme"][0]


def test_a_view_no_screen_draws_is_not_built(app, client, sockets, monkeypatch):
    """No speaker's monitor, no console: a command builds the stage's view alone, and
    the console's only for the HTTP answer that carries it."""
    stage = sockets.connect("/live", role="stage")
    stage.get_received("/live")
    encoded: list[dict] = []
    real_encode = protocol.encode
    monkeypatch.setattr(
        protocol, "encode", lambda payload: encoded.append(payload) or real_encode(payload)
    )
    app.extensions["runshow"].service.dispatch({"command": "next"}, source="test")
    assert len(encoded) == 1, "the stage's view, and no other"
    protocol.validate(protocol.PublicState, encoded[0])
    assert events_named(stage, "/live", "state")[-1]["revision"] == 1

    answer = client.post("/api/command", json={"command": "start"}, headers=AUTH)
    assert answer.status_code == 200
    protocol.validate(protocol.ConsoleState, answer.get_json()["state"])
    assert len(encoded) == 3, "then the stage's and the console's, for the answer"


def test_a_screen_connecting_as_its_view_is_skipped_gets_the_new_state(app, sockets, monkeypatch):
    """A speaker's monitor connecting just after the broadcast found no speaker is not
    left a command behind: it joins its room before it reads the state, and the
    service holds the new state before it tells anyone."""
    manager = app.extensions["runshow"].socketio.server.manager
    real_reaches = type(manager).reaches_anyone
    late: list = []

    def reaches_then_connects(self, namespace, rooms):
        reached = real_reaches(self, namespace, rooms)
        if "speaker" in rooms and not late:
            late.append(sockets.connect("/live", role="speaker"))
        return reached

    monkeypatch.setattr(type(manager), "reaches_anyone", reaches_then_connects)
    app.extensions["runshow"].service.dispatch({"command": "next"}, source="test")
    assert late, "the broadcast asked about the speaker's room"
    assert events_named(late[0], "/live", "state")[-1]["revision"] == 1


@pytest.mark.usefixtures("both_paths")
def test_the_screens_get_a_change_before_the_consoles_schedule_is_worked_out(
    app, sockets, technician, monkeypatch
):
    """The schedule (the console's) costs the most to build: the stage and the phones
    must not wait for it."""
    stage = sockets.connect("/live", role="stage")
    sockets.connect("/live", role="speaker").get_received("/live")
    console = sockets.connect("/control", http_client=technician)
    stage.get_received("/live")
    console.get_received("/control")
    steps: list[str] = []
    this_thread = threading.get_ident()
    real_schedule, real_emit = payloads.schedule_view, app.extensions["socketio"].emit

    def noting_schedule(*args, **kwargs):
        if threading.get_ident() == this_thread:  # not the consoles' ticker
            steps.append("schedule")
        return real_schedule(*args, **kwargs)

    def noting_emit(event, data, namespace=None, to=None, **kwargs):
        if threading.get_ident() == this_thread:  # not the consoles' ticker
            steps.append(f"{event} to {','.join(to) if isinstance(to, list) else to}")
        return real_emit(event, data, namespace=namespace, to=to, **kwargs)

    monkeypatch.setattr(payloads, "schedule_view", noting_schedule)
    monkeypatch.setattr(app.extensions["socketio"], "emit", noting_emit)
    app.extensions["runshow"].service.dispatch({"command": "next"}, source="test")

    assert steps[0] == "state to stage,programme,clock", steps
    assert steps.index("schedule") > steps.index("state to speaker"), steps
    assert steps.index("schedule") < steps.index("state to control"), steps
    assert events_named(stage, "/live", "state")[-1]["revision"] == 1


def test_a_command_over_http_works_out_the_schedule_once_and_answers_what_the_consoles_got(
    app, client, sockets, technician, monkeypatch
):
    console = sockets.connect("/control", http_client=technician)
    console.get_received("/control")
    made: list[int] = []
    real_schedule, this_thread = payloads.schedule_view, threading.get_ident()

    def counted_schedule(*args, **kwargs):
        if threading.get_ident() == this_thread:  # not the consoles' ticker
            made.append(1)
        return real_schedule(*args, **kwargs)

    monkeypatch.setattr(payloads, "schedule_view", counted_schedule)
    answer = client.post("/api/command", json={"command": "next"}, headers=AUTH)
    assert answer.status_code == 200
    assert len(made) == 1, "the answer's state is the one just sent, not built again"
    sent = events_named(console, "/control", "state")[-1]
    assert answer.get_json() == {"ok": True, "revision": 1, "state": sent}
    protocol.validate(protocol.ConsoleState, answer.get_json()["state"])


def test_a_storm_of_connects_shares_one_encoded_snapshot(app, sockets, monkeypatch):
    encoded: list[dict] = []
    real_encode = protocol.encode
    monkeypatch.setattr(
        protocol, "encode", lambda payload: encoded.append(payload) or real_encode(payload)
    )
    screens = [sockets.connect("/live", role="programme") for _ in range(20)]
    states = [events_named(sio, "/live", "state")[0] for sio in screens]
    assert all(state == states[0] for state in states)
    # One programme and one build of the views, not twenty of each.
    assert len(encoded) <= 1 + len(VIEWS)


def test_a_phone_gets_at_most_a_kilobyte_for_every_speech(app, clock):
    sizes = {}
    for kind, views in walk_the_show(app, clock):
        if kind in SPEECHES:
            text = protocol.json_text(views["public"])
            sizes[views["public"]["current"]["id"]] = len(text.encode())
    assert len(sizes) >= 6
    assert max(sizes.values()) <= 1024, sizes


def test_vietnamese_travels_as_utf8_not_escapes(app, clock):
    run(app.extensions["runshow"].service, {"command": "next"})
    service = app.extensions["runshow"].service
    payload = protocol.state_payloads(service.agenda, service.state, clock.now)["public"]
    text = SocketJSON.dumps(["state", protocol.encode(payload)])
    assert "Văn nghệ chào mừng" in text
    assert "\\u" not in text
    assert json.loads(text)[1] == payload


def test_an_encoded_payload_is_spliced_as_it_is():
    encoded = Encoded('{"revision":3}', 3)
    assert SocketJSON.dumps(["state", encoded]) == '["state",{"revision":3}]'
    assert SocketJSON.dumps({"a": "ệ"}) == '{"a":"ệ"}'


@pytest.mark.usefixtures("both_paths")
def test_a_slow_fan_out_does_not_hold_up_the_next_command(app):
    """Broadcast outside the dispatch lock: the next command is saved while the
    previous one is still being sent, and the screens still get them in order."""
    service = app.extensions["runshow"].service
    release = threading.Event()
    sent: list[int] = []

    def slow_screen(state):
        if state.revision == 1:
            assert release.wait(10)
        sent.append(state.revision)

    service.subscribe(slow_screen)
    first = threading.Thread(target=service.dispatch, args=({"command": "next"}, "a"))
    first.start()
    second = threading.Thread(target=service.dispatch, args=({"command": "start"}, "b"))
    try:
        deadline = time.monotonic() + 5
        while service.state.revision < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        second.start()
        while service.state.revision < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert service.state.revision == 2, "the second command waited for the first's fan-out"
        assert sent == []
    finally:
        release.set()
        first.join(10)
        if second.is_alive() or second.ident:
            second.join(10)
    assert sent == [1, 2]


# --------------------------------------------------------------------------- #
# docs/protocol.md says what protocol.py says.

DOC = (REPO / "docs" / "protocol.md").read_text(encoding="utf-8")


def doc_table(heading: str) -> list[list[str]]:
    """The rows of the first table after `heading`, cells stripped of backticks."""
    section = DOC.split(heading, 1)[1]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("#"):
            break
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            rows.append([cell.replace("`", "").strip() for cell in line.strip("|").split("|")])
    return rows[1:]  # without the header


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_every_payload_shape_is_documented_field_by_field(name):
    rows = doc_table(f"### {name}\n")
    assert [row[0] for row in rows] == list(SHAPES[name].__annotations__), name


def test_the_documented_events_and_audiences_are_the_servers():
    events = {row[0]: row for row in doc_table("## Server → client events\n")}
    assert set(events) == set(EVENTS)
    for name, event in EVENTS.items():
        assert events[name][1] == ", ".join(event.namespaces)
    requests = {row[0]: row for row in doc_table("## Client → server events\n")}
    assert set(requests) == set(REQUESTS)
    for name, request in REQUESTS.items():
        assert requests[name][1] == ", ".join(request.namespaces)
    audiences = {row[0]: row for row in doc_table("## Audiences\n")}
    assert set(audiences) == set(AUDIENCES)
    for name, audience in AUDIENCES.items():
        assert audiences[name][1] == audience.namespace
        assert audiences[name][2] == audience.view


@pytest.mark.parametrize("path", sorted(generate.FILES))
def test_every_generated_file_is_current(path):
    """docs/protocol.schema.json and the pages' static/js/protocol.js and words.js are
    made from the Python source: regenerating one gives the same bytes."""
    written = (REPO / path).read_bytes()
    assert written == generate.FILES[path]().encode(), "run: python -m runshow.generate"


#: A call that names an event: socket.on('state', …), socket.timeout(5000).emit('command', …).
EVENT_CALL = re.compile(r"""\.(?:on|once|off|emit)\(\s*(['"`])([^'"`]*)\1""")
#: A screen connecting as a role typed out: connect(NAMESPACE.live, 'stage', …).
ROLE_CALL = re.compile(r"""\bconnect\([^,()]*,\s*(['"`])([^'"`]*)\1""")
#: Socket.IO's own events, not the protocol's.
SOCKET_IO_EVENTS = {"connect", "disconnect", "connect_error"}
GENERATED_JS = {Path(path).name for path in generate.FILES if path.startswith("static/js/")}


def quoted_protocol_names(text: str) -> list[str]:
    """Event names and roles typed out in a call, and namespaces typed out anywhere."""
    names = [name for _, name in EVENT_CALL.findall(text) if name not in SOCKET_IO_EVENTS]
    names += [role for _, role in ROLE_CALL.findall(text)]
    namespaces = {audience.namespace for audience in AUDIENCES.values()}
    names += [ns for ns in namespaces if re.search(rf"""['"`]{re.escape(ns)}['"`]""", text)]
    return names


def test_the_pages_name_events_and_namespaces_only_through_the_generated_file():
    typed = {
        path.name: names
        for path in sorted((REPO / "static" / "js").glob("*.js"))
        if path.name not in GENERATED_JS and (names := quoted_protocol_names(path.read_text()))
    }
    assert typed == {}, "use EVENT, REQUEST, NAMESPACE and ROLE from static/js/protocol.js"


def test_the_check_for_typed_names_sees_them():
    page = "socket.on('state', f); s.timeout(5000).emit(\"command\", c); connect(ns, 'mc');"
    assert quoted_protocol_names(page) == ["state", "command", "mc"]
    assert quoted_protocol_names("const live = connect('/live', ROLE.mc);") == ["/live"]
    assert quoted_protocol_names("socket.on('connect', f); socket.on(EVENT.state, g);") == []


def test_every_request_a_page_sends_is_handled_and_nothing_else(app):
    """protocol.REQUESTS is what the namespaces answer: an `on_<name>` for each, and
    no handler that the protocol does not declare."""
    handlers = app.extensions["socketio"].server.namespace_handlers
    for namespace in {audience.namespace for audience in AUDIENCES.values()}:
        handled = {
            name.removeprefix("on_")
            for name in dir(handlers[namespace])
            if name.startswith("on_") and callable(getattr(handlers[namespace], name))
        }
        declared = {name for name, request in REQUESTS.items() if namespace in request.namespaces}
        assert handled - {"connect", "disconnect"} == declared, namespace


def test_the_public_programme_has_no_mc_script_and_no_delegates(app, sockets):
    stage = sockets.connect("/live", role="stage")
    mc = sockets.connect("/live", role="mc", auth=mc_auth(app))
    public = events_named(stage, "/live", "programme")[0]
    full = events_named(mc, "/live", "programme")[0]
    protocol.validate(protocol.Programme, public)
    assert all("mc_script" not in item for item in public["items"])
    assert public["delegates"] == []
    assert any(item["mc_script"] for item in full["items"]) and full["delegates"]
    # 8 KB before issue 23; each item now carries its kind's English label (`translations`).
    assert len(protocol.json_text(public).encode()) < 9 * 1024


def test_a_screen_that_has_the_programme_is_not_sent_it_again(app, sockets):
    first = sockets.connect("/live", role="programme")
    version = events_named(first, "/live", "programme")[0]["version"]
    socketio = app.extensions["runshow"].socketio
    again = socketio.test_client(
        app, namespace="/live", query_string="role=programme", auth={"programme": version}
    )
    sockets.opened.append(again)
    names = [event["name"] for event in again.get_received("/live")]
    assert names == ["state"]
    stale = socketio.test_client(
        app, namespace="/live", query_string="role=programme", auth={"programme": "old"}
    )
    sockets.opened.append(stale)
    assert [event["name"] for event in stale.get_received("/live")][:2] == ["programme", "state"]


def test_the_server_does_not_compress_websocket_messages(live_server):
    """Browsers offer permessage-deflate; accepted, it would cost a zlib context per
    screen and a compression per screen per change."""
    import base64
    import os
    import socket
    from urllib.parse import urlsplit

    address = urlsplit(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        key = base64.b64encode(os.urandom(16)).decode()
        conn.sendall(
            (
                "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
                f"Host: {address.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(4096)
    # Only the HTTP head: the first WebSocket frame may follow in the same read.
    status, _, headers = head.split(b"\r\n\r\n")[0].decode().partition("\r\n")
    assert " 101 " in status
    assert "permessage-deflate" not in headers.lower()
