// This page's words in its language (docs/translating.md). The server sends the catalogue
// of the page's scripts (/i18n/<lang>.js, before every module); messages are written in
// Vietnamese where they are used, `t('Tạm dừng')`, and shown translated.
const bundle = globalThis.RUNSHOW_I18N || { lang: 'vi', plural: 'n != 1', messages: {}, words: {} };

/** The page's language: 'vi', 'en'... */
export const LANG = bundle.lang;
/** The words runshow/words.py shares with the server, in this language. */
export const WORDS = bundle.words;

// gettext's plural rule of the catalogue ("(n != 1)"): which form a count takes.
const pluralForm = new Function('n', `return Number(${bundle.plural});`);

/** `%(name)s` filled from `params` (and `%%` a percent sign), as Python's `_()` does. */
function fill(text, params) {
  if (!params) return text;
  return text.replace(/%\((\w+)\)s|%%/g, (match, name) => {
    if (!name) return '%';
    return name in params ? String(params[name]) : match;
  });
}

/** `message` (Vietnamese) in the page's language, its `%(name)s` filled from `params`. */
export function t(message, params) {
  const text = bundle.messages[message];
  return fill(typeof text === 'string' && text ? text : message, params);
}

/**
 * `message` where the same Vietnamese words say two things in another language, told
 * apart by `context`: `tc('trạng thái', 'Tạm dừng')` "Paused" beside `t('Tạm dừng')` "Pause".
 */
export function tc(context, message, params) {
  const text = bundle.messages[`${context}\u0004${message}`];
  return fill(typeof text === 'string' && text ? text : message, params);
}

/** One or several: `tn('%(num)s phút', '%(num)s phút', 3)` → "3 minutes" in English. */
export function tn(singular, plural, num, params) {
  const forms = bundle.messages[singular];
  const form = Array.isArray(forms) ? forms[pluralForm(num)] : '';
  return fill(form || (num === 1 ? singular : plural), { num, ...params });
}

/**
 * One of the agenda's own texts in the page's language: the record's `translations`
 * block for it when the agenda gives one (runshow/agenda.py), else `original`, as
 * written (by default the record's own `field`):
 * `localized(item, 'title')`, `localized(item, 'presenter_role', item.presenter?.role)`.
 */
export function localized(record, field, original = record?.[field]) {
  const translated = record?.translations?.[LANG]?.[field];
  return translated || original || '';
}

/** Numbers as the language writes them: 7,5 in Vietnamese, 7.5 in English. */
export const formatNumber = (value, options) => new Intl.NumberFormat(LANG, options).format(value);
