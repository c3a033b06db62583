"""The server entry point: the only module that knows about eventlet.

Eventlet is deprecated upstream but remains the customer's choice of server
mode. It is imported and monkey-patched here, first, before anything else
opens sockets or starts threads; its deprecation notice is silenced because it
is addressed to developers choosing a library, not to a technician on event
day.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runshow.i18n import _

#: Eventlet's own cap is 1024 simultaneous connections; a 250-seat hall where
#: every delegate opens the programme, with reconnects, needs headroom.
MAX_CONNECTIONS = 10_000


def _raise_open_file_limit() -> None:
    """Each screen holds a socket: lift the soft limit on open files (often 1024)
    to the hard limit, where the platform has one."""
    try:
        import resource
    except ImportError:  # Windows has no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, MAX_CONNECTIONS * 2)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _eventlet():
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    import eventlet

    eventlet.monkey_patch()
    from runshow.web import fastpath, upkeep

    fanout = fastpath.decision(EventletWebSockets)
    if fanout.direct:  # every private name it touches is as tested (runshow/web/fastpath.py)
        _plain_websockets()
        upkeep.install(EventletWebSockets)
    else:
        print(fanout.line(), flush=True)
    return eventlet


def _plain_websockets() -> None:
    """No per-message compression on the WebSockets. Browsers offer it and eventlet
    accepts it: every state would then be compressed once per screen, with a zlib
    context of about 300 KB per connection. A 1 KB payload on a LAN gains nothing
    from it (Node's socket.io leaves it off by default too)."""
    from engineio.async_drivers import eventlet as driver

    class PlainWebSocketWSGI(driver.WebSocketWSGI):
        def _negotiate_permessage_deflate(self, extensions):
            return None

    driver._async["websocket"] = PlainWebSocketWSGI


class _WatchedSendLock:
    """An eventlet WebSocket's send lock that says when a send starts or ends, so
    the screen leaves the table of direct writes while anyone else writes to it."""

    __slots__ = ("_changed", "_lock")

    def __init__(self, lock: Any, changed: Callable[[], None]) -> None:
        self._lock, self._changed = lock, changed

    def locked(self) -> bool:
        return self._lock.locked()

    def acquire(self, blocking: bool = True, timeout: float | None = None) -> bool:
        taken = self._lock.acquire(blocking, timeout)
        if taken:
            self._changed()
        return taken

    def release(self) -> None:
        self._lock.release()
        self._changed()

    __enter__ = acquire

    def __exit__(self, *_exc: object) -> None:
        self.release()


#: eventlet's code the direct writes lean on, as tested (runshow/web/fastpath.py): every
#: send goes through `_send` under the send lock, the closing frame too.
EVENTLET_DIGESTS = {
    "eventlet.websocket:RFC6455WebSocket._send": "b42c1a98f03d",
    "eventlet.websocket:RFC6455WebSocket._send_closing_frame": "f3f6d6962677",
}


class EventletWebSockets:
    """What runshow/web/upkeep.py's direct writes need of eventlet's WebSockets."""

    @staticmethod
    def problems() -> list[str]:
        """What of eventlet's private WebSocket internals the fast path uses and does
        not find (runshow/web/fastpath.py): the send lock, the socket under the green
        one, the compression negotiation, engineio's table of eventlet classes."""
        import eventlet.green.socket
        import eventlet.websocket
        from engineio.async_drivers import eventlet as driver

        from runshow.web.fastpath import changed_sources

        problems = changed_sources(EVENTLET_DIGESTS)
        if not hasattr(eventlet.websocket.WebSocketWSGI, "_negotiate_permessage_deflate"):
            problems.append(_("eventlet WebSocketWSGI không còn _negotiate_permessage_deflate"))
        if not isinstance(getattr(driver, "_async", {}).get("websocket"), type):
            problems.append(_("engineio không còn bảng _async của eventlet"))
        ours, theirs = eventlet.green.socket.socketpair()
        try:
            ws = eventlet.websocket.RFC6455WebSocket(ours, {}, 13)
            lock = getattr(ws, "_sendlock", None)
            if not all(hasattr(lock, name) for name in ("acquire", "release", "locked")):
                problems.append(_("eventlet WebSocket không còn _sendlock"))
            if not hasattr(ws, "websocket_closed"):
                problems.append(_("eventlet WebSocket không còn websocket_closed"))
            if not hasattr(getattr(ws.socket, "fd", None), "send"):
                problems.append(_("eventlet socket không còn fd"))
        finally:
            ours.close()
            theirs.close()
        return problems

    @staticmethod
    def watch(ws: Any, changed: Callable[[], None]) -> None:
        """Call `changed` whenever a send on `ws` starts or ends (eventlet takes the
        send lock for each: a reply to a WebSocket ping, the closing frame)."""
        ws._sendlock = _WatchedSendLock(ws._sendlock, changed)

    @staticmethod
    def writable(ws: Any) -> bool:
        """Nobody is writing to `ws`, and it is not closed."""
        return not ws.websocket_closed and not ws._sendlock.locked()

    @staticmethod
    def kernel_socket(ws: Any) -> Any:
        """The non-blocking socket under eventlet's green one: a `send` on it never
        waits, and takes all of a frame, part of it or (BlockingIOError) nothing."""
        return ws.socket.fd

    @staticmethod
    def finish(ws: Any, rest: bytes) -> None:
        """The rest of a frame the kernel took in part, written by a green thread
        of its own under the send lock, so nothing gets into the middle of the frame.
        The lock is free (a screen written to directly has no other send in
        progress, and nothing ran since); if it ever were not, the connection ends
        rather than garble what follows."""
        import eventlet

        lock = ws._sendlock
        if lock.acquire(blocking=False):
            eventlet.spawn_n(_send_rest, ws, lock, rest)
        else:
            _end_connection(ws)


def _send_rest(ws: Any, lock: Any, rest: bytes) -> None:
    """The end of a frame the kernel took in part. If it cannot be written, the
    connection ends: a frame cut short would garble everything after it."""
    try:
        ws.socket.sendall(rest)
    except OSError:
        _end_connection(ws)
    finally:
        lock.release()


def _end_connection(ws: Any) -> None:
    """After a frame cut short: nothing more is written, its reader ends, and the
    screen reconnects (and gets the whole state again)."""
    import socket

    ws.websocket_closed = True
    with contextlib.suppress(OSError):
        ws.socket.shutdown(socket.SHUT_RDWR)


#: Collect the youngest generation every GC_THRESHOLDS[0] allocations (Python's default
#: is 700) and the older ones rarely: thousands of connections are long-lived objects,
#: and a full collection walks them all (bench/fanout.py --gc-stats; docs/benchmarks.md).
GC_THRESHOLDS = (50_000, 50, 100)

#: Pending connections the kernel keeps while the server accepts: every screen of a
#: hall reconnects at once after a restart (net.core.somaxconn caps it, 4096 on Linux).
LISTEN_BACKLOG = 4096


def _quiet_collector() -> None:
    """After start-up: what was loaded stays (frozen out of every collection), and
    collections come seldom enough not to land inside each fan-out."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


class CannotStart(Exception):
    """Why the server will not start, in words for the technician (exit status 1)."""


def serve(
    agenda_path: str,
    host: str,
    port: int,
    data_dir: str,
    control_key: str | None,
    rehearsal: bool = False,
    rehearsal_start: str | None = None,
    fresh: bool = False,
    workers: int = 1,
    message_queue: str | None = None,
    settings: dict[str, Any] | None = None,
    rooms: list[str] | None = None,
    language: str | None = None,
) -> int:
    """Run the show; `settings`: more of the app's config (OSC, automations: cli.py);
    `language`: the pages' when their link does not say (`serve --lang`; else Vietnamese)."""
    _eventlet()
    stops = StopRequests()  # from now on: a SIGTERM while starting stops in order too
    _raise_open_file_limit()
    from runshow.network import base_urls
    from runshow.web.extension import current_server
    from runshow.web.upkeep import start_client_sweep

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    rehearsal_start_ms = None
    try:
        if rehearsal:  # its own data, in <data-dir>/rehearsal/: the show's is never written
            show_dir, data_dir = Path(data_dir), str(Path(data_dir) / "rehearsal")
        lock, listeners = _claim(data_dir, host, port)
        if rehearsal:
            rehearsal_start_ms = _rehearsal(agenda_path, show_dir, rehearsal_start, fresh)
        elif fresh:
            _archive(data_dir, rooms)
        app = _app(
            agenda_path,
            data_dir,
            control_key,
            rehearsal_start_ms,
            host,
            message_queue,
            {**(settings or {}), **({"RUNSHOW_LANG": language} if language else {})},
            rooms,
        )
        handover = (
            None if rehearsal or rooms is not None else _hand_over(app, Path(data_dir), fresh)
        )
        _listen(listeners)
    except CannotStart as refused:
        print(refused, file=sys.stderr)
        return 1
    with app.app_context():
        show = current_server()
        if show.several:
            print(rooms_banner(show, base_urls(host, port), Path(data_dir)), flush=True)
        else:
            print(banner(show, base_urls(host, port), Path(data_dir), handover), flush=True)
        helpers = _start_display_workers(workers, host, port, message_queue, show, language)
    _quiet_collector()
    start_client_sweep(show.lifecycle)
    try:
        _run(app, listeners, show.stop, stops)
    finally:
        _stop_display_workers(helpers)
    show.close()
    print(
        _("Đã dừng máy chủ. Trạng thái chương trình được lưu trong %(folder)s.", folder=data_dir),
        flush=True,
    )
    lock.release()
    return 0


def _claim(data_dir: str, host: str, port: int):
    """The data directory's lock (held until the process ends, however it ends) and
    the port, before anything is read or written: one server per data directory
    and per port."""
    from runshow.datadir import DataDirBusy, DataDirLock
    from runshow.network import PortBusy, open_listeners
    from runshow.store import plain_cause

    try:
        lock = DataDirLock(data_dir).acquire()
        listeners = open_listeners(host, port)
        lock.announce(_authority_url(host, port), port)  # for `runshow export` meanwhile
        return lock, listeners
    except (DataDirBusy, PortBusy) as refused:
        raise CannotStart(str(refused)) from None
    except OSError as error:  # the data directory itself: read-only, full, no permission
        raise CannotStart(
            _(
                "Không thể chạy: không ghi được vào thư mục dữ liệu %(folder)s: %(why)s "
                "(%(detail)s).",
                folder=Path(data_dir).resolve(),
                why=plain_cause(error),
                detail=error.filename or error,
            )
        ) from None


def _archive(data_dir: str, rooms: list[str] | None = None) -> None:
    """`--fresh`: the show's state (every room's, with several) goes to archive/."""
    import time

    from runshow.rooms import room_data_dir, room_id
    from runshow.store import Store

    folders = [data_dir] if rooms is None else [room_data_dir(data_dir, room_id(p)) for p in rooms]
    for folder in folders:
        archived = Store.archive(folder, time.strftime("%Y%m%d-%H%M%S"))
        if archived:
            print(
                _(
                    "Đã cất trạng thái cũ vào %(folder)s: chương trình bắt đầu lại từ đầu.",
                    folder=archived,
                )
            )


def _rehearsal(agenda_path: str, show_dir: Path, start: str | None, fresh: bool) -> int:
    """When the dress rehearsal's first item is planned (see runshow/rehearsal.py)."""
    import time

    from runshow import rehearsal as dress
    from runshow.agenda import AgendaError, load_agenda

    try:
        tz = load_agenda(agenda_path).tz
    except AgendaError as error:
        raise CannotStart(_agenda_problems(error)) from None
    now_ms = time.time_ns() // 1_000_000
    plan = dress.prepare(show_dir, tz, start, now_ms, fresh, time.strftime("%Y%m%d-%H%M%S"))
    print(plan.announcement(tz))
    return plan.start_ms


def _hand_over(app, show_dir: Path, fresh: bool):
    """The last rehearsal's corrections, carried to the show (runshow/rehearsal.py)."""
    from runshow.rehearsal import hand_over
    from runshow.web.extension import current_show

    with app.app_context():
        done = hand_over(current_show().service, show_dir, fresh)
    app.config["RUNSHOW_CARRIED_EDITS"] = done.carried  # the console's note
    return done


def _automation_problems(error) -> str:
    from runshow.automations import problems_text

    return _("Không thể chạy: %(problems)s", problems=problems_text(error))


def _agenda_problems(error) -> str:
    from runshow.i18n import ngettext

    count = len(error.problems)
    lines = [
        ngettext(
            "Không thể chạy: tệp chương trình có %(num)s lỗi:",
            "Không thể chạy: tệp chương trình có %(num)s lỗi:",
            count,
        )
    ]
    lines += [f"  {error.source}: {problem}" for problem in error.problems]
    return "\n".join(lines)


def _app(
    agenda_path,
    data_dir,
    control_key,
    rehearsal_start_ms,
    host,
    message_queue=None,
    settings=None,
    rooms=None,
):
    from runshow.agenda import AgendaError
    from runshow.automations import AutomationsError
    from runshow.rooms import RoomsError
    from runshow.store import DataFileError, plain_cause
    from runshow.web import create_app
    from runshow.web.osc_link import OscPortBusy

    try:
        return create_app(
            {
                "RUNSHOW_AGENDA": agenda_path,
                "RUNSHOW_ROOMS": rooms,
                "RUNSHOW_DATA_DIR": data_dir,
                "RUNSHOW_CONTROL_KEY": control_key,
                "RUNSHOW_REHEARSAL_START_MS": rehearsal_start_ms,
                "RUNSHOW_HOST": host,
                "RUNSHOW_ASYNC_MODE": "eventlet",
                "RUNSHOW_MESSAGE_QUEUE": message_queue,
                **(settings or {}),
            }
        )
    except AgendaError as error:
        raise CannotStart(_agenda_problems(error)) from None
    except RoomsError as refused:
        raise CannotStart(str(refused)) from None
    except DataFileError as error:
        raise CannotStart(_("Không thể chạy: %(problems)s", problems=error)) from None
    except OscPortBusy as error:
        raise CannotStart(str(error)) from None
    except AutomationsError as error:
        raise CannotStart(_automation_problems(error)) from None
    except OSError as error:  # e.g. a key file in the data directory that cannot be read
        raise CannotStart(
            _(
                "Không thể chạy: không đọc/ghi được %(file)s: %(why)s.",
                file=error.filename,
                why=plain_cause(error),
            )
        ) from None


def _listen(listeners) -> None:
    from runshow.network import PortBusy, start_listening

    try:
        start_listening(listeners, backlog=LISTEN_BACKLOG)
    except PortBusy as refused:
        raise CannotStart(str(refused)) from None


class StopRequests:
    """SIGTERM, SIGINT (Ctrl+C) or a call of `request`: what ends `wait`.

    A signal handler runs in whichever green thread is running Python code when it
    comes (a screen's connection, often): it must not raise there, and must not touch
    eventlet's hub. The signal only writes a byte to a socket (the interpreter's
    `set_wakeup_fd`), and the main green thread waits to read it like any socket."""

    SIGNALS = ("SIGTERM", "SIGINT")

    def __init__(self) -> None:
        import signal
        import socket

        self._receiver, self._sender = socket.socketpair()
        self._sender.setblocking(False)
        signal.set_wakeup_fd(self._sender.fileno())
        for name in self.SIGNALS:
            signal.signal(getattr(signal, name), self._noted)

    @staticmethod
    def _noted(_signum: int, _frame: Any) -> None:
        """Nothing to do here: the byte the interpreter wrote wakes `wait`."""

    def request(self) -> None:
        with contextlib.suppress(OSError):  # already requested: its byte is still there
            self._sender.send(b"\0")

    def wait(self) -> None:
        """Until a stop is requested. A second signal then ends the process at once."""
        import signal

        self._receiver.recv(1)
        for name in self.SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def _run(app, listeners, stop: Callable[[], None], stops: StopRequests) -> None:
    """Serve the app on sockets opened by `open_listeners` (Flask-SocketIO's own
    `run` would open one with SO_REUSEPORT) until SIGTERM or SIGINT (Ctrl+C), or
    `stops.request()`. Then `stop` tells the screens and ends the background loops,
    the frames queued for the screens get a moment to leave, and the servers end
    (closing the connections)."""
    import eventlet
    import eventlet.wsgi

    servers = [
        eventlet.spawn(
            eventlet.wsgi.server,
            listener,
            app,
            log_output=False,
            max_size=MAX_CONNECTIONS,
            protocol=_http_protocol(),
        )
        for listener in listeners
    ]
    for server in servers:  # a server that ends by itself (it should not) ends them all
        server.link(lambda _ended: stops.request())
    stops.wait()
    stop()
    _let_the_writers_finish(app.extensions["socketio"].server.eio)
    for server in servers:
        server.kill()


#: How long the frames queued for the screens (the `stopping` event) may take to leave.
LAST_WORDS_S = 1.0


def _let_the_writers_finish(eio, within_s: float = LAST_WORDS_S) -> None:
    """Until nothing is queued for any screen, or `within_s`: a frame written
    directly is already the kernel's, a queued one needs its green thread to run."""
    import time

    import eventlet

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if all(client.queue.empty() for client in list(eio.sockets.values())):
            return
        eventlet.sleep(0.01)


#: The request's read buffer (Python's default is 8 KB). It holds a request line and
#: headers at a time; bodies are read past it. A screen's connection keeps it for
#: the whole show once it is a WebSocket, which reads its socket directly.
READ_BUFFER = 1024


def _http_protocol():
    """Eventlet's HTTP handler, which closes the connection after a body too large to
    read to its end, with buffers that cost a screen little once its connection is a
    WebSocket: no 16 KB write buffer (made on the first write, which
    a WebSocket never does), a 1 KB read buffer instead of 8 KB (tracemalloc, 1000
    screens: 23 KB less per screen)."""
    import eventlet.wsgi

    from runshow.web.api import DISCARD_LIMIT

    class ScreenFriendlyProtocol(eventlet.wsgi.HttpProtocol):
        rbufsize = READ_BUFFER

        def handle_one_response(self):
            # A body the app may not read to its end (past DISCARD_LIMIT, or of a
            # length not known beforehand): close the connection after the answer,
            # instead of eventlet reading it all to keep the connection alive.
            declared = self.headers.get("Content-Length", "")
            chunked = self.headers.get("Transfer-Encoding", "").lower() == "chunked"
            if chunked or (declared.isdigit() and int(declared) > DISCARD_LIMIT):
                self.close_connection = 1
            return super().handle_one_response()

        def get_environ(self):
            environ = super().get_environ()
            # Eventlet's input ends where a chunked body does: the app reads it (up to
            # its limit) instead of taking it for empty.
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                environ["wsgi.input_terminated"] = True
            return environ

        def setup(self):
            size, self.wbufsize = self.wbufsize, 0  # makefile("wb", 0): no buffer yet
            super().setup()
            self.wfile = _WriteBufferOnFirstWrite(self.wfile, size)

    return ScreenFriendlyProtocol


class _WriteBufferOnFirstWrite:
    """The connection's buffered writer (16 KB), made on its first write. A
    connection that turns into a WebSocket never writes through it (eventlet
    writes the handshake to the socket), and would keep that buffer for the show."""

    def __init__(self, raw, size: int) -> None:
        self._raw, self._size, self._buffered = raw, size, None

    def _file(self):
        if self._buffered is None:
            import io

            self._buffered = io.BufferedWriter(self._raw, self._size)
        return self._buffered

    def write(self, data):
        return self._file().write(data)

    def writelines(self, lines):
        return self._file().writelines(lines)

    def flush(self) -> None:
        if self._buffered is not None:
            self._buffered.flush()

    @property
    def closed(self) -> bool:
        return (self._raw if self._buffered is None else self._buffered).closed

    def close(self) -> None:
        (self._raw if self._buffered is None else self._buffered).close()

    def __getattr__(self, name):  # anything else a handler asks of a file
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._file(), name)


