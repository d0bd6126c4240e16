/** Pure helpers of the live screens: elapsed time, countdown urgency, what changed between two board loads. */
import type { RunningTimer } from '@lifeline/emergency';
import type { BoardCase } from './api';

/** "12:05" below an hour, "3:12:05" from an hour up; negative durations clamp to zero. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  const ss = String(s).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * What a countdown shows: the time left to the target ("9:55"), the time past it in a leading "+" ("+3:10"),
 * or, for a metric without a target, the time elapsed since its start.
 */
export function countdownText(remainingMs: number | null, elapsedMs: number): string {
  if (remainingMs === null) return formatElapsed(elapsedMs);
  return remainingMs >= 0 ? formatElapsed(remainingMs) : `+${formatElapsed(-remainingMs)}`;
}

export type Urgency = 'ok' | 'soon' | 'overdue' | 'none';

/** Green while more than a third of the target is left, orange in the last third, red once overdue. */
export function urgencyOf(timer: Pick<RunningTimer, 'targetMinutes' | 'remainingMinutes'>): Urgency {
  if (timer.targetMinutes === null || timer.remainingMinutes === null) return 'none';
  if (timer.remainingMinutes <= 0) return 'overdue';
  return timer.remainingMinutes <= timer.targetMinutes / 3 ? 'soon' : 'ok';
}

export const URGENCY_COLOR: Record<Urgency, string> = {
  ok: '#389e0d',
  soon: '#d46b08',
  overdue: '#cf1322',
  none: '#595959',
};

/** First exact time of a node in a board case (ms), or of the earliest end of a window (onset). */
export function nodeTime(c: Pick<BoardCase, 'times'>, code: string): number | null {
  const list = c.times.filter((t) => t.code === code);
  const values = list.map((t) => Date.parse(t.at ?? t.window?.to ?? '')).filter((v) => Number.isFinite(v));
  return values.length ? Math.min(...values) : null;
}

export type BoardChange =
  | { kind: 'started'; c: BoardCase }
  | { kind: 'node'; c: BoardCase; code: string }
  | { kind: 'activated'; c: BoardCase; team: string }
  | { kind: 'escalated'; c: BoardCase; team: string };

/** What happened between two loads of the board (for spoken announcements). Nothing on the first load. */
export function boardChanges(before: BoardCase[] | undefined, after: BoardCase[]): BoardChange[] {
  if (!before) return [];
  const old = new Map(before.map((c) => [c.id, c]));
  const out: BoardChange[] = [];
  for (const c of after) {
    const prev = old.get(c.id);
    if (!prev) {
      out.push({ kind: 'started', c });
      continue;
    }
    const seen = new Set(prev.times.map((t) => t.id));
    for (const t of c.times) if (!seen.has(t.id)) out.push({ kind: 'node', c, code: t.code });
    for (const a of c.activations) {
      const p = prev.activations.find((x) => x.team === a.team && x.activatedAt === a.activatedAt);
      if (!p) out.push({ kind: 'activated', c, team: a.team });
      else if (a.escalationLevel > p.escalationLevel) out.push({ kind: 'escalated', c, team: a.team });
    }
  }
  return out;
}
