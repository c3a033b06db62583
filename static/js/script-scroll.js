// The MC's script scroll position, shared with the prompters (REQUEST/EVENT
// prompter_scroll, docs/protocol.md PrompterScroll): the MC tablet sends where it reads.
import { REQUEST } from './protocol.js';

const SEND_EVERY_MS = 40; // the prompter moves within a frame or two of the MC's finger

/** Send `box`'s scroll position (0 at the top, 1 at the end) of the item `itemId()` names. */
export function shareScroll(box, socket, itemId) {
  let last = 0;
  let pending = null;
  const sendNow = () => {
    pending = null;
    last = performance.now();
    const room = box.scrollHeight - box.clientHeight;
    const id = itemId();
    if (!id || !socket.connected) return;
    const ratio = room > 0 ? Math.min(1, Math.max(0, box.scrollTop / room)) : 0;
    socket.emit(REQUEST.prompter_scroll, { item_id: id, ratio });
  };
  box.addEventListener('scroll', () => {
    if (pending) return;
    const wait = Math.max(0, SEND_EVERY_MS - (performance.now() - last));
    pending = setTimeout(sendNow, wait);
  }, { passive: true });
}

/** The console's steps through the item's script on the prompters (`step`: a share of it). */
export function scrollStepper(live) {
  const read = new Map(); // item id → where the console last put it
  return (step) => {
    const id = live.state?.current?.id ?? live.state?.next?.id;
    if (!id) return;
    const ratio = Math.min(1, Math.max(0, (read.get(id) ?? 0) + step));
    read.set(id, ratio);
    live.socket.emit(REQUEST.prompter_scroll, { item_id: id, ratio });
  };
}
