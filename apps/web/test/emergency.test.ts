import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BoardCase } from '../src/emergency/api';
import { boardChanges, countdownText, formatElapsed, nodeTime, urgencyOf } from '../src/emergency/timing';

test('elapsed time reads as m:ss below an hour and h:mm:ss above', () => {
  assert.equal(formatElapsed(0), '0:00');
  assert.equal(formatElapsed(65_000), '1:05');
  assert.equal(formatElapsed(3_600_000 + 5 * 60_000 + 9_000), '1:05:09');
  assert.equal(formatElapsed(-5000), '0:00');
});

test('a countdown shows the time left, "+" past the target, or the elapsed time without a target', () => {
  assert.equal(countdownText(595_000, 5_000), '9:55');
  assert.equal(countdownText(-190_000, 790_000), '+3:10');
  assert.equal(countdownText(null, 125_000), '2:05');
});

test('countdown urgency: green, orange in the last third, red when overdue, grey without target', () => {
  assert.equal(urgencyOf({ targetMinutes: 90, remainingMinutes: 61 }), 'ok');
  assert.equal(urgencyOf({ targetMinutes: 90, remainingMinutes: 30 }), 'soon');
  assert.equal(urgencyOf({ targetMinutes: 90, remainingMinutes: 0 }), 'overdue');
  assert.equal(urgencyOf({ targetMinutes: null, remainingMinutes: null }), 'none');
});

function boardCase(
  id: string,
  times: { id: string; code: string; at: string | null }[],
  activations: BoardCase['activations'] = [],
) {
  return {
    id,
    times: times.map((t) => ({ ...t, window: null, source: 'tap' })),
    activations,
  } as unknown as BoardCase;
}

test('board changes: new case, new node, activation and escalation; nothing on the first load', () => {
  const a1 = boardCase('a', [{ id: 'n1', code: 'door', at: '2026-03-01T02:00:00Z' }]);
  assert.deepEqual(boardChanges(undefined, [a1]), []);
  const act = { team: 'cathlab', status: 'open', escalationLevel: 0, activatedAt: '2026-03-01T02:10:00Z' };
  const a2 = boardCase(
    'a',
    [...a1.times, { id: 'n2', code: 'first-ecg', at: '2026-03-01T02:05:00Z' }],
    [act],
  );
  const b = boardCase('b', []);
  const changes = boardChanges([a1], [a2, b]).map((c) => `${c.kind}:${c.c.id}`);
  assert.deepEqual(changes, ['node:a', 'activated:a', 'started:b']);
  const a3 = boardCase('a', a2.times, [{ ...act, escalationLevel: 1 }]);
  assert.deepEqual(
    boardChanges([a2], [a3]).map((c) => c.kind),
    ['escalated'],
  );
  assert.equal(nodeTime(a2, 'first-ecg'), Date.parse('2026-03-01T02:05:00Z'));
  assert.equal(nodeTime(a2, 'onset'), null);
});
