// Words shared by the screens, and lookups into the programme and the schedule.
import { durationWords } from './dom.js';
import { formatNumber, localized, t, tc, tn } from './i18n.js';
import { ITEM_STATUS_WORDS } from './words.js';

/** An item's status as the screens' lists say it (runshow/words.py): nothing for one still to come. */
export const statusWord = (status) => (status === 'upcoming' ? '' : ITEM_STATUS_WORDS[status] || '');

export const TIMER_STATUS_LABELS = {
  ready: tc('trạng thái đồng hồ', 'Sẵn sàng'),
  running: tc('trạng thái đồng hồ', 'Đang chạy'),
  paused: tc('trạng thái đồng hồ', 'Tạm dừng'),
};

/** "Đang chạy", or "Băng rôn" when no item is on. */
export function timerStatusLabel(state) {
  if (!state || !state.timer) return t('Băng rôn');
  return TIMER_STATUS_LABELS[state.timer.status] || '';
}

/**
 * Where an item (by its index in the programme) stands in a state: the current item is
 * 'now', then the state's `progress` says 'done' or 'skipped', the state's next item is
 * 'next', and the rest is 'upcoming' (docs/protocol.md, Progress).
 */
export function itemStatus(state, index) {
  if (state?.current && state.current.index === index) return 'now';
  if (state?.progress?.done?.includes(index)) return 'done';
  if (state?.progress?.skipped?.includes(index)) return 'skipped';
  if (state?.next && state.next.index === index) return 'next';
  return 'upcoming';
}

/** id → the schedule entry (status, planned and actual times): the console's state only. */
export function scheduleById(state) {
  const map = new Map();
  for (const entry of state?.schedule?.items || []) map.set(entry.id, entry);
  return map;
}

/** id → programme item (with mc_script, planned_start_ms, tech_notes on /control). */
export function itemsById(programme) {
  return new Map((programme?.items || []).map((item) => [item.id, item]));
}

/**
 * "10 phút", "7,5 phút", "≈ 10 phút" when estimated, "" when the item has no length
 * (runshow/timefmt.py length_text; both follow tests/vectors/words.json).
 */
export function plannedLength(item) {
  if (!item?.duration_ms) return '';
  const minutes = Number((item.duration_ms / 60_000).toPrecision(6)); // Python's :g
  // A fraction takes the plural ("1.5 minutes"), as runshow/timefmt.py plural_count.
  const count = Number.isInteger(minutes) ? minutes : 2;
  const shown = formatNumber(minutes, { useGrouping: false, maximumFractionDigits: 6 });
  const words = tn('%(minutes)s phút', '%(minutes)s phút', count, { minutes: shown });
  return item.duration_estimated ? `≈ ${words}` : words;
}

/**
 * The programme's own record of an item a state names (the state's `current`, `next`
 * are slim): it carries the agenda's translations and the presenter's parts.
 */
export function programmeItem(programme, item) {
  if (!item) return null;
  const full = programme?.items?.[item.index];
  return full && full.id === item.id ? full : item;
}

/** An item's title in the page's language (the agenda's translation, else as written). */
export const itemTitle = (item) => localized(item, 'title');

/**
 * "Đồng chí X — Role Organisation" in the page's language (runshow/agenda.py
 * presenter_line, with the agenda's translations of the role and the organisation).
 */
export function presenterLine(item) {
  const presenter = item?.presenter;
  if (!presenter) return item?.presenter_line || '';
  const role = [
    localized(item, 'presenter_role', presenter.role),
    localized(item, 'presenter_organisation', presenter.organisation),
  ].filter(Boolean).join(' ');
  return presenter.name ? `${presenter.name} — ${role}` : role;
}

/** A delegate as the MC reads it: "Đồng chí Đỗ Văn Chiến" + title. */
export function delegateName(delegate) {
  return [delegate.honorific, delegate.name].filter(Boolean).join(' ');
}

/** How long a message is, for its type size on the big screens. */
export function messageSize(text) {
  if (text.length <= 40) return 'short';
  if (text.length <= 90) return 'medium';
  return 'long';
}

const ON_TIME_MS = 30_000;

/**
 * How far the programme is from its plan: {kind: 'late' | 'early' | 'on-time' (within ±30 s),
 * text: 'Chậm 5 phút'}, to the nearest minute, halves up (runshow/timefmt.py offset_words;
 * both follow tests/vectors/words.json).
 */
export function offsetWords(offsetMs) {
  if (Math.abs(offsetMs) <= ON_TIME_MS) return { kind: 'on-time', text: t('Đúng giờ') };
  const duration = durationWords(Math.floor((Math.abs(offsetMs) + 30_000) / 60_000) * 60_000);
  if (offsetMs > 0) return { kind: 'late', text: t('Chậm %(duration)s', { duration }) };
  return { kind: 'early', text: t('Sớm %(duration)s', { duration }) };
}
