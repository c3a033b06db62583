// The `flash` command on a display page: it flashes until the server's deadline
// (state.flash.until_ms), so every screen it names stops at the same moment.

/** The message targets that name each role's screen (as messages go). */
const TARGETS = { speaker: ['speaker', 'all'], stage: ['stage', 'both', 'all'], mc: ['mc', 'both', 'all'] };
const root = document.documentElement;

/** A state handler for `role`'s page: flashes while the state's flash names it. */
export function followFlash(clock, role) {
  let end = null;
  return (state) => {
    clearTimeout(end);
    const flash = state?.flash;
    const left = flash && TARGETS[role]?.includes(flash.target) ? flash.until_ms - clock.now() : 0;
    if (left <= 0) {
      delete root.dataset.flash;
      return;
    }
    root.dataset.flash = 'true';
    end = setTimeout(() => delete root.dataset.flash, left);
  };
}
