// The technician's console: the programme with planned/actual times, the live
// item and its timer, every command, messages, and keyboard shortcuts.
import { byId, clockFormatter, durationWords, el, setData, setText, show } from './dom.js';
import {
  itemsById, offsetWords, plannedLength, presenterLine, scheduleById, statusWord, timerStatusLabel,
} from './labels.js';
import { connect, debugCorner, lostConnectionText, roleName } from './live.js';
import { chime } from './chime.js';
import { screenOptionsPanel } from './screen-options-panel.js';
import { scrollStepper } from './script-scroll.js';
import { beforeShow, openingText, otherDayText, preShowChange, wallClockFormatter } from './preshow.js';
import { TimerDisplay, remainingMs, signedShort } from './timer.js';
import { nextFlip, onTick } from './ticker.js';
import { NAMESPACE, REQUEST, ROLE } from './protocol.js';
import { LANG, localized, t, tn } from './i18n.js';

const body = document.body;
const n = {
  connection: byId('connection-status'),
  presence: byId('presence'),
  screensList: byId('screens-list'),
  offset: byId('schedule-offset'),
  projectedEnd: byId('projected-end'),
  plannedEnd: byId('planned-end'),
  blackoutAlert: byId('blackout-alert'),
  bannerAlert: byId('banner-alert'),
  rows: byId('programme-rows'),
  timerStatus: byId('timer-status'),
  nowTitle: byId('now-title'),
  nowPresenter: byId('now-presenter'),
  timer: byId('control-timer'),
  nextTitle: byId('next-title'),
  nextPresenter: byId('next-presenter'),
  nowNotes: byId('now-notes'),
  nextNotes: byId('next-notes'),
  toggle: byId('btn-toggle'),
  start: byId('btn-start'),
  pause: byId('btn-pause'),
  blackout: byId('btn-blackout'),
  banner: byId('btn-banner'),
  undo: byId('btn-undo'),
  redo: byId('btn-redo'),
  messageText: byId('message-text'),
  stageMessage: byId('current-stage-message'),
  speakerMessage: byId('current-speaker-message'),
  mcMessage: byId('current-mc-message'),
  refusal: byId('refusal'),
  dialog: byId('confirm-dialog'),
  dialogText: byId('confirm-text'),
  confirmYes: byId('confirm-yes'),
  confirmNo: byId('confirm-no'),
  dayNotice: byId('day-notice'),
  fixedNotice: byId('fixed-notice'),
  dayNoticeText: byId('day-notice-text'),
  preshow: byId('ct-preshow'),
  wallClock: byId('ct-wall-clock'),
  openingIn: byId('ct-opening-in'),
};
const REFUSAL_MS = 6000;
/** Every request to the server asks for its answers (refusals) in the console's language. */
const SPOKEN = { 'Accept-Language': LANG };
const NOT_SENT = t('Mất kết nối với máy chủ: lệnh chưa được gửi.');
const NO_ANSWER = t('Máy chủ không trả lời. Hãy thử lại.');
const TOGGLE_WORDS = { start: t('Bắt đầu'), pause: t('Tạm dừng'), resume: t('Tiếp tục') };
/** An item of the state (current, next) by its title in the console's language. */
const titleOf = (entry) => (items.get(entry.id) ? localized(items.get(entry.id), 'title') : entry.title);

let items = new Map();
let rows = new Map();
let formatClock = clockFormatter('Asia/Ho_Chi_Minh');
let formatWallClock = wallClockFormatter('Asia/Ho_Chi_Minh');
let pendingGoto = null;
let refusalTimer = null;

// ---------- Commands ----------

function refuse(text, code = 'local', kind = 'refusal') {
  setText(n.refusal, text);
  setData(n.refusal, 'code', code);
  setData(n.refusal, 'kind', kind);
  show(n.refusal, true);
  clearTimeout(refusalTimer);
  refusalTimer = setTimeout(() => show(n.refusal, false), REFUSAL_MS);
}

