// The studio clock (/clock) for the control room and backstage: the time of day from the
// server's clock, huge; the item on and its countdown; an ON AIR light («ĐANG DIỄN RA»)
// lit while its clock runs.
import { byId, keepAwake, setData, setText } from './dom.js';
import { connect, debugCorner } from './live.js';
import { followFixedStart } from './fixed-start.js';
import { wallClockFormatter } from './preshow.js';
import { TimerDisplay, renderDigits } from './timer.js';
import { nextFlip, onTick } from './ticker.js';
import { NAMESPACE, ROLE } from './protocol.js';
import { t } from './i18n.js';
import { itemTitle, programmeItem } from './labels.js';

const body = document.body;
const n = {
  light: byId('clock-light'),
  time: byId('clock-time'),
  title: byId('clock-title'),
  timer: byId('clock-timer'),
  next: byId('clock-next'),
};
const LIGHT_WORDS = { running: t('ĐANG DIỄN RA'), paused: t('TẠM DỪNG'), ready: t('SẴN SÀNG'), none: t('CHỜ') };
let formatWallClock = wallClockFormatter('Asia/Ho_Chi_Minh');

function renderState(state) {
  const status = state.current && state.timer ? state.timer.status : 'none';
  setData(body, 'onAir', status === 'running');
  setData(body, 'status', status);
  setText(n.light, LIGHT_WORDS[status]);
  const programme = live.programme;
  setText(n.title, state.current ? itemTitle(programmeItem(programme, state.current)) : t('Băng rôn hội nghị'));
  setText(n.next, state.next ? itemTitle(programmeItem(programme, state.next)) : t('— Hết chương trình —'));
  timer.set(state.current ? state.timer : null);
}

const live = connect(NAMESPACE.live, ROLE.clock, {
  programme: (programme) => {
    formatWallClock = wallClockFormatter(programme.event?.timezone);
  },
  state: (state) => renderState(state),
});
const timer = new TimerDisplay(n.timer, live.clock, {
  onPhase: (phase) => setData(body, 'phase', phase),
});
// Each digit in its fixed box (timer.js): the time of day never jitters as it ticks.
let shownTime = '';
onTick(live.clock, () => {
  const now = live.clock.now();
  const text = formatWallClock(now);
  if (text !== shownTime) renderDigits(n.time, (shownTime = text));
  return nextFlip(now, 0); // the epoch's whole seconds: every zone's too
});
followFixedStart(byId('clock-next-fixed'), live);
debugCorner(live.clock);
keepAwake();
