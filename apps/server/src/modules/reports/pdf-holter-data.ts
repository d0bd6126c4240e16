/**
 * What the Holter report prints, from the exam's stored Holter summary (ecg_exams.holter) and its waveform: the
 * summary figures with clock times, the hourly rows, and up to 12 event strips (8 s of the first analysed lead),
 * the most important events first: AF onsets, pauses (longest first), ventricular runs, supraventricular runs,
 * couplets, tachy- and bradycardia. Returns null when the exam has no Holter analysis.
 */
import type { AfEpisode, RhythmEvent } from '@lifeline/ecg';
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../db/pool';
import { readWaveformWindow } from '../ecg';
import { holterLeads } from '../ecg/holter';
import { holterEvents } from '../ecg/holter-routes';
import type { HolterHourRow, HolterPdfData, HolterStrip } from './pdf-holter';
import { STRIP_SECONDS } from './pdf-holter';

const MAX_STRIPS = 12;

interface StoredHolter {
  durationSec: number;
  sampleRate: number;
  counts: { total: number; N: number; S: number; V: number };
  pvcBurdenPercent: number;
  pacBurdenPercent: number;
  heartRate: { minHr?: number; meanHr?: number; maxHr?: number; minAtSec?: number; maxAtSec?: number };
  hourly: {
    startSec: number;
    clockHour?: number;
    beats: number;
    V: number;
    S: number;
    minHr?: number;
    meanHr?: number;
    maxHr?: number;
  }[];
  longestRr?: { ms: number; atSec: number };
  pauses: { atLeast2s: number; atLeast3s: number; longestMs?: number };
  af: { burdenPercent: number; episodes: AfEpisode[]; longestSec?: number };
  runs: HolterPdfData['runs'];
  hrv: { sdnn?: number; rmssd?: number; pnn50?: number };
  events: RhythmEvent[];
  leadsAnalysed?: string[];
}

/** Event types in the order their strips are printed, with their labels. */
const STRIP_KINDS: [string, string][] = [
  ['af', '房颤 AF onset'],
  ['pause', '停搏 Pause'],
  ['v-run', '室速 V run'],
  ['sv-run', '室上速 SV run'],
  ['v-couplet', '成对室早 V couplet'],
  ['sv-couplet', '成对室上早 SV couplet'],
  ['tachycardia', '心动过速 Tachycardia'],
  ['bradycardia', '心动过缓 Bradycardia'],
  ['bigeminy', '二联律 Bigeminy'],
  ['trigeminy', '三联律 Trigeminy'],
];

