// The programme editor on the console: an edit panel per item (add after, remove),
// ↑↓ to reorder, the stage banner's lines and the delegates (name, add, present).
// Every change is a command on the console's connection (docs/api.md, "Editing the
// programme live"): validated by the server, undoable, and seen by every screen.
import { byId, el, setData, setText, show } from './dom.js';
import { live, refuse } from './control.js';
import { REQUEST } from './protocol.js';
import { localized, t, tn } from './i18n.js';

const n = {
  dialog: byId('edit-dialog'),
  form: byId('edit-form'),
  title: byId('edit-title'),
  warnings: byId('edit-warnings'),
  problems: byId('edit-problems'),
  remove: byId('edit-remove'),
  addAfter: byId('edit-add-after'),
  cancel: byId('edit-cancel'),
  people: byId('people-dialog'),
  peopleOpen: byId('btn-people'),
  peopleClose: byId('people-close'),
  unknownBadge: byId('unknown-names'),
  bannerLines: byId('banner-lines'),
  bannerWarnings: byId('banner-warnings'),
  bannerSave: byId('banner-save'),
  delegates: byId('delegates-list'),
  delegatesUnknown: byId('delegates-unknown'),
  addDelegate: byId('add-delegate-form'),
  addAfterDelegate: byId('add-delegate-after'),
};
const field = (name) => n.form.elements.namedItem(name);

let programme = live.programme;
let state = live.state;
let editing = null; // {mode: 'edit', id} or {mode: 'add', after}

/** Send an edit without a revision: it names what it changes, and a quick second tick
 *  must not be refused because the first one's state has not arrived yet. `onDone`
 *  hears every outcome: the server's answer, or a refusal made here (no connection, no
 *  answer in time). */
export function sendEdit(command, onDone = () => {}) {
  const fail = (error) => {
    refuse(error);
    onDone({ ok: false, error });
  };
  if (!live.socket.connected) {
    fail(t('Mất kết nối với máy chủ: thay đổi chưa được gửi.'));
    return;
  }
  live.socket.timeout(5000).emit(REQUEST.command, command, (error, ack) => {
    if (error) {
      fail(t('Máy chủ không trả lời. Hãy thử lại.'));
      return;
    }
    if (ack?.ok && ack.note) refuse(ack.note, 'note', 'note');
    if (!ack?.ok) refuse(ack?.error || t('Thay đổi bị từ chối.'), ack?.code || 'refused');
    onDone(ack);
  });
}

// ---------- Items: the edit panel ----------

const minutes = (ms) => (ms ? String(Math.round((ms / 60000) * 100) / 100) : '');
const numberOrNull = (text) => (text.trim() === '' ? null : Number(text));

function fillForm(fields) {
  const presenter = fields.presenter || {};
  const values = {
    title: fields.title || '',
    kind: fields.kind || 'other',
    kind_label: fields.kind_label || '',
    name: presenter.name || '',
    role: presenter.role || '',
    organisation: presenter.organisation || '',
    mode: fields.timer?.mode || 'countdown',
    duration: fields.duration ?? '',
    warning: fields.timer?.warning ?? '',
    danger: fields.timer?.danger ?? '',
    audience: fields.timer?.audience ?? '',
    mc_script: fields.mc_script || '',
    tech_notes: fields.tech_notes || '',
  };
  for (const [name, value] of Object.entries(values)) field(name).value = String(value);
}

/** The form as agenda.json fields. */
function formFields() {
  const text = (name) => field(name).value.trim();
  const presenter = text('name') || text('role') || text('organisation')
    ? { name: text('name') || null, role: text('role'), organisation: text('organisation') }
    : null;
  const mode = field('mode').value;
  return {
    title: text('title'),
    kind: field('kind').value,
    kind_label: text('kind_label') || null,
    presenter,
    duration: numberOrNull(field('duration').value),
    timer: {
      mode,
      warning: numberOrNull(field('warning').value),
      danger: numberOrNull(field('danger').value),
      audience: { true: true, false: false }[field('audience').value] ?? null,
    },
    mc_script: field('mc_script').value,
    tech_notes: field('tech_notes').value,
  };
}

