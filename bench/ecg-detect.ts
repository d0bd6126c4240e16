/**
 * QRS detection benchmark: runs detectQrs on every shared MIT-BIH record, the noise-stress records, SVDB 800,
 * CPSC 2021 and EGM 300, writes `.qrs` annotation files to a temporary folder, scores them with the project's
 * judge (`../shared/tools/qrs-eval.mjs`, bxb rules: 150 ms window from minute 5) and times detection on a 24-hour
 * two-lead record made by concatenating MIT-BIH records.
 * Run: npx tsx -e 'import("./bench/ecg-detect.ts").then(async m=>console.log(await m.run()))'
 * ECG_BENCH_SETS=mitdb,nstdb limits the sets; ECG_BENCH_SPEED=0 skips the 24-hour timing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beatsToAnnotations, detectQrs, type EcgRecord, writeAnnotations } from '../packages/ecg/src/index';
import { readWfdbRecord } from '../packages/ecg/src/node/index';

const repoRoot = path.resolve(import.meta.dirname, '..');
const dataRoot = path.resolve(repoRoot, '../shared/data');
const evalTool = path.resolve(repoRoot, '../shared/tools/qrs-eval.mjs');

interface BenchSet {
  id: string;
  title: string;
  dir: string;
  records?: string[];
}

const SETS: BenchSet[] = [
  { id: 'mitdb', title: 'MIT-BIH Arrhythmia (25 shared records, 360 Hz)', dir: 'mitdb' },
  {
    id: 'nstdb',
    title: 'MIT-BIH Noise Stress Test 118e24 / 118e12',
    dir: 'physionet-misc-wfdb/nstdb',
    records: ['118e24', '118e12'],
  },
  {
    id: 'svdb',
    title: 'MIT-BIH Supraventricular Arrhythmia 800 (128 Hz)',
    dir: 'physionet-misc-wfdb/ecg-kit',
    records: ['800'],
  },
  { id: 'cpsc2021', title: 'CPSC 2021 paroxysmal AF (200 Hz)', dir: 'cpsc2021-paf' },
  { id: 'egm', title: 'EGM test record 300 (360 Hz)', dir: 'physionet-misc-wfdb/egm', records: ['300'] },
];

export interface ScoreLine {
  record: string;
  ref: number;
  tp: number;
  fn: number;
  fp: number;
}

function recordsOf(set: BenchSet): string[] {
  if (set.records) return set.records;
  const dir = path.join(dataRoot, set.dir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.atr') && existsSync(path.join(dir, f.replace(/\.atr$/, '.hea'))))
    .map((f) => f.replace(/\.atr$/, ''))
    .sort();
}

/** Detects on every record of a set, scores with qrs-eval, returns per-record lines and the detection time. */
export async function evaluateSet(
  set: BenchSet,
  outDir: string,
): Promise<{ lines: ScoreLine[]; seconds: number; signalSec: number }> {
  const dir = path.join(dataRoot, set.dir);
  const recs = recordsOf(set);
  const testDir = path.join(outDir, set.id);
  mkdirSync(testDir, { recursive: true });
  let seconds = 0;
  let signalSec = 0;
  for (const r of recs) {
    const record = await readWfdbRecord(path.join(dir, `${r}.hea`));
    const cpu0 = process.cpuUsage();
    const beats = detectQrs(record);
    const used = process.cpuUsage(cpu0);
    seconds += (used.user + used.system) / 1e6;
    signalSec += record.leads[0].samples.length / record.sampleRate;
    writeFileSync(path.join(testDir, `${r}.qrs`), writeAnnotations(beatsToAnnotations(beats, 'N')));
  }
  const res = spawnSync(process.execPath, [evalTool, dir, testDir, ...recs], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`qrs-eval failed: ${res.stderr}`);
  const lines: ScoreLine[] = [];
  for (const line of res.stdout.split('\n')) {
    const m = /^(\S+)\tref=(\d+)\tTP=(\d+)\tFN=(\d+)\tFP=(\d+)/.exec(line);
    if (m) lines.push({ record: m[1], ref: +m[2], tp: +m[3], fn: +m[4], fp: +m[5] });
  }
  return { lines, seconds, signalSec };
}