const hms = (sec: number) => {
  const s = Math.max(0, Math.floor(sec));
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Clock time of an offset into the recording in the organisation's zone, with the offset itself. */
export function clockAt(start: Date | null, sec: number, timeZone: string): string {
  if (!start) return `+${hms(sec)}`;
  const t = new Date(start.getTime() + sec * 1000);
  const clock = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(t);
  return `${clock} (+${hms(sec)})`;
}

export async function holterPdfData(
  app: FastifyInstance,
  db: Queryable,
  orgId: string,
  examId: string,
): Promise<HolterPdfData | null> {
  const { rows } = await db.query<{
    holter: StoredHolter | null;
    sample_rate: number;
    sample_count: number;
    lead_names: string[];
    waveform_blob: string;
    started: Date | null;
    time_zone: string;
  }>(
    `SELECT e.holter, e.sample_rate, e.sample_count, e.lead_names, e.waveform_blob,
            e.acquired_at AS started, o.time_zone
     FROM ecg_exams e JOIN organizations o ON o.id = e.organization_id
     WHERE e.id = $1 AND e.organization_id = $2`,
    [examId, orgId],
  );
  const row = rows[0];
  if (!row?.holter) return null;
  const h = row.holter;
  const at = (sec: number | undefined) =>
    sec === undefined ? undefined : clockAt(row.started, sec, row.time_zone);
  const hourly: HolterHourRow[] = h.hourly.map((r) => ({
    label:
      r.clockHour !== undefined
        ? `${String(r.clockHour).padStart(2, '0')}:00`
        : `+${String(Math.floor(r.startSec / 3600)).padStart(2, '0')} h`,
    beats: r.beats,
    minHr: r.minHr,
    meanHr: r.meanHr === undefined ? undefined : Math.round(r.meanHr),
    maxHr: r.maxHr,
    V: r.V,
    S: r.S,
  }));

  // Strips: most important kinds first; within a kind, pauses by length, the rest in time order.
  const events = holterEvents({ sampleRate: h.sampleRate, events: h.events ?? [], af: h.af });
  const picked: { title: string; startSec: number; centreSec: number }[] = [];
  for (const [kind, label] of STRIP_KINDS) {
    const ofKind = events.filter((e) => e.type === kind);
    if (kind === 'pause') ofKind.sort((a, b) => b.durationMs - a.durationMs);
    for (const e of ofKind.slice(0, 3)) {
      if (picked.length >= MAX_STRIPS) break;
      const detail =
        kind === 'pause'
          ? ` ${(e.durationMs / 1000).toFixed(2)} s`
          : e.rateBpm !== undefined
            ? ` ${e.rateBpm} bpm${e.beats ? ` ${e.beats} 搏` : ''}`
            : '';
      // A pause is centred; other events start 2 s into the strip.
      const centre = kind === 'pause' ? (e.startSec + e.endSec) / 2 : e.startSec + STRIP_SECONDS / 2 - 2;
      picked.push({ title: `${label}${detail}`, startSec: e.startSec, centreSec: centre });
    }
  }
  const lead =
    holterLeads(h.leadsAnalysed?.length ? h.leadsAnalysed : row.lead_names)[0] ?? row.lead_names[0];
  const shape = { sampleRate: row.sample_rate, leadNames: row.lead_names, sampleCount: row.sample_count };
  const strips: HolterStrip[] = [];
  for (const p of picked) {
    const from = Math.max(
      0,
      Math.min(row.sample_count / row.sample_rate - STRIP_SECONDS, p.centreSec - STRIP_SECONDS / 2),
    );
    const start = Math.max(0, Math.round(from * row.sample_rate));
    try {
      const [samples] = await readWaveformWindow(
        app.blobs,
        row.waveform_blob,
        shape,
        start,
        start + Math.round(STRIP_SECONDS * row.sample_rate),
        [lead],
      );
      strips.push({
        title: p.title,
        at: clockAt(row.started, p.startSec, row.time_zone),
        lead,
        sampleRate: row.sample_rate,
        samples,
      });
    } catch (err) {
      app.log.warn({ err, examId }, 'Holter strip not readable for the report PDF');
    }
  }
  const hours = Math.floor(h.durationSec / 3600);
  const minutes = Math.round((h.durationSec % 3600) / 60);
  return {
    duration: `${hours} h ${String(minutes).padStart(2, '0')} min`,
    heartRate: {
      min: h.heartRate.minHr,
      mean: h.heartRate.meanHr === undefined ? undefined : Math.round(h.heartRate.meanHr),
      max: h.heartRate.maxHr,
      minAt: at(h.heartRate.minAtSec),
      maxAt: at(h.heartRate.maxAtSec),
    },
    counts: { total: h.counts.total, N: h.counts.N, S: h.counts.S, V: h.counts.V },
    pvcBurdenPercent: h.pvcBurdenPercent,
    pacBurdenPercent: h.pacBurdenPercent,
    runs: h.runs,
    pauses: {
      atLeast2s: h.pauses.atLeast2s,
      atLeast3s: h.pauses.atLeast3s,
      longestMs: h.longestRr?.ms ?? h.pauses.longestMs,
      longestAt: at(h.longestRr?.atSec),
    },
    af: { burdenPercent: h.af.burdenPercent, episodes: h.af.episodes.length, longestSec: h.af.longestSec },
    hrv: {
      sdnn: h.hrv.sdnn === undefined ? undefined : Math.round(h.hrv.sdnn),
      rmssd: h.hrv.rmssd === undefined ? undefined : Math.round(h.hrv.rmssd),
      pnn50: h.hrv.pnn50,
    },
    hourly,
    strips,
  };
}
