// Pure helpers of the web app (no DOM needed): clock offset, instant formatting, password rule, error paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../src/api/client';
import { dateInZone, formatClock, formatInstant } from '../src/clock/format';
import { sampleFrom } from '../src/clock/serverClock';
import { toNamePath } from '../src/common/errors';
import { passwordProblem } from '../src/common/passwordRule';

test('clock offset is NTP-style: server time minus the midpoint of the round trip', () => {
  // Sent at 1000, answered at 1200 local; the server said 46100 → it was 46100 at local 1100.
  assert.deepEqual(sampleFrom(1000, 46_100, 1200), { offsetMs: 45_000, roundTripMs: 200 });
  assert.equal(sampleFrom(5000, 4000, 5000).offsetMs, -1000);
});

test('instants are shown in the organisation zone, not the workstation zone', () => {
  assert.equal(formatInstant('2026-11-21T16:30:05Z', 'Asia/Shanghai'), '2026-11-22 00:30:05');
  assert.equal(formatInstant('2026-11-21T16:30:05Z', 'UTC', 'minute'), '2026-11-21 16:30');
  assert.equal(formatClock(new Date('2026-11-21T16:00:00Z'), 'Asia/Shanghai'), '00:00:00');
  assert.equal(dateInZone(new Date('2026-11-21T16:00:00Z'), 'Asia/Shanghai'), '2026-11-22');
  assert.equal(formatInstant(null), '');
  assert.equal(formatInstant('not a date'), 'not a date');
  // An unknown zone falls back to Asia/Shanghai instead of throwing.
  assert.equal(formatInstant('2026-11-21T16:30:05Z', 'Mars/Olympus'), '2026-11-22 00:30:05');
});

test('password rule mirrors the server', () => {
  assert.equal(passwordProblem('Short1!', 'x'), 'tooShort');
  assert.equal(passwordProblem('alllowercase1', 'x'), 'tooSimple');
  assert.equal(passwordProblem('Zhangsan-2026', 'zhangsan'), 'containsUsername');
  assert.equal(passwordProblem('Lifeline-2026', 'tech01'), null);
});

test('OperationOutcome expressions become form name paths and field messages', () => {
  assert.deepEqual(toNamePath('identifiers[0].value'), ['identifiers', 0, 'value']);
  assert.deepEqual(toNamePath('nationalId'), ['nationalId']);
  const error = new ApiError(400, 'nationalId: check digit is wrong', [
    {
      severity: 'error',
      code: 'invalid',
      diagnostics: 'nationalId: check digit is wrong',
      expression: ['nationalId'],
    },
  ]);
  assert.deepEqual(error.fieldErrors, { nationalId: 'check digit is wrong' });
});
