/**
 * One clock for the whole app. Workstations in county hospitals often drift by minutes, and emergency time
 * nodes (door-to-balloon etc.) must not depend on them, so every screen reads the server-corrected time.
 *
 * Offset is measured NTP-style: offset = serverTime − (t0 + t1) / 2, which cancels a symmetric network delay.
 * Each sync takes a few samples and keeps the one with the shortest round trip (least queueing noise).
 */

export const SYNC_INTERVAL_MS = 5 * 60 * 1000;
/** Beyond this the header warns that the workstation clock is wrong. */
export const DRIFT_WARNING_MS = 30 * 1000;
const SAMPLES_PER_SYNC = 3;

export interface ClockState {
  /** serverTime − localTime, in ms; 0 until the first sync. */
  offsetMs: number;
  /** Round trip of the sample that was kept. */
  roundTripMs: number | null;
  /** Local epoch ms of the last successful sync. */
  syncedAt: number | null;
  /** True when the last attempt failed (offset from an earlier sync is kept). */
  failed: boolean;
}

let state: ClockState = { offsetMs: 0, roundTripMs: null, syncedAt: null, failed: false };
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function setState(next: ClockState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function getClockState(): ClockState {
  return state;
}

export function subscribeClock(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Current time corrected by the measured offset, as epoch ms. */
export function serverNowMs(): number {
  return Date.now() + state.offsetMs;
}

export interface ClockSample {
  offsetMs: number;
  roundTripMs: number;
}

/** Pure computation, kept separate so it can be reasoned about (and tested) without fetch. */
export function sampleFrom(t0: number, serverEpochMs: number, t1: number): ClockSample {
  return { offsetMs: serverEpochMs - (t0 + t1) / 2, roundTripMs: t1 - t0 };
}

async function takeSample(): Promise<ClockSample> {
  const t0 = Date.now();
  const response = await fetch('/api/time', { cache: 'no-store', credentials: 'same-origin' });
  const t1 = Date.now();
  if (!response.ok) throw new Error(`GET /api/time ${response.status}`);
  const body = (await response.json()) as { now?: string; epochMs?: number };
  const serverMs = typeof body.epochMs === 'number' ? body.epochMs : Date.parse(body.now ?? '');
  if (!Number.isFinite(serverMs)) throw new Error('GET /api/time: no time in answer');
  return sampleFrom(t0, serverMs, t1);
}

export async function syncServerClock(): Promise<void> {
  let best: ClockSample | undefined;
  for (let i = 0; i < SAMPLES_PER_SYNC; i++) {
    try {
      const sample = await takeSample();
      if (!best || sample.roundTripMs < best.roundTripMs) best = sample;
    } catch {
      // One lost sample is not a failure; all lost is.
    }
  }
  if (best) {
    setState({
      offsetMs: Math.round(best.offsetMs),
      roundTripMs: best.roundTripMs,
      syncedAt: Date.now(),
      failed: false,
    });
  } else {
    setState({ ...state, failed: true });
  }
}

/** Sync now and every five minutes, and again when a sleeping laptop wakes up. Idempotent. */
export function startServerClock(): void {
  if (timer !== undefined) return;
  void syncServerClock();
  timer = setInterval(() => void syncServerClock(), SYNC_INTERVAL_MS);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Date.now() - (state.syncedAt ?? 0) > 60_000) {
      void syncServerClock();
    }
  });
}
