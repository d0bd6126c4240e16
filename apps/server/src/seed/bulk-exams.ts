/**
 * Inserts many ECG exams at once (benchmarks, search tests, e2e) with their order, signed report and critical-value
 * entry, through unnest() arrays: one statement per table per batch, so the search-table triggers run once per
 * batch. The exams share one waveform blob; their measurements and statements are given, not analysed.
 */
import { randomUUID } from 'node:crypto';
import { STATEMENT_LIBRARY } from '@lifeline/ecg';
import type { Queryable } from '../db/pool';

const LIBRARY = STATEMENT_LIBRARY as Record<string, { textZh: string; textEn: string; category: string }>;

export interface ExamSpec {
  organizationId: string;
  patientId: string;
  examAt: Date;
  deviceName: string;
  /** With a department an order is created (priority, green channel); without, the exam has no order. */
  departmentId: string | null;
  priority: 'routine' | 'urgent' | 'stat';
  statements: string[];
  measurements: { heartRate: number; pr?: number; qrsDuration: number; qt: number; qtcBazett: number };
  critical: boolean;
  technicianId: string | null;
  /** Signed by readerId this many minutes after reception; null: not reported yet. */
  readerId: string | null;
  signedAfterMin: number | null;
  /** Minutes from the critical flag to acknowledgement; null: not acknowledged. */
  ackAfterMin?: number | null;
}

