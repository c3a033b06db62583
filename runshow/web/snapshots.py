"""The encoded snapshots a connecting screen is sent, shared by every connect."""

from __future__ import annotations

from runshow import i18n, protocol
from runshow.engine import ShowState
from runshow.protocol import Encoded, StatePayloads
from runshow.service import ShowService

#: The views that carry words the server wrote (the console's: what undo would do,
#: the fit warnings): made once for each language their readers speak, never frozen
#: in the language of whoever sent the command (web/broadcast.py).
SPOKEN_VIEWS = frozenset({"console"})


class Snapshots:
    """The encoded payloads a connecting screen gets, shared by every connect.

    The state of each view is the one last broadcast, rebuilt when the show has
    moved on or it is older than `max_age_ms` (its timer figures and server time
    are then a little stale; screens draw from the deadline and sync their
    clocks anyway). The programme is encoded once per agenda. A spoken view's
    (`SPOKEN_VIEWS`) are made once per language.
    """

    def __init__(self, service: ShowService, max_age_ms: int = 1000):
        self.service = service
        self.max_age_ms = max_age_ms
        self._states: StatePayloads | None = None
        self._spoken: dict[str, StatePayloads] = {}  # language → the states, in it
        self._built_at_ms = 0
        self._programmes: dict[str, tuple[object, Encoded]] = {}

    def states(self, state: ShowState) -> StatePayloads:
        """Every view of `state` as of now, each built and encoded once, when first used."""
        now = self.service.clock()
        built = protocol.state_payloads(self.service.agenda, state, now)
        self._states, self._built_at_ms, self._spoken = built, now, {}
        return built

    def encoded(self, built: StatePayloads, view: str, lang: str | None = None) -> Encoded:
        """`view` of `built` (the states last built), a spoken view in `lang` (by
        default the current answer's language)."""
        if view not in SPOKEN_VIEWS:
            return built.encoded(view)
        lang = lang or i18n.current_language()
        spoken = self._spoken.get(lang)
        if spoken is None or spoken.state is not built.state:
            spoken = protocol.state_payloads(built.agenda, built.state, built.now_ms)
            self._spoken[lang] = spoken
        with i18n.language(lang):
            return spoken.encoded(view)

    def state(self, view: str, lang: str | None = None) -> Encoded:
        current = self.service.state
        cached = self._states
        fresh = self.service.clock() - self._built_at_ms < self.max_age_ms
        if cached is None or cached.state.revision != current.revision or not fresh:
            cached = self.states(current)
        return self.encoded(cached, view, lang)

    def programme(self, view: str, lang: str | None = None) -> Encoded:
        """The programme of `view`, tagged with its version (a spoken view's in `lang`,
        by default the current answer's language)."""
        agenda = self.service.agenda
        key = view
        if view in SPOKEN_VIEWS:
            lang = lang or i18n.current_language()
            key = f"{view}@{lang}"
        cached = self._programmes.get(key)
        if cached is None or cached[0] is not agenda:
            with i18n.language(lang or i18n.current_language()):
                payload = protocol.programme_payload(agenda, view)
            cached = (agenda, protocol.encode(payload))
            self._programmes[key] = cached
        return cached[1]
