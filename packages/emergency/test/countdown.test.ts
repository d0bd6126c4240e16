import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PathwayCase, runningTimers } from '../src/index';

const at = (hhmm: string) => `2026-03-01T${hhmm}:00+08:00`;
const suspected: PathwayCase = {
  id: 'live',
  center: 'chest-pain',
  arrivalMode: 'walk-in',
  times: [
    { code: 'first-medical-contact', at: at('09:00'), source: 'tap' },
    { code: 'door', at: at('09:00'), source: 'tap' },
  ],
};

test('running timers: elapsed, remaining, overdue, most urgent first', () => {
  const now = Date.parse(at('09:12'));
  const timers = runningTimers(suspected, now);
  assert.deepEqual(
    timers.map((t) => [t.metric, t.elapsedMinutes, t.remainingMinutes, t.overdue]),
    [['cp-fmc-to-ecg', 12, -2, true]],
  );
  assert.equal(timers[0].deadline, new Date(Date.parse(at('09:10'))).toISOString());
});

test('undecided treatment: door-to-wire and door-to-needle clocks can run before the decision', () => {
  const now = Date.parse(at('09:20'));
  const codes = runningTimers(suspected, now, { includeUndecided: true }).map((t) => t.metric);
  assert.ok(codes.includes('cp-door-to-wire'));
  assert.ok(codes.includes('cp-door-to-needle'));
  assert.ok(!codes.includes('cp-door-in-door-out'), 'its start node is not recorded');
  const done = {
    ...suspected,
    times: [...suspected.times, { code: 'first-ecg', at: at('09:05'), source: 'ecg' as const }],
  };
  assert.deepEqual(runningTimers(done, now), [], 'finished metrics stop');
  assert.throws(() => runningTimers(suspected, Number.NaN), /now/);
});

test('site targets apply to the countdown', () => {
  const now = Date.parse(at('09:05'));
  const [t] = runningTimers(suspected, now, {
    config: { targets: { 'cp-fmc-to-ecg': { targetMinutes: 5 } } },
  });
  assert.equal(t.remainingMinutes, 0);
  assert.equal(t.overdue, false);
});
