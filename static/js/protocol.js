// Generated from runshow/protocol.py by `python -m runshow.generate`: do not edit.
// The live protocol's names (docs/protocol.md).

/** Socket.IO namespaces. */
export const NAMESPACE = Object.freeze({
  "control": "/control",
  "live": "/live"
});

/** Events the server sends. */
export const EVENT = Object.freeze({
  "programme": "programme",
  "state": "state",
  "presence": "presence",
  "schedule": "schedule",
  "phase": "phase",
  "screens": "screens",
  "identify": "identify",
  "screen_options": "screen_options",
  "prompter_scroll": "prompter_scroll",
  "stopping": "stopping",
  "osc": "osc",
  "automations": "automations",
  "overview": "overview"
});

/** Events a page sends, answered by acknowledgement. */
export const REQUEST = Object.freeze({
  "sync": "sync",
  "command": "command",
  "identify": "identify",
  "screen_options": "screen_options",
  "prompter_scroll": "prompter_scroll",
  "fit": "fit",
  "rooms_command": "rooms_command"
});

/** The audience a screen connects as. */
export const ROLE = Object.freeze({
  "control": "control",
  "mc": "mc",
  "stage": "stage",
  "speaker": "speaker",
  "programme": "programme",
  "clock": "clock",
  "prompter": "prompter"
});

/** A display page's options (docs/screens.md). */
export const SCREEN_OPTIONS = Object.freeze({
  "themes": [
    "dark",
    "light",
    "chroma"
  ],
  "parts": [
    "clock",
    "next",
    "progress",
    "message",
    "title"
  ],
  "chroma": "#00ff00",
  "minScale": 0.25,
  "maxScale": 2.0
});
