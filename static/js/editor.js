// The programme editor on the console: an edit panel per item (add after, remove),
// ↑↓ to reorder, the stage banner's lines and the delegates (name, add, present).
// Every change is a command on the console's connection (docs/api.md, "Editing the
// programme live"): validated by the server, undoable, and seen by every screen.
import { byId, el, setData, setText, show } from './dom.js';
import { live, refuse } from './control.js';

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
function sendEdit(command, onDone = () => {}) {
  const fail = (error) => {
    refuse(error);
    onDone({ ok: false, error });
  };
  if (!live.socket.connected) {
    fail('Mất kết nối với máy chủ: thay đổi chưa được gửi.');
    return;
  }
  live.socket.timeout(5000).emit('command', command, (error, ack) => {
    if (error) {
      fail('Máy chủ không trả lời. Hãy thử lại.');
      return;
    }
    if (ack?.ok && ack.note) refuse(ack.note, 'note', 'note');
    if (!ack?.ok) refuse(ack?.error || 'Thay đổi bị từ chối.', ack?.code || 'refused');
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
  setText(n.title, `Sửa mục ${item.index + 1}: ${item.title}`);
  fillForm(item.fields);
  showList(n.warnings, item.fit_warnings || []);
  show(n.problems, false);
  const onNow = state?.current?.id === itemId;
  n.remove.disabled = onNow;
  n.remove.title = onNow ? 'Mục đang diễn ra không xóa được' : '';
  show(n.remove, true);
  show(n.addAfter, true);
  if (!n.dialog.open) n.dialog.showModal();
  field('title').focus();
}

function openAdd(afterId) {
  const after = programme.items.find((candidate) => candidate.id === afterId);
  editing = { mode: 'add', after: afterId };
  setText(n.title, after ? `Thêm mục sau mục ${after.index + 1}: ${after.title}` : 'Thêm mục đầu chương trình');
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
    live.socket.timeout(3000).emit('fit', draft, (error, answer) => {
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
  if (!window.confirm(`Xóa mục ${item.index + 1}: ${item.title}? (Có thể hoàn tác.)`)) return;
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
    const tools = el('span', { className: 'ed-tools' },
      el('button', { className: 'btn btn-tool', text: '✎', data: { edit: 'edit', itemId: item.id },
        attrs: { type: 'button', title: 'Sửa mục', 'aria-label': `Sửa: ${item.title}` } }),
      el('button', { className: 'btn btn-tool', text: '↑', data: { edit: 'up', itemId: item.id },
        attrs: { type: 'button', title: 'Lên trên', 'aria-label': `Lên trên: ${item.title}` } }),
      el('button', { className: 'btn btn-tool', text: '↓', data: { edit: 'down', itemId: item.id },
        attrs: { type: 'button', title: 'Xuống dưới', 'aria-label': `Xuống dưới: ${item.title}` } }));
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
 *  shows but never the field the technician is typing in, nor a value sent and not yet
 *  answered: an edit arriving from elsewhere (the API, a second console, this row's own
 *  previous save) must neither wipe what is being typed nor flick a box back and forth. */
function delegateRow(initial) {
  let delegate = initial;
  const name = el('input', { attrs: { placeholder: '(chưa rõ tên)' } });
  const honorific = el('input', { className: 'ed-honorific', attrs: { placeholder: 'Danh xưng', 'aria-label': 'Danh xưng' } });
  const present = el('input', { attrs: { type: 'checkbox' } });
  const title = el('span', { className: 'ed-delegate-title' });
  const fields = [
    { input: name, key: 'name', read: () => name.value.trim() || null, show: (value) => { name.value = value || ''; } },
    { input: honorific, key: 'honorific', read: () => honorific.value.trim() || null, show: (value) => { honorific.value = value || ''; } },
    { input: present, key: 'present', read: () => present.checked, show: (value) => { present.checked = value; } },
  ];
  // A field's value sent and not yet answered. Every programme made before the edit
  // reaches this console before the answer does (one connection, in order), so until
  // the answer the field keeps what the technician put in it; after the answer, the
  // programme is the truth again (the server may have tidied or refused the value).
  const sent = new Map(); // field → {value, answered}
  const refresh = (field) => {
    const value = delegate[field.key] ?? (field.key === 'present' ? false : null);
    const pending = sent.get(field);
    if (pending && !pending.answered && pending.value !== value) return;
    sent.delete(field);
    if (document.activeElement !== field.input && field.read() !== value) field.show(value);
  };
  const send = (command, changed) => {
    for (const field of changed) sent.set(field, { value: field.read(), answered: false });
    sendEdit(command, (ack) => {
      for (const field of changed) {
        const pending = sent.get(field);
        if (!pending) continue;
        pending.answered = true;
        if (!ack?.ok) refresh(field); // refused: the server's value again
      }
    });
  };
  present.addEventListener('change', () => send(
    { command: 'set_present', delegate_id: delegate.id, present: present.checked }, [fields[2]]));
  const saveName = () => {
    const changed = fields.slice(0, 2).filter((field) => field.read() !== (delegate[field.key] || null));
    if (!changed.length) return;
    const changes = Object.fromEntries(changed.map((field) => [field.key, field.read()]));
    send({ command: 'edit_delegate', delegate_id: delegate.id, changes }, changed);
  };
  name.addEventListener('change', saveName);
  honorific.addEventListener('change', saveName);
  const element = el('div', { className: 'ed-delegate', data: { delegateId: delegate.id } },
    el('label', { className: 'ed-present' }, present, el('span', { text: 'Có mặt' })),
    honorific, name, title);
  const update = (next) => {
    delegate = next;
    fields.forEach(refresh);
    name.setAttribute('aria-label', `Họ tên: ${next.title}`);
    present.setAttribute('aria-label', `Có mặt: ${next.title}`);
    setText(title, next.title);
    setData(element, 'unknown', next.present && !next.name);
    setData(element, 'present', next.present);
  };
  update(initial);
  return { element, update };
}

const delegateRows = new Map(); // delegate id → its row
let delegatesLayout = ''; // the groups and their members' order, as last laid out

function renderPeople() {
  const delegates = programme.delegates || [];
  for (const delegate of delegates) {
    const row = delegateRows.get(delegate.id);
    if (row) row.update(delegate);
    else delegateRows.set(delegate.id, delegateRow(delegate));
  }
  const ids = new Set(delegates.map((delegate) => delegate.id));
  for (const id of delegateRows.keys()) if (!ids.has(id)) delegateRows.delete(id);
  const groups = [];
  for (const delegate of delegates) {
    if (groups.at(-1)?.name !== delegate.group) groups.push({ name: delegate.group, ids: [] });
    groups.at(-1).ids.push(delegate.id);
  }
  // Rows move only when the groups or the order changed (moving blurs a field).
  const layout = JSON.stringify(groups);
  if (layout !== delegatesLayout) {
    delegatesLayout = layout;
    const focused = n.delegates.contains(document.activeElement) ? document.activeElement : null;
    n.delegates.replaceChildren(...groups.map((group) => el('div', { className: 'ed-group' },
      el('p', { className: 'ed-group-name', text: group.name }),
      ...group.ids.map((id) => delegateRows.get(id).element))));
    if (focused?.isConnected) focused.focus();
  }
  const chosen = document.activeElement === n.addAfterDelegate ? n.addAfterDelegate.value : null;
  n.addAfterDelegate.replaceChildren(
    el('option', { text: 'Đầu danh sách', attrs: { value: '' } }),
    ...delegates.map((d) => el('option', {
      text: `Sau: ${[d.honorific, d.name].filter(Boolean).join(' ') || d.title} (${d.group})`,
      attrs: { value: d.id },
    })));
  if (chosen !== null && (chosen === '' || ids.has(chosen))) n.addAfterDelegate.value = chosen;
  else if (delegates.length) n.addAfterDelegate.value = delegates.at(-1).id;
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
  setText(n.unknownBadge, flag ? `⚠ ${unknown.length} chưa rõ tên` : '');
  show(n.unknownBadge, flag);
  setText(n.delegatesUnknown, unknown.length
    ? `${unknown.length} đại biểu có mặt chưa có tên: MC sẽ chỉ đọc chức vụ. Điền tên nếu biết.`
    : '');
  show(n.delegatesUnknown, unknown.length > 0);
}

n.peopleOpen.addEventListener('click', () => {
  renderPeople();
  n.people.showModal();
});
n.peopleClose.addEventListener('click', () => n.people.close());
n.bannerSave.addEventListener('click', () => {
  const lines = n.bannerLines.value.split('\n').map((line) => line.trim()).filter(Boolean);
  sendEdit({ command: 'edit_event', changes: { banner_lines: lines } });
});
n.addDelegate.addEventListener('submit', (event) => {
  event.preventDefault();
  const after = n.addAfterDelegate.value || null;
  const group = (programme.delegates || []).find((d) => d.id === after)?.group
    || programme.delegates?.[0]?.group || 'Đại biểu';
  const value = (id) => byId(id).value.trim() || null;
  sendEdit({
    command: 'add_delegate',
    after,
    delegate: { honorific: value('add-delegate-honorific'), name: value('add-delegate-name'), title: value('add-delegate-title') || '', group },
  }, (ack) => {
    if (ack?.ok) {
      byId('add-delegate-name').value = '';
      byId('add-delegate-title').value = '';
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
  renderUnknown();
});
decorateRows();
renderUnknown();
