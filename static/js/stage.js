// The stage screen: conference banner between items, otherwise the speaker's
// countdown, a message band for the speaker, and a blackout.
import { byId, el, fitText, keepAwake, keepFitted, setData, setText, show } from './dom.js';
import { connect, debugCorner } from './live.js';
import { TimerDisplay } from './timer.js';
import { itemTitle, messageSize, presenterLine, programmeItem } from './labels.js';
import { localized } from './i18n.js';
import { NAMESPACE, ROLE } from './protocol.js';

const body = document.body;
const nodes = {
  banner: byId('stage-banner'),
  bannerLines: byId('stage-banner-lines'),
  bannerPlace: byId('stage-banner-place'),
  item: byId('stage-item'),
  speaker: byId('stage-speaker'),
  title: byId('stage-title'),
  paused: byId('stage-paused'),
  timer: byId('stage-timer'),
  message: byId('stage-message'),
};

/** A banner line in the look the server gave it (Programme.banner_kinds: organiser, headline, line). */
const bannerLine = (text, kind) => el('p', { className: `banner-line banner-${kind}`, text });

/**
 * The banner keeps the organisers' line breaks: a line never wraps, it shrinks to
 * fit the width instead (done on each render and resize, while the banner shows).
 */
function fitBannerLines() {
  const frame = nodes.banner;
  if (frame.hidden || !frame.clientWidth) return;
  const style = getComputedStyle(frame);
  const room = frame.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  for (const line of nodes.bannerLines.children) {
    line.style.fontSize = '';
    if (line.scrollWidth > room) {
      const size = parseFloat(getComputedStyle(line).fontSize);
      line.style.fontSize = `${Math.floor(size * (room / line.scrollWidth) * 0.98)}px`;
    }
  }
}
window.addEventListener('resize', fitBannerLines);
document.fonts?.ready.then(fitBannerLines); // widths change once the webfont is in

/** Item id → whether the hall sees its countdown (from the programme: the state stays slim). */
let audienceTimers = new Map();

function renderProgramme(programme) {
  audienceTimers = new Map((programme.items || []).map((item) => [item.id, item.audience_timer]));
  const event = programme.event || {};
  const lines = localized(event, 'banner_lines') || [];
  nodes.bannerLines.replaceChildren(...lines.map((text, i) => bannerLine(text, programme.banner_kinds?.[i] ?? 'line')));
  setText(nodes.bannerPlace, localized(event, 'banner_place_date'));
  requestAnimationFrame(fitBannerLines);
}

function renderState(state, timer) {
  const onItem = Boolean(state.current) && !state.banner;
  setData(body, 'view', onItem ? 'item' : 'banner');
  setData(body, 'blackout', Boolean(state.blackout));
  show(nodes.banner, !onItem);
  if (!onItem) requestAnimationFrame(fitBannerLines);
  show(nodes.item, onItem);

  const current = programmeItem(live.programme, state.current);
  setText(nodes.speaker, onItem ? presenterLine(current) : '');
  setText(nodes.title, onItem ? itemTitle(current) : '');
  // The audience sees the countdown only where the agenda wants it (timer.audience);
  // the speaker's own screen (/speaker) always has it. Under the banner the item's
  // clock keeps running: coming back shows the time left now.
  const audienceTimer = Boolean(state.current) && audienceTimers.get(state.current.id) !== false;
  setData(body, 'audienceTimer', audienceTimer);
  timer.set(audienceTimer ? state.timer : null);
  const paused = onItem && audienceTimer && state.timer?.status === 'paused';
  setData(body, 'paused', paused);
  show(nodes.paused, paused);

  const message = (state.message && state.message.stage) || '';
  setText(nodes.message, message);
  setData(nodes.message, 'size', messageSize(message));
  setData(nodes.message, 'colour', state.message_colours?.stage ?? 'none');
  setData(body, 'hasMessage', Boolean(message));
  show(nodes.message, Boolean(message));
  fitMessage();
}

/** The longest message (280 characters) whole on the wall, still readable from the back. */
const fitMessage = () => fitText(nodes.message, 0.032 * window.innerHeight);

const live = connect(NAMESPACE.live, ROLE.stage, {
  programme: renderProgramme,
  state: (state) => renderState(state, timer),
});
const timer = new TimerDisplay(nodes.timer, live.clock, {
  onPhase: (phase) => setData(body, 'phase', phase),
});
keepFitted(fitMessage);
debugCorner(live.clock);
keepAwake();