def banner(show, urls: list[str], data_dir: Path, handover=None) -> str:
    """What the technician reads in the terminal when the server starts (`handover`:
    what the start did with the last rehearsal's corrections)."""
    from runshow.timefmt import timer_text
    from runshow.words import role_name

    key = show.access.control_key
    agenda = show.agenda
    lines = [
        "",
        f"Runshow — {agenda.event.title}",
        *(
            [
                _(
                    "TỔNG DUYỆT: chương trình chạy hôm nay theo giờ đã dời; dữ liệu buổi diễn "
                    "thật không bị đụng tới."
                )
            ]
            if agenda.rehearsal
            else []
        ),
        _programme_line(agenda),
        _("Dữ liệu: %(folder)s", folder=data_dir.resolve()),
        *([handover.line] if handover is not None and handover.line else []),
        "",
        _("Mở các màn hình tại:"),
    ]
    screens = (
        (_("%(screen)s (kỹ thuật viên)", screen=role_name("control")), "/control"),
        (_("%(screen)s (khán giả)", screen=role_name("stage")), "/stage"),
        (role_name("speaker"), "/speaker"),
        (
            _("%(screen)s (đường dẫn có mã MC: giữ riêng cho MC)", screen=role_name("mc")),
            f"/mc?token={show.access.mc_token}",
        ),
        (role_name("programme"), "/programme"),
    )
    for label, path in screens:
        lines.append(f"  {label}:")
        lines.extend(f"    {url}{path}" for url in urls)
    origin = {
        "option": lambda: _("từ tùy chọn --control-key"),
        "environment": lambda: _("từ biến môi trường RUNSHOW_CONTROL_KEY"),
        "file": lambda: _("lưu tại %(file)s", file=key.path),
        "generated": lambda: _("vừa tạo, lưu tại %(file)s", file=key.path),
    }[key.origin]()
    lines += [
        "",
        _("Kỹ thuật viên đăng nhập tại /control bằng mã điều khiển:"),
        f"    {key.value}    ({origin})",
    ]
    state = show.service.state
    if state.revision > (0 if handover is None else handover.carried):  # more than corrections
        current = agenda.get(state.current_id)
        timer = state.timer()
        if current is None:
            where = _("băng rôn hội nghị")
        elif timer is None:
            where = _("mục «%(title)s»", title=current.title)
        else:
            now = show.service.clock()
            shown = timer_text(
                current.spec.timer.mode,
                current.spec.timer.at_zero,
                timer.remaining_at(now),
                timer.elapsed_at(now),
            )
            where = (
                _("mục «%(title)s», đồng hồ %(timer)s", title=current.title, timer=shown)
                if timer.running
                else _(
                    "mục «%(title)s», đồng hồ %(timer)s (đang dừng)",
                    title=current.title,
                    timer=shown,
                )
            )
        lines += [
            "",
            _(
                "Tiếp tục chương trình đã lưu (phiên bản %(revision)s): đang ở %(where)s.",
                revision=state.revision,
                where=where,
            ),
            _("Để bắt đầu lại từ đầu (ví dụ sau buổi diễn tập): runshow serve --fresh"),
        ]
    lines += [_("Cảnh báo: %(warning)s", warning=warning) for warning in show.service.warnings]
    lines += ["", _("Nhấn Ctrl+C để dừng. Trạng thái được lưu sau mỗi lệnh."), ""]
    return "\n".join(lines)


