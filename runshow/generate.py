"""The files made from the Python source, for the docs and the browser.

``python -m runshow.generate`` writes them after a change to runshow/protocol.py;
tests/test_protocol.py fails while one is stale:

- ``docs/protocol.schema.json``: the JSON schema of every payload;
- ``static/js/protocol.js``: the namespaces, events, requests and roles the pages use;
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from runshow import screen_options
from runshow.protocol import AUDIENCES, EVENTS, REQUESTS, json_schema

REPO = Path(__file__).resolve().parents[1]


def _header(source: str) -> str:
    return f"// Generated from {source} by `python -m runshow.generate`: do not edit.\n"


def _frozen(name: str, about: str, table: Mapping[str, object]) -> str:
    body = json.dumps(dict(table), ensure_ascii=False, indent=2)
    return f"\n/** {about} */\nexport const {name} = Object.freeze({body});\n"


def _names(table: Mapping[str, object]) -> dict[str, str]:
    return {name: name for name in table}


def protocol_schema() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def protocol_js() -> str:
    """The protocol's names for the pages: ``EVENT.state`` is ``'state'``, never typed twice."""
    namespaces = dict.fromkeys(audience.namespace for audience in AUDIENCES.values())
    return (
        _header("runshow/protocol.py")
        + "// The live protocol's names (docs/protocol.md).\n"
        + _frozen("NAMESPACE", "Socket.IO namespaces.", {ns.strip("/"): ns for ns in namespaces})
        + _frozen("EVENT", "Events the server sends.", _names(EVENTS))
        + _frozen("REQUEST", "Events a page sends, answered by acknowledgement.", _names(REQUESTS))
        + _frozen("ROLE", "The audience a screen connects as.", _names(AUDIENCES))
        + _frozen("SCREEN_OPTIONS", "A display page's options (docs/screens.md).", _option_values())
    )


def _option_values() -> dict[str, object]:
    return {
        "themes": screen_options.THEMES,
        "parts": screen_options.SCREEN_PARTS,
        "chroma": screen_options.DEFAULT_CHROMA,
        "minScale": screen_options.MIN_SCALE,
        "maxScale": screen_options.MAX_SCALE,
    }


#: path in the repository → what it holds.
FILES: dict[str, Callable[[], str]] = {
    "docs/protocol.schema.json": protocol_schema,
    "static/js/protocol.js": protocol_js,
}


def main() -> None:
    if not (REPO / "pyproject.toml").is_file():
        sys.exit("runshow.generate writes into the repository: run it from a checkout.")
    for path, make in FILES.items():
        (REPO / path).write_text(make(), encoding="utf-8", newline="\n")
        print(path)


if __name__ == "__main__":
    main()