const POSITION_COMMANDS = new Set(['next', 'previous', 'goto']);
const CLOCK_COMMANDS = new Set(['start', 'pause', 'resume', 'reset', 'adjust']);

/**
 * The same control pressed again within REACTION_MS (a bouncing clicker, a key and a click
 * together, a double press) is meant for the show the first press saw: nobody sees the
 * result and decides to press again that fast. So the repeat carries the first press's
 * guards and the server refuses it, even when the first answer has already arrived.
 */
const REACTION_MS = 300;
let lastPress = null; // {kind, at, state}
function pressState(kind) {
  const now = performance.now();
  if (lastPress?.kind === kind && now - lastPress.at < REACTION_MS) return lastPress.state;
  const press = { kind, at: now, state: live.state };
  lastPress = press;
  body.dataset.repeatGuard = kind; // shown while a repeat of this press would be refused
  setTimeout(() => {
    if (lastPress === press) delete body.dataset.repeatGuard;
  }, REACTION_MS);
  return live.state;
}

/**
 * Every command says what this console saw (docs/protocol.md, "Acting once"): a move
 * names the item it moves from, a clock command the item it is for, undo the revision.
 * If the show has moved on meanwhile (a double press, another console), the server
 * refuses it with `moved_on` (or `stale_revision`) instead of acting twice.
 */
function guarded(payload, state) {
  const command = { ...payload };
  if (!state) return command;
  command.revision = state.revision;
  const onNow = state.current?.id ?? null;
  if (POSITION_COMMANDS.has(command.command) && !('from' in command)) command.from = onNow;
  if (CLOCK_COMMANDS.has(command.command)) {
    const target = onNow ?? (command.command === 'start' ? state.next?.id : null);
    if (target) command.item_id = target;
  }
  return command;
}

function send(payload, seen = pressState(payload.command)) {
  if (!live.socket.connected) {
    refuse(NOT_SENT);
    return;
  }
  const command = guarded(payload, seen);
  live.socket.timeout(5000).emit(REQUEST.command, command, (error, ack) => {
    if (error) {
      refuse(NO_ANSWER);
      return;
    }
    if (ack && ack.ok) {
      if (ack.note) refuse(ack.note, 'note', 'note');
      return;
    }
    // `moved_on` is the guard doing its job (a double press, another console): said calmly.
    const kind = ack?.code === 'moved_on' ? 'note' : 'refusal';
    refuse(ack?.error || t('Lệnh bị từ chối.'), ack?.code || 'refused', kind);
    // The server is behind what this console shows (it restarted on other data):
    // reconnect to take its snapshot rather than keep sending a revision it never had.
    if (ack?.code === 'stale_revision' && live.state && ack.revision < live.state.revision) {
      live.socket.disconnect().connect();
    }
    if (ack?.code === 'unauthorized') setTimeout(() => location.assign(body.dataset.loginUrl), 1500);
  });
}

/** Whether the server says `name` is possible now (state.available): the console never guesses. */
function can(state, name) {
  return Boolean(state?.available?.includes(name));
}

/** What Space / the big button does now: pause, resume or start (null: none of them). */
function toggleCommand(state) {
  return ['pause', 'resume', 'start'].find((name) => can(state, name)) ?? null;
}

/** The banner switch: on over the item on, or off again. */
function bannerShown(state) {
  return Boolean(state?.current && state.banner);
}

function messageTarget() {
  return document.querySelector('input[name="message-target"]:checked')?.value || 'speaker';
}

function sendMessage(text) {
  const words = text.trim();
  if (!words) {
    refuse(t('Hãy nhập nội dung tin nhắn.'));
    return;
  }
  send({ command: 'message', text: words, target: messageTarget() });
  n.messageText.value = ''; // so that changing the target and pressing Gửi sends nothing twice
}

