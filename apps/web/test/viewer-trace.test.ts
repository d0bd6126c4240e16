// The viewer's decimated trace: one bar per pixel column from the column's minimum to its maximum, joined to the
// previous column, so a one-sample spike survives and the trace has no gaps (a fake 2D context records the bars
// filled).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drawTrace } from '../src/ecg/viewer/draw';
import type { Panel } from '../src/ecg/viewer/layout';
import { DEFAULT_SETTINGS } from '../src/ecg/viewer/types';

function recorder() {
  const bars: { x: number; y: number; w: number; h: number }[] = [];
  const noop = () => {};
  // Rectangles added after the panel's clip are the trace's bars; they count once the path is filled.
  let clipped = false;
  let path: { x: number; y: number; w: number; h: number }[] = [];
  const ctx = {
    save: noop,
    restore: noop,
    beginPath: () => {
      path = [];
    },
    rect: (x: number, y: number, w: number, h: number) => {
      if (clipped) path.push({ x, y, w, h });
    },
    clip: () => {
      clipped = true;
    },
    fill: () => bars.push(...path),
    moveTo: noop,
    lineTo: noop,
    stroke: noop,
    fillText: noop,
  } as unknown as CanvasRenderingContext2D;
  return { ctx, bars };
}

const panel: Panel = {
  lead: 'II',
  x: 0,
  y: 0,
  width: 250,
  rowHeight: 40,
  t0: 0,
  t1: 10,
  calibration: false,
  rhythm: false,
};
const settings = { ...DEFAULT_SETTINGS, speed: 25, gain: 10 };

test('a one-sample spike keeps its height and every pixel column gets one bar', () => {
  // 500 Hz at 4 px/mm and 25 mm/s: 100 px per second, 5 samples per pixel column.
  const samples = new Float32Array(5000);
  samples[2504] = 1000; // 1 mV for 2 ms, the last sample of pixel column 500
  const { ctx, bars } = recorder();
  drawTrace(ctx, panel, { sampleRate: 500, start: 0, leads: [{ name: 'II', samples }] }, 0, settings, 4);
  assert.equal(bars.length, 1000);
  bars.forEach((b, i) => {
    assert.equal(b.x, i);
    assert.equal(b.w, 1);
  });
  // Baseline at 20 mm = 80 px; 1 mV = 10 mm = 40 px above it (bars are 1 px thick around the value).
  const top = Math.min(...bars.map((b) => b.y));
  assert.equal(top, 80 - 40 - 0.5);
  assert.equal(
    bars.findIndex((b) => b.y === top),
    500,
  );
  // The column after the spike reaches back up to it (joined), the one after that is flat again.
  assert.equal(bars[501].y, top);
  assert.equal(bars[502].h, 1);
});

test('no bars for another lead, an empty window or a view outside the window', () => {
  const { ctx, bars } = recorder();
  const samples = new Float32Array(5000);
  drawTrace(ctx, panel, { sampleRate: 500, start: 0, leads: [{ name: 'V1', samples }] }, 0, settings, 4);
  drawTrace(ctx, panel, { sampleRate: 500, start: 0, leads: [{ name: 'II', samples: [] }] }, 0, settings, 4);
  drawTrace(ctx, panel, { sampleRate: 500, start: 0, leads: [{ name: 'II', samples }] }, 60, settings, 4);
  assert.equal(bars.length, 0);
});
