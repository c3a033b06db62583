// A short chime on the technician's laptop when the speaker's time turns red and when
// it runs out: the technician is often looking at the hall, not at the console.
// Synthesised with Web Audio (no sound file); browsers allow sound only after a click,
// which the technician has made by then.

const TONES = { danger: [660], overtime: [880, 660] };

export function chime(toggle) {
  let audio = null;
  const wake = () => {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') audio.resume();
  };
  document.addEventListener('pointerdown', wake);
  document.addEventListener('keydown', wake);

  let last = null;
  /** Call with every phase the console shows; it rings on a change into danger or overtime. */
  return (phase, running) => {
    const previous = last;
    last = phase;
    const tones = TONES[phase];
    if (!tones || !previous || previous === phase || !running) return;
    if (!toggle.checked || !audio || audio.state !== 'running') return;
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
  };
}
