// The live connection every screen shares: Socket.IO, the server clock,
// revision ordering and a discreet "disconnected" mark.
/* global io */
import { ServerClock } from './clock.js';
import { el, readJson } from './dom.js';
import { EVENT } from './protocol.js';
import { ROLE_NAMES } from './words.js';

const MARK_GRACE_MS = 3_000; // no mark while the first connection is still being made
const MARK_TEXT = {
  lost: 'Mất kết nối',
  // The server said it is stopping (a restart, most often): the screen will be back by itself.
  reconnecting: 'Đang kết nối lại',
};

/** What a screen says while it is not connected: reconnecting, once the server said it stops. */
export const lostConnectionText = () =>
  (document.body.dataset.serverStopping ? MARK_TEXT.reconnecting : MARK_TEXT.lost);

function connectionMark() {
  const mark = el('div', { className: 'conn-mark', attrs: { role: 'status', id: 'conn-mark' } },
    el('span', { className: 'conn-dot', attrs: { 'aria-hidden': 'true' } }),
    el('span', { className: 'conn-text', text: MARK_TEXT.lost }));
  mark.hidden = true;
  document.body.append(mark);
  return mark;
}

/**
 * Fetch every face of the page's fonts now, each weight and subset. A browser fetches
 * a face only when some text first needs it, and that may be while the server is down
 * (the «Mất kết nối» mark itself): then it would be drawn in a fallback font.
 */
function loadEveryFont() {
  document.fonts?.forEach((face) => {
    face.load().catch(() => {}); // a missing file leaves the fallback, as before
  });
}

/**
 * Connect a screen. handlers: {programme, state, presence, schedule, phase, connect, disconnect,
 * connectError}.
 * Returns {socket, clock, programme, state}; the first paint uses the JSON the page embedded.
 */
export function connect(namespace, role, handlers = {}) {
  const body = document.body;
  loadEveryFont();
  // The MC link's token (/mc?token=...) gives the MC role; sent in the handshake.
  const token = new URLSearchParams(location.search).get('token');
  // A screen may be named in its link (/stage?name=LED+chính): the console lists it so.
  const name = (new URLSearchParams(location.search).get('name') || '').trim().slice(0, 40);
  let live = null;
  const socket = io(namespace, {
    query: name ? { role, name } : { role },
    // On every (re)connect: the token, and the programme this screen has, which the server
    // then does not send again (docs/protocol.md, Programme.version).
    auth: (send) => send({ ...(token ? { token } : {}), programme: live?.programme?.version ?? null }),
    transports: ['websocket', 'polling'],
    // Back within 2 s of the server or the network returning, however long it was gone:
    // the wait between tries starts at 250 ms and never exceeds 1 s; ±50 % random spread
    // so that 250 screens do not all knock at the same instant.
    reconnection: true,
    reconnectionAttempts: Infinity,
    reconnectionDelay: 250,
    reconnectionDelayMax: 1000,
    randomizationFactor: 0.5,
  });
  const clock = new ServerClock(socket);
  clock.onChange(() => {
    body.dataset.clockOffset = String(Math.round(clock.deviceOffset())); // server - device clock
    body.dataset.clockRtt = String(clock.rtt);
    body.dataset.clockSynced = 'true';
    body.dataset.clockSettled = String(clock.settled);
  });
  const mark = connectionMark();
  live = { socket, clock, programme: readJson('programme-data'), state: readJson('state-data') };

  let everConnected = false;
  // The snapshot sent on (re)connect arrives *before* the 'connect' event fires, so
  // "fresh" is set when the connection is lost, not when it comes back.
  let freshConnection = true;
  let graceOver = false;
  const setConnected = (connected) => {
    body.dataset.connected = String(connected);
    mark.hidden = connected || !(everConnected || graceOver);
    if (connected) delete body.dataset.serverStopping;
    mark.querySelector('.conn-text').textContent = lostConnectionText();
  };
  setTimeout(() => {
    graceOver = true;
    setConnected(socket.connected);
  }, MARK_GRACE_MS);
  setConnected(false);

  const acceptState = (state) => {
    if (!state || typeof state.revision !== 'number') return false;
    // A snapshot right after (re)connecting is the truth even if the server restarted with
    // fresh data; afterwards an older revision is a late duplicate and is dropped.
    if (!freshConnection && live.state && state.revision < live.state.revision) return false;
    freshConnection = false;
    live.state = state;
    body.dataset.revision = String(state.revision);
    clock.seed(state.server_time_ms);
    return true;
  };

  socket.on('connect', () => {
    everConnected = true;
    setConnected(true);
    handlers.connect?.(live);
  });
  socket.on('disconnect', (reason) => {
    freshConnection = true;
    setConnected(false);
    handlers.disconnect?.(reason);
    // Refused by the server: Socket.IO does not retry by itself in that case.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (error) => {
    setConnected(false);
    handlers.connectError?.(error);
  });
  socket.on(EVENT.programme, (programme) => {
    live.programme = programme;
    handlers.programme?.(programme, live);
  });
  socket.on(EVENT.state, (state) => {
    if (acceptState(state)) handlers.state?.(state, live);
  });
  socket.on(EVENT.presence, (counts) => handlers.presence?.(counts, live));
  socket.on(EVENT.schedule, (figures) => handlers.schedule?.(figures, live));
  socket.on(EVENT.phase, (event) => handlers.phase?.(event, live));
  socket.on(EVENT.screens, (screens) => handlers.screens?.(screens, live));
  socket.on(EVENT.identify, (identity) => flashIdentity(identity));
  // The server is stopping (SIGTERM, Ctrl+C): say so at once rather than show a clock
  // that nobody answers for; Socket.IO reconnects by itself when it is back.
  socket.on(EVENT.stopping, () => {
    body.dataset.serverStopping = 'true';
    freshConnection = true;
    setConnected(false);
    handlers.disconnect?.('server stopping');
  });

  // First paint from the embedded JSON, before the socket answers.
  if (live.state) {
    body.dataset.revision = String(live.state.revision);
    clock.seed(live.state.server_time_ms);
  }
  queueMicrotask(() => {
    if (live.programme) handlers.programme?.(live.programme, live);
    if (live.state) handlers.state?.(live.state, live);
  });
  return live;
}

export const roleName = (role) => ROLE_NAMES[role] || role;

const IDENTIFY_MS = 6_000;
let identifyTimer = null;

/** The console asked "which screen is this?": its name, huge, for a few seconds. */
function flashIdentity(identity) {
  let box = document.getElementById('identify');
  if (!box) {
    box = el('div', { className: 'identify', attrs: { id: 'identify', role: 'status' } });
    document.body.append(box);
  }
  box.replaceChildren(
    el('p', { className: 'identify-name', text: identity?.name || 'Chưa đặt tên' }),
    el('p', { className: 'identify-role', text: roleName(identity?.role) }));
  box.hidden = false;
  clearTimeout(identifyTimer);
  identifyTimer = setTimeout(() => { box.hidden = true; }, IDENTIFY_MS);
}

/** A small debug corner: clock offset and round trip (shown with ?debug in the address). */
export function debugCorner(clock) {
  if (!new URLSearchParams(location.search).has('debug')) return;
  const box = el('div', { className: 'debug-corner' });
  document.body.append(box);
  const draw = () => {
    box.textContent = `offset ${Math.round(clock.deviceOffset())} ms · rtt ${clock.rtt ?? '–'} ms`;
  };
  clock.onChange(draw);
  draw();
}
