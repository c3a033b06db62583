// The producer's overview: one tile per room, drawn from the `overview` tiles the
// server sends (every few seconds and after every command), the timers counted down
// on the server's clock in between; commands to one room or every room at once.
/* global io */
import { ServerClock } from './clock.js';
import { byId, el, readJson, setText } from './dom.js';
import { EVENT, NAMESPACE, REQUEST } from './protocol.js';
import { offsetWords, TIMER_STATUS_LABELS } from './labels.js';
import { phase, remainingMs, timerText } from './timer.js';
import { ROLE_NAMES } from './words.js';
import { LANG, localized, t, tn } from './i18n.js';

const STATUS_WORDS = { ...TIMER_STATUS_LABELS, ready: t('Chưa bắt đầu') };
const TARGET_WORDS = { stage: t('Sân khấu'), speaker: t('Diễn giả'), mc: t('MC') };
const COUNTED = ['stage', 'speaker', 'mc', 'control', 'programme'];

const body = document.body;
const socket = io(NAMESPACE.control, {
  query: { overview: 1, lang: LANG },
  transports: ['websocket', 'polling'],
  reconnectionDelay: 250,
  reconnectionDelayMax: 1000,
  randomizationFactor: 0.5,
});
const clock = new ServerClock(socket);
let tiles = readJson('tiles-data') || [];

function line(className, text) {
  return el('p', { className, text: text || '—' });
}

function tileNode(tile) {
  const messages = Object.entries(tile.message || {}).map(([target, text]) =>
    el('li', { text: `${TARGET_WORDS[target] || target}: ${text}` }));
  const screens = COUNTED.filter((role) => tile.screens?.[role])
    .map((role) => `${ROLE_NAMES[role]} ${tile.screens[role]}`).join(' · ');
  const flags = [
    tile.blackout ? el('span', { className: 'ov-flag ov-flag-blackout', text: t('MÀN HÌNH ĐEN') }) : null,
    tile.banner ? el('span', { className: 'ov-flag', text: t('Băng rôn') }) : null,
  ].filter(Boolean);
  const offset = offsetWords(tile.offset_ms);
  const ends = t('kết thúc ≈ %(time)s', { time: tile.projected_end });
  const timer = el('p', { className: 'ov-timer timer', attrs: { 'data-room': tile.id } });
  const node = el('article', { className: 'ov-tile', attrs: { 'data-room': tile.id, 'data-revision': String(tile.revision) } },
    el('header', { className: 'ov-tile-head' },
      el('a', { className: 'ov-tile-title', text: localized(tile, 'title'), attrs: { href: `/r/${tile.id}/control`, target: '_blank', rel: 'noopener' } }),
      el('code', { className: 'ov-id', text: tile.id }),
      ...flags),
    line('ov-now', tile.current ? localized(tile, 'current') : t('Chưa bắt đầu / băng rôn')),
    line('ov-presenter', localized(tile, 'presenter')),
    el('div', { className: 'ov-clockline' },
      timer,
      el('p', { className: 'ov-status', text: tile.timer ? STATUS_WORDS[tile.timer.status] || '' : '' })),
    el('p', { className: 'ov-figures' },
      el('span', { className: `ov-offset ov-offset-${offset.kind}`, text: offset.text }),
      el('span', { text: ` · ${ends}` })),
    line('ov-next', t('Tiếp theo: %(title)s', { title: localized(tile, 'next') || '—' })),
    el('p', { className: 'ov-screens', text: screens || t('Chưa có màn hình nào') }),
    messages.length ? el('ul', { className: 'ov-messages' }, ...messages) : el('p', { className: 'ov-messages ov-empty', text: t('Không có tin nhắn') }));
  node._tile = tile;
  return node;
}

function render() {
  byId('ov-tiles').replaceChildren(...tiles.map(tileNode));
  body.dataset.tiles = String(tiles.length);
  drawTimers();
}

function drawTimers() {
  const now = clock.now();
  for (const node of byId('ov-tiles').children) {
    const { timer } = node._tile;
    const shown = node.querySelector('.ov-timer');
    if (!timer) {
      setText(shown, '—');
      shown.dataset.phase = 'none';
      continue;
    }
    const left = remainingMs(timer, now);
    setText(shown, timerText(timer, left));
    shown.dataset.phase = phase(timer, left);
  }
  setText(byId('ov-clock'), new Date(now).toLocaleTimeString(LANG, { hourCycle: 'h23' }));
}

/** Each room's refusal, after its id: "phong-b: …; hoi-truong-a: …". */
function refusals(failed) {
  return failed.map(([id, answer]) => `${id}: ${answer.error}`).join('; ');
}

function send(command) {
  const room = byId('ov-room').value;
  const rooms = room === 'all' ? 'all' : [room];
  socket.emit(REQUEST.rooms_command, { rooms, command }, (answer) => {
    const failed = Object.entries(answer?.rooms || {}).filter(([, a]) => !a.ok);
    const sent = Object.keys(answer?.rooms || {}).length;
    const text = answer?.ok ? tn('Đã gửi tới %(num)s phòng.', 'Đã gửi tới %(num)s phòng.', sent)
      : (answer?.error || refusals(failed));
    setText(byId('ov-answer'), text);
    byId('ov-answer').dataset.ok = String(Boolean(answer?.ok));
  });
}

byId('ov-send').addEventListener('click', () => {
  const text = byId('ov-message').value.trim();
  if (!text) return;
  send({ command: 'message', text, target: byId('ov-target').value });
});
byId('ov-clear').addEventListener('click', () => send({ command: 'clear_message', target: byId('ov-target').value }));
for (const [id, command] of [['ov-blackout-all', 'blackout'], ['ov-blackout-off', 'blackout'], ['ov-banner-all', 'banner'], ['ov-banner-off', 'banner']]) {
  const button = byId(id);
  // Every room at once (e.g. the fire alarm), whatever room is chosen above.
  button.addEventListener('click', () => {
    socket.emit(REQUEST.rooms_command, { rooms: 'all', command: { command, on: button.dataset.on === 'true' } }, (answer) => {
      // A room already so (already dark, say) refuses as not possible: that is no failure here.
      const answers = Object.entries(answer?.rooms || {});
      const already = answers.filter(([, a]) => !a.ok && a.code === 'not_possible').length;
      const failed = answers.filter(([, a]) => !a.ok && a.code !== 'not_possible');
      let text = answer?.error || (already
        ? tn('Đã áp dụng cho mọi phòng (%(num)s phòng đã như vậy).', 'Đã áp dụng cho mọi phòng (%(num)s phòng đã như vậy).', already)
        : t('Đã áp dụng cho mọi phòng.'));
      if (failed.length) text = refusals(failed);
      setText(byId('ov-answer'), text);
      byId('ov-answer').dataset.ok = String(Boolean(answers.length) && !failed.length);
    });
  });
}

socket.on(EVENT.overview, (fresh) => {
  tiles = fresh;
  clock.seed(tiles[0]?.server_time_ms);
  render();
});
socket.on('connect', () => { body.dataset.connected = 'true'; });
socket.on('disconnect', () => { body.dataset.connected = 'false'; });
socket.on('connect_error', () => { body.dataset.connected = 'false'; });
clock.seed(tiles[0]?.server_time_ms); // the page's own time until the first sample
render();
setInterval(drawTimers, 250);
