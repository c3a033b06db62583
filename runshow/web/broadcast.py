"""Every accepted change, pushed to every screen once: one serialised payload per
view (public, speaker, MC, console), the same text to every client of a room. The
console's view carries words the server wrote (what undo would do): it is made
once per language; a console that reads another language than Vietnamese is in that
language's room too (`spoken_room`), sent its own and skipped for the Vietnamese."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask_socketio import SocketIO

from runshow import i18n, protocol
from runshow.engine import ShowState
from runshow.i18n import SOURCE_LANGUAGE
from runshow.protocol import CONTROL, LIVE, Encoded
from runshow.service import ShowService
from runshow.web.snapshots import SPOKEN_VIEWS, Snapshots

#: A view's payload for a language (None: a view without words of the server's).
PayloadOfView = Callable[[str, str | None], Encoded]


def spoken_room(room: str, lang: str) -> str:
    """The room of `room`'s screens that read `lang` (a spoken view's)."""
    return f"{room}@{lang}"


class Broadcaster:
    """Subscribed to the service: after each command, the programme (when a live edit
    changed what a view draws) then the state, to every room of every view."""

    def __init__(
        self,
        socketio: SocketIO,
        service: ShowService,
        snapshots: Snapshots,
        audience: Callable[[str], str] = str,
    ):
        self.socketio = socketio
        self.service = service
        self.snapshots = snapshots
        # (view, namespace, its rooms drawing that view), in the views' sending order;
        # `audience` names a room's audience (several rooms: each its own).
        self.routes = [
            (view, namespace, [audience(name) for name in rooms])
            for view in protocol.VIEWS
            for namespace in (LIVE, CONTROL)
            if (rooms := protocol.rooms_by_view(namespace).get(view))
        ]
        self._sent_agenda = service.agenda
        # The programme version each view's screens have: an edit that does not change
        # what a view draws (a delegate ticked present, for the phones) is not resent to it.
        self._versions = {view: snapshots.programme(view).tag for view in protocol.VIEWS}

    def __call__(self, state: ShowState) -> None:
        if self.service.agenda is not self._sent_agenda:
            # A live edit (or its undo): the screens get the programme before the state.
            self._sent_agenda = self.service.agenda
            changed = {
                view
                for view in protocol.VIEWS
                if self.snapshots.programme(view).tag != self._versions[view]
            }
            self._versions.update({view: self.snapshots.programme(view).tag for view in changed})
            self.send_per_view("programme", self.snapshots.programme, changed)
        built = self.snapshots.states(state)
        self.send_per_view("state", lambda view, lang: self.snapshots.encoded(built, view, lang))

    def send_per_view(
        self,
        event: str,
        payload_of_view: PayloadOfView,
        views: Iterable[str] = protocol.VIEWS,
    ) -> None:
        """`event` to every room, each view's payload encoded once for all its screens
        (and not at all for a view no screen draws: a screen connecting meanwhile
        joins its room, then reads the state, which the service set before telling
        anyone; tests/test_protocol.py). A manager that cannot tell sends them all."""
        reaches_anyone = getattr(self.socketio.server.manager, "reaches_anyone", None)
        for view, namespace, rooms in self.routes:
            if view not in views:
                continue
            spoken = view in SPOKEN_VIEWS
            lang = SOURCE_LANGUAGE if spoken else None
            skipped = (
                self._send_translated(event, payload_of_view, view, namespace, rooms)
                if spoken
                else []
            )
            if reaches_anyone is None or reaches_anyone(namespace, rooms):
                payload = payload_of_view(view, lang)
                self.socketio.emit(
                    event, payload, namespace=namespace, to=rooms, skip_sid=skipped or None
                )

    def _send_translated(
        self,
        event: str,
        payload_of_view: PayloadOfView,
        view: str,
        namespace: str,
        rooms: list[str],
    ) -> list[str]:
        """A spoken view to the screens of `rooms` that read another language than
        Vietnamese (each such language's room, `spoken_room`); their ids, to be
        skipped when the Vietnamese one goes to all of `rooms`."""
        manager = self.socketio.server.manager
        reached: list[str] = []
        for lang in i18n.languages():
            if lang == SOURCE_LANGUAGE:
                continue
            to = [spoken_room(room, lang) for room in rooms]
            readers = [
                sid for room in to for sid, _eio_sid in manager.get_participants(namespace, room)
            ]
            if readers:
                self.socketio.emit(event, payload_of_view(view, lang), namespace=namespace, to=to)
                reached += readers
        return reached


def tell_stopping(socketio: SocketIO, namespaces: Iterable[str]) -> None:
    """Tell every screen of this process that the server is stopping: they show that
    they are reconnecting, and come back by themselves when it is up again. (Each
    process tells its own: a display worker stops with its authority.)"""
    for namespace in namespaces:
        socketio.emit("stopping", namespace=namespace, ignore_queue=True)
