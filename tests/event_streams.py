"""Reading `GET /api/events` (Server-Sent Events) as a client would."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import requests


def parse_events(lines: Iterator[str]) -> Iterator[dict]:
    """Server-Sent Events as {id, event, data}, from the stream's lines."""
    event: dict = {}
    for line in lines:
        if line == "":
            if "event" in event:
                yield event
            event = {}
        elif not line.startswith(":"):
            field, _, value = line.partition(": ")
            event[field] = json.loads(value) if field == "data" else value


def next_event(events: Iterator[dict], name: str) -> dict:
    return next(event for event in events if event["event"] == name)


def lines_of(chunks) -> Iterator[str]:
    """The lines of a streamed response, as the chunks come."""
    pending = ""
    for chunk in chunks:
        pending += chunk.decode() if isinstance(chunk, bytes) else chunk
        *lines, pending = pending.split("\n")
        yield from lines


@contextlib.contextmanager
def live_events(url: str, headers: dict | None = None) -> Iterator[Iterator[dict]]:
    """A real server's `/api/events`, read with a real HTTP client, as parsed events."""
    with requests.get(
        f"{url}/api/events", headers=headers or {}, stream=True, timeout=(5, 10)
    ) as response:
        yield parse_events(response.iter_lines(chunk_size=None, decode_unicode=True))
