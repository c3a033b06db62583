// An item with a fixed start (the agenda's `starts_at`): while it is next, the screens
// count down to its time of day on the server's clock: "lúc 10:00 — còn 12:34".
import { clockFormatter, setText, show } from './dom.js';
import { t } from './i18n.js';
import { clockText } from './timer.js';
import { nextFlip, onTick } from './ticker.js';

const DAY_MS = 24 * 3600_000;

/** The words for the next item's fixed start at `serverNow`; '' when it has none. */
export function fixedStartText(fixedStartMs, serverNow, formatClock) {
  if (!Number.isFinite(fixedStartMs)) return '';
  const at = formatClock(fixedStartMs);
  const left = fixedStartMs - serverNow;
  if (left > DAY_MS) return t('lúc %(at)s', { at }); // another day's programme: the time alone
  if (left <= 0) return t('lúc %(at)s — đã đến giờ', { at });
  return t('lúc %(at)s — còn %(left)s', { at, left: clockText(Math.ceil(left / 1000)) });
}

/** Keep `node` saying the next item's fixed start (hidden when it has none). */
export function followFixedStart(node, live) {
  let zone = null;
  let formatClock = null;
  onTick(live.clock, () => {
    const timeZone = live.programme?.event?.timezone;
    if (timeZone !== zone) formatClock = clockFormatter((zone = timeZone));
    const next = live.state?.next;
    const fixed = next ? live.programme?.items?.[next.index]?.fixed_start_ms : null;
    const now = live.clock.now();
    const text = fixedStartText(fixed, now, formatClock);
    setText(node, text);
    show(node, Boolean(text));
    return text ? nextFlip(now, fixed) : Infinity;
  });
}