/** Only what differs from the item as it is (a merge on the server keeps the rest). */
function changedFields(before, after) {
  const changes = {};
  for (const [key, value] of Object.entries(after)) {
    const old = key === 'timer'
      ? {
        mode: before.timer?.mode,
        warning: before.timer?.warning ?? null,
        danger: before.timer?.danger ?? null,
        audience: before.timer?.audience ?? null,
      }
      : before[key] ?? null;
    if (JSON.stringify(old) !== JSON.stringify(value)) changes[key] = value;
  }
  return changes;
}

function showList(list, texts) {
  list.replaceChildren(...texts.map((text) => el('li', { text })));
  show(list, texts.length > 0);
}

function showProblems(ack) {
  const problems = ack?.problems || [];
  setText(n.problems, problems.length
    ? problems.map((p) => `${p.place}: ${p.message}`).join(' · ')
    : ack?.error || '');
  show(n.problems, !ack?.ok);
}

function openEdit(itemId) {
  const item = programme.items.find((candidate) => candidate.id === itemId);
  if (!item) return;
  editing = { mode: 'edit', id: itemId };
  setText(n.title, t('Sửa mục %(number)s: %(title)s', { number: item.index + 1, title: localized(item, 'title') }));
  fillForm(item.fields);
  showList(n.warnings, item.fit_warnings || []);
  show(n.problems, false);
  const onNow = state?.current?.id === itemId;
  n.remove.disabled = onNow;
  n.remove.title = onNow ? t('Mục đang diễn ra không xóa được') : '';
  show(n.remove, true);
  show(n.addAfter, true);
  if (!n.dialog.open) n.dialog.showModal();
  field('title').focus();
}

function openAdd(afterId) {
  const after = programme.items.find((candidate) => candidate.id === afterId);
  editing = { mode: 'add', after: afterId };
  setText(n.title, after
    ? t('Thêm mục sau mục %(number)s: %(title)s', { number: after.index + 1, title: localized(after, 'title') })
    : t('Thêm mục đầu chương trình'));
  fillForm({ kind: 'award', timer: { mode: 'countdown' }, duration: 5 });
  showList(n.warnings, []);
  show(n.problems, false);
  show(n.remove, false);
  show(n.addAfter, false);
  if (!n.dialog.open) n.dialog.showModal();
  field('title').focus();
}

// ---------- Will it fit the stage? Asked while typing (changes nothing) ----------

let fitTimer = null;
function askFit(draft, list) {
  clearTimeout(fitTimer);
  fitTimer = setTimeout(() => {
    if (!live.socket.connected) return;
    live.socket.timeout(3000).emit(REQUEST.fit, draft, (error, answer) => {
      if (!error) showList(list, answer?.warnings || []);
    });
  }, 250);
}
for (const name of ['title', 'name', 'role', 'organisation', 'kind', 'audience']) {
  field(name).addEventListener('input', () => {
    const { title, presenter, kind, timer } = formFields();
    askFit({ title, presenter, kind, timer }, n.warnings);
  });
}
n.bannerLines.addEventListener('input', () => {
  askFit({ banner_lines: n.bannerLines.value.split('\n') }, n.bannerWarnings);
});

n.form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!editing) return;
  const fields = formFields();
  let command;
  if (editing.mode === 'add') {
    command = { command: 'add_item', after: editing.after, item: fields };
  } else {
    const item = programme.items.find((candidate) => candidate.id === editing.id);
    const changes = changedFields(item.fields, fields);
    if (!Object.keys(changes).length) {
      n.dialog.close();
      return;
    }
    command = { command: 'edit_item', item_id: editing.id, changes };
  }
  sendEdit(command, (ack) => {
    showProblems(ack);
    if (ack?.ok) n.dialog.close();
  });
});

n.remove.addEventListener('click', () => {
  if (editing?.mode !== 'edit') return;
  const item = programme.items.find((candidate) => candidate.id === editing.id);
  if (!window.confirm(t('Xóa mục %(number)s: %(title)s? (Có thể hoàn tác.)', { number: item.index + 1, title: localized(item, 'title') }))) return;
  sendEdit({ command: 'remove_item', item_id: editing.id }, (ack) => {
    showProblems(ack);
    if (ack?.ok) n.dialog.close();
  });
});
n.addAfter.addEventListener('click', () => openAdd(editing?.id ?? null));
n.cancel.addEventListener('click', () => n.dialog.close());
n.dialog.addEventListener('close', () => { editing = null; });

