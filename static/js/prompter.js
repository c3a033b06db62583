// The prompter (/prompter?token=…): the MC's script of the item on, large, the next
// item's following on. It follows where the MC reads on the tablet (EVENT.prompter_scroll,
// also sent by the console), or scrolls by itself at ?speed= pixels a second (Space
// pauses, ↑ ↓ change the speed). ?size= (text height, % of the screen) and ?margin=
// (% of the width each side); ?mirror for the glass (docs/screens.md).
import { byId, keepAwake, setData, setText } from './dom.js';
import { itemTitle, programmeItem } from './labels.js';
import { localized, t } from './i18n.js';
import { connect, debugCorner } from './live.js';
import { EVENT, NAMESPACE, ROLE } from './protocol.js';

const n = {
  box: byId('prompter'),
  nowTitle: byId('prompter-now-title'),
  nowScript: byId('prompter-now-script'),
  now: byId('prompter-now'),
  nextTitle: byId('prompter-next-title'),
  nextScript: byId('prompter-next-script'),
};
const READING_LINE = 0.3; // where the eyes rest, as a share of the height

/** A number from the address within [low, high], else `fallback`. */
function option(name, low, high, fallback) {
  const raw = new URLSearchParams(location.search).get(name);
  const value = Number(raw);
  return raw !== null && raw !== '' && value >= low && value <= high ? value : fallback;
}
const root = document.documentElement;
root.style.setProperty('--prompter-size', `${option('size', 3, 25, 8)}vh`);
root.style.setProperty('--prompter-margin', `${option('margin', 0, 30, 8)}vw`);
let speed = option('speed', 0, 600, 0); // pixels a second; 0: follow the MC
let paused = false;
setData(document.body, 'mode', speed > 0 ? 'auto' : 'follow');

let shownId = null;

function render(state) {
  if (!state) return;
  const item = programmeItem(live.programme, state.current ?? state.next); // between items: the one to come
  const after = item ? live.programme?.items?.[item.index + 1] : null;
  setText(n.nowTitle, item ? itemTitle(item) : t('Chương trình đã kết thúc'));
  setText(n.nowScript, localized(item, 'mc_script'));
  setText(n.nextTitle, after ? itemTitle(after) : '');
  setText(n.nextScript, localized(after, 'mc_script'));
  if (shownId !== (item?.id ?? null)) {
    shownId = item?.id ?? null;
    n.box.scrollTop = 0; // a new item: its script from the top
  }
}

/** Where the MC reads (0: the script's top, 1: its end) under the reading line. */
function scrollTo(ratio) {
  const top = n.now.offsetTop - n.box.offsetTop;
  const target = top + ratio * n.now.offsetHeight - READING_LINE * n.box.clientHeight;
  n.box.scrollTop = Math.max(0, target);
  document.body.dataset.followed = String(Date.now());
}

const live = connect(NAMESPACE.live, ROLE.prompter, {
  programme: () => {
    shownId = null;
    render(live.state);
  },
  state: (state) => render(state),
});
live.socket.on(EVENT.prompter_scroll, (position) => {
  if (speed === 0 && position?.item_id === shownId) scrollTo(position.ratio);
});

// Scrolling by itself is the one motion on the display pages: drawn on animation frames,
// and only while it moves (following the MC, the page sleeps between positions).
let lastFrame = null; // null: no frame asked for
let autoTop = 0; // kept in fractions of a pixel: a slow speed moves less than one a frame
function scrollFrame(now) {
  if (speed === 0 || paused) {
    lastFrame = null;
    return;
  }
  if (lastFrame !== undefined) {
    if (Math.abs(autoTop - n.box.scrollTop) >= 1) autoTop = n.box.scrollTop; // moved by hand
    autoTop += (speed * (now - lastFrame)) / 1000;
    n.box.scrollTop = autoTop;
  }
  lastFrame = now;
  requestAnimationFrame(scrollFrame);
}
const scrollIfAuto = () => {
  if (lastFrame !== null || speed === 0 || paused) return;
  lastFrame = undefined; // asked for: the first frame only notes its time
  requestAnimationFrame(scrollFrame);
};
scrollIfAuto();
document.addEventListener('keydown', (event) => {
  if (event.key === ' ') paused = !paused;
  else if (event.key === 'ArrowUp') speed = Math.max(0, speed - 10);
  else if (event.key === 'ArrowDown') speed = Math.min(600, speed + 10);
  else return;
  event.preventDefault();
  setData(document.body, 'mode', speed > 0 ? 'auto' : 'follow');
  scrollIfAuto();
});
debugCorner(live.clock);
keepAwake();
