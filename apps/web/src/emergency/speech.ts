/** Spoken announcements of key events in Chinese (Web Speech API), switched on per workstation. */
import { useCallback, useState } from 'react';

const KEY = 'lifeline.emergency.speech';

export function speechSupported(): boolean {
  return typeof window !== 'undefined' && 'speechSynthesis' in window;
}

export function speak(text: string): void {
  if (!speechSupported()) return;
  const u = new SpeechSynthesisUtterance(text);
  u.lang = 'zh-CN';
  u.rate = 1;
  window.speechSynthesis.speak(u);
}

/** [enabled, toggle, announce]: announce speaks only when enabled. */
export function useSpeech(): [boolean, (on: boolean) => void, (text: string) => void] {
  const [enabled, setEnabled] = useState(() => localStorage.getItem(KEY) === 'on');
  const toggle = useCallback((on: boolean) => {
    localStorage.setItem(KEY, on ? 'on' : 'off');
    setEnabled(on);
    // Browsers allow speech only after a user gesture: this toggle is that gesture.
    if (on) speak('语音播报已开启');
  }, []);
  const announce = useCallback((text: string) => enabled && speak(text), [enabled]);
  return [enabled, toggle, announce];
}
