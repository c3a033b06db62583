// The console's preset messages (the agenda's event.presets, docs/agenda-format.md):
// one click sends one as the `message` command to its target; the list is edited here
// as text, one preset a line («nội dung | đích | màu»), saved as an `edit_event`.
import { byId, el } from './dom.js';
import { live } from './control.js';
import { sendEdit } from './editor.js';
import { t } from './i18n.js';

const TARGET_WORDS = { speaker: t('diễn giả'), stage: t('sân khấu'), mc: t('MC'), both: t('sân khấu và MC'), all: t('tất cả') };
const COLOUR_WORDS = { blue: t('xanh'), yellow: t('vàng'), red: t('đỏ'), green: t('xanh lá'), grey: t('xám') };
const n = { buttons: byId('presets'), text: byId('presets-text'), save: byId('presets-save') };

/** A word as typed back to its value («sân khấu» → stage); an unknown one is sent as typed,
 *  for the server to refuse with its place. */
const valueOf = (table, word) => {
  const typed = word.trim().toLowerCase();
  return Object.keys(table).find((key) => key === typed || table[key].toLowerCase() === typed) ?? word.trim();
};

const presetLine = (preset) =>
  [preset.text, TARGET_WORDS[preset.target] ?? preset.target, COLOUR_WORDS[preset.colour] ?? preset.colour].join(' | ');

function parseLines(text) {
  return text.split('\n').filter((line) => line.trim()).map((line) => {
    const [words, target = 'speaker', colour = 'blue'] = line.split('|');
    return { text: words.trim(), target: valueOf(TARGET_WORDS, target), colour: valueOf(COLOUR_WORDS, colour) };
  });
}

function render(programme) {
  const presets = programme?.event?.presets || [];
  n.buttons.replaceChildren(...presets.map((preset) => el('button', {
    className: 'btn btn-preset',
    text: preset.text,
    attrs: { type: 'button', title: t('Gửi tới %(target)s', { target: TARGET_WORDS[preset.target] ?? preset.target }) },
    data: { action: 'preset', text: preset.text, target: preset.target, colour: preset.colour },
  })));
  if (document.activeElement !== n.text) n.text.value = presets.map(presetLine).join('\n');
}

n.save.addEventListener('click', () => {
  sendEdit({ command: 'edit_event', changes: { presets: parseLines(n.text.value) } });
});
document.addEventListener('runshow:programme', (event) => render(event.detail));
render(live.programme);
