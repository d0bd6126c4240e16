/**
 * Holter (long-term) analysis of a stored exam: the engine's streaming HolterAnalyzer is fed the waveform blob in
 * one-minute range reads, so memory stays bounded whatever the length (a 24 h 3-lead recording is never held
 * whole). The summary goes to `ecg_exams.holter` (jsonb, with a per-minute index into the beat list) and the beat
 * list to a blob (`Int32` positions, then one class byte per beat), read back window by window for the viewer.
 * A representative 10-s strip still goes through analyzeEcg for the measurements and statements.
 */
import {
  type AamiClass,
  analyzeEcg,
  type CriticalFinding,
  DEFAULT_CRITICAL_RULES,
  type EcgAnalysis,
  EcgError,
  HolterAnalyzer,
  type HolterSummary,
} from '@lifeline/ecg';
import type { BlobStore } from '../../blob';
import type { Queryable } from '../../db/pool';
import type { ExamRow } from './repo';
import { readWaveformWindow, type WaveformShape } from './waveform';

/** Recordings longer than this (seconds) are analysed as Holter; ISHNE files always are (it is a Holter format). */
export const HOLTER_MIN_SEC = 120;
/** Seconds read from the blob per step: one minute × 3 leads at 1000 Hz is 720 kB. */
const CHUNK_SEC = 60;
/** Length of the strip given to analyzeEcg for measurements and statements. */
const STRIP_SEC = 10;
/** Step of the beat index kept in the summary: the first beat of every minute. */
export const BEAT_INDEX_STEP_SEC = 60;

export const BEAT_CLASSES: readonly AamiClass[] = ['N', 'S', 'V', 'F', 'Q', 'P'];

export function isHolterExam(exam: Pick<ExamRow, 'format' | 'duration_sec'>): boolean {
  return exam.format === 'ishne' || exam.duration_sec > HOLTER_MIN_SEC;
}

/**
 * The leads given to the Holter analyzer: at most three (its classifier uses three), the usual Holter leads
 * first. Fewer leads keep a 12-lead Holter's CPU time and memory at those of a 3-lead one.
 */
export function holterLeads(leadNames: string[]): string[] {
  const preferred = ['II', 'MLII', 'V1', 'V5', 'CM5', 'CC5', 'ML', 'I', 'V2'];
  const picked = preferred.filter((p) => leadNames.includes(p)).slice(0, 3);
  for (const name of leadNames) {
    if (picked.length >= 3) break;
    if (!picked.includes(name)) picked.push(name);
  }
  return picked;
}

/** Beat list as stored: n Int32 LE sample positions, then n class bytes (index into BEAT_CLASSES). */
export function encodeBeats(samples: Int32Array, classes: readonly AamiClass[]): Uint8Array {
  const n = samples.length;
  const out = new Uint8Array(n * 5);
  const view = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    view.setInt32(i * 4, samples[i], true);
    out[n * 4 + i] = Math.max(0, BEAT_CLASSES.indexOf(classes[i]));
  }
  return out;
}

/** Beats [first, last) from the blob: two range reads (positions, classes). */
export async function readBeats(
  blobs: BlobStore,
  key: string,
  count: number,
  first: number,
  last: number,
): Promise<{ samples: number[]; classes: AamiClass[] }> {
  const from = Math.max(0, Math.min(first, count));
  const to = Math.max(from, Math.min(last, count));
  if (to === from) return { samples: [], classes: [] };
  const pos = await blobs.getRange(key, from * 4, (to - from) * 4);
  const cls = await blobs.getRange(key, count * 4 + from, to - from);
  const view = new DataView(pos.buffer, pos.byteOffset, pos.byteLength);
  const samples: number[] = [];
  const classes: AamiClass[] = [];
  for (let i = 0; i < to - from; i++) {
    samples.push(view.getInt32(i * 4, true));
    classes.push(BEAT_CLASSES[cls[i]] ?? 'Q');
  }
  return { samples, classes };
}

