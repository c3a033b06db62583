// The speaker's confidence monitor: who is on, a countdown that fills the screen,
// phases and overtime, the message to the speaker, what comes next. Always shows the
// timer (the audience screen shows it only where the agenda says so), under the banner
// too: the banner is for the audience, the item goes on. Only when no item is on
// (before the first, after the last) does this screen show the banner.
import { byId, fitText, keepAwake, keepFitted, setData, setText, show } from './dom.js';
import { chime } from './chime.js';
import { connect, debugCorner } from './live.js';
import { followFixedStart } from './fixed-start.js';
import { beforeShow, openingText, preShowChange, wallClockFormatter } from './preshow.js';
import { TimerDisplay } from './timer.js';
import { onTick } from './ticker.js';
import { itemTitle, messageSize, presenterLine, programmeItem } from './labels.js';
import { t } from './i18n.js';
import { NAMESPACE, ROLE } from './protocol.js';

const body = document.body;
const n = {
  name: byId('speaker-name'),
  title: byId('speaker-title'),
  state: byId('speaker-state'),
  timer: byId('speaker-timer'),
  waiting: byId('speaker-waiting'),
  wallClock: byId('speaker-wall-clock'),
  openingIn: byId('speaker-opening-in'),
  message: byId('speaker-message'),
  next: byId('speaker-next'),
  bannerNote: byId('speaker-banner-note'),
  chimeHint: byId('speaker-chime-hint'),
};

const PHASE_WORDS = { overtime: t('HẾT GIỜ'), ended: t('HẾT GIỜ') };
let formatWallClock = wallClockFormatter('Asia/Ho_Chi_Minh');

function itemLine(item) {
  if (!item) return t('— Hết chương trình —');
  const presenter = presenterLine(item);
  return presenter ? `${itemTitle(item)} · ${presenter}` : itemTitle(item);
}

function renderState(state) {
  const onItem = Boolean(state.current);
  setData(body, 'view', onItem ? 'item' : 'banner');
  setData(body, 'blackout', Boolean(state.blackout));
  // The audience sees the banner over this item (a blacked-out stage is said instead).
  show(n.bannerNote, onItem && Boolean(state.banner) && !state.blackout);
  const current = programmeItem(live.programme, state.current);
  const presenter = presenterLine(current);
  setText(n.name, onItem ? presenter || itemTitle(current) : t('Băng rôn hội nghị'));
  setText(n.title, onItem && presenter ? itemTitle(current) : '');
  timer.set(onItem ? state.timer : null);
  const paused = onItem && state.timer?.status === 'paused';
  setData(body, 'paused', paused);
  setText(n.next, itemLine(programmeItem(live.programme, state.next)));
  // The message to the speaker; else what the audience screen says, which the speaker sees too.
  const message = state.message?.speaker || state.message?.stage || '';
  setText(n.message, message);
  setData(n.message, 'size', messageSize(message));
  const colours = state.message_colours || {};
  setData(n.message, 'colour', (state.message?.speaker ? colours.speaker : colours.stage) ?? 'none');
  setData(body, 'hasMessage', Boolean(message));
  show(n.message, Boolean(message));
  fitMessage();
}

/** The longest message (280 characters) whole, however small the screen: 2.8% of its height at least. */
const fitMessage = () => fitText(n.message, 0.028 * window.innerHeight);

function drawLabels() {
  const state = live.state;
  const paused = body.dataset.paused === 'true';
  setText(n.state, paused ? t('TẠM DỪNG') : PHASE_WORDS[body.dataset.phase] || '');
  const waiting = beforeShow(state);
  show(n.waiting, waiting);
  if (waiting) {
    const now = live.clock.now();
    setText(n.wallClock, formatWallClock(now));
    setText(n.openingIn, openingText(live.programme?.start_ms, now));
    return preShowChange(now, live.programme?.start_ms);
  }
  return Infinity;
}

// Sound only when asked for in the address (/speaker?chime): a monitor at the
// speaker's feet usually stays silent. One tap on the screen unlocks it.
const wantsChime = new URLSearchParams(location.search).has('chime');
const bell = chime(() => wantsChime, { onLocked: (locked) => show(n.chimeHint, locked && wantsChime) });
if (wantsChime) show(n.chimeHint, true);

const live = connect(NAMESPACE.live, ROLE.speaker, {
  programme: (programme) => {
    formatWallClock = wallClockFormatter(programme.event?.timezone);
  },
  state: (state) => renderState(state),
  phase: (event) => {
    body.dataset.lastPhase = event.phase;
    bell.ring(event);
  },
});
const timer = new TimerDisplay(n.timer, live.clock, {
  onPhase: (phase) => setData(body, 'phase', phase),
});
onTick(live.clock, drawLabels);
keepFitted(fitMessage);
followFixedStart(byId('speaker-next-fixed'), live);
debugCorner(live.clock);
keepAwake();
