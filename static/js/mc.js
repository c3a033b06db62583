// The MC's tablet: what is on, the MC's script (and the delegates at the opening),
// what comes next, the timer, messages from the control desk, progress.
import { byId, clockFormatter, el, fitText, keepAwake, keepFitted, setData, setText, show } from './dom.js';
import { itemStatus, itemTitle, itemsById, presenterLine, programmeItem, statusWord, timerStatusLabel } from './labels.js';
import { localized, t } from './i18n.js';
import { connect, debugCorner } from './live.js';
import { followFixedStart } from './fixed-start.js';
import { shareScroll } from './script-scroll.js';
import { TimerDisplay } from './timer.js';
import { onTick } from './ticker.js';
import { chime } from './chime.js';
import { beforeShow, openingText, preShowChange, wallClockFormatter } from './preshow.js';
import { NAMESPACE, ROLE } from './protocol.js';

const body = document.body;
const n = {
  messageBox: byId('mc-message-box'),
  blackout: byId('mc-blackout'),
  bannerOn: byId('mc-banner-on'),
  message: byId('mc-message'),
  stageMessageBox: byId('mc-stage-message-box'),
  stageMessage: byId('mc-stage-message'),
  count: byId('mc-count'),
  progress: byId('mc-progress-fill'),
  timerStatus: byId('mc-timer-status'),
  timer: byId('mc-timer'),
  nowLabel: byId('mc-now-label'),
  nowTitle: byId('mc-now-title'),
  nowPresenter: byId('mc-now-presenter'),
  scriptBox: byId('mc-script-box'),
  nowScript: byId('mc-now-script'),
  delegates: byId('mc-delegates'),
  delegatesList: byId('mc-delegates-list'),
  nextTitle: byId('mc-next-title'),
  nextPresenter: byId('mc-next-presenter'),
  nextDetails: byId('mc-next-details'),
  nextScript: byId('mc-next-script'),
  list: byId('mc-list'),
  chimeToggle: byId('mc-chime-toggle'),
  chimeHint: byId('mc-chime-hint'),
  preshow: byId('mc-preshow'),
  wallClock: byId('mc-wall-clock'),
  openingIn: byId('mc-opening-in'),
};

let programme = null;
let items = new Map();
let rows = new Map();
let shownMainId = null;
let listedNowId = null;
let formatClock = clockFormatter('Asia/Ho_Chi_Minh');
let formatWallClock = wallClockFormatter('Asia/Ho_Chi_Minh');

/** The delegates present, as the MC reads them aloud: per delegation its opening words,
 *  then one line per delegate (built by the server: runshow/introduction.py), in the
 *  page's language where the paragraph's `translations` give it. */
function renderIntroduction(paragraphs) {
  n.delegatesList.replaceChildren(...(paragraphs || []).map((paragraph) => el('div', { className: 'mc-delegate-group' },
    el('p', { className: 'mc-intro-lead', text: localized(paragraph, 'lead') }),
    el('ul', {}, ...localized(paragraph, 'lines').map((line) => el('li', { text: line }))))));
}

function renderProgramme(next) {
  programme = next;
  items = itemsById(programme);
  setText(byId('mc-event'), localized(programme.event, 'title'));
  formatClock = clockFormatter(programme.event?.timezone);
  formatWallClock = wallClockFormatter(programme.event?.timezone);
  renderIntroduction(programme.introduction);
  rows = new Map();
  n.list.replaceChildren(...programme.items.map((item) => {
    const row = el('li', { data: { itemId: item.id, status: 'upcoming' } },
      el('span', { className: 'mc-list-time', text: formatClock(item.planned_start_ms) }),
      el('span', { className: 'mc-list-title', text: itemTitle(item) }),
      el('span', { className: 'mc-list-status' }));
    rows.set(item.id, row);
    return row;
  }));
  shownMainId = null;
}

function renderMain(shown, label) {
  const item = programmeItem(programme, shown);
  setText(n.nowLabel, label);
  setText(n.nowTitle, item ? itemTitle(item) : t('Chương trình đã kết thúc'));
  setText(n.nowPresenter, presenterLine(item));
  setText(n.nowScript, localized(item, 'mc_script'));
  show(n.delegates, item?.kind === 'opening' && Boolean(programme?.introduction?.length));
  if (shownMainId !== (item?.id ?? null)) {
    shownMainId = item?.id ?? null;
    n.scriptBox.scrollTop = 0; // a new item: its script from the top
  }
}

function renderNext(shown) {
  const item = programmeItem(programme, shown);
  setText(n.nextTitle, item ? itemTitle(item) : t('— Hết chương trình —'));
  setText(n.nextPresenter, presenterLine(item));
  const script = localized(item, 'mc_script');
  setText(n.nextScript, script);
  show(n.nextDetails, Boolean(script));
}

