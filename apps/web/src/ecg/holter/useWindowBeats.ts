/**
 * Beat markers of a long recording, fetched for the window the viewer shows (GET /api/ecgs/:id/beats) instead of
 * the whole day's list: the viewer reports its span, a slightly larger window is loaded when the view leaves the
 * one held.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { get } from '../../api/client';
import type { BeatMarks } from '../viewer/types';
import { beatFetchWindow } from './format';
import type { BeatWindow } from './types';

export function useWindowBeats(
  examId: string,
  duration: number,
  enabled: boolean,
): { beats: BeatMarks | undefined; onViewChange: (from: number, to: number) => void } {
  const [view, setView] = useState<{ from: number; to: number }>();
  const [held, setHeld] = useState<BeatWindow>();
  const heldRef = useRef<BeatWindow | undefined>(undefined);
  heldRef.current = held;

  const onViewChange = useCallback((from: number, to: number) => setView({ from, to }), []);

  useEffect(() => {
    if (!enabled || !view) return;
    const current = heldRef.current;
    if (current && current.from <= view.from && current.to >= view.to) return;
    const controller = new AbortController();
    const w = beatFetchWindow(view.from, view.to, duration);
    const timer = setTimeout(() => {
      get<BeatWindow>(`/api/ecgs/${examId}/beats`, w, controller.signal).then(
        (b) => {
          if (!controller.signal.aborted) setHeld(b);
        },
        () => undefined, // markers are an aid: the tracing stays usable without them
      );
    }, 120);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [examId, duration, enabled, view]);

  return { beats: held ? { samples: held.samples, classes: held.classes } : undefined, onViewChange };
}
