/**
 * Beat classification benchmark (V and S against not-V / not-S) on the MIT-BIH Arrhythmia Database records in
 * ../shared/data/mitdb, scored as ANSI/AAMI EC57: from minute 5, beats matched within 150 ms, reference fusion
 * beats predicted V are not counted as false V, paced records (102, 104) reported but left out of the gross
 * figures. Runs twice when a QRS detector is exported by @lifeline/ecg: on the reference beat positions and on
 * the detector's beats.
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import * as ecg from '@lifeline/ecg';
import { analyzeEcg, classifyBeats, type EcgRecord } from '@lifeline/ecg';
import { readAnnotationFile, readWfdbRecord } from '@lifeline/ecg/node';

const repoRoot = path.resolve(import.meta.dirname, '..');
export const MITDB = path.resolve(repoRoot, '../shared/data/mitdb');
export const MITDB_RECORDS =
  '100 101 102 104 106 108 109 112 114 115 116 118 119 122 124 201 203 205 207 208 209 215 220 223 230'.split(
    ' ',
  );
const PACED = new Set(['102', '104', '107', '217']);

/** MIT beat symbols → AAMI classes (EC57 Table); non-beat annotations are absent. */
export const MIT_TO_AAMI: Record<string, string> = {
  N: 'N',
  L: 'N',
  R: 'N',
  e: 'N',
  j: 'N',
  A: 'S',
  a: 'S',
  J: 'S',
  S: 'S',
  V: 'V',
  E: 'V',
  F: 'F',
  '/': 'P',
  f: 'P',
  Q: 'Q',
};

export interface ClassCounts {
  tp: number;
  fn: number;
  fp: number;
}

export interface RecordScore {
  record: string;
  v: ClassCounts;
  s: ClassCounts;
  f: ClassCounts;
  beats: number;
}

/** Reference beats (AAMI class, sample) of an annotation file. */
export async function referenceBeats(
  atrPath: string,
): Promise<{ samples: Int32Array; classes: string[]; excluded: [number, number][] }> {
  const all = await readAnnotationFile(atrPath);
  const ann = all.filter((a) => MIT_TO_AAMI[a.symbol] !== undefined);
  // Ventricular flutter/fibrillation stretches ('[' … ']') are left out of beat-by-beat scoring, as EC57 does.
  const excluded: [number, number][] = [];
  let vfStart = -1;
  for (const a of all) {
    if (a.symbol === '[') vfStart = a.sample;
    else if (a.symbol === ']' && vfStart >= 0) {
      excluded.push([vfStart, a.sample]);
      vfStart = -1;
    }
  }
  if (vfStart >= 0) excluded.push([vfStart, Number.MAX_SAFE_INTEGER]);
  return {
    samples: Int32Array.from(ann.map((a) => a.sample)),
    classes: ann.map((a) => MIT_TO_AAMI[a.symbol]),
    excluded,
  };
}

/**
 * Scores predicted classes at predicted positions against the reference (EC57 rules above). Unmatched reference
 * beats count as misses of their class; unmatched predicted V/S beats as false positives.
 */
export function scoreBeats(
  ref: { samples: Int32Array; classes: string[]; excluded?: [number, number][] },
  pred: { samples: Int32Array; classes: string[] },
  sampleRate: number,
  fromSample: number,
): { v: ClassCounts; s: ClassCounts; f: ClassCounts; beats: number } {
  const tol = Math.round(0.15 * sampleRate);
  const v: ClassCounts = { tp: 0, fn: 0, fp: 0 };
  const s: ClassCounts = { tp: 0, fn: 0, fp: 0 };
  const f: ClassCounts = { tp: 0, fn: 0, fp: 0 };
  const used = new Uint8Array(pred.samples.length);
  let j = 0;
  let beats = 0;
  for (let i = 0; i < ref.samples.length; i++) {
    const r = ref.samples[i];
    while (j < pred.samples.length && pred.samples[j] < r - tol) j++;
    let best = -1;
    for (let k = j; k < pred.samples.length && pred.samples[k] <= r + tol; k++) {
      if (!used[k] && (best < 0 || Math.abs(pred.samples[k] - r) < Math.abs(pred.samples[best] - r)))
        best = k;
    }
    if (best >= 0) used[best] = 1;
    if (r < fromSample) continue;
    beats++;
    const rc = ref.classes[i];
    const pc = best >= 0 ? pred.classes[best] : '';
    if (rc === 'V') pc === 'V' ? v.tp++ : v.fn++;
    else if (pc === 'V' && rc !== 'F') v.fp++;
    if (rc === 'S') pc === 'S' ? s.tp++ : s.fn++;
    else if (pc === 'S') s.fp++;
    if (rc === 'F') pc === 'F' ? f.tp++ : f.fn++;
    else if (pc === 'F') f.fp++;
  }
  const inVf = (t: number) => (ref.excluded ?? []).some(([a, b]) => t >= a && t <= b);
  for (let k = 0; k < pred.samples.length; k++) {
    if (used[k] || pred.samples[k] < fromSample || inVf(pred.samples[k])) continue;
    if (pred.classes[k] === 'V') v.fp++;
    if (pred.classes[k] === 'S') s.fp++;
    if (pred.classes[k] === 'F') f.fp++;
  }
  return { v, s, f, beats };
}

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
const pct = (a: number, b: number): string => (b > 0 ? ((100 * a) / b).toFixed(1) : '–');
const se = (c: ClassCounts) => pct(c.tp, c.tp + c.fn);
const ppv = (c: ClassCounts) => pct(c.tp, c.tp + c.fp);