function renderProgress(state) {
  const total = programme?.items.length || 0;
  let finished = 0;
  for (const [id, row] of rows) {
    const status = itemStatus(state, items.get(id)?.index);
    if (row.dataset.status !== status) {
      row.dataset.status = status;
      setText(row.lastChild, statusWord(status));
    }
    if (status === 'done') finished += 1;
  }
  const position = state.current ? state.current.index + 1 : null;
  setText(n.count, position ? t('Mục %(position)s/%(total)s', { position, total })
    : t('Đã xong %(finished)s/%(total)s mục', { finished, total }));
  const fraction = total ? (position ? position - 0.5 : finished) / total : 0;
  n.progress.style.width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10}%`;
  const nowId = state.current?.id ?? null;
  if (nowId !== listedNowId) {
    listedNowId = nowId;
    rows.get(nowId)?.scrollIntoView({ block: 'nearest' });
  }
}

/** The message to the MC in the bar, smaller if need be; too long for it, below the bar. */
function fitMessage() {
  setData(n.messageBox, 'overflow', false);
  fitText(n.message, 16);
  if (n.message.scrollHeight > n.message.clientHeight) {
    n.message.style.fontSize = '';
    setData(n.messageBox, 'overflow', true);
  }
}

function renderState(state) {
  // The banner is an overlay on the stage: the MC keeps following the item under it.
  const onItem = Boolean(state.current);
  setData(body, 'view', onItem ? 'item' : 'banner');
  show(n.bannerOn, onItem && Boolean(state.banner));
  const mcMessage = state.message?.mc || '';
  setText(n.message, mcMessage);
  setData(n.messageBox, 'colour', state.message_colours?.mc ?? 'none');
  show(n.messageBox, Boolean(mcMessage));
  setData(body, 'hasMessage', Boolean(mcMessage)); // the progress leaves the bar: fit after
  fitMessage();
  show(n.blackout, Boolean(state.blackout));
  const stageMessage = state.message?.speaker || state.message?.stage || ''; // what the speaker reads
  setText(n.stageMessage, stageMessage);
  setData(n.stageMessageBox, 'empty', !stageMessage); // keeps its line: nothing moves

  timer.set(onItem ? state.timer : null);
  setText(n.timerStatus, timerStatusLabel(onItem ? state : null));

  if (onItem) {
    renderMain(state.current, t('Đang diễn ra'));
    renderNext(state.next);
  } else {
    // Between items the MC prepares the next introduction: show it in full.
    renderMain(state.next, state.next ? t('Chuẩn bị · Băng rôn đang chiếu') : t('Băng rôn đang chiếu'));
    const after = state.next ? programme?.items[state.next.index + 1] : null;
    renderNext(after || null);
  }
  renderProgress(state);
}

/** Before the first item: the wall clock and the time to the opening, as their seconds flip. */
function drawPreShow() {
  const waiting = beforeShow(live.state);
  show(n.preshow, waiting);
  if (!waiting) return;
  const now = live.clock.now();
  setText(n.wallClock, formatWallClock(now));
  setText(n.openingIn, openingText(programme?.start_ms, now));
  return preShowChange(now, programme?.start_ms);
}

// The chime is the MC's choice, kept on this tablet; ticking the box is the tap that
// lets the page make sound.
const CHIME_KEY = 'runshow.mc.chime';
n.chimeToggle.checked = localStorage.getItem(CHIME_KEY) === 'on';
n.chimeToggle.addEventListener('change', () => {
  localStorage.setItem(CHIME_KEY, n.chimeToggle.checked ? 'on' : 'off');
  show(n.chimeHint, false);
});
const bell = chime(() => n.chimeToggle.checked, {
  onLocked: (locked) => show(n.chimeHint, locked && n.chimeToggle.checked),
});
if (n.chimeToggle.checked) show(n.chimeHint, true); // remembered on: one tap to unlock sound

const live = connect(NAMESPACE.live, ROLE.mc, {
  programme: renderProgramme,
  state: renderState,
  phase: (event) => {
    body.dataset.lastPhase = event.phase;
    bell.ring(event);
  },
});
const timer = new TimerDisplay(n.timer, live.clock, { onPhase: (phase) => setData(body, 'phase', phase) });
onTick(live.clock, drawPreShow);
keepFitted(fitMessage);
followFixedStart(byId('mc-next-fixed'), live);
// With the MC link's token: the prompters follow where the MC reads.
if (new URLSearchParams(location.search).has('token')) shareScroll(n.scriptBox, live.socket, () => shownMainId);
debugCorner(live.clock);
keepAwake(byId('mc-awake-hint'));
