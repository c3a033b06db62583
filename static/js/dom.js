// Small DOM helpers shared by every screen. Data is only ever put in the page
// with textContent, never innerHTML.
import { tn } from './i18n.js';

export const byId = (id) => document.getElementById(id);

/** Create an element: el('li', {className: 'x', text: 'y', data: {status: 'now'}}, ...children). */
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  const { className, text, data, attrs } = options;
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  for (const [key, value] of Object.entries(data || {})) node.dataset[key] = value;
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** Set text only when it differs, so nothing is repainted for nothing. */
export function setText(node, text) {
  const value = text == null ? '' : String(text);
  if (node && node.textContent !== value) node.textContent = value;
}

export function setData(node, key, value) {
  const text = String(value);
  if (node && node.dataset[key] !== text) node.dataset[key] = text;
}

/** Show or hide with the hidden attribute. */
export function show(node, visible) {
  if (node && node.hidden === Boolean(visible)) node.hidden = !visible;
}

/** The JSON a template embedded in <script type="application/json" id=...>, or null. */
export function readJson(id) {
  const node = byId(id);
  if (!node) return null;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return null;
  }
}

/** "08:05" in the event's time zone. */
export function clockFormatter(timeZone) {
  let format;
  try {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  } catch {
    format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }
  return (epochMs) => {
    if (epochMs == null) return '';
    const parts = Object.fromEntries(format.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
    return `${parts.hour}:${parts.minute}`;
  };
}

/**
 * "3 phút 20 giây", "1 giờ 5 phút", "2 ngày 3 giờ": runshow/timefmt.py duration_text, both
 * following tests/vectors/words.json.
 */
export function durationWords(ms) {
  const total = Math.round(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86400);
  if (days) {
    const hoursLeft = Math.floor((total % 86400) / 3600);
    const dayWords = tn('%(num)s ngày', '%(num)s ngày', days);
    return hoursLeft ? `${dayWords} ${tn('%(num)s giờ', '%(num)s giờ', hoursLeft)}` : dayWords;
  }
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts = [];
  if (hours) parts.push(tn('%(num)s giờ', '%(num)s giờ', hours));
  if (minutes || (hours && seconds)) parts.push(tn('%(num)s phút', '%(num)s phút', minutes));
  if (seconds || !parts.length) parts.push(tn('%(num)s giây', '%(num)s giây', seconds));
  return parts.join(' ');
}

/**
 * Keep the screen on. The Screen Wake Lock API where the page may use it (HTTPS or
 * localhost); on the venue's plain-HTTP LAN, the vendored NoSleep.js (a silent looping
 * video), which browsers allow only from a user gesture: the first tap or click.
 * `hint`, if given, is shown until then.
 */
export function keepAwake(hint = null) {
  if ('wakeLock' in navigator) {
    let lock = null;
    const request = async () => {
      if (document.visibilityState !== 'visible' || (lock && !lock.released)) return;
      try {
        lock = await navigator.wakeLock.request('screen');
      } catch {
        lock = null; // refused (battery saver, no permission): the screen may sleep
      }
    };
    document.addEventListener('visibilitychange', request);
    document.addEventListener('pointerdown', request); // some browsers want a gesture
    request();
    return;
  }
  if (typeof NoSleep !== 'function') return;
  const noSleep = new NoSleep(); // eslint-disable-line no-undef
  if (hint) hint.hidden = false;
  const enable = () => {
    noSleep.enable().catch(() => {}); // refused: the screen may sleep
    if (hint) hint.hidden = true;
    document.removeEventListener('pointerdown', enable);
    document.removeEventListener('keydown', enable);
  };
  document.addEventListener('pointerdown', enable);
  document.addEventListener('keydown', enable);
}

/**
 * Shrink a box's text until the whole of it shows (the box's own CSS sets the size to
 * start from and its height), never below `minPx`: a message is read in full, on any
 * screen, rather than cut. Called on each change, on resize and once the webfont is in.
 */
export function fitText(node, minPx) {
  if (!node) return;
  node.style.fontSize = '';
  if (node.hidden || !node.clientHeight) return;
  let size = parseFloat(getComputedStyle(node).fontSize);
  while (node.scrollHeight > node.clientHeight && size > minPx) {
    size = Math.max(minPx, size * 0.94);
    node.style.fontSize = `${size}px`;
  }
}

/** `fit()` now, after each resize and when the webfont has loaded (widths change). */
export function keepFitted(fit) {
  window.addEventListener('resize', fit);
  document.fonts?.ready.then(fit);
  fit();
}
