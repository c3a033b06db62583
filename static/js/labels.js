// Words shared by the screens, and lookups into the programme and the schedule.
import { durationWords } from './dom.js';
import { ITEM_STATUS_WORDS } from './words.js';

/** An item's status as the screens' lists say it (runshow/words.py): nothing for one still to come. */
export const statusWord = (status) => (status === 'upcoming' ? '' : ITEM_STATUS_WORDS[status] || '');

export const TIMER_STATUS_LABELS = {
  ready: 'Sẵn sàng',
  running: 'Đang chạy',
  paused: 'Tạm dừng',
};

/** "Đang chạy", or "Băng rôn" when no item is on. */
export function timerStatusLabel(state) {
  if (!state || !state.timer) return 'Băng rôn';
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
  const minutes = String(Number((item.duration_ms / 60_000).toPrecision(6))).replace('.', ',');
  return `${item.duration_estimated ? '≈ ' : ''}${minutes} phút`;
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
  if (Math.abs(offsetMs) <= ON_TIME_MS) return { kind: 'on-time', text: 'Đúng giờ' };
  const minutes = Math.floor((Math.abs(offsetMs) + 30_000) / 60_000);
  const late = offsetMs > 0;
  return { kind: late ? 'late' : 'early', text: `${late ? 'Chậm' : 'Sớm'} ${durationWords(minutes * 60_000)}` };
}
