// Words the server writes and the pages show alike (runshow/words.py), in the page's
// language: they come with the page's catalogue (runshow/web/language.py).
import { WORDS } from './i18n.js';

/** Where an item stands. */
export const ITEM_STATUS_WORDS = Object.freeze({ ...WORDS.ITEM_STATUS_WORDS });

/** Each audience's screen, by its role. */
export const ROLE_NAMES = Object.freeze({ ...WORDS.ROLE_NAMES });
