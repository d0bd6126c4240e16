/**
 * Atrial fibrillation benchmark on the CPSC 2021 paroxysmal-AF records in ../shared/data/cpsc2021-paf (and the
 * MIT-BIH Arrhythmia records as a check against false AF in other arrhythmias). Full pipeline: detectQrs →
 * classifyBeats → atrialActivity → detectAf. Reference AF = the spans between '(AFIB' or '(AFL' rhythm
 * annotations and the next other rhythm annotation.
 *
 * Episode rule: a reference episode is found when a detected episode overlaps it by at least half of the shorter
 * of the two; a detected episode is a true positive when it overlaps some reference episode by that rule.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import {
  type AamiClass,
  type AfOptions,
  atrialActivity,
  classifyBeats,
  detectAf,
  detectFlutter,
  detectQrs,
} from '@lifeline/ecg';
import { readAnnotationFile, readWfdbRecord } from '@lifeline/ecg/node';
import { MIT_TO_AAMI, MITDB, MITDB_RECORDS } from './ecg-classify';

const repoRoot = path.resolve(import.meta.dirname, '..');
export const CPSC2021 = path.resolve(repoRoot, '../shared/data/cpsc2021-paf');

type Span = [number, number];

export async function referenceAf(atrPath: string, end: number): Promise<Span[]> {
  const spans: Span[] = [];
  let start = -1;
  for (const a of await readAnnotationFile(atrPath)) {
    if (!a.aux?.startsWith('(')) continue;
    const af = a.aux.startsWith('(AFIB') || a.aux.startsWith('(AFL');
    if (af && start < 0) start = a.sample;
    else if (!af && start >= 0) {
      spans.push([start, a.sample]);
      start = -1;
    }
  }
  if (start >= 0) spans.push([start, end]);
  return spans;
}

const overlap = (a: Span, b: Span) => Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
const matches = (a: Span, b: Span) => overlap(a, b) >= 0.5 * Math.min(a[1] - a[0], b[1] - b[0]);

export interface AfRecordScore {
  record: string;
  seconds: number;
  ref: Span[];
  det: Span[];
  refFound: number;
  detTrue: number;
  refBurden: number;
  detBurden: number;
  /** Atrial flutter "consider" episodes flagged on the first lead. */
  flutter: number;
}

export async function scoreAfRecord(hea: string, atr: string, options: AfOptions): Promise<AfRecordScore> {
  const record = await readWfdbRecord(hea);
  const n = record.leads[0].samples.length;
  const beats = detectQrs(record);
  const classes = classifyBeats(record, beats);
  const leads = record.leads.slice(0, 3).map((l) => l.samples);
  const activity = atrialActivity({ leads, sampleRate: record.sampleRate, positions: beats });
  const res = detectAf(beats, record.sampleRate, classes, { ...options, atrialActivity: activity });
  const flutter = detectFlutter(record.leads[0].samples, record.sampleRate, beats).length;
  const ref = await referenceAf(atr, n);
  const det: Span[] = res.episodes.map((e) => [e.start, e.end]);
  const burden = (spans: Span[]) => spans.reduce((a, s) => a + s[1] - s[0], 0) / n;
  return {
    record: path.basename(hea, '.hea'),
    seconds: n / record.sampleRate,
    ref,
    det,
    refFound: ref.filter((r) => det.some((d) => matches(r, d))).length,
    detTrue: det.filter((d) => ref.some((r) => matches(r, d))).length,
    refBurden: burden(ref),
    detBurden: burden(det),
    flutter,
  };
}

function table(scores: AfRecordScore[]): string[] {
  const lines = [
    '| record | length s | ref episodes | found | detected | true | ref burden % | detected burden % | error (points) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  let ref = 0;
  let found = 0;
  let det = 0;
  let tru = 0;
  let err = 0;
  for (const s of scores) {
    const e = Math.abs(s.detBurden - s.refBurden) * 100;
    lines.push(
      `| ${s.record} | ${s.seconds.toFixed(0)} | ${s.ref.length} | ${s.refFound} | ${s.det.length} | ${s.detTrue} | ${(s.refBurden * 100).toFixed(1)} | ${(s.detBurden * 100).toFixed(1)} | ${e.toFixed(1)} |`,
    );
    ref += s.ref.length;
    found += s.refFound;
    det += s.det.length;
    tru += s.detTrue;
    err += e;
  }
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '–');
  lines.push(
    `| **all** | | ${ref} | ${found} (Se ${pct(found, ref)} %) | ${det} | ${tru} (+P ${pct(tru, det)} %) | | | mean ${(err / Math.max(1, scores.length)).toFixed(1)} |`,
  );
  return lines;
}

