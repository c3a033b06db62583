// A display page's options (docs/screens.md): mirrored, keyed, scaled, parts hidden.
// Read from the page's address, kept across reloads (localStorage, per page and screen
// name) and set remotely by the console's screens panel (EVENT.screen_options).
import { EVENT, SCREEN_OPTIONS } from './protocol.js';

const NAMES = ['mirror', 'theme', 'chroma', 'scale', 'hide'];
const DEFAULTS = Object.freeze({ mirror: false, theme: null, chroma: SCREEN_OPTIONS.chroma, scale: 1, hide: [] });
const root = document.documentElement;

const screenName = () => (new URLSearchParams(location.search).get('name') || '').trim();
const storageKey = () => `runshow.screen-options.${document.body.dataset.role}.${screenName()}`;

/** The options an address names, each checked; a wrong value is left out (the page's own stays). */
export function optionsFromAddress(search) {
  const params = new URLSearchParams(search);
  const options = {};
  if (params.has('mirror')) options.mirror = !['0', 'false', 'off'].includes(params.get('mirror'));
  const theme = params.get('theme');
  if (SCREEN_OPTIONS.themes.includes(theme)) options.theme = theme;
  const chroma = (params.get('chroma') || '').replace(/^#?/, '#');
  if (/^#[0-9a-f]{6}$/i.test(chroma)) {
    options.chroma = chroma;
    options.theme ??= 'chroma'; // ?chroma=#0000ff alone means a blue key
  }
  const scale = Number(params.get('scale'));
  if (params.has('scale') && scale >= SCREEN_OPTIONS.minScale && scale <= SCREEN_OPTIONS.maxScale) {
    options.scale = scale;
  }
  if (params.has('hide')) {
    options.hide = params.get('hide').split(',').map((part) => part.trim())
      .filter((part) => SCREEN_OPTIONS.parts.includes(part));
  }
  return options;
}

function stored() {
  try {
    return JSON.parse(localStorage.getItem(storageKey()) || '{}') || {};
  } catch {
    return {}; // storage refused (a private window) or spoilt: the address alone
  }
}

function keep(options) {
  try {
    localStorage.setItem(storageKey(), JSON.stringify(options));
  } catch {
    // not kept across a reload; shown all the same
  }
}

/** The page's own colour scheme (its <meta name="color-scheme">). */
const nativeScheme = () => document.querySelector('meta[name="color-scheme"]')?.content || 'light';

function apply(options) {
  const set = (name, value) => { if (value) root.dataset[name] = value; else delete root.dataset[name]; };
  set('mirror', options.mirror ? 'true' : '');
  set('theme', options.theme || '');
  set('hide', options.hide.join(' '));
  // dark on a light page or light on a dark one: the page's colours turned over.
  set('invert', options.theme && options.theme !== 'chroma' && options.theme !== nativeScheme() ? 'true' : '');
  set('scaled', options.scale !== 1 ? 'true' : '');
  root.style.setProperty('--chroma', options.chroma);
  root.style.setProperty('--screen-scale', String(options.scale));
}

/** The address with these options in it: a reload shows what the console set. */
function writeAddress(options) {
  const params = new URLSearchParams(location.search);
  NAMES.forEach((name) => params.delete(name));
  if (options.mirror) params.set('mirror', '1');
  if (options.theme) params.set('theme', options.theme);
  if (options.theme === 'chroma' && options.chroma !== DEFAULTS.chroma) params.set('chroma', options.chroma);
  if (options.scale !== 1) params.set('scale', String(options.scale));
  if (options.hide.length) params.set('hide', options.hide.join(','));
  const query = params.toString().replace(/%2C/g, ',').replace(/=(?=&|$)/g, '');
  history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}

/** Apply the options kept and those in the address (the address wins), and listen to the console. */
export function useScreenOptions(socket) {
  let options = { ...DEFAULTS, ...stored(), ...optionsFromAddress(location.search) };
  apply(options);
  keep(options);
  socket.on(EVENT.screen_options, (sent) => {
    options = { ...DEFAULTS, ...sent };
    apply(options);
    keep(options);
    writeAddress(options);
  });
}
