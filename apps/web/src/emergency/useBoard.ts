/** Loads the board, refreshes it live (or by polling) and announces what changed, in Chinese. */
import { PATHWAYS, runningTimers } from '@lifeline/emergency';
import i18next from 'i18next';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { type BoardCase, fetchBoard, type TimeNode, toPathwayCase } from './api';
import { type BoardEvent, useLiveRefresh } from './live';
import { boardChanges } from './timing';

export function useBoard(center: string | undefined, announce: (text: string) => void) {
  const { me } = useAuth();
  const [cases, setCases] = useState<BoardCase[]>();
  const [error, setError] = useState<unknown>();
  const previous = useRef<BoardCase[] | undefined>(undefined);
  const announceRef = useRef(announce);
  announceRef.current = announce;

  const load = useCallback(() => {
    fetchBoard(center)
      .then((b) => {
        setError(undefined);
        setCases(b.cases);
        const zh = i18next.getFixedT('zh-CN');
        for (const ch of boardChanges(previous.current, b.cases)) {
          const w = ch.c.wristband.replace(/^JZ0*/, '');
          const team = 'team' in ch ? zh(`emergency.team_${ch.team}`, { defaultValue: ch.team }) : '';
          if (ch.kind === 'started')
            announceRef.current(
              zh('emergency.announce_started', {
                center: zh(`emergency.center_${ch.c.center}`),
                wristband: w,
              }),
            );
          else if (ch.kind === 'node') {
            const node = nodeNameZh(ch.c.center, ch.code);
            announceRef.current(zh('emergency.announce_node', { wristband: w, node }));
          } else if (ch.kind === 'activated')
            announceRef.current(zh('emergency.announce_activated', { wristband: w, team }));
          else announceRef.current(zh('emergency.announce_escalated', { wristband: w, team }));
        }
        previous.current = b.cases;
      })
      .catch(setError);
  }, [center]);

  useEffect(() => {
    previous.current = undefined;
    load();
  }, [load]);

  // A recorded node arrives with its event: shown at once, then the board is refetched as for any event.
  const onEvent = useCallback(
    (e?: BoardEvent) => {
      const node = e?.event === 'node.recorded' ? e.node : undefined;
      if (node)
        setCases((list) =>
          list?.map((c) =>
            c.id !== e?.caseId || c.times.some((n) => n.id === node.id)
              ? c
              : { ...c, times: [...c.times, eventNode(node)] },
          ),
        );
      load();
    },
    [load],
  );
  const live = useLiveRefresh(me ? `emergency.board:${me.organizationId}` : null, onEvent);
  return { cases, error, live, reload: load };
}

function eventNode(n: NonNullable<BoardEvent['node']>): TimeNode {
  return {
    ...n,
    source: n.source as TimeNode['source'],
    sourceDetail: null,
    reason: null,
    recordedBy: null,
    recordedAt: n.at ?? new Date().toISOString(),
    version: 1,
  };
}

/** Spoken node names are always Chinese, whatever the screen language. */
function nodeNameZh(center: BoardCase['center'], code: string): string {
  return PATHWAYS[center].nodes.find((n) => n.code === code)?.nameZh ?? code;
}

/**
 * Announces once when a countdown of a metric that applies to the case passes its target (undecided
 * treatments are left out: every suspected STEMI would otherwise be announced late for thrombolysis too).
 */
export function useOverdueAnnouncements(
  cases: BoardCase[] | undefined,
  nowMs: number,
  announce: (text: string) => void,
) {
  const announced = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!cases) return;
    const zh = i18next.getFixedT('zh-CN');
    const overdue = new Set<string>();
    for (const c of cases)
      for (const timer of runningTimers(toPathwayCase(c), nowMs))
        if (timer.overdue) overdue.add(`${c.id}|${timer.metric}|${timer.nameZh}|${c.wristband}`);
    // Timers already overdue when the screen opens are not announced, only those that become overdue.
    if (announced.current)
      for (const key of overdue)
        if (!announced.current.has(key)) {
          const [, , metric, wristband] = key.split('|');
          announce(zh('emergency.announce_overdue', { wristband: wristband.replace(/^JZ0*/, ''), metric }));
        }
    announced.current = overdue;
  }, [cases, nowMs, announce]);
}