/**
 * Heavier noise than the database offers: 118 plus k times the noise of 118e12 (118e12 minus 118), i.e. about
 * 12 − 6·log2(k) dB, scored against 118e12's reference beats.
 */
async function scaledNoise(outDir: string, k: number): Promise<ScoreLine | undefined> {
  const nst = path.join(dataRoot, 'physionet-misc-wfdb/nstdb');
  if (!existsSync(nst) || !existsSync(path.join(dataRoot, 'mitdb/118.hea'))) return undefined;
  const clean = await readWfdbRecord(path.join(dataRoot, 'mitdb/118.hea'));
  const noisy = await readWfdbRecord(path.join(nst, '118e12.hea'));
  const leads = clean.leads.map((l, li) => {
    const x = new Float32Array(l.samples.length);
    const y = noisy.leads[li].samples;
    for (let i = 0; i < x.length; i++) x[i] = l.samples[i] + k * (y[i] - l.samples[i]);
    return { name: l.name, samples: x };
  });
  const dir = path.join(outDir, `noise-x${k}`);
  mkdirSync(dir, { recursive: true });
  const beats = detectQrs({ sampleRate: clean.sampleRate, leads });
  writeFileSync(path.join(dir, '118e12.qrs'), writeAnnotations(beatsToAnnotations(beats, 'N')));
  const res = spawnSync(process.execPath, [evalTool, nst, dir, '118e12'], { encoding: 'utf8' });
  const m = /ref=(\d+)\tTP=(\d+)\tFN=(\d+)\tFP=(\d+)/.exec(res.stdout);
  return m ? { record: `118 + ${k}× noise`, ref: +m[1], tp: +m[2], fn: +m[3], fp: +m[4] } : undefined;
}

const pct = (a: number, b: number) => (b === 0 ? '–' : ((100 * a) / b).toFixed(2));

function gross(lines: ScoreLine[]) {
  const tp = lines.reduce((a, l) => a + l.tp, 0);
  const fn = lines.reduce((a, l) => a + l.fn, 0);
  const fp = lines.reduce((a, l) => a + l.fp, 0);
  return { tp, fn, fp, se: pct(tp, tp + fn), ppv: pct(tp, tp + fp) };
}

/** Times detection on 24 h of 2-lead 360 Hz ECG built from consecutive MIT-BIH records. */
async function speed24h(): Promise<string> {
  const dir = path.join(dataRoot, 'mitdb');
  const names = recordsOf(SETS[0]);
  const fs = 360;
  const total = 24 * 3600 * fs;
  const leads = [new Float32Array(total), new Float32Array(total)];
  let filled = 0;
  for (let k = 0; filled < total; k++) {
    const rec: EcgRecord = await readWfdbRecord(path.join(dir, `${names[k % names.length]}.hea`));
    const take = Math.min(total - filled, rec.leads[0].samples.length);
    for (let l = 0; l < 2; l++) leads[l].set(rec.leads[l].samples.subarray(0, take), filled);
    filled += take;
  }
  const record: EcgRecord = {
    sampleRate: fs,
    leads: [
      { name: 'A', samples: leads[0] },
      { name: 'B', samples: leads[1] },
    ],
  };
  // CPU time of this (single-threaded) process, so that other jobs on a shared machine do not inflate it.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const beats = detectQrs(record);
  const wall = (performance.now() - t0) / 1000;
  const used = process.cpuUsage(cpu0);
  const sec = (used.user + used.system) / 1e6;
  return (
    `24 h of 2-lead 360 Hz ECG (${total.toLocaleString('en')} samples per lead, ${beats.length.toLocaleString('en')} beats ` +
    `found) takes **${sec.toFixed(2)} s of CPU** on one core (${wall.toFixed(2)} s wall clock): ` +
    `${Math.round((24 * 3600) / sec).toLocaleString('en')}× real time, ${((2 * total) / sec / 1e6).toFixed(1)} M samples/s ` +
    'per core (quality check, features, decisions, fiducials, weak-beat check and rescue).'
  );
}

