/** Turnaround arithmetic of the worklist timer, kept pure so it is tested without a browser. */

export type TimerTone = 'ok' | 'warning' | 'late' | 'done';

export interface Turnaround {
  startedAt: string;
  elapsedMin: number;
  targetMin: number;
  signed: boolean;
}

/** Milliseconds elapsed: frozen at the server's value once signed, else counted from the start to now. */
export function elapsedMs(t: Turnaround, nowMs: number): number {
  if (t.signed) return Math.round(t.elapsedMin * 60_000);
  return Math.max(0, nowMs - Date.parse(t.startedAt));
}

/** ok below 75 % of the target, warning up to the target, late beyond it; signed exams are done. */
export function timerTone(t: Turnaround, nowMs: number): TimerTone {
  const ms = elapsedMs(t, nowMs);
  const target = t.targetMin * 60_000;
  if (t.signed) return ms > target ? 'late' : 'done';
  if (ms > target) return 'late';
  return ms >= target * 0.75 ? 'warning' : 'ok';
}

/** m:ss below an hour, h:mm:ss beyond. */
export function formatElapsed(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Report states each role works on: the "my queue" filter of the worklist. */
export function queueStatuses(can: (permission: string) => boolean): string[] {
  const statuses = new Set<string>();
  if (can('ecg.report.check')) {
    statuses.add('unreported');
    statuses.add('draft');
  }
  if (can('ecg.report.diagnose')) statuses.add('checked');
  if (can('ecg.report.review')) statuses.add('diagnosed');
  if (can('ecg.report.sign')) statuses.add('reviewed');
  return [...statuses];
}
