// Before the first item: the wall clock in the event's zone and the time to the
// programme's planned start ("Khai mạc sau 12:34"), drawn from the server's clock.
import { LANG, t } from './i18n.js';
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
  if (left > 0) return t('Khai mạc sau %(time)s', { time: clockText(Math.ceil(left / 1000)) });
  return t('Đã quá giờ khai mạc %(time)s', { time: clockText(Math.floor(-left / 1000)) });
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

/** The locale the page's dates are written in: British English for English. */
export const DATE_LOCALE = LANG === 'en' ? 'en-GB' : LANG;

/** "2023-07-28" → "28/07/2023" in Vietnamese, "28 July 2023" in English (runshow/i18n.py format_date). */
export function dayText(iso) {
  if (!iso) return '';
  if (LANG === 'vi') return iso.split('-').reverse().join('/');
  const [year, month, day] = iso.split('-').map(Number);
  const format = new Intl.DateTimeFormat(DATE_LOCALE, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return format.format(new Date(Date.UTC(year, month - 1, day)));
}

/**
 * "Chương trình ngày 28/07/2023 — hôm nay 29/11/2026" when the programme is for
 * another day and this is not a rehearsal; "" otherwise.
 */
export function otherDayText(programme, serverNow) {
  const event = programme?.event;
  if (!event?.date || programme.rehearsal) return '';
  const today = dayIn(event.timezone, serverNow);
  if (today === event.date) return '';
  return t('Chương trình ngày %(day)s — hôm nay %(today)s', { day: dayText(event.date), today: dayText(today) });
}
