// The console's form that sets a connected screen's display options (docs/screens.md):
// sent as REQUEST.screen_options; the server checks them and the screen keeps them.
import { byId, setText, show } from './dom.js';
import { REQUEST } from './protocol.js';
import { t } from './i18n.js';

/** The form under the screens list; `refuse` shows the console's refusal line. */
export function screenOptionsPanel(socket, refuse) {
  const form = byId('screen-options');
  const close = () => show(form, false);
  byId('screen-options-close').addEventListener('click', close);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const field = form.elements;
    const options = {
      mirror: field.mirror.checked,
      theme: field.theme.value || null,
      chroma: field.chroma.value,
      scale: Number(field.scale.value) || 1,
      hide: [...form.querySelectorAll('input[name="hide"]:checked')].map((box) => box.value),
    };
    socket.timeout(5000).emit(REQUEST.screen_options, { id: form.dataset.screenId, options }, (error, ack) => {
      if (error || !ack?.ok) refuse(ack?.error || t('Máy chủ không trả lời. Hãy thử lại.'));
      else close();
    });
  });
  return {
    open(screenId, name) {
      form.dataset.screenId = screenId;
      setText(byId('screen-options-name'), name);
      show(form, true);
    },
  };
}
