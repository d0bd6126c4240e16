import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beatWindow } from '../src/classify/features';
import { fusionFit } from '../src/classify/fusion';
import {
  AAMI_TO_MIT,
  beatsToAnnotations,
  classifyBeats,
  parseAnnotations,
  synthesizeEcg,
  writeAnnotations,
} from '../src/index';

const win = beatWindow(250);
const len = win.length;
const span = len + 2 * win.lagMargin;

/** A two-lead template (no margin) from a function of time (ms from window start). */
function template(f: (ms: number, lead: number) => number): Float32Array {
  const t = new Float32Array(2 * len);
  for (let l = 0; l < 2; l++) for (let k = 0; k < len; k++) t[l * len + k] = f((k * 1000) / 250, l);
  return t;
}
/** A beat shape (with lag margin) from two templates mixed a·n + b·v. */
function shapeOf(n: Float32Array, v: Float32Array, a: number, b: number): Float32Array {
  const s = new Float32Array(2 * span);
  for (let l = 0; l < 2; l++)
    for (let k = 0; k < span; k++) {
      const kk = Math.min(len - 1, Math.max(0, k - win.lagMargin));
      s[l * span + k] = a * n[l * len + kk] + b * v[l * len + kk];
    }
  return s;
}
const bump = (ms: number, at: number, width: number) =>
  Math.abs(ms - at) < width ? 0.5 * (1 + Math.cos((Math.PI * (ms - at)) / width)) : 0;
const normal = template((ms, l) => (l === 0 ? 1000 : 400) * bump(ms, 90, 40) - 200 * bump(ms, 140, 20));
const ventricular = template((ms, l) => (l === 0 ? -900 : 700) * bump(ms, 110, 80));

test('fusionFit: an even blend of the normal and ventricular templates is found as such', () => {
  const fit = fusionFit(shapeOf(normal, ventricular, 0.5, 0.5), normal, ventricular, 2, win);
  assert.ok(fit.r2Blend > 0.95, String(fit.r2Blend));
  assert.ok(fit.ventricularShare > 0.35 && fit.ventricularShare < 0.65, String(fit.ventricularShare));
  assert.ok(fit.r2Normal < 0.9 && fit.r2Ventricular < 0.9);
});

test('fusionFit: a pure normal or a pure ventricular beat is not a blend', () => {
  const n = fusionFit(shapeOf(normal, ventricular, 1, 0), normal, ventricular, 2, win);
  assert.ok(n.ventricularShare < 0.1, String(n.ventricularShare));
  assert.ok(n.r2Normal > 0.99);
  const v = fusionFit(shapeOf(normal, ventricular, 0, 1.2), normal, ventricular, 2, win);
  assert.ok(v.ventricularShare > 0.9, String(v.ventricularShare));
});

test('fusionFit: flat input gives no blend instead of NaN', () => {
  const fit = fusionFit(new Float32Array(2 * span), normal, ventricular, 2, win);
  assert.equal(fit.r2Blend, 0);
  assert.equal(fit.ventricularShare, 0);
});

test('classifyBeats: once a ventricular shape is established (≥ 5 beats), on-time blends of it and the sinus complex are F', () => {
  const fs = 250;
  const ventricularBeats = [3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55];
  const fusionBeats = [34, 42, 50, 58];
  const base = synthesizeEcg({ sampleRate: fs, durationSec: 60, rrMs: [800], ventricularBeats, noiseUv: 8 });
  // Every beat ventricular, then shifted back by the 30 % prematurity: the ventricular complex on time.
  const allV = synthesizeEcg({
    sampleRate: fs,
    durationSec: 60,
    rrMs: [800],
    ventricularBeats: Array.from({ length: 80 }, (_, i) => i),
  });
  const shift = Math.round(0.3 * 0.8 * fs);
  const onsets = (base.meta as { qrsOnsets: number[] }).qrsOnsets;
  for (const b of fusionBeats) {
    const from = onsets[b] - Math.round(0.12 * fs);
    const to = onsets[b] + Math.round(0.45 * fs);
    base.leads.forEach((lead, li) => {
      const v = allV.leads[li].samples;
      for (let i = from; i < to; i++) lead.samples[i] = 0.5 * lead.samples[i] + 0.5 * v[i - shift];
    });
  }
  const beats = Int32Array.from(onsets.map((s) => s + Math.round(0.04 * fs)));
  const classes = classifyBeats(base, beats, { leads: [1, 6] });
  const fused = classes.flatMap((c, i) => (c === 'F' ? [i] : []));
  assert.deepEqual(fused, fusionBeats, classes.join(''));
  for (const b of ventricularBeats) assert.equal(classes[b], 'V', `beat ${b}: ${classes.join('')}`);
  // Written as a WFDB annotation file, fusion beats carry the MIT code FUSION (6, mnemonic 'F').
  const written = parseAnnotations(
    writeAnnotations(
      beatsToAnnotations(
        beats,
        classes.map((c) => AAMI_TO_MIT[c]),
      ),
    ),
  );
  const fusionCodes = written.flatMap((a, i) => (a.code === 6 ? [i] : []));
  assert.deepEqual(fusionCodes, fusionBeats);
  assert.equal(written[fusionBeats[0]].symbol, 'F');
});

test('classifyBeats: without ventricular beats in the record nothing is called F', () => {
  const record = synthesizeEcg({ sampleRate: 250, durationSec: 40, rrMs: [800, 820, 790], noiseUv: 15 });
  const onsets = (record.meta as { qrsOnsets: number[] }).qrsOnsets;
  const classes = classifyBeats(record, Int32Array.from(onsets), { leads: [1, 6] });
  assert.ok(!classes.includes('F'));
});