/** ↑↓ move an item past its neighbour: `move_item` after the item before the new place. */
function move(itemId, step) {
  const ids = programme.items.map((item) => item.id);
  const index = ids.indexOf(itemId);
  const target = index + step;
  if (index < 0 || target < 0 || target >= ids.length) return;
  const rest = ids.filter((id) => id !== itemId);
  const after = target === 0 ? null : rest[target - 1];
  sendEdit({ command: 'move_item', item_id: itemId, after });
}

function decorateRows() {
  const last = programme.items.length - 1;
  for (const item of programme.items) {
    const cell = document.querySelector(`#programme-rows tr[data-item-id="${item.id}"] .col-act`);
    if (!cell) continue;
    const title = localized(item, 'title');
    const tools = el('span', { className: 'ed-tools' },
      el('button', { className: 'btn btn-tool', text: '✎', data: { edit: 'edit', itemId: item.id },
        attrs: { type: 'button', title: t('Sửa mục'), 'aria-label': t('Sửa: %(title)s', { title }) } }),
      el('button', { className: 'btn btn-tool', text: '↑', data: { edit: 'up', itemId: item.id },
        attrs: { type: 'button', title: t('Lên trên'), 'aria-label': t('Lên trên: %(title)s', { title }) } }),
      el('button', { className: 'btn btn-tool', text: '↓', data: { edit: 'down', itemId: item.id },
        attrs: { type: 'button', title: t('Xuống dưới'), 'aria-label': t('Xuống dưới: %(title)s', { title }) } }));
    tools.children[1].disabled = item.index === 0;
    tools.children[2].disabled = item.index === last;
    cell.append(tools);
    if (item.fit_warnings?.length) {
      const title = cell.closest('tr').querySelector('.ct-row-title');
      title?.append(el('span', { className: 'ed-fit', text: ' ⚠', attrs: { title: item.fit_warnings.join('\n') } }));
    }
  }
}

document.addEventListener('click', (event) => {
  const button = event.target.closest('button[data-edit]');
  if (!button || button.disabled) return;
  const { edit, itemId } = button.dataset;
  if (edit === 'edit') openEdit(itemId);
  else move(itemId, edit === 'up' ? -1 : 1);
});

// ---------- The banner and the delegates ----------

/** A delegate's row, kept across programme updates. `update` refreshes what the row
 *  shows, but not a field the technician is typing in (until it is left), nor a value
 *  sent and not yet seen in the state its answer names: an edit arriving from elsewhere
 *  (the API, a second console, this row's own previous save) must neither wipe what is
 *  being typed nor flick a box back and forth. */
