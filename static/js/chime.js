// A short chime when the server announces that the speaker's time turned red or ran out
// (the `phase` event, docs/protocol.md): the technician and the MC are often looking at
// the hall, not at the screen. Driven by the server's event, not by drawing, so it rings
// whether or not the tab is in front, and for items that stop at zero.
// Synthesised with Web Audio (no sound file). Browsers allow sound only after a tap or a
// key press on the page: the first one unlocks it (`onLocked` tells the page until then).

const TONES = { danger: [660], overtime: [880, 660], ended: [880, 660] };

/**
 * enabled(): whether the page wants sound now (a checkbox, a link option).
 * Returns {ring(phaseEvent), unlocked()}; ring answers the tones it asked for.
 */
export function chime(enabled, { onLocked } = {}) {
  let audio = null;
  const unlocked = () => Boolean(audio) && audio.state === 'running';
  const wake = () => {
    try {
      audio ??= new AudioContext();
      if (audio.state === 'suspended') audio.resume().then(() => onLocked?.(false), () => {});
    } catch {
      return; // no Web Audio on this device: silence
    }
    onLocked?.(!unlocked());
  };
  document.addEventListener('pointerdown', wake);
  document.addEventListener('keydown', wake);

  const ring = (event) => {
    const tones = TONES[event?.phase];
    if (!tones || !enabled()) return [];
    if (!unlocked()) {
      onLocked?.(true);
      return [];
    }
    tones.forEach((frequency, index) => {
      const start = audio.currentTime + index * 0.35;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.3, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.65);
    });
    return tones;
  };
  return { ring, unlocked, wake };
}
