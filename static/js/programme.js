// The delegates' programme on their phones: read only, live "now" marker.
import { byId, clockFormatter, el, setData, setText, show } from './dom.js';
import { itemStatus, itemTitle, plannedLength, presenterLine, programmeItem, statusWord } from './labels.js';
import { connect } from './live.js';
import { DATE_LOCALE, dayText } from './preshow.js';
import { LANG, localized, t } from './i18n.js';
import { NAMESPACE, ROLE } from './protocol.js';

const list = byId('programme-list');
const nowLink = byId('programme-now');
const nowTitle = byId('programme-now-title');
const dateLine = byId('programme-date');
const eventTitle = byId('programme-title');
const organiser = byId('programme-organiser');
let rows = new Map();
let programme = null;

function weekdayDate(event) {
  if (!event?.date) return '';
  const [year, month, day] = event.date.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = new Intl.DateTimeFormat(DATE_LOCALE, { weekday: 'long', timeZone: 'UTC' }).format(date);
  const capital = weekday.charAt(0).toUpperCase() + weekday.slice(1);
  // Vietnamese writes the day unpadded here: "Thứ Sáu, ngày 28/7/2023".
  const shown = LANG === 'vi' ? `${day}/${month}/${year}` : dayText(event.date);
  return t('%(weekday)s, ngày %(date)s', { weekday: capital, date: shown });
}

function renderProgramme(next) {
  programme = next;
  const event = programme.event || {};
  const formatClock = clockFormatter(event.timezone);
  const date = weekdayDate(event);
  setText(eventTitle, localized(event, 'title'));
  if (organiser) setText(organiser, localized(event, 'organiser'));
  const place = localized(event, 'banner_place_date').split(',')[0];
  if (date) setText(dateLine, place ? `${date} · ${place}` : date);

  rows = new Map();
  list.replaceChildren(...programme.items.map((item) => {
    const length = plannedLength(item);
    const row = el('li', { className: 'pg-item', data: { itemId: item.id, status: 'upcoming' }, attrs: { id: `muc-${item.id}` } },
      el('div', { className: 'pg-time' },
        el('span', { className: 'pg-clock', text: formatClock(item.planned_start_ms) }),
        length ? el('span', { className: 'pg-length', text: length }) : null),
      el('div', { className: 'pg-body' },
        el('p', { className: 'pg-kind' },
          el('span', { text: localized(item, 'kind_label') }),
          el('span', { className: 'pg-status' })),
        el('h3', { className: 'pg-item-title', text: itemTitle(item) }),
        presenterLine(item) ? el('p', { className: 'pg-presenter', text: presenterLine(item) }) : null));
    rows.set(item.id, row);
    return row;
  }));
}

function renderState(state) {
  for (const item of programme?.items || []) {
    const row = rows.get(item.id);
    const status = itemStatus(state, item.index);
    setData(row, 'status', status);
    setText(row.querySelector('.pg-status'), statusWord(status));
    if (status === 'now') row.setAttribute('aria-current', 'step');
    else row.removeAttribute('aria-current');
  }
  const current = state.current; // the banner is a stage overlay: the item is still on
  show(nowLink, Boolean(current));
  setText(nowTitle, current ? itemTitle(programmeItem(programme, current)) : '');
  if (current) nowLink.setAttribute('href', `#muc-${current.id}`);
}

connect(NAMESPACE.live, ROLE.programme, { programme: renderProgramme, state: renderState });