/** Index of the first beat at or after each minute, so a window's beats are found without reading the list. */
export function beatIndex(samples: Int32Array, sampleRate: number, durationSec: number): number[] {
  const steps = Math.ceil(durationSec / BEAT_INDEX_STEP_SEC) + 1;
  const index: number[] = [];
  let k = 0;
  for (let m = 0; m < steps; m++) {
    const at = m * BEAT_INDEX_STEP_SEC * sampleRate;
    while (k < samples.length && samples[k] < at) k++;
    index.push(k);
  }
  return index;
}

/** What summariseHolter finds worth a critical value (domain.md §2): pauses and sustained fast VT runs. */
export function holterCriticalFindings(summary: HolterSummary): CriticalFinding[] {
  const rule = (id: string) => DEFAULT_CRITICAL_RULES.find((r) => r.id === id);
  const findings: CriticalFinding[] = [];
  const pause = rule('pause');
  if (pause?.enabled) {
    const fs = summary.sampleRate;
    const inAf = (sample: number) => summary.af.episodes.some((e) => sample >= e.start && sample <= e.end);
    // Outside AF a pause ≥ 3 s is critical; inside AF only ≥ 5 s (AF pauses of 3–5 s are common on Holter).
    const hits = summary.events.filter(
      (e) =>
        e.type === 'pause' &&
        e.durationMs / 1000 >= (inAf(e.start) ? pause.thresholds.afPauseSec : pause.thresholds.pauseSec),
    );
    if (hits.length) {
      const longest = hits.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
      findings.push({
        ruleId: 'pause',
        textZh: pause.textZh,
        textEn: pause.textEn,
        evidence: {
          pauses: hits.length,
          longestRrSec: Math.round(longest.durationMs) / 1000,
          atSec: Math.round((longest.start / fs) * 10) / 10,
          inAf: inAf(longest.start) ? 1 : 0,
          thresholdSec: pause.thresholds.pauseSec,
          thresholdAfSec: pause.thresholds.afPauseSec,
        },
      });
    }
  }
  const vt = rule('vt');
  if (vt?.enabled) {
    const hits = summary.events.filter(
      (e) =>
        e.type === 'v-run' &&
        (e.rateBpm ?? 0) >= vt.thresholds.rateBpm &&
        e.durationMs / 1000 >= vt.thresholds.durationSec,
    );
    if (hits.length) {
      const longest = hits.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
      findings.push({
        ruleId: 'vt',
        textZh: vt.textZh,
        textEn: vt.textEn,
        evidence: {
          runs: hits.length,
          rateBpm: Math.round(longest.rateBpm ?? 0),
          durationSec: Math.round(longest.durationMs / 100) / 10,
          atSec: Math.round((longest.start / summary.sampleRate) * 10) / 10,
          thresholdRateBpm: vt.thresholds.rateBpm,
          thresholdDurationSec: vt.thresholds.durationSec,
        },
      });
    }
  }
  return findings;
}

export interface HolterResult {
  /** analyzeEcg of the representative strip, beats shifted to recording positions, Holter criticals added. */
  strip: EcgAnalysis;
  stripFromSec: number;
  summary: HolterSummary;
  beatSamples: Int32Array;
  beatClasses: AamiClass[];
  /** Leads the Holter analyzer was given (at most three). */
  leads: string[];
}