function delegateRow(initial) {
  let delegate = initial;
  const name = el('input', { attrs: { placeholder: t('(chưa rõ tên)') } });
  const honorific = el('input', { className: 'ed-honorific', attrs: { placeholder: t('Danh xưng'), 'aria-label': t('Danh xưng') } });
  const present = el('input', { attrs: { type: 'checkbox' } });
  const title = el('span', { className: 'ed-delegate-title' });
  const typed = (input, key) => ({
    input,
    key,
    typed: true,
    read: () => input.value.trim() || null,
    server: () => delegate[key] || null,
    show: (value) => { input.value = value || ''; },
  });
  const fields = [typed(name, 'name'), typed(honorific, 'honorific'), {
    input: present,
    key: 'present',
    typed: false,
    read: () => present.checked,
    server: () => Boolean(delegate.present),
    show: (value) => { present.checked = value; },
  }];
  const [nameField, honorificField, presentField] = fields;
  // Values sent, each with its command's answer: {revision} once answered. A programme
  // made before the edit may still arrive (from a second console, or through the
  // workers' queue after the answer), so a value stays shown until the console has
  // the state of the answer's revision (the programme is always sent before it).
  const sent = new Map(); // field → {value, answer}
  const refresh = (field) => {
    if (sent.has(field) || (field.typed && document.activeElement === field.input)) return;
    if (field.read() !== field.server()) field.show(field.server());
  };
  const settle = (revision) => {
    for (const [field, { answer }] of sent) {
      if (answer.revision !== null && answer.revision <= revision) {
        sent.delete(field);
        refresh(field);
      }
    }
  };
  const send = (command, changed) => {
    const answer = { revision: null };
    for (const field of changed) sent.set(field, { value: field.read(), answer });
    sendEdit(command, (ack) => {
      if (ack?.ok) {
        answer.revision = ack.revision;
        settle(shownRevision);
        return;
      }
      for (const field of changed) {
        if (sent.get(field)?.answer !== answer) continue; // a later send's
        sent.delete(field);
        refresh(field); // refused: the server's value again
      }
    });
  };
  /** What a field holds on the server, as far as this console knows: its value sent. */
  const known = (field) => (sent.has(field) ? sent.get(field).value : field.server());
  present.addEventListener('change', () => send(
    { command: 'set_present', delegate_id: delegate.id, present: present.checked }, [presentField]));
  const saveName = () => {
    const changed = [nameField, honorificField].filter((field) => field.read() !== known(field));
    if (!changed.length) return;
    const changes = Object.fromEntries(changed.map((field) => [field.key, field.read()]));
    send({ command: 'edit_delegate', delegate_id: delegate.id, changes }, changed);
  };
  for (const field of [nameField, honorificField]) {
    field.input.addEventListener('change', saveName);
    field.input.addEventListener('blur', () => refresh(field)); // what arrived while typing
  }
  const element = el('div', { className: 'ed-delegate', data: { delegateId: delegate.id } },
    el('label', { className: 'ed-present' }, present, el('span', { text: t('Có mặt') })),
    honorific, name, title);
  const update = (next) => {
    delegate = next;
    fields.forEach(refresh);
    const position = localized(next, 'title');
    name.setAttribute('aria-label', t('Họ tên: %(title)s', { title: position }));
    present.setAttribute('aria-label', t('Có mặt: %(title)s', { title: position }));
    setText(title, position);
    setData(element, 'unknown', next.present && !next.name);
    setData(element, 'present', next.present);
  };
  update(initial);
  return { element, update, settle };
}

/** Put `children` in `parent` in this order, moving only what is out of place: a row
 *  moved is blurred, and the field being typed in must stay where it is. */
function placeInOrder(parent, children) {
  const wanted = new Set(children);
  for (const child of [...parent.children]) if (!wanted.has(child)) child.remove();
  children.forEach((child, index) => {
    if (parent.children[index] !== child) parent.insertBefore(child, parent.children[index] || null);
  });
}

const delegateRows = new Map(); // delegate id → its row
const delegateGroups = new Map(); // a group's name (and its occurrence) → its box
let shownRevision = state?.revision ?? 0; // the newest state this console has
let addAfterChoice = null; // "add after": the technician's choice ('' = the top), else the end
let addingDelegate = false; // an add sent: the new delegate becomes the next "add after"

function groupBox(key, name) {
  if (!delegateGroups.has(key)) {
    delegateGroups.set(key, el('div', { className: 'ed-group' }, el('p', { className: 'ed-group-name', text: name })));
  }
  return delegateGroups.get(key);
}

