/**
 * Holter results over HTTP: the summary (with one flat, time-ordered event list for the events table) and the
 * beats of a time window (for the viewer's markers). Both are audited, need ecg.read and are organisation-scoped.
 */
import type { AfEpisode, RhythmEvent } from '@lifeline/ecg';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { readBeats } from './holter';
import { IdParam } from './schemas';

/** Longest window of beats served at once (an hour holds ~5 000 beats, 25 kB). */
const MAX_BEAT_WINDOW_SEC = 3600;

const BeatsQuery = Type.Object({
  from: Type.Number({ minimum: 0 }),
  to: Type.Number({ exclusiveMinimum: 0 }),
});

interface HolterRow {
  id: string;
  patient_id: string | null;
  sample_rate: number;
  duration_sec: number;
  analysis: { beats?: { samples: number[]; classes?: string[] } } | null;
  holter: (Record<string, unknown> & StoredSummary) | null;
  holter_beats_blob: string | null;
  holter_beat_count: number | null;
}

interface StoredSummary {
  sampleRate: number;
  events: RhythmEvent[];
  af: { episodes: AfEpisode[] };
  beatIndex?: { stepSec: number; first: number[] };
}

export interface HolterEventView {
  type: RhythmEvent['type'] | 'af';
  startSec: number;
  endSec: number;
  durationMs: number;
  beats?: number;
  rateBpm?: number;
  atLeast3s?: boolean;
}

async function holterRow(app: FastifyInstance, orgId: string, id: string): Promise<HolterRow> {
  const { rows } = await app.db.query<HolterRow>(
    `SELECT id, patient_id, sample_rate, duration_sec, analysis, holter, holter_beats_blob, holter_beat_count
     FROM ecg_exams WHERE id = $1 AND organization_id = $2`,
    [id, orgId],
  );
  if (!rows[0]) throw AppError.notFound('ECG');
  return rows[0];
}

/** Rhythm events and AF episodes as one list in seconds, ordered by start. */
export function holterEvents(summary: StoredSummary): HolterEventView[] {
  const fs = summary.sampleRate;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const events: HolterEventView[] = summary.events.map((e) => ({
    type: e.type,
    startSec: round(e.start / fs),
    endSec: round(e.end / fs),
    durationMs: Math.round(e.durationMs),
    beats: e.beats,
    ...(e.rateBpm !== undefined ? { rateBpm: Math.round(e.rateBpm) } : {}),
    ...(e.atLeast3s ? { atLeast3s: true } : {}),
  }));
  for (const a of summary.af.episodes) {
    events.push({
      type: 'af',
      startSec: round(a.start / fs),
      endSec: round(a.end / fs),
      durationMs: Math.round(((a.end - a.start) * 1000) / fs),
      rateBpm: Math.round(a.rateBpm),
    });
  }
  return events.sort((a, b) => a.startSec - b.startSec);
}

async function summary(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  const row = await holterRow(app, user.organizationId, id);
  await request.audit({
    action: 'ecg.holter.read',
    resourceType: 'ecg-exam',
    resourceId: id,
    ...(row.patient_id ? { patientId: row.patient_id } : {}),
  });
  if (!row.holter) throw AppError.notFound('Holter analysis');
  const { beatIndex: _index, events: _events, ...rest } = row.holter;
  return { examId: id, beatCount: row.holter_beat_count, ...rest, events: holterEvents(row.holter) };
}

async function beats(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  q: { from: number; to: number },
) {
  const user = requireUser(request.user);
  if (q.to <= q.from) throw AppError.invalid('to', 'must be after from');
  if (q.to - q.from > MAX_BEAT_WINDOW_SEC)
    throw AppError.invalid('to', `window too long: at most ${MAX_BEAT_WINDOW_SEC} s`);
  const row = await holterRow(app, user.organizationId, id);
  const fs = row.sample_rate;
  const lo = q.from * fs;
  const hi = q.to * fs;
  let samples: number[] = [];
  let classes: string[] = [];
  const index = row.holter?.beatIndex;
  if (row.holter_beats_blob && row.holter_beat_count !== null && index) {
    // The per-minute index bounds the slice to read; the exact window is cut from it.
    const m0 = Math.max(0, Math.floor(q.from / index.stepSec));
    const m1 = Math.min(index.first.length - 1, Math.ceil(q.to / index.stepSec));
    const first = index.first[Math.min(m0, index.first.length - 1)] ?? 0;
    const last = m1 + 1 < index.first.length ? index.first[m1 + 1] : row.holter_beat_count;
    const slice = await readBeats(app.blobs, row.holter_beats_blob, row.holter_beat_count, first, last);
    samples = slice.samples;
    classes = slice.classes;
  } else if (row.analysis?.beats) {
    // A resting ECG: its beats are in the analysis.
    samples = row.analysis.beats.samples;
    classes = row.analysis.beats.classes ?? samples.map(() => 'Q');
  }
  const keep = samples.map((_s, i) => i).filter((i) => samples[i] >= lo && samples[i] < hi);
  await request.audit({
    action: 'ecg.beats.read',
    resourceType: 'ecg-exam',
    resourceId: id,
    ...(row.patient_id ? { patientId: row.patient_id } : {}),
    detail: { from: q.from, to: q.to, beats: keep.length },
  });
  return {
    sampleRate: fs,
    from: q.from,
    to: q.to,
    samples: keep.map((i) => samples[i]),
    classes: keep.map((i) => classes[i]),
  };
}

export async function holterRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['ecgs'];
  app.get(
    '/api/ecgs/:id/holter',
    {
      config: { permission: 'ecg.read' },
      schema: {
        tags,
        params: IdParam,
        description:
          'Holter summary of a long recording: beat counts by class, burdens, hourly heart rate, pauses, AF, ' +
          'runs, HRV, and every event (pauses, runs, AF episodes) in seconds. 404 when the ECG has none.',
      },
    },
    async (request) => summary(app, request, (request.params as { id: string }).id),
  );
  app.get(
    '/api/ecgs/:id/beats',
    {
      config: { permission: 'ecg.read' },
      schema: {
        tags,
        params: IdParam,
        querystring: BeatsQuery,
        description: `Beats (sample positions and AAMI classes N/S/V/F/Q/P) from \`from\` to \`to\` seconds, at most ${MAX_BEAT_WINDOW_SEC} s`,
      },
    },
    async (request) =>
      beats(
        app,
        request,
        (request.params as { id: string }).id,
        request.query as { from: number; to: number },
      ),
  );
}
