// The live connection every screen shares: Socket.IO, the server clock,
// revision ordering and a discreet "disconnected" mark.
/* global io */
import { ServerClock } from './clock.js';
import { redrawFrom } from './ticker.js';
import { el, readJson } from './dom.js';
import { EVENT, ROLE } from './protocol.js';
import { ROLE_NAMES } from './words.js';
import { LANG, t } from './i18n.js';
import { useScreenOptions } from './screen-options.js';
import { followFlash } from './flash.js';

const MARK_GRACE_MS = 3_000; // no mark while the first connection is still being made
const MARK_TEXT = {
  lost: t('Mất kết nối'),
  // The server said it is stopping (a restart, most often): the screen will be back by itself.
  reconnecting: t('Đang kết nối lại'),
};

/** What a screen says while it is not connected: reconnecting, once the server said it stops. */
export const lostConnectionText = () =>
  (document.body.dataset.serverStopping ? MARK_TEXT.reconnecting : MARK_TEXT.lost);

// Back within 2 s of the server or the network returning, however long it was gone: a try
// every RETRY_MIN_MS to RETRY_MAX_MS (at random, so that 250 screens do not all knock at the
// same instant), and a try that gets no answer (sent into a network that is gone) is given up
// after TRY_TIMEOUT_MS instead of Socket.IO's 20 s.
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 500;
const TRY_TIMEOUT_MS = 2_000; // a LAN answers in milliseconds
// What a try asks over plain HTTP first (a HEAD of a small file the server always has),
// and how long it waits for the answer.
const PROBE_URL = '/static/js/dom.js';
const PROBE_TIMEOUT_MS = 700;

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
  // A page of one room among several (/r/<room>/stage) joins that room's audience.
  const room = body.dataset.room;
  let live = null;
  const socket = io(namespace, {
    // The page's language: refusals and notes come back in it (runshow/web/language.py).
    query: { role, lang: LANG, ...(name ? { name } : {}), ...(room ? { room } : {}) },
    // On every (re)connect: the token, and the programme this screen has, which the server
    // then does not send again (docs/protocol.md, Programme.version).
    auth: (send) => send({ ...(token ? { token } : {}), programme: live?.programme?.version ?? null }),
    transports: ['websocket', 'polling'],
    // Reconnecting is done below (reconnectWhenReachable), not by Socket.IO.
    reconnection: false,
    timeout: TRY_TIMEOUT_MS,
  });
  const clock = new ServerClock(socket);
  if (role !== ROLE.control) useScreenOptions(socket);
  const flash = role === ROLE.control ? () => {} : followFlash(clock, role);
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
  const reconnect = reconnectWhenReachable(socket);
  socket.on('disconnect', (reason) => {
    freshConnection = true;
    setConnected(false);
    handlers.disconnect?.(reason);
    if (reason !== 'io client disconnect') reconnect(); // the page's own: it connects again
  });
  socket.on('connect_error', (error) => {
    setConnected(false);
    handlers.connectError?.(error);
    reconnect();
  });
  socket.on(EVENT.programme, (programme) => {
    live.programme = programme;
    handlers.programme?.(programme, live);
    redrawFrom(clock);
  });
  socket.on(EVENT.state, (state) => {
    if (!acceptState(state)) return;
    flash(state);
    handlers.state?.(state, live);
    redrawFrom(clock);
  });
  socket.on(EVENT.presence, (counts) => handlers.presence?.(counts, live));
  socket.on(EVENT.schedule, (figures) => {
    handlers.schedule?.(figures, live);
    redrawFrom(clock);
  });
  // A crossing is announced once, but a broadcast may reach a screen twice (the fast
  // path failing part way hands the whole room to the library's path): same crossing,
  // one chime.
  let lastCrossing = '';
  socket.on(EVENT.phase, (event) => {
    const crossing = `${event.item_id} ${event.phase} ${event.at_ms}`;
    if (crossing === lastCrossing) return;
    lastCrossing = crossing;
    handlers.phase?.(event, live);
  });
  socket.on(EVENT.screens, (screens) => handlers.screens?.(screens, live));
  socket.on(EVENT.osc, (counts) => handlers.osc?.(counts, live));
  socket.on(EVENT.automations, (rules) => handlers.automations?.(rules, live));
  socket.on(EVENT.identify, (identity) => flashIdentity(identity));
  // The server is stopping (SIGTERM, Ctrl+C): say so at once rather than show a clock
  // that nobody answers for; the screen reconnects by itself when it is back.
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
    if (live.state) {
      flash(live.state);
      handlers.state?.(live.state, live);
    }
    redrawFrom(clock);
  });
  return live;
}

/**
 * Reconnect `socket` once the server answers plain HTTP. Socket.IO's own reconnection
 * opens a WebSocket at every try, and Chromium delays a page's WebSocket connections
 * by up to 5 s once many of them have failed (its network service's WebSocket
 * throttler counts the failures): a 30 s outage with a try every half second gets
 * there. A failed HTTP request is not counted, so each try first asks with a HEAD
 * request: refused (server down, network gone, device offline), it tries again later;
 * answered, it opens the WebSocket. A HEAD with no answer at all may be stuck on a
 * kept-alive connection that died with the network: the WebSocket (always a new
 * connection) is tried then too.
 */
function reconnectWhenReachable(socket) {
  let pending = null;
  const refused = async () => {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PROBE_TIMEOUT_MS);
    try {
      await fetch(PROBE_URL, { method: 'HEAD', cache: 'no-store', signal: abort.signal });
      return false;
    } catch {
      return !abort.signal.aborted;
    } finally {
      clearTimeout(timer);
    }
  };
  const tryAgain = () => {
    if (pending !== null || socket.connected) return;
    const wait = RETRY_MIN_MS + Math.random() * (RETRY_MAX_MS - RETRY_MIN_MS);
    pending = setTimeout(async () => {
      const down = await refused();
      pending = null;
      if (socket.connected) return;
      if (down) tryAgain();
      else socket.connect(); // a failure comes back here through connect_error
    }, wait);
  };
  return tryAgain;
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
    el('p', { className: 'identify-name', text: identity?.name || t('Chưa đặt tên') }),
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
    box.textContent = t('lệch giờ %(offset)s ms · khứ hồi %(rtt)s ms', {
      offset: Math.round(clock.deviceOffset()),
      rtt: clock.rtt ?? '–',
    });
  };
  clock.onChange(draw);
  draw();
}