function renderPeople() {
  const delegates = programme.delegates || [];
  const added = addingDelegate ? delegates.find((d) => !delegateRows.has(d.id)) : null;
  for (const delegate of delegates) {
    const row = delegateRows.get(delegate.id);
    if (row) row.update(delegate);
    else delegateRows.set(delegate.id, delegateRow(delegate));
  }
  const ids = new Set(delegates.map((delegate) => delegate.id));
  for (const id of delegateRows.keys()) if (!ids.has(id)) delegateRows.delete(id);
  const groups = [];
  const seen = new Map();
  for (const delegate of delegates) {
    if (groups.at(-1)?.name !== delegate.group) {
      const occurrence = (seen.get(delegate.group) || 0) + 1;
      seen.set(delegate.group, occurrence);
      groups.push({ name: localized(delegate, 'group'), key: `${occurrence}:${delegate.group}`, rows: [] });
    }
    groups.at(-1).rows.push(delegateRows.get(delegate.id).element);
  }
  for (const key of delegateGroups.keys()) if (!groups.some((group) => group.key === key)) delegateGroups.delete(key);
  placeInOrder(n.delegates, groups.map((group) => {
    const box = groupBox(group.key, group.name);
    placeInOrder(box, [box.firstElementChild, ...group.rows]);
    return box;
  }));
  if (added) {
    addAfterChoice = added.id;
    addingDelegate = false;
  }
  if (addAfterChoice && !ids.has(addAfterChoice)) addAfterChoice = null;
  n.addAfterDelegate.replaceChildren(
    el('option', { text: t('Đầu danh sách'), attrs: { value: '' } }),
    ...delegates.map((d) => el('option', {
      text: t('Sau: %(delegate)s (%(group)s)', {
        delegate: [localized(d, 'honorific'), d.name].filter(Boolean).join(' ') || localized(d, 'title'),
        group: localized(d, 'group'),
      }),
      attrs: { value: d.id },
    })));
  n.addAfterDelegate.value = addAfterChoice ?? delegates.at(-1)?.id ?? '';
  if (document.activeElement !== n.bannerLines) n.bannerLines.value = (programme.event?.banner_lines || []).join('\n');
  showList(n.bannerWarnings, (programme.fit_warnings || []).filter((text) => text.startsWith('event.')));
  renderUnknown();
}

/** Present delegates without a name, flagged until the opening item has started. */
function renderUnknown() {
  const unknown = (programme.delegates || []).filter((d) => d.present && !d.name);
  const opening = programme.items.find((item) => item.kind === 'opening');
  const openingEntry = state?.schedule?.items?.find((entry) => entry.id === opening?.id);
  const before = !openingEntry || !['now', 'done'].includes(openingEntry.status);
  const flag = before && unknown.length > 0;
  setText(n.unknownBadge, flag ? tn('⚠ %(num)s chưa rõ tên', '⚠ %(num)s chưa rõ tên', unknown.length) : '');
  show(n.unknownBadge, flag);
  setText(n.delegatesUnknown, unknown.length
    ? tn(
      '%(num)s đại biểu có mặt chưa có tên: MC sẽ chỉ đọc chức vụ. Điền tên nếu biết.',
      '%(num)s đại biểu có mặt chưa có tên: MC sẽ chỉ đọc chức vụ. Điền tên nếu biết.',
      unknown.length,
    )
    : '');
  show(n.delegatesUnknown, unknown.length > 0);
}

n.peopleOpen.addEventListener('click', () => {
  addAfterChoice = null;
  renderPeople();
  n.people.showModal();
});
n.peopleClose.addEventListener('click', () => n.people.close());
n.bannerSave.addEventListener('click', () => {
  const lines = n.bannerLines.value.split('\n').map((line) => line.trim()).filter(Boolean);
  sendEdit({ command: 'edit_event', changes: { banner_lines: lines } });
});
n.addAfterDelegate.addEventListener('change', () => { addAfterChoice = n.addAfterDelegate.value; });
n.addDelegate.addEventListener('submit', (event) => {
  event.preventDefault();
  const after = n.addAfterDelegate.value || null;
  const group = (programme.delegates || []).find((d) => d.id === after)?.group
    || programme.delegates?.[0]?.group || t('Đại biểu');
  const value = (id) => byId(id).value.trim() || null;
  addingDelegate = true; // its programme may come before the answer
  sendEdit({
    command: 'add_delegate',
    after,
    delegate: { honorific: value('add-delegate-honorific'), name: value('add-delegate-name'), title: value('add-delegate-title') || '', group },
  }, (ack) => {
    if (ack?.ok) {
      byId('add-delegate-name').value = '';
      byId('add-delegate-title').value = '';
    } else {
      addingDelegate = false;
    }
  });
});

document.addEventListener('runshow:programme', (event) => {
  programme = event.detail;
  decorateRows();
  if (n.people.open) renderPeople();
  else renderUnknown();
});
document.addEventListener('runshow:state', (event) => {
  state = event.detail;
  shownRevision = state?.revision ?? shownRevision;
  for (const row of delegateRows.values()) row.settle(shownRevision);
  renderUnknown();
});
decorateRows();
renderUnknown();
