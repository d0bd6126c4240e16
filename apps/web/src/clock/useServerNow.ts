import { useEffect, useState, useSyncExternalStore } from 'react';
import { type ClockState, getClockState, serverNowMs, subscribeClock } from './serverClock';

/** Server-corrected current time, re-rendering every second (aligned to the second boundary). */
export function useServerNow(): Date {
  const clock = useClockState();
  const [now, setNow] = useState(() => new Date(serverNowMs()));
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new offset must show at once, not at the next tick
  useEffect(() => {
    let timeout: ReturnType<typeof setTimeout>;
    const tick = () => {
      const ms = serverNowMs();
      setNow(new Date(ms));
      timeout = setTimeout(tick, 1000 - (ms % 1000) + 5);
    };
    tick();
    return () => clearTimeout(timeout);
  }, [clock.offsetMs]);
  return now;
}

export function useClockState(): ClockState {
  return useSyncExternalStore(subscribeClock, getClockState, getClockState);
}