const actions = {
  toggle: () => {
    const seen = pressState('toggle');
    const command = toggleCommand(seen);
    if (command) send({ command }, seen);
  },
  start: () => {
    const seen = pressState('start');
    send({ command: can(seen, 'resume') ? 'resume' : 'start' }, seen);
  },
  // A switch acts on what was seen: pressed twice at once, the second is refused, not undone.
  blackout: () => {
    const seen = pressState('blackout');
    send({ command: 'blackout', on: !seen?.blackout }, seen);
  },
  banner: () => {
    const seen = pressState('banner');
    send({ command: 'banner', on: !bannerShown(seen) }, seen);
  },
  undo: () => send({ command: 'undo' }),
  redo: () => send({ command: 'redo' }),
  'send-message': () => sendMessage(n.messageText.value),
  'clear-message': () => send({ command: 'clear_message', target: 'all' }),
  flash: () => send({ command: 'flash', target: messageTarget() }),
  preset: ({ dataset }) => send({ command: 'message', text: dataset.text, target: dataset.target, colour: dataset.colour }),
  jump: (button) => askGoto(button.dataset.itemId),
  'test-automation': async (button) => {
    const answer = await fetch(`/api/automations/${button.dataset.index}/test`, { method: 'POST', headers: SPOKEN }).then((r) => r.json()).catch(() => null);
    if (!answer?.ok) refuse(answer?.error || NO_ANSWER);
  },
  'prompter-scroll': (button) => prompterScroll(Number(button.dataset.step)),
  'screen-options': (button) => screenOptions.open(button.dataset.screenId, button.dataset.screenName),
  identify: (button) => live.socket.timeout(5000).emit(REQUEST.identify, { id: button.dataset.screenId }, (error, ack) => {
    if (error || !ack?.ok) refuse(ack?.error || NO_ANSWER);
  }),
};

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-command], button[data-action]');
  if (!button || button.disabled) return;
  if (event.detail > 1) return; // the second click of a double-click is not a second command
  if (event.detail > 0) button.blur(); // a mouse click must not leave focus for Space to re-press
  if (button.dataset.action) {
    actions[button.dataset.action]?.(button);
    return;
  }
  const payload = { command: button.dataset.command };
  if (button.dataset.seconds) payload.seconds = Number(button.dataset.seconds);
  send(payload);
});

// The console's language: the same console again in the one chosen (lang-memory.js
// remembers it for this page in this browser, so a reload without ?lang keeps it).
byId('lang-switch').addEventListener('change', (event) => {
  const url = new URL(location.href);
  url.searchParams.set('lang', event.target.value);
  location.assign(url);
});

// ---------- Jump confirmation ----------

function askGoto(itemId) {
  const item = items.get(itemId);
  if (!item) return;
  pendingGoto = { itemId, from: live.state?.current?.id ?? null }; // the jump is from what was on then
  setText(n.dialogText, `${item.index + 1}. ${localized(item, 'title')}`);
  n.dialog.showModal();
  n.confirmNo.focus();
}

function closeDialog() {
  pendingGoto = null;
  if (n.dialog.open) n.dialog.close();
}

n.confirmYes.addEventListener('click', () => {
  const jump = pendingGoto;
  closeDialog();
  if (jump) send({ command: 'goto', item_id: jump.itemId, from: jump.from });
});
n.confirmNo.addEventListener('click', closeDialog);
n.dialog.addEventListener('close', () => { pendingGoto = null; });
n.dialog.addEventListener('click', (event) => {
  if (event.target === n.dialog) closeDialog(); // a click on the backdrop
});

// ---------- Keyboard ----------

const KEYS = {
  ' ': () => actions.toggle(),
  ArrowRight: () => send({ command: 'next' }),
  PageDown: () => send({ command: 'next' }),
  ArrowLeft: () => send({ command: 'previous' }),
  PageUp: () => send({ command: 'previous' }),
  b: () => actions.blackout(),
  B: () => actions.blackout(),
  '+': () => send({ command: 'adjust', seconds: 60 }),
  '=': () => send({ command: 'adjust', seconds: 60 }),
  '-': () => send({ command: 'adjust', seconds: -60 }),
};

