import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  beatFetchWindow,
  hourLabel,
  isHolterExam,
  jumpTarget,
  offsetClock,
  orDash,
} from '../src/ecg/holter/format';

test('offsets read as h:mm:ss with unpadded hours (a Holter runs past 24 h)', () => {
  assert.equal(offsetClock(0), '0:00:00');
  assert.equal(offsetClock(31.7), '0:00:31');
  assert.equal(offsetClock(25 * 3600 + 61), '25:01:01');
  assert.equal(offsetClock(-3), '0:00:00');
});

test('hour labels follow the clock when the start is known, else the offset', () => {
  assert.equal(hourLabel({ startSec: 0, clockHour: 7 }, 0), '07:00');
  assert.equal(hourLabel({ startSec: 3600 }, 1), '+1 h');
});

test('an event opens a second before it starts, never before the recording', () => {
  assert.equal(jumpTarget(31.2), 30.2);
  assert.equal(jumpTarget(0.4), 0);
});

test('Holter exams are ISHNE files and recordings over two minutes, as on the server', () => {
  assert.equal(isHolterExam({ format: 'ishne', durationSec: 95.6 }), true);
  assert.equal(isHolterExam({ format: 'wfdb', durationSec: 1805.6 }), true);
  assert.equal(isHolterExam({ format: 'dicom', durationSec: 10 }), false);
});

test('the beat window covers the view with a margin, in 30-s steps, inside the recording', () => {
  assert.deepEqual(beatFetchWindow(100, 112, 1800), { from: 60, to: 150 });
  assert.deepEqual(beatFetchWindow(5, 17, 95.6), { from: 0, to: 60 });
  assert.deepEqual(beatFetchWindow(1790, 1800, 1800), { from: 1740, to: 1800 });
});

test('missing values show a dash', () => {
  assert.equal(orDash(undefined, 'ms'), '—');
  assert.equal(orDash(42.36, 'ms'), '42 ms');
  assert.equal(orDash(16.54, '%', 1), '16.5 %');
});
