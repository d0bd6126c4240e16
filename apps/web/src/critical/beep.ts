/**
 * The critical-value alarm tone: two short 880 Hz beeps from Web Audio (no sound file to load). Browsers allow
 * audio only after a user gesture on the page; until then the call is silently refused and the banner alone
 * alerts. Mute is remembered per workstation.
 */
const MUTE_KEY = 'lifeline.critical.muted';
let context: AudioContext | null = null;

export function isMuted(): boolean {
  return globalThis.localStorage?.getItem(MUTE_KEY) === '1';
}

export function setMuted(muted: boolean): void {
  globalThis.localStorage?.setItem(MUTE_KEY, muted ? '1' : '0');
}

export function beep(): void {
  if (isMuted()) return;
  try {
    const Ctor =
      globalThis.AudioContext ??
      (globalThis as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return;
    context ??= new Ctor();
    if (context.state === 'suspended') void context.resume().catch(() => {});
    const start = context.currentTime;
    for (const offset of [0, 0.25]) {
      const osc = context.createOscillator();
      const gain = context.createGain();
      osc.type = 'square';
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.15, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      osc.connect(gain).connect(context.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.2);
    }
  } catch {
    // no audio device or refused: the banner still shows
  }
}
