// Before the first item: the wall clock in the event's zone and the time to the
// programme's planned start ("Khai mạc sau 12:34"), drawn from the server's clock.
import { clockText } from './timer.js';
import { nextFlip } from './ticker.js';

const DAY_MS = 24 * 3600_000;

/** Whether nothing has started yet: the banner shows and no item ever ran. */
export function beforeShow(state) {
  if (!state || state.current) return false;
  if (state.progress?.done?.length) return false;
  return !(state.schedule?.items || []).some((entry) => entry.actual_start_ms != null);
}

/** "14:05:09" in the event's time zone. */
export function wallClockFormatter(timeZone) {
  const options = { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' };
  let format;
  try {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, ...options });
  } catch {
    format = new Intl.DateTimeFormat('en-GB', options);
  }
  return (epochMs) => format.format(new Date(epochMs));
}

/**
 * "Khai mạc sau 12:34" before the planned start, "Đã quá giờ khai mạc 02:10" after it;
 * "" when the start is more than a day away (another day's programme).
 */
export function openingText(startMs, serverNow) {
  if (!Number.isFinite(startMs)) return '';
  const left = startMs - serverNow;
  if (Math.abs(left) > DAY_MS) return '';
  if (left > 0) return `Khai mạc sau ${clockText(Math.ceil(left / 1000))}`;
  return `Đã quá giờ khai mạc ${clockText(Math.floor(-left / 1000))}`;
}

/** When the wall clock or the time to the opening next changes (their whole seconds). */
export function preShowChange(serverNow, startMs) {
  return Math.min(nextFlip(serverNow, 0), nextFlip(serverNow, startMs));
}

/** "2026-11-29": the day of an instant in the event's time zone. */
export function dayIn(timeZone, epochMs) {
  let format;
  try {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    format = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' });
  }
  return format.format(new Date(epochMs));
}

/** "2023-07-28" → "28/07/2023". */
export const dayText = (iso) => (iso || '').split('-').reverse().join('/');

/**
 * "Chương trình ngày 28/07/2023 — hôm nay 29/11/2026" when the programme is for
 * another day and this is not a rehearsal; "" otherwise.
 */
export function otherDayText(programme, serverNow) {
  const event = programme?.event;
  if (!event?.date || programme.rehearsal) return '';
  const today = dayIn(event.timezone, serverNow);
  return today === event.date ? '' : `Chương trình ngày ${dayText(event.date)} — hôm nay ${dayText(today)}`;
}
