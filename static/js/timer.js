// Drawing a timer from the server's deadline (docs/protocol.md, "Drawing a timer").
// Pure helpers first, then a display that draws when what it shows changes (ticker.js)
// and only touches the DOM when the shown text or phase changes. Nothing here counts.
import { nextFlip, onTick, redrawFrom } from './ticker.js';

/** Milliseconds left at serverNow (negative in overtime). */
export function remainingMs(timer, serverNow) {
  if (!timer) return 0;
  return timer.running && timer.deadline_ms != null ? timer.deadline_ms - serverNow : timer.remaining_ms;
}

export function elapsedMs(timer, remaining) {
  return timer.duration_ms + (timer.adjust_ms || 0) - remaining;
}

export function phase(timer, remaining) {
  if (!timer) return 'none';
  if (timer.mode === 'countup') return 'normal';
  if (remaining <= 0) return timer.at_zero === 'stop' ? 'ended' : 'overtime';
  if (remaining <= timer.danger_ms) return 'danger';
  if (remaining <= timer.warning_ms) return 'warning';
  return 'normal';
}

const pad = (n) => String(n).padStart(2, '0');

/** Whole seconds as "mm:ss", or "h:mm:ss" from one hour. */
export function clockText(totalSeconds) {
  const s = Math.max(0, totalSeconds);
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  return hours ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${pad(minutes)}:${pad(seconds)}`;
}

/** What a timer shows: countdown rounded up, overtime "+mm:ss" rounded down, countup elapsed. */
export function timerText(timer, remaining) {
  if (!timer) return '';
  if (timer.mode === 'countup') return clockText(Math.floor(elapsedMs(timer, remaining) / 1000));
  if (remaining > 0) return clockText(Math.ceil(remaining / 1000));
  if (timer.at_zero === 'stop') return clockText(0);
  return `+${clockText(Math.floor(-remaining / 1000))}`;
}

/** "+1:20" / "-0:30": over or under a planned duration, whole seconds (minutes not padded);
 * the same rule as the report's (runshow/timefmt.py signed_short). */
export function signedShort(ms) {
  if (ms == null) return '';
  const total = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const body = hours ? `${hours}:${pad(minutes)}:${pad(total % 60)}` : `${minutes}:${pad(total % 60)}`;
  return (ms > 0 ? '+' : ms < 0 ? '-' : '') + body;
}

/** Shape of the text, for sizing: "mmss", "hmmss", "over", "overh". */
function format(text) {
  const long = text.split(':').length > 2;
  if (text.startsWith('+')) return long ? 'overh' : 'over';
  return long ? 'hmmss' : 'mmss';
}

/** Each character in its own fixed-width box: the font has no tabular figures. */
export function renderDigits(node, text) {
  const boxes = [...text].map((ch) => {
    const span = document.createElement('span');
    span.className = ch === ':' ? 'tc' : ch === '+' ? 'tp' : 'td';
    span.textContent = ch;
    return span;
  });
  node.replaceChildren(...boxes);
  node.dataset.format = text ? format(text) : 'none';
}

const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)');

/**
 * Overtime flashes in step with the server's seconds: bright for the first 600 ms
 * after each second flips, dim for the rest. Screens side by side flash together.
 */
function flashState(shownPhase, remaining, timer) {
  if (shownPhase !== 'overtime' || !timer?.running || reducedMotion?.matches) return 'on';
  return ((-remaining) % 1000) < 600 ? 'on' : 'dim';
}

/** The next instant a running timer's text, phase or overtime flash changes; Infinity when stopped. */
export function nextChange(timer, serverNow) {
  if (!timer?.running || timer.deadline_ms == null) return Infinity;
  const deadline = timer.deadline_ms;
  const wholeSeconds = timer.mode === 'countup' ? deadline - timer.duration_ms - (timer.adjust_ms || 0) : deadline;
  const later = (at) => (at > serverNow ? at : Infinity);
  return Math.min(
    nextFlip(serverNow, wholeSeconds),
    deadline <= serverNow ? nextFlip(serverNow, deadline + 600) : Infinity, // the overtime flash dims
    later(deadline),
    later(deadline - timer.warning_ms),
    later(deadline - timer.danger_ms),
  );
}

/**
 * A timer on screen. `set(timer)` on every state; it redraws itself when what it shows changes.
 * onPhase(phase) fires when the shown phase changes.
 */
export class TimerDisplay {
  constructor(node, clock, { onPhase } = {}) {
    this.node = node;
    this.clock = clock;
    this.onPhase = onPhase;
    this.timer = null;
    this.text = null;
    this.phase = null;
    onTick(clock, () => this.draw());
  }

  set(timer) {
    this.timer = timer || null;
    this.node.dataset.status = timer ? timer.status : 'none';
    this.node.dataset.mode = timer ? timer.mode : 'none';
    this.draw();
    redrawFrom(this.clock); // a new deadline: plan the next wake from it
  }

  remaining() {
    return remainingMs(this.timer, this.clock.now());
  }

  draw() {
    // A running countdown waits for the first clock sample (one round trip): drawn from
    // the page's embedded time it could be a fraction of a second off, and flip twice.
    const waiting = this.timer?.running && !this.clock.synced;
    const now = this.clock.now(); // one instant for what is drawn and when it next changes
    const remaining = remainingMs(this.timer, now);
    const text = waiting ? '' : timerText(this.timer, remaining);
    const shownPhase = phase(this.timer, remaining);
    if (text !== this.text) {
      this.text = text;
      renderDigits(this.node, text);
    }
    if (shownPhase !== this.phase) {
      this.phase = shownPhase;
      this.node.dataset.phase = shownPhase;
      this.onPhase?.(shownPhase);
    }
    const flash = flashState(shownPhase, remaining, this.timer);
    if (this.node.dataset.flash !== flash) this.node.dataset.flash = flash;
    return waiting ? Infinity : nextChange(this.timer, now);
  }
}
