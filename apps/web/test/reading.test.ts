// Pure helpers of the reading workstation: statement search by pinyin initials, turnaround timer, workflow steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { searchStatements, statementLibrary } from '../src/reading/statementLibrary';
import { elapsedMs, formatElapsed, queueStatuses, timerTone } from '../src/reading/turnaround';
import { availableSteps, contentEditable, primaryStep } from '../src/reading/workflow';

test('statements are found by pinyin initials, Chinese text, code and English', () => {
  assert.equal(searchStatements('dxxl')[0].code, 'SR');
  assert.equal(searchStatements('xfcd')[0].code, 'AFIB');
  assert.equal(searchStatements('AFIB')[0].code, 'AFIB');
  assert.equal(searchStatements('心房颤动')[0].code, 'AFIB');
  assert.equal(searchStatements('窦性')[0].textZh.startsWith('窦性'), true);
  assert.ok(searchStatements('atrial fib').some((s) => s.code === 'AFIB'));
  assert.deepEqual(searchStatements('qqqqqq'), []);
});

test('every library entry has initials and a category filter narrows the list', () => {
  const lib = statementLibrary();
  assert.ok(lib.length > 50);
  for (const s of lib) assert.match(s.initials, /^[a-z]+$/, s.code);
  assert.ok(searchStatements('', { category: 'axis' }).every((s) => s.category === 'axis'));
});

test('the timer counts to now until signed, then stays at the signed value; colour by share of target', () => {
  const start = Date.parse('2026-01-01T00:00:00Z');
  const open = { startedAt: '2026-01-01T00:00:00Z', elapsedMin: 0, targetMin: 10, signed: false };
  assert.equal(elapsedMs(open, start + 90_000), 90_000);
  assert.equal(timerTone(open, start + 5 * 60_000), 'ok');
  assert.equal(timerTone(open, start + 8 * 60_000), 'warning');
  assert.equal(timerTone(open, start + 11 * 60_000), 'late');
  const signed = { ...open, elapsedMin: 4.5, signed: true };
  assert.equal(elapsedMs(signed, start + 60 * 60_000), 270_000);
  assert.equal(timerTone(signed, start + 60 * 60_000), 'done');
  assert.equal(formatElapsed(65_000), '1:05');
  assert.equal(formatElapsed(3_725_000), '1:02:05');
});

test('workflow steps follow state and permission', () => {
  const tech = (p: string) => ['ecg.report.draft', 'ecg.report.check'].includes(p);
  const doctor = (p: string) => ['ecg.report.draft', 'ecg.report.diagnose', 'ecg.report.sign'].includes(p);
  const senior = (p: string) => doctor(p) || p === 'ecg.report.review';
  assert.deepEqual(availableSteps('draft', tech), ['save', 'check']);
  assert.deepEqual(availableSteps('checked', tech), ['save']);
  assert.equal(primaryStep(availableSteps('checked', doctor)), 'diagnose');
  assert.equal(primaryStep(availableSteps('diagnosed', senior)), 'review');
  assert.equal(primaryStep(availableSteps('reviewed', senior)), 'sign');
  assert.deepEqual(availableSteps('signed', doctor), ['publish', 'amend']);
  assert.equal(contentEditable('diagnosed', doctor), false);
  assert.equal(contentEditable('diagnosed', senior), true);
  assert.deepEqual(queueStatuses(tech), ['unreported', 'draft']);
  assert.deepEqual(queueStatuses(senior), ['checked', 'diagnosed', 'reviewed']);
});