def _programme_line(agenda, indent: str = "") -> str:
    """``Chương trình: agenda.json (13 mục), ngày 2023-07-28, bắt đầu 08:00``."""
    from runshow.i18n import ngettext

    return indent + ngettext(
        "Chương trình: %(file)s (%(num)s mục), ngày %(date)s, bắt đầu %(start)s",
        "Chương trình: %(file)s (%(num)s mục), ngày %(date)s, bắt đầu %(start)s",
        len(agenda.items),
        file=agenda.source,
        date=agenda.event.date,
        start=agenda.event.start,
    )


def rooms_banner(show, urls: list[str], data_dir: Path) -> str:
    """What the technician reads when a server of several rooms starts: each room's
    screens and operator key, then the producer's control key."""
    from runshow.i18n import ngettext

    key = show.show_access.control_key
    lines = [
        "",
        ngettext("Runshow — %(num)s phòng", "Runshow — %(num)s phòng", len(show.rooms)),
        _("Dữ liệu: %(folder)s", folder=data_dir.resolve()),
    ]
    if any(room.agenda.rehearsal for room in show.rooms.values()):
        lines.append(_("TỔNG DUYỆT: mọi phòng chạy hôm nay theo giờ đã dời."))
    lines += ["", _("Trang chủ (các phòng, mã QR):"), *(f"    {url}/" for url in urls)]
    lines += [
        _("Tổng quan của đạo diễn (mã điều khiển):"),
        *(f"    {url}/overview" for url in urls),
    ]
    for room in show.rooms.values():
        agenda, state = room.agenda, room.service.state
        home = f"{urls[0]}/r/{room.id}"
        mc_link = f"{home}/mc?token={room.access.mc_token}"
        lines += [
            "",
            _("Phòng %(room)s: %(title)s", room=room.id, title=agenda.event.title),
            _programme_line(agenda, "  "),
            "  " + _("Bàn điều khiển: %(url)s", url=home + "/control"),
            "  "
            + _(
                "Sân khấu: %(stage)s   Diễn giả: %(speaker)s",
                stage=home + "/stage",
                speaker=home + "/speaker",
            ),
            "  " + _("MC (giữ riêng): %(url)s", url=mc_link),
            "  " + _("Mã điều khiển riêng phòng này: %(key)s", key=room.access.operator_key.value),
        ]
        if state.revision:
            lines.append(
                "  "
                + _(
                    "Tiếp tục chương trình đã lưu (phiên bản %(revision)s).",
                    revision=state.revision,
                )
            )
        lines += [
            "  " + _("Cảnh báo: %(warning)s", warning=warning) for warning in room.service.warnings
        ]
    lines += [
        "",
        _("Mã điều khiển của đạo diễn (mọi phòng, trang tổng quan):"),
        f"    {key.value}",
        "",
        _("Nhấn Ctrl+C để dừng. Trạng thái được lưu sau mỗi lệnh."),
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------- #
# Display workers (runshow/web/workers.py, docs/deploy-workers.md).


def _authority_url(host: str, port: int) -> str:
    local = host in ("", "0.0.0.0", "::", "127.0.0.1", "localhost")
    return f"http://{'127.0.0.1' if local else host}:{port}"


def _start_display_workers(
    workers: int, host: str, port: int, queue: str | None, show, language: str | None = None
):
    """Display workers on the ports after `port`, sharing the message queue (and the
    server's language, `language`, when --lang gave one)."""
    import os
    import subprocess

    helpers = []
    authority = _authority_url(host, port)
    for index in range(1, workers):
        command = ["serve", "--host", host, "--port", str(port + index)]
        command += ["--message-queue", str(queue), "--worker-of", authority]
        command += ["--lang", language] if language else []
        helpers.append(
            subprocess.Popen(
                [sys.executable, "-m", "runshow", *command],
                env={**os.environ, **_worker_secrets(show)},
            )
        )
        print(
            _(
                "Máy chủ phụ %(number)s (màn hình hiển thị): cổng %(port)s",
                number=index,
                port=port + index,
            ),
            flush=True,
        )
    return helpers


#: A display worker's rooms (several rooms): room → its MC token, as JSON.
ROOM_TOKENS_ENV = "RUNSHOW_ROOM_TOKENS"


def _worker_secrets(show) -> dict[str, str]:
    """What a display worker is told in its environment: the control key, and the MC
    token (one room) or every room's (several)."""
    import json

    secrets = {"RUNSHOW_CONTROL_KEY": show.show_access.control_key.value}
    if show.several:
        tokens = {room.id: room.access.mc_token for room in show.rooms.values()}
        return secrets | {ROOM_TOKENS_ENV: json.dumps(tokens)}
    return secrets | {"RUNSHOW_MC_TOKEN": show.access.mc_token}


def _stop_display_workers(helpers) -> None:
    import subprocess

    for helper in helpers:
        helper.terminate()
    for helper in helpers:
        try:
            helper.wait(timeout=10)
        except subprocess.TimeoutExpired:
            helper.kill()


def serve_display_worker(host: str, port: int, message_queue: str, authority_url: str) -> int:
    """One display worker: `/live` screens fed through the message queue."""
    import os

    _eventlet()
    stops = StopRequests()  # from now on: a SIGTERM while starting stops in order too
    _raise_open_file_limit()
    from runshow.web.upkeep import start_client_sweep
    from runshow.web.workers import create_worker_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    from runshow.network import PortBusy, open_listeners

    key = os.environ.get("RUNSHOW_CONTROL_KEY", "")
    try:
        listeners = open_listeners(host, port)
        _listen(listeners)
    except (PortBusy, CannotStart) as refused:
        print(refused, file=sys.stderr)
        return 1
    import json

    mc_token = os.environ.get("RUNSHOW_MC_TOKEN", "")
    room_tokens = json.loads(os.environ[ROOM_TOKENS_ENV]) if ROOM_TOKENS_ENV in os.environ else None
    app = create_worker_app(
        message_queue,
        authority_url,
        key,
        mc_token,
        async_mode="eventlet",
        name=_("cổng %(port)s", port=port),
        room_tokens=room_tokens,
    )
    worker = app.extensions["runshow_worker"]
    parent = os.getppid()

    def leave_with_the_authority() -> None:
        """The authority may end without stopping its workers (killed): a worker whose
        parent is gone stops too, as on SIGTERM."""
        if os.getppid() != parent:
            stops.request()

    worker.lifecycle.every("leaving with the authority", 1.0, leave_with_the_authority)
    _quiet_collector()
    start_client_sweep(worker.lifecycle)
    _run(app, listeners, worker.stop, stops)
    return 0
