// The MC's tablet: what is on, the MC's script (and the delegates at the opening),
// what comes next, the timer, messages from the control desk, progress.
import { byId, clockFormatter, el, keepAwake, setData, setText, show } from './dom.js';
import { ITEM_STATUS_LABELS, delegateName, itemStatus, itemsById, timerStatusLabel } from './labels.js';
import { connect, debugCorner } from './live.js';
import { TimerDisplay } from './timer.js';

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
};

let programme = null;
let items = new Map();
let rows = new Map();
let shownMainId = null;
let listedNowId = null;
let formatClock = clockFormatter('Asia/Ho_Chi_Minh');

function renderDelegates(delegates) {
  const groups = [];
  for (const delegate of delegates || []) {
    const last = groups[groups.length - 1];
    if (last && last.name === delegate.group) last.members.push(delegate);
    else groups.push({ name: delegate.group, members: [delegate] });
  }
  n.delegatesList.replaceChildren(...groups.map((group) => el('div', { className: 'mc-delegate-group' },
    group.name ? el('h3', { text: group.name }) : null,
    el('ol', {}, ...group.members.map((d) => {
      const name = delegateName(d);
      return el('li', {}, name ? el('strong', { text: `${name}, ` }) : null, d.title || '');
    })))));
}

function renderProgramme(next) {
  programme = next;
  items = itemsById(programme);
  formatClock = clockFormatter(programme.event?.timezone);
  renderDelegates(programme.delegates);
  rows = new Map();
  n.list.replaceChildren(...programme.items.map((item) => {
    const row = el('li', { data: { itemId: item.id, status: 'upcoming' } },
      el('span', { className: 'mc-list-time', text: formatClock(item.planned_start_ms) }),
      el('span', { className: 'mc-list-title', text: item.title }),
      el('span', { className: 'mc-list-status' }));
    rows.set(item.id, row);
    return row;
  }));
  shownMainId = null;
}

function renderMain(item, label) {
  setText(n.nowLabel, label);
  setText(n.nowTitle, item ? item.title : 'Chương trình đã kết thúc');
  setText(n.nowPresenter, item ? item.presenter_line : '');
  const full = item ? items.get(item.id) : null;
  setText(n.nowScript, full?.mc_script || '');
  show(n.delegates, item?.kind === 'opening' && Boolean(programme?.delegates?.length));
  if (shownMainId !== (item?.id ?? null)) {
    shownMainId = item?.id ?? null;
    n.scriptBox.scrollTop = 0; // a new item: its script from the top
  }
}

function renderNext(item) {
  setText(n.nextTitle, item ? item.title : '— Hết chương trình —');
  setText(n.nextPresenter, item ? item.presenter_line : '');
  const full = item ? items.get(item.id) : null;
  setText(n.nextScript, full?.mc_script || '');
  show(n.nextDetails, Boolean(full?.mc_script));
}

function renderProgress(state) {
  const total = programme?.items.length || 0;
  let finished = 0;
  for (const [id, row] of rows) {
    const status = itemStatus(state, items.get(id)?.index);
    if (row.dataset.status !== status) {
      row.dataset.status = status;
      setText(row.lastChild, ITEM_STATUS_LABELS[status]);
    }
    if (status === 'done') finished += 1;
  }
  const position = state.current ? state.current.index + 1 : null;
  setText(n.count, position ? `Mục ${position}/${total}` : `Đã xong ${finished}/${total} mục`);
  const fraction = total ? (position ? position - 0.5 : finished) / total : 0;
  n.progress.style.width = `${Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10}%`;
  const nowId = state.current?.id ?? null;
  if (nowId !== listedNowId) {
    listedNowId = nowId;
    rows.get(nowId)?.scrollIntoView({ block: 'nearest' });
  }
}

function renderState(state) {
  // The banner is an overlay on the stage: the MC keeps following the item under it.
  const onItem = Boolean(state.current);
  setData(body, 'view', onItem ? 'item' : 'banner');
  show(n.bannerOn, onItem && Boolean(state.banner));
  const mcMessage = state.message?.mc || '';
  setText(n.message, mcMessage);
  show(n.messageBox, Boolean(mcMessage));
  show(n.blackout, Boolean(state.blackout));
  const stageMessage = state.message?.stage || '';
  setText(n.stageMessage, stageMessage);
  show(n.stageMessageBox, Boolean(stageMessage));

  timer.set(onItem ? state.timer : null);
  setText(n.timerStatus, timerStatusLabel(onItem ? state : null));

  if (onItem) {
    renderMain(state.current, 'Đang diễn ra');
    renderNext(state.next);
  } else {
    // Between items the MC prepares the next introduction: show it in full.
    renderMain(state.next, state.next ? 'Chuẩn bị · Băng rôn đang chiếu' : 'Băng rôn đang chiếu');
    const after = state.next ? programme?.items[state.next.index + 1] : null;
    renderNext(after || null);
  }
  renderProgress(state);
}

const live = connect('/live', 'mc', { programme: renderProgramme, state: renderState });
const timer = new TimerDisplay(n.timer, live.clock, { onPhase: (phase) => setData(body, 'phase', phase) });
debugCorner(live.clock);
keepAwake(byId('mc-awake-hint'));