/** 12-lead 500 Hz records have no beat annotations: check the detected rate is plausible and regular. */
async function twelveLeadSanity(): Promise<string[]> {
  const dir = path.join(dataRoot, 'cinc2021-12lead');
  if (!existsSync(dir)) return [];
  const rates: number[] = [];
  let implausible = 0;
  const files = readdirSync(dir).filter((f) => f.endsWith('.hea'));
  for (const f of files) {
    const record = await readWfdbRecord(path.join(dir, f));
    const beats = detectQrs(record);
    const rr: number[] = [];
    for (let i = 1; i < beats.length; i++) rr.push((beats[i] - beats[i - 1]) / record.sampleRate);
    rr.sort((a, b) => a - b);
    const hr = rr.length > 0 ? 60 / rr[rr.length >> 1] : 0;
    rates.push(hr);
    // Any RR under 250 ms or a rate outside 30–220 bpm would point at false or missed beats.
    if (hr < 30 || hr > 220 || (rr.length > 0 && rr[0] < 0.25)) implausible++;
  }
  rates.sort((a, b) => a - b);
  return [
    `PhysioNet/CinC 2021 12-lead records (500 Hz, 10 s, no beat labels): ${files.length} records, median heart rate ` +
      `${Math.round(rates[0])}–${Math.round(rates[rates.length - 1])} bpm, ${implausible} with an implausible rate or an RR under 250 ms.`,
  ];
}

export async function run(): Promise<string> {
  if (!existsSync(dataRoot) || !existsSync(evalTool))
    return '## QRS detection\n\nSkipped: needs ../shared/data and ../shared/tools.\n';
  const only = process.env.ECG_BENCH_SETS?.split(',');
  const outDir = mkdtempSync(path.join(tmpdir(), 'lifeline-qrs-'));
  const parts: string[] = ['## QRS detection', ''];
  parts.push(
    'Scored with `../shared/tools/qrs-eval.mjs` (ANSI/AAMI EC57 / PhysioNet bxb rules: 150 ms match window, from ' +
      'minute 5, ventricular flutter excluded). Reference: PhysioNet `gqrs` gives Se 99.69 % / +P 99.69 % over the ' +
      '25 shared MIT-BIH records, and about 99.95 % / 88.66 % on 118e12.',
    '',
  );
  try {
    const summary: string[] = [
      '| set | records | TP | FN | FP | Se % | +P % | detection CPU time (one core) |',
      '|---|---|---|---|---|---|---|---|',
    ];
    const details: string[] = [];
    for (const set of SETS) {
      if (only && !only.includes(set.id)) continue;
      if (!existsSync(path.join(dataRoot, set.dir))) continue;
      const { lines, seconds, signalSec } = await evaluateSet(set, outDir);
      const g = gross(lines);
      summary.push(
        `| ${set.title} | ${lines.length} | ${g.tp} | ${g.fn} | ${g.fp} | ${g.se} | ${g.ppv} | ${seconds.toFixed(2)} s for ${(signalSec / 3600).toFixed(1)} h (${Math.round(signalSec / seconds)}× real time) |`,
      );
      details.push(
        `### ${set.title}`,
        '',
        '| record | ref | TP | FN | FP | Se % | +P % |',
        '|---|---|---|---|---|---|---|',
      );
      for (const l of lines)
        details.push(
          `| ${l.record} | ${l.ref} | ${l.tp} | ${l.fn} | ${l.fp} | ${pct(l.tp, l.tp + l.fn)} | ${pct(l.tp, l.tp + l.fp)} |`,
        );
      details.push('');
    }
    if (!only || only.includes('nstdb')) {
      for (const k of [2, 4]) {
        const l = await scaledNoise(outDir, k);
        if (l) {
          const db = Math.round(12 - 6 * Math.log2(k));
          summary.push(
            `| 118 + ${k}× the 118e12 noise (≈ ${db} dB, made here) | 1 | ${l.tp} | ${l.fn} | ${l.fp} | ${pct(l.tp, l.tp + l.fn)} | ${pct(l.tp, l.tp + l.fp)} | – |`,
          );
        }
      }
    }
    parts.push(...summary, '');
    if (!only || only.includes('12lead')) parts.push(...(await twelveLeadSanity()), '');
    if (process.env.ECG_BENCH_SPEED !== '0') parts.push(await speed24h(), '');
    parts.push(...details);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  return parts.join('\n');
}