/** Ctrl+Z undo; Ctrl+Shift+Z or Ctrl+Y redo (⌘ on a Mac). */
function historyKey(event) {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === 'z') return event.shiftKey ? actions.redo : actions.undo;
  if (key === 'y' && !event.shiftKey) return actions.redo;
  return null;
}

const TYPING = 'textarea, select, [contenteditable="true"], input:not([type="radio"]):not([type="checkbox"])';

document.addEventListener('keydown', (event) => {
  if (n.dialog.open) {
    if (event.key === 'Escape') {
      event.preventDefault();
      closeDialog();
    }
    return;
  }
  // Only where one types: a radio button keeps the focus after a click, and the
  // presenter clicker must still work then. (Ctrl+Z in the message box undoes typing.)
  if (event.target.closest?.(TYPING)) return;
  const history = historyKey(event);
  if (history) {
    event.preventDefault();
    if (!event.repeat) history();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const handler = KEYS[event.key];
  if (!handler) {
    if (event.key === 'Escape') show(n.refusal, false);
    return;
  }
  event.preventDefault();
  if (event.repeat) return; // holding a key must not fire a burst of commands
  if (!live.socket.connected) {
    refuse(NOT_SENT);
    return;
  }
  handler();
});

// ---------- Rendering ----------

function renderProgramme(programme) {
  items = itemsById(programme);
  formatClock = clockFormatter(programme.event?.timezone);
  formatWallClock = wallClockFormatter(programme.event?.timezone);
  rows = new Map();
  n.rows.replaceChildren(...programme.items.map((item) => {
    const cells = {
      actual: el('span', { className: 'ct-actual', text: '—' }),
      status: el('td', { className: 'col-status ct-status', text: '—' }),
      diff: el('span', { className: 'ct-diff' }),
      jump: el('button', {
        className: 'btn btn-jump',
        text: t('Chuyển đến'),
        data: { action: 'jump', itemId: item.id },
        attrs: { type: 'button', 'aria-label': t('Chuyển đến: %(title)s', { title: localized(item, 'title') }) },
      }),
    };
    const length = plannedLength(item) || (item.mode === 'countup' ? t('đếm lên') : '');
    const row = el('tr', { data: { itemId: item.id, status: 'upcoming' } },
      el('td', { className: 'col-n', text: String(item.index + 1) }),
      el('td', { className: 'col-time' },
        el('span', { className: 'ct-planned-start', text: formatClock(item.planned_start_ms) }),
        length ? el('span', { className: 'col-len', text: length }) : null),
      el('td', { className: 'col-time' }, cells.actual, cells.diff),
      el('td', { className: 'ct-content' },
        el('span', { className: 'ct-row-title', text: localized(item, 'title') }),
        item.presenter_line ? el('span', { className: 'ct-row-presenter', text: presenterLine(item) }) : null),
      cells.status,
      el('td', { className: 'col-act' }, cells.jump));
    rows.set(item.id, { row, ...cells });
    return row;
  }));
  if (live.state) renderState(live.state);
  document.dispatchEvent(new CustomEvent('runshow:programme', { detail: programme }));
}

let listedNowId = null;

function renderRows(state) {
  const schedule = scheduleById(state);
  const nowId = state.current?.id ?? null;
  if (nowId !== listedNowId && rows.has(nowId)) {
    listedNowId = nowId;
    rows.get(nowId).row.scrollIntoView({ block: 'center' });
  }
  for (const [id, cells] of rows) {
    const entry = schedule.get(id);
    const status = entry?.status || 'upcoming';
    setData(cells.row, 'status', status);
    setText(cells.status, statusWord(status) || '—');
    setText(cells.actual, entry?.actual_start_ms ? formatClock(entry.actual_start_ms) : '—');
    if (status !== 'now') {
      setText(cells.diff, entry?.over_under_ms != null ? signedShort(entry.over_under_ms) : '');
      setData(cells.diff, 'sign', Math.sign(entry?.over_under_ms || 0));
    }
    cells.jump.disabled = !live.socket.connected || status === 'now' || !can(state, 'goto');
  }
}

/** Buttons that send one command, enabled exactly when the server lists it in `available`. */
const COMMAND_BUTTONS = {
  'btn-previous': 'previous',
  'btn-next': 'next',
  'btn-pause': 'pause',
  'btn-reset': 'reset',
  'btn-adjust-m60': 'adjust',
  'btn-adjust-m10': 'adjust',
  'btn-adjust-p10': 'adjust',
  'btn-adjust-p60': 'adjust',
  'btn-banner': 'banner',
  'btn-clear-message': 'clear_message',
  'btn-undo': 'undo',
  'btn-redo': 'redo',
};

function renderHistory(button, verb, label) {
  const text = label ? t('%(verb)s: %(change)s', { verb, change: label }) : verb;
  setText(button, text);
  button.title = text;
}

function renderButtons(state) {
  const connected = live.socket.connected;
  for (const button of document.querySelectorAll('.ct-live button')) button.disabled = !connected;
  const command = toggleCommand(state);
  setText(n.toggle, TOGGLE_WORDS[command] || TOGGLE_WORDS.start);
  setData(n.toggle, 'command', command || 'none');
  setText(n.start, can(state, 'resume') ? TOGGLE_WORDS.resume : TOGGLE_WORDS.start);
  if (connected && state) {
    n.toggle.disabled = !command;
    n.start.disabled = !can(state, 'start') && !can(state, 'resume');
    for (const [id, name] of Object.entries(COMMAND_BUTTONS)) byId(id).disabled = !can(state, name);
  }
  renderHistory(n.undo, t('↶ Hoàn tác'), state?.undo);
  renderHistory(n.redo, t('↷ Làm lại'), state?.redo);
  const blackout = Boolean(state?.blackout);
  n.blackout.setAttribute('aria-pressed', String(blackout));
  setText(n.blackout, blackout ? t('Tắt màn hình đen') : t('Màn hình đen'));
  const banner = bannerShown(state);
  n.banner.setAttribute('aria-pressed', String(banner));
  setText(n.banner, banner ? t('Tắt băng rôn') : t('Băng rôn'));
}

function renderState(state) {
  setData(body, 'blackout', Boolean(state.blackout));
  show(n.blackoutAlert, Boolean(state.blackout));
  // The banner is an overlay on the stage: the console keeps showing the item under it.
  show(n.bannerAlert, bannerShown(state));
  const current = state.current;
  setText(n.nowTitle, current ? titleOf(current) : t('Băng rôn Hội nghị'));
  setText(n.nowPresenter, current ? presenterLine(items.get(current.id) || current) : '');
  setText(n.timerStatus, timerStatusLabel(current ? state : null));
  setData(n.timerStatus, 'status', current && state.timer ? state.timer.status : 'none');
  timer.set(current ? state.timer : null);
  setText(n.nextTitle, state.next ? titleOf(state.next) : t('— Hết chương trình —'));
  setText(n.nextPresenter, state.next ? presenterLine(items.get(state.next.id) || state.next) : '');
  setText(n.nowNotes, (current && items.get(current.id)?.tech_notes) || '—');
  setText(n.nextNotes, (state.next && items.get(state.next.id)?.tech_notes) || '—');
  for (const [node, text] of [
    [n.speakerMessage, state.message?.speaker],
    [n.stageMessage, state.message?.stage],
    [n.mcMessage, state.message?.mc],
  ]) {
    setText(node, text || '—');
    setData(node, 'empty', !text);
    node.title = text || ''; // whole text on hover: one line shown
  }
  renderRows(state);
  renderButtons(state);
  document.dispatchEvent(new CustomEvent('runshow:state', { detail: state }));
}

function renderPresence(counts) {
  const c = (role) => counts?.[role] ?? 0;
  setText(n.presence, t('Sân khấu %(stage)s · Diễn giả %(speaker)s · MC %(mc)s · Khán giả %(programme)s · Điều khiển %(control)s', {
    stage: c(ROLE.stage), speaker: c(ROLE.speaker), mc: c(ROLE.mc), programme: c(ROLE.programme), control: c(ROLE.control),
  }));
  setData(n.presence, 'stageMissing', c(ROLE.stage) === 0);
}

/** OSC in's counts: what was taken, refused, dropped (from outside --osc-allow). */
function renderOsc(counts) {
  const row = byId('osc-row');
  const status = byId('osc-status');
  row.hidden = false;
  const parts = [t('Nhận %(count)s', { count: counts.received })];
  if (counts.refused) parts.push(t('Từ chối %(count)s', { count: counts.refused }));
  if (counts.dropped) parts.push(t('Bỏ qua %(count)s', { count: counts.dropped }));
  setText(status, parts.join(' · '));
  setData(status, 'dropped', counts.dropped > 0);
  const from = counts.last_dropped_from
    ? t('Gói bị bỏ qua gần nhất từ %(address)s (không có trong --osc-allow).', { address: counts.last_dropped_from })
    : '';
  const refused = counts.last_refusal ? t('Lệnh bị từ chối gần nhất: %(refusal)s', { refusal: counts.last_refusal }) : '';
  status.title = [from, refused].filter(Boolean).join(' ');
}

/** Each automation's last run (time, result, latency) and a button to test it. */
function renderAutomations(rules) {
  byId('automations-row').hidden = false;
  const failing = rules.filter((rule) => rule.last_ok === false).length;
  const summary = byId('automations-summary');
  const ruleCount = tn('%(num)s quy tắc', '%(num)s quy tắc', rules.length);
  setText(summary, failing ? t('%(rules)s · %(failing)s lỗi', { rules: ruleCount, failing }) : ruleCount);
  setData(summary, 'failing', failing > 0);
  const lastRun = (rule) => {
    if (rule.last_at_ms == null) return t('Chưa chạy');
    const run = { at: formatClock(rule.last_at_ms), result: rule.last_result, latency: rule.last_latency_ms };
    const parts = [rule.last_ok
      ? t('%(at)s · được: %(result)s · %(latency)s ms', run)
      : t('%(at)s · lỗi: %(result)s · %(latency)s ms', run)];
    if (rule.resting_until_ms) parts.push(t('tạm nghỉ đến %(time)s', { time: formatClock(rule.resting_until_ms) }));
    if (rule.skipped) parts.push(tn('bỏ qua %(num)s lần', 'bỏ qua %(num)s lần', rule.skipped));
    return parts.join(' · ');
  };
  byId('automations-list').replaceChildren(...rules.map((rule) => el('li', { data: { failing: String(rule.last_ok === false) } },
    el('div', {},
      el('span', { className: 'ct-screen-name', text: rule.label, attrs: { title: rule.label } }),
      el('small', { className: 'ct-automation-run', text: lastRun(rule) })),
    el('button', { className: 'btn btn-identify', text: t('Thử'), attrs: { type: 'button', title: t('Gửi ngay quy tắc này với trạng thái hiện tại') }, data: { action: 'test-automation', index: String(rule.index) } }))));
}

/** The screens connected now, by role and name, each with an "identify" button. */
function renderScreens(screens) {
  const items = (screens || []).map((screen) => el('li', { data: { screenId: screen.id, role: screen.role } },
    el('span', { className: 'ct-screen-role', text: roleName(screen.role) },
      screen.worker && el('small', { className: 'ct-screen-worker', text: t('máy phụ %(worker)s', { worker: screen.worker }) })),
    el('span', { className: 'ct-screen-name', text: screen.name || t('(chưa đặt tên)') }),
    el('button', {
      className: 'btn btn-identify',
      text: t('Nhận diện'),
      attrs: { type: 'button', 'aria-label': t('Nhận diện: %(screen)s', { screen: screen.name || roleName(screen.role) }) },
      data: { action: 'identify', screenId: screen.id },
    }),
    el('button', {
      className: 'btn btn-identify',
      text: t('Hiển thị'),
      attrs: { type: 'button', 'aria-label': t('Tùy chọn hiển thị: %(screen)s', { screen: screen.name || roleName(screen.role) }) },
      data: { action: 'screen-options', screenId: screen.id, screenName: screen.name || roleName(screen.role) },
    })));
  n.screensList.replaceChildren(...(items.length ? items : [el('li', { text: t('Chưa có màn hình nào.') })]));
}

/** How the server sends to the screens (/api/health): a warning also marks the screens' count. */
async function renderHealth() {
  try {
    const health = await (await fetch('/api/health', { cache: 'no-store', headers: SPOKEN })).json();
    const node = byId('fanout-status');
    setText(node, t('%(fanout)s Runshow %(version)s.', { fanout: health.fanout_text, version: health.version }));
    setData(node, 'warning', Boolean(health.fanout_warning));
    setData(n.presence, 'fanoutWarning', Boolean(health.fanout_warning));
    n.presence.title = health.fanout_warning || '';
  } catch {
    // the connection's own status says the server is unreachable
  }
}
setInterval(renderHealth, 30_000);

// A screen coming or going asks again, but at most once every few seconds: a hall of
// phones reconnecting at once must not bring a request per phone from every console.
const HEALTH_AFTER_SCREENS_MS = 5_000;
let healthAskedAt = -Infinity;
let healthPending = null;
function renderHealthSoon() {
  if (healthPending !== null) return;
  const wait = Math.max(0, healthAskedAt + HEALTH_AFTER_SCREENS_MS - performance.now());
  healthPending = setTimeout(() => {
    healthPending = null;
    healthAskedAt = performance.now();
    renderHealth();
  }, wait);
}

function renderConnection(text, status) {
  setText(n.connection, text);
  setData(n.connection, 'status', status);
  renderButtons(live.state);
  if (live.state) renderRows(live.state);
}

/** The server's latest schedule figures: from a state, or the console-only `schedule` event. */
let figures = null;
function takeFigures(candidate) {
  if (candidate && (!figures || candidate.server_time_ms >= figures.server_time_ms)) figures = candidate;
}

/** "«Tham quan» (cố định 14:00) sẽ bắt đầu muộn 7 phút: rút 7 phút ở «A», «B»". */
function fixedStartText(warning) {
  const item = items.get(warning.item_id);
  const titled = (id) => (items.get(id) ? localized(items.get(id), 'title') : id);
  const name = t('«%(title)s» (cố định %(time)s)', { title: titled(warning.item_id), time: formatClock(warning.fixed_start_ms) });
  const minutes = (ms) => durationWords(Math.round(ms / 60_000) * 60_000);
  if (warning.late_ms) {
    const where = warning.cut_from.map((id) => t('«%(title)s»', { title: titled(id) })).join(', ');
    const late = { name, late: minutes(warning.late_ms), where };
    return where
      ? t('%(name)s sẽ bắt đầu muộn %(late)s: cần rút %(late)s ở %(where)s.', late)
      : t('%(name)s sẽ bắt đầu muộn %(late)s: cần rút %(late)s.', late);
  }
  return t('%(name)s: chương trình đến sớm %(early)s so với kế hoạch — có %(early)s trống trước giờ cố định.', {
    name, early: minutes(warning.early_ms),
  });
}

/**
 * Late or early (the server's figures), and the current row's overrun; again when a
 * second shown flips, or the minute (the day changes on one).
 */
function drawSchedule() {
  const state = live.state;
  if (!state?.schedule) return Infinity;
  const now = live.clock.now();
  takeFigures({ ...state.schedule, server_time_ms: state.server_time_ms });
  // Another day's programme (not a rehearsal): said in words, not as "Chậm 1215 ngày".
  const otherDay = otherDayText(live.programme, now);
  setText(n.dayNoticeText, otherDay);
  show(n.dayNotice, Boolean(otherDay));
  const { text, kind } = otherDay ? { text: t('Khác ngày'), kind: 'other-day' } : offsetWords(figures.offset_ms);
  setText(n.offset, text);
  setData(n.offset, 'offset', kind);
  // Both clock times as the server rounded them (to the minute, as the offset is).
  setText(n.projectedEnd, formatClock(figures.projected_end_ms));
  setText(n.plannedEnd, figures.planned_end_ms ? t('(kế hoạch %(time)s)', { time: formatClock(figures.planned_end_ms) }) : '');
  const fixedText = (figures.fixed_starts || []).map(fixedStartText).join(' ');
  setText(n.fixedNotice, fixedText);
  n.fixedNotice.title = fixedText;
  setData(n.fixedNotice, 'late', (figures.fixed_starts || []).some((w) => w.late_ms > 0));
  show(n.fixedNotice, Boolean(fixedText));

  let next = nextFlip(now, 0, 60_000);
  const waiting = beforeShow(state);
  show(n.preshow, waiting);
  if (waiting) {
    next = Math.min(next, preShowChange(now, live.programme?.start_ms));
    setText(n.wallClock, formatWallClock(now));
    setText(n.openingIn, otherDay ? '' : openingText(live.programme?.start_ms, now));
  }

  const nowRow = state.current && rows.get(state.current.id);
  if (nowRow && state.timer && state.timer.mode === 'countdown') {
    const remaining = remainingMs(state.timer, now);
    setText(nowRow.diff, remaining < 0 ? signedShort(-remaining) : '');
    setData(nowRow.diff, 'sign', remaining < 0 ? 1 : 0);
    if (state.timer.running) next = Math.min(next, nextFlip(now, state.timer.deadline_ms));
  }
  return next;
}

/**
 * The server refused this console (not logged in, or the key changed): the protocol says
 * {"message": "unauthorized"}; a refusal without arguments arrives as "Connection refused/rejected
 * by server". Transport errors carry a `type` and are retried instead.
 */
function isRefusal(error) {
  if (!error || error.type) return false;
  return error.message === 'unauthorized' || /^Connection (refused|rejected) by server$/.test(error.message);
}

const live = connect(NAMESPACE.control, ROLE.control, {
  programme: renderProgramme,
  state: renderState,
  presence: renderPresence,
  osc: renderOsc,
  automations: renderAutomations,
  screens: (screens) => {
    renderScreens(screens);
    renderHealthSoon();
  },
  schedule: takeFigures,
  phase: (event) => bell.ring(event),
  connect: () => {
    renderConnection(t('Đã kết nối'), 'connected');
    renderHealthSoon();
  },
  disconnect: () => renderConnection(lostConnectionText(), 'disconnected'),
  connectError: (error) => {
    if (isRefusal(error)) {
      location.assign(body.dataset.loginUrl);
      return;
    }
    renderConnection(lostConnectionText(), 'disconnected');
  },
});
const screenOptions = screenOptionsPanel(live.socket, refuse);
const prompterScroll = scrollStepper(live);
const chimeToggle = byId('chime-toggle');
const bell = chime(() => chimeToggle.checked);
const timer = new TimerDisplay(n.timer, live.clock, { onPhase: (phase) => setData(body, 'phase', phase) });
onTick(live.clock, drawSchedule);
debugCorner(live.clock);
renderButtons(live.state);

// The programme editor (editor.js) sends its commands on this console's connection.
export { live, refuse };