/** Runs the Holter analysis over the stored waveform in chunks; never loads the whole recording. */
export async function runHolterAnalysis(
  blobs: BlobStore,
  key: string,
  shape: WaveformShape,
  options: { age?: number; sex?: 'M' | 'F'; startTime?: string },
): Promise<HolterResult> {
  const fs = shape.sampleRate;
  const leads = holterLeads(shape.leadNames);
  const analyzer = new HolterAnalyzer({
    sampleRate: fs,
    leadNames: leads,
    includeBeats: true,
    ...(options.startTime ? { startTime: options.startTime } : {}),
  });
  const step = Math.round(CHUNK_SEC * fs);
  for (let at = 0; at < shape.sampleCount; at += step) {
    analyzer.push(await readWaveformWindow(blobs, key, shape, at, at + step, leads));
  }
  const summary = analyzer.finish();
  const beats = summary.beats ?? { samples: new Int32Array(0), classes: [] };
  delete summary.beats;

  const durationSec = shape.sampleCount / fs;
  // A strip the engine refuses (lead off, all noise) must not fail a day of analysis: other places are tried.
  const candidates = [
    representativeStripStart(summary, durationSec),
    Math.floor(durationSec / 2),
    Math.floor(durationSec / 4),
    0,
  ].map((sec) => Math.max(0, Math.min(sec, Math.floor(durationSec - STRIP_SEC))));
  const starts = [...new Set(candidates)];
  let strip: EcgAnalysis | undefined;
  let stripFromSec = 0;
  for (const [k, sec] of starts.entries()) {
    const from = Math.floor(sec * fs);
    const stripLeads = await readWaveformWindow(blobs, key, shape, from, from + Math.round(STRIP_SEC * fs));
    try {
      strip = analyzeEcg(
        { sampleRate: fs, leads: shape.leadNames.map((name, i) => ({ name, samples: stripLeads[i] })) },
        {
          ...(options.age !== undefined ? { age: options.age } : {}),
          ...(options.sex ? { sex: options.sex } : {}),
        },
      );
      stripFromSec = sec;
      break;
    } catch (err) {
      if (!(err instanceof EcgError) || k === starts.length - 1) throw err;
    }
  }
  if (!strip) throw new EcgError('no strip of the recording could be analysed');
  const stripStart = Math.floor(stripFromSec * fs);
  // The strip's beats are stored at their place in the recording, so the viewer marks them where they are.
  strip.beats = { ...strip.beats, samples: strip.beats.samples.map((s) => s + stripStart) };
  const holterCritical = holterCriticalFindings(summary);
  strip.critical = [
    ...strip.critical.filter((c) => !holterCritical.some((h) => h.ruleId === c.ruleId)),
    ...holterCritical,
  ];
  return { strip, stripFromSec, summary, beatSamples: beats.samples, beatClasses: beats.classes, leads };
}

/**
 * The strip for measurements: the start of the minute whose heart rate is closest to the recording's mean
 * (a typical stretch rather than the hook-up at the start); the middle when no minute qualifies.
 */
function representativeStripStart(summary: HolterSummary, durationSec: number): number {
  const latest = Math.max(0, durationSec - STRIP_SEC);
  const mean = summary.heartRate.meanHr;
  let best: { at: number; diff: number } | undefined;
  if (mean !== undefined) {
    for (const h of summary.hourly) {
      if (h.meanHr === undefined) continue;
      const diff = Math.abs(h.meanHr - mean);
      if (!best || diff < best.diff) best = { at: h.startSec, diff };
    }
  }
  // Within the chosen hour, a point a few minutes in (past electrode settling) when the recording is long.
  const at = best ? best.at + Math.min(300, Math.max(0, (durationSec - best.at) / 2)) : durationSec / 2;
  return Math.max(0, Math.min(latest, Math.floor(at)));
}

/** The stored summary: the engine's HolterSummary plus the beat index and where the strip came from. */
export function holterToJson(result: HolterResult, durationSec: number): Record<string, unknown> {
  return {
    ...result.summary,
    stripFromSec: result.stripFromSec,
    beatIndex: {
      stepSec: BEAT_INDEX_STEP_SEC,
      first: beatIndex(result.beatSamples, result.summary.sampleRate, durationSec),
    },
    leadsAnalysed: result.leads,
  };
}

/**
 * The recording start as wall-clock time in the organisation's zone (no offset), so hourly rows follow the
 * clock hours the ward lived through; undefined when the acquisition time is unknown.
 */
export async function localStartTime(
  db: Queryable,
  exam: Pick<ExamRow, 'acquired_at' | 'organization_id'>,
): Promise<string | undefined> {
  if (!exam.acquired_at) return undefined;
  const { rows } = await db.query<{ time_zone: string }>(
    'SELECT time_zone FROM organizations WHERE id = $1',
    [exam.organization_id],
  );
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: rows[0]?.time_zone ?? 'UTC',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(exam.acquired_at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`;
}