export async function run(): Promise<string> {
  if (!existsSync(CPSC2021)) return '## Atrial fibrillation\n\nSkipped: needs ../shared/data/cpsc2021-paf\n';
  const names = readdirSync(CPSC2021)
    .filter((f) => f.endsWith('.hea'))
    .map((f) => f.slice(0, -4))
    .sort();
  const settings: [string, AfOptions][] = [
    ['default options (episodes ≥ 30 s, the clinical definition)', {}],
    ['short episodes kept (minEpisodeSec 5), closer to the CPSC 2021 labels', { minEpisodeSec: 5 }],
  ];
  const out = [
    '## Atrial fibrillation',
    '',
    'Date 2026-11-21, machine 2-core x86_64, Node 20. Pipeline detectQrs → classifyBeats → atrialActivity →',
    'detectAf on the CPSC 2021 paroxysmal AF records in ../shared/data/cpsc2021-paf (Wang X et al., China',
    'Physiological Signal Challenge 2021, via PhysioNet, CC BY 4.0; Goldberger AL et al. Circulation',
    '101(23):e215-e220, 2000). Reference AF: spans from `(AFIB`/`(AFL` to the next rhythm annotation.',
    'Episode rule: a reference episode is found when a detected episode overlaps it by at least half of the',
    'shorter of the two; a detected episode is true when it overlaps a reference episode by the same rule.',
    'Burden error: |detected − reference| AF share of the record, in percentage points.',
  ];
  let flutterRecords = 0;
  let flutterTotal = 0;
  for (const [title, options] of settings) {
    const scores: AfRecordScore[] = [];
    for (const name of names) {
      const score = await scoreAfRecord(
        path.join(CPSC2021, `${name}.hea`),
        path.join(CPSC2021, `${name}.atr`),
        options,
      );
      scores.push(score);
      if (options === settings[0][1]) {
        flutterTotal++;
        if (score.flutter > 0) flutterRecords++;
      }
    }
    out.push('', `**${title}**`, '', ...table(scores));
  }
  if (existsSync(MITDB)) {
    // False AF in other arrhythmias: MIT-BIH records without AF should show none.
    const rows: string[] = [];
    let falseSec = 0;
    let recordsWithFalse = 0;
    let nonAf = 0;
    for (const name of MITDB_RECORDS) {
      const s = await scoreAfRecord(path.join(MITDB, `${name}.hea`), path.join(MITDB, `${name}.atr`), {});
      flutterTotal++;
      if (s.flutter > 0) flutterRecords++;
      if (s.ref.length > 0) {
        rows.push(
          `${name}: reference AF ${(s.refBurden * 100).toFixed(1)} %, detected ${(s.detBurden * 100).toFixed(1)} %`,
        );
        continue;
      }
      nonAf++;
      const sec = s.detBurden * s.seconds;
      falseSec += sec;
      if (sec > 0) recordsWithFalse++;
    }
    out.push(
      '',
      `MIT-BIH Arrhythmia Database (Moody & Mark 2001), default options: ${recordsWithFalse} of ${nonAf} records without AF`,
      `have false AF, ${falseSec.toFixed(0)} s in total of ${(nonAf * 30).toFixed(0)} min; records with AF: ${rows.join('; ')}.`,
    );
  }
  out.push(
    '',
    `Atrial flutter screening (detectFlutter, "consider" only): flagged in ${flutterRecords} of ${flutterTotal} records above`,
    '(none has flutter as its main rhythm; mitdb 203 has short irregular AFL stretches, which the screen, built for',
    'fixed 2:1–4:1 conduction, does not claim). Positive cases are only synthetic (tests), so its sensitivity on real',
    'flutter is unmeasured.',
  );
  const nsr = path.resolve(repoRoot, '../shared/data/physionet-misc-wfdb/cliffordlab/Physionet_nsr2db');
  if (existsSync(nsr)) {
    // 24-h beat annotations of healthy subjects (NSR2DB, 128 Hz): any AF found there is false.
    const parts: string[] = [];
    for (const name of ['nsr001', 'nsr004', 'nsr009']) {
      const file = path.join(nsr, `${name}.ecg`);
      if (!existsSync(file)) continue;
      const ann = (await readAnnotationFile(file)).filter((a) => MIT_TO_AAMI[a.symbol] !== undefined);
      const samples = Int32Array.from(ann.map((a) => a.sample));
      const classes = ann.map((a) => MIT_TO_AAMI[a.symbol] as AamiClass);
      const res = detectAf(samples, 128, classes);
      parts.push(
        `${name} ${(samples[samples.length - 1] / 128 / 3600).toFixed(1)} h: ${res.episodes.length} episodes, ${(res.burden * 100).toFixed(2)} %`,
      );
    }
    out.push(
      '',
      `Normal Sinus Rhythm RR Interval Database (NSR2DB; reference beat annotations, RR only): ${parts.join('; ')}.`,
    );
  }
  return out.join('\n') + '\n';
}