function table(title: string, scores: RecordScore[]): string {
  const lines = [
    `**${title}**`,
    '',
    '| record | beats | V ref | V Se % | V +P % | S ref | S Se % | S +P % | F ref | F Se % | F +P % |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const zero = (): ClassCounts => ({ tp: 0, fn: 0, fp: 0 });
  const gross = { v: zero(), s: zero(), f: zero(), beats: 0 };
  for (const r of scores) {
    const paced = PACED.has(r.record);
    lines.push(
      `| ${r.record}${paced ? ' (paced)' : ''} | ${r.beats} | ${r.v.tp + r.v.fn} | ${se(r.v)} | ${ppv(r.v)} | ${r.s.tp + r.s.fn} | ${se(r.s)} | ${ppv(r.s)} | ${r.f.tp + r.f.fn} | ${se(r.f)} | ${ppv(r.f)} |`,
    );
    if (paced) continue;
    gross.beats += r.beats;
    for (const k of ['tp', 'fn', 'fp'] as const) {
      gross.v[k] += r.v[k];
      gross.s[k] += r.s[k];
      gross.f[k] += r.f[k];
    }
  }
  lines.push(
    `| **gross** (without paced) | ${gross.beats} | ${gross.v.tp + gross.v.fn} | **${se(gross.v)}** | **${ppv(gross.v)}** | ${gross.s.tp + gross.s.fn} | **${se(gross.s)}** | **${ppv(gross.s)}** | ${gross.f.tp + gross.f.fn} | **${se(gross.f)}** | **${ppv(gross.f)}** |`,
  );
  return lines.join('\n');
}

type Detector = (record: EcgRecord) => Int32Array;

const MISC = path.resolve(repoRoot, '../shared/data/physionet-misc-wfdb');

/** SVDB 800 (128 Hz, supraventricular ectopy) and the noise-stress versions of record 118 (NSTDB). */
async function otherRecords(detect: Detector | undefined): Promise<string | undefined> {
  const names = ['ecg-kit/800', 'nstdb/118e24', 'nstdb/118e12'].filter((n) =>
    existsSync(path.join(MISC, `${n}.hea`)),
  );
  if (names.length === 0) return undefined;
  const lines = [
    '**Other PhysioNet records** (../shared/data/physionet-misc-wfdb: MIT-BIH Supraventricular Arrhythmia DB record',
    '800, 128 Hz, Greenwald 1990; MIT-BIH Noise Stress Test DB 118e24/118e12, electrode-motion noise at 24/12 dB,',
    'Moody 1984). V | S as Se/+P %.',
    '',
    '| record | reference beats: V | S | detected beats: V | S |',
    '|---|---|---|---|---|',
  ];
  const f = (c: ClassCounts) => `${se(c)}/${ppv(c)} (${c.tp + c.fn})`;
  for (const name of names) {
    const record = await readWfdbRecord(path.join(MISC, `${name}.hea`));
    const ref = await referenceBeats(path.join(MISC, `${name}.atr`));
    const from = 300 * record.sampleRate;
    const a = scoreBeats(
      ref,
      { samples: ref.samples, classes: classifyBeats(record, ref.samples) },
      record.sampleRate,
      from,
    );
    let b = '– | –';
    if (detect) {
      const beats = detect(record);
      const d = scoreBeats(
        ref,
        { samples: beats, classes: classifyBeats(record, beats) },
        record.sampleRate,
        from,
      );
      b = `${f(d.v)} | ${f(d.s)}`;
    }
    lines.push(`| ${path.basename(name)} | ${f(a.v)} | ${f(a.s)} | ${b} |`);
  }
  return lines.join('\n');
}

export async function run(): Promise<string> {
  if (!existsSync(MITDB)) return '## Beat classification\n\nSkipped: needs ../shared/data/mitdb\n';
  const detect = (ecg as Record<string, unknown>).detectQrs as Detector | undefined;
  const onRef: RecordScore[] = [];
  const onDet: RecordScore[] = [];
  let classifyMs = 0;
  let signalSeconds = 0;
  for (const name of MITDB_RECORDS) {
    const hea = path.join(MITDB, `${name}.hea`);
    if (!existsSync(hea)) continue;
    const record = await readWfdbRecord(hea);
    const ref = await referenceBeats(path.join(MITDB, `${name}.atr`));
    const from = 300 * record.sampleRate;
    const t0 = process.cpuUsage();
    const classes = classifyBeats(record, ref.samples);
    const used = process.cpuUsage(t0);
    classifyMs += (used.user + used.system) / 1000;
    signalSeconds += record.leads[0].samples.length / record.sampleRate;
    onRef.push({
      record: name,
      ...scoreBeats(ref, { samples: ref.samples, classes }, record.sampleRate, from),
    });
    if (detect) {
      const beats = detect(record);
      const detClasses = classifyBeats(record, beats);
      onDet.push({
        record: name,
        ...scoreBeats(ref, { samples: beats, classes: detClasses }, record.sampleRate, from),
      });
    }
  }
  const parts = [
    '## Beat classification',
    '',
    `Date ${new Date().toISOString().slice(0, 10)}, machine 2-core x86_64, Node 20, load average ${load()}. \`classifyBeats\` (unsupervised per-record template`,
    'clustering, no training data) on the 25 MIT-BIH Arrhythmia Database records in ../shared/data/mitdb',
    '(Moody GB, Mark RG. The impact of the MIT-BIH Arrhythmia Database. IEEE Eng Med Biol 20(3):45-50, 2001;',
    'Goldberger AL et al. PhysioBank, PhysioToolkit, and PhysioNet. Circulation 101(23):e215-e220, 2000).',
    'Scoring as ANSI/AAMI EC57: from minute 5, 150 ms match window, MIT classes mapped to AAMI (V = V, E;',
    'S = A, a, J, S; F = F), reference fusion beats called V not counted as false V, detections inside ventricular',
    'flutter/fibrillation episodes not scored; paced records listed but left out of the gross figures.',
    '',
    `Speed: ${(signalSeconds / (classifyMs / 1000)).toFixed(0)} s of 2-lead 360 Hz signal classified per CPU-second (one core; CPU time, not wall time).`,
    '',
    table('On the reference beat positions', onRef),
  ];
  // Paced records: with the pacemaker hint (MIT-BIH has no spike channel), and from the signal alone (smeared
  // spikes, detect/pacing.ts), with the rhythm statement on the whole record and on 10-s windows.
  const pacedLines: string[] = [];
  const signalLines: string[] = [];
  for (const name of ['102', '104', '107', '217']) {
    const hea = path.join(MITDB, `${name}.hea`);
    if (!existsSync(hea)) continue;
    const record = await readWfdbRecord(hea);
    const ref = await referenceBeats(path.join(MITDB, `${name}.atr`));
    const score = (classes: string[]): ClassCounts => {
      const c: ClassCounts = { tp: 0, fn: 0, fp: 0 };
      ref.classes.forEach((rc, i) => {
        if (ref.samples[i] < 300 * record.sampleRate) return;
        if (rc === 'P') classes[i] === 'P' ? c.tp++ : c.fn++;
        else if (classes[i] === 'P') c.fp++;
      });
      return c;
    };
    const hinted = score(classifyBeats(record, ref.samples, { pacemaker: true }));
    pacedLines.push(`${name}: P Se ${se(hinted)} %, +P ${ppv(hinted)} %`);
    const own = score(classifyBeats(record, ref.samples));
    const whole = analyzeEcg(record).statements.find((st) => st.code === 'PACED');
    const win = 10 * record.sampleRate;
    let windows = 0;
    let pacedWindows = 0;
    for (let t = 0; t + win <= record.leads[0].samples.length; t += 6 * win) {
      const part = {
        ...record,
        leads: record.leads.map((l) => ({ ...l, samples: l.samples.subarray(t, t + win) })),
      };
      windows++;
      if (analyzeEcg(part).statements.some((st) => st.code === 'PACED')) pacedWindows++;
    }
    signalLines.push(
      `| ${name} | ${se(own)} | ${ppv(own)} | ${whole ? `PACED (${whole.certainty})` : 'none'} | ${pacedWindows}/${windows} |`,
    );
  }
  if (pacedLines.length) {
    parts.push(
      '',
      `Paced records with the \`pacemaker: true\` hint (MIT-BIH has no pace-spike channel; reference '/' and 'f' = P): ${pacedLines.join('; ')}.`,
      '',
      'Paced records from the signal alone (no hint; smeared pacing spikes at 360 Hz, `pacingEvidence`): P class on',
      'the reference beats, and the paced-rhythm statement of `analyzeEcg` on the whole record and on 10-s windows',
      '(one per minute):',
      '',
      '| record | P Se % | P +P % | whole record | 10-s windows with PACED |',
      '|---|---:|---:|---|---:|',
      ...signalLines,
    );
  }
  const other = await otherRecords(detect);
  if (other) parts.push('', other);
  parts.push(
    '',
    onDet.length
      ? table("On the beats of @lifeline/ecg's detectQrs", onDet)
      : '_detectQrs was not available when this was run: figures on detected beats are missing._',
  );
  return parts.join('\n') + '\n';
}