export const GENERATED_LEADS = ['I', 'II', 'III', 'aVR', 'aVL', 'aVF', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6'];

function statementJson(codes: string[], source?: 'physician') {
  return codes.map((code) => {
    const s = LIBRARY[code];
    return {
      code,
      textZh: s?.textZh ?? code,
      textEn: s?.textEn ?? code,
      category: s?.category ?? 'other',
      ...(source ? { source } : { certainty: 'definite', evidence: {} }),
    };
  });
}

/** Returns the exam ids, in the order of specs. */
export async function insertExams(
  db: Queryable,
  specs: ExamSpec[],
  waveform: { blob: string; sampleRate: number; sampleCount: number },
): Promise<string[]> {
  const examIds = specs.map(() => randomUUID());
  const orderIds = specs.map((s) => (s.departmentId ? randomUUID() : null));
  const ordered = specs.map((s, i) => ({ s, i })).filter((x) => x.s.departmentId);
  if (ordered.length) {
    await db.query(
      `INSERT INTO ecg_orders (id, organization_id, patient_id, accession_number, procedure_code, procedure_name,
         priority, green_channel, ordering_department_id, status, scheduled_at, created_at)
       SELECT id, org, pat, 'G' || replace(id::text, '-', ''), 'ECG12', '常规十二导联心电图', pri, pri = 'stat', dept,
         'completed', at - interval '20 minutes', at - interval '20 minutes'
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::timestamptz[])
         AS t(id, org, pat, pri, dept, at)`,
      [
        ordered.map((x) => orderIds[x.i]),
        ordered.map((x) => x.s.organizationId),
        ordered.map((x) => x.s.patientId),
        ordered.map((x) => x.s.priority),
        ordered.map((x) => x.s.departmentId),
        ordered.map((x) => x.s.examAt),
      ],
    );
  }
  await db.query(
    `INSERT INTO ecg_exams (id, organization_id, patient_id, order_id, status, acquired_at, received_at, channel,
       device_name, format, original_blob, original_name, content_hash, sample_rate, sample_count, duration_sec,
       lead_names, waveform_blob, analysis, analysed_at, critical, match_state, matched_by, created_by)
     SELECT id, org, pat, ord, 'analysed', at, at + interval '40 seconds', 'upload', dev, 'generated', $9,
       'generated.dat', 'g' || id::text, $10::float8, $11::int, $11::int / $10::float8, $12::text[], $9, analysis, at + interval '45 seconds', crit,
       'matched', 'generated', tech
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], $7::jsonb[],
                 $8::boolean[], $13::uuid[]) AS t(id, org, pat, ord, at, dev, analysis, crit, tech)`,
    [
      examIds,
      specs.map((s) => s.organizationId),
      specs.map((s) => s.patientId),
      orderIds,
      specs.map((s) => s.examAt),
      specs.map((s) => s.deviceName),
      specs.map((s) =>
        JSON.stringify({
          measurements: s.measurements,
          statements: statementJson(s.statements),
          critical: [],
          engineVersion: 'generated',
        }),
      ),
      specs.map((s) => s.critical),
      waveform.blob,
      waveform.sampleRate,
      waveform.sampleCount,
      GENERATED_LEADS,
      specs.map((s) => s.technicianId),
    ],
  );
  const signed = specs.map((s, i) => ({ s, i })).filter((x) => x.s.readerId && x.s.signedAfterMin !== null);
  if (signed.length) {
    const reportIds = signed.map(() => randomUUID());
    await db.query(
      `INSERT INTO ecg_reports (id, organization_id, exam_id, patient_id, current_version, created_by, created_at)
       SELECT id, org, exam, pat, 1, tech, at FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[],
         $5::uuid[], $6::timestamptz[]) AS t(id, org, exam, pat, tech, at)`,
      [
        reportIds,
        signed.map((x) => x.s.organizationId),
        signed.map((x) => examIds[x.i]),
        signed.map((x) => x.s.patientId),
        signed.map((x) => x.s.technicianId),
        signed.map((x) => x.s.examAt),
      ],
    );
    await db.query(
      `INSERT INTO ecg_report_versions (report_id, organization_id, version, status, template, review_levels,
         statements, automatic_statements, signed_by, signed_at, content_hash, signature, created_by, created_at)
       SELECT rid, org, 1, 'signed', 'resting-12', 1, st, st, reader,
         at + interval '40 seconds' + make_interval(secs => mins * 60), 'generated', 'generated', tech, at
       FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[], $4::uuid[], $5::timestamptz[], $6::float8[], $7::uuid[])
         AS t(rid, org, st, reader, at, mins, tech)`,
      [
        reportIds,
        signed.map((x) => x.s.organizationId),
        signed.map((x) => JSON.stringify(statementJson(x.s.statements, 'physician'))),
        signed.map((x) => x.s.readerId),
        signed.map((x) => x.s.examAt),
        signed.map((x) => x.s.signedAfterMin),
        signed.map((x) => x.s.technicianId),
      ],
    );
  }
  const crit = specs.map((s, i) => ({ s, i })).filter((x) => x.s.critical);
  if (crit.length) {
    await db.query(
      `INSERT INTO critical_values (organization_id, exam_id, patient_id, order_id, department_id, source, findings,
         created_at, ack_due_at, acknowledged_at)
       SELECT org, exam, pat, ord, dept, 'engine', '[]', at + interval '45 seconds',
         at + interval '45 seconds' + interval '10 minutes',
         CASE WHEN ack IS NULL THEN NULL ELSE at + interval '45 seconds' + make_interval(secs => ack * 60) END
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::uuid[], $6::timestamptz[], $7::float8[])
         AS t(org, exam, pat, ord, dept, at, ack)`,
      [
        crit.map((x) => x.s.organizationId),
        crit.map((x) => examIds[x.i]),
        crit.map((x) => x.s.patientId),
        crit.map((x) => orderIds[x.i]),
        crit.map((x) => x.s.departmentId),
        crit.map((x) => x.s.examAt),
        crit.map((x) => x.s.ackAfterMin ?? null),
      ],
    );
  }
  return examIds;
}

/** A small flat 12-lead waveform (10 s at 500 Hz) for generated exams, stored once. */
export function generatedWaveform(): Uint8Array {
  const sampleCount = 5000;
  const data = new Float32Array(GENERATED_LEADS.length * sampleCount);
  for (let l = 0; l < GENERATED_LEADS.length; l++) {
    for (let i = 0; i < sampleCount; i++) {
      // A QRS-like spike every 0.8 s, so a plotted record is recognisably an ECG.
      const t = i % 400;
      data[l * sampleCount + i] = t < 10 ? 1000 * Math.sin((Math.PI * t) / 10) : 0;
    }
  }
  return new Uint8Array(data.buffer);
}
