/**
 * Research export: a de-identified data set of chosen exams as a ZIP — exams.csv (pseudonymous record and subject
 * numbers, sex, age, year and days since the subject's first exam in the set, measurements, statements) and, when
 * asked, each waveform as a WFDB record (.hea + format 16 .dat, 1 adu = 1 µV). No names, identifiers, exact
 * dates, organisations or free text (it may name people) leave the server.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import JSZip from 'jszip';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { loadRecord } from '../ecg';
import { toCsv } from './export';
import { type HitRow, hitsByIds, orgScope } from './repo';

const DAY_MS = 86_400_000;

/** WFDB header for a format 16 record whose samples are µV (gain 1000 adu/mV, baseline 0). */
export function wfdbHeader(name: string, sampleRate: number, sampleCount: number, leads: string[]): string {
  const lines = [`${name} ${leads.length} ${sampleRate} ${sampleCount}`];
  for (const lead of leads) lines.push(`${name}.dat 16 1000/mV 16 0 0 0 0 ${lead}`);
  return `${lines.join('\n')}\n`;
}

/** Interleaved little-endian int16 samples (format 16); µV beyond ±32767 are clipped. */
export function wfdbFormat16(leads: Float32Array[], sampleCount: number): Uint8Array {
  const out = new Uint8Array(leads.length * sampleCount * 2);
  const view = new DataView(out.buffer);
  let o = 0;
  for (let i = 0; i < sampleCount; i++) {
    for (const lead of leads) {
      const v = Math.round(lead[i] ?? 0);
      view.setInt16(o, v > 32767 ? 32767 : v < -32767 ? -32767 : v, true);
      o += 2;
    }
  }
  return out;
}

function deidentifiedRows(hits: HitRow[]): {
  rows: (string | number | null)[][];
  names: Map<string, string>;
} {
  const subjects = new Map<string, { no: string; first: number }>();
  const sorted = [...hits].sort((a, b) => a.exam_at.getTime() - b.exam_at.getTime());
  for (const h of sorted) {
    const key = h.patient_id ?? `exam:${h.exam_id}`;
    if (!subjects.has(key)) {
      subjects.set(key, { no: `S${String(subjects.size + 1).padStart(4, '0')}`, first: h.exam_at.getTime() });
    }
  }
  const names = new Map<string, string>();
  const rows: (string | number | null)[][] = [
    [
      'record',
      'subject',
      'sex',
      'age_years',
      'exam_year',
      'days_since_first_exam',
      'heart_rate_bpm',
      'pr_ms',
      'qrs_ms',
      'qt_ms',
      'qtc_bazett_ms',
      'critical',
      'statement_codes',
      'statements_en',
      'sample_rate_hz',
      'duration_s',
      'leads',
    ],
  ];
  const r = (v: number | null) => (v === null ? null : Math.round(v));
  sorted.forEach((h, i) => {
    const s = subjects.get(h.patient_id ?? `exam:${h.exam_id}`) as { no: string; first: number };
    const record = `R${String(i + 1).padStart(5, '0')}`;
    names.set(h.exam_id, record);
    rows.push([
      record,
      s.no,
      h.patient_sex,
      // Ages above 89 are grouped, as HIPAA Safe Harbor asks.
      h.patient_age === null ? null : Math.min(h.patient_age, 90),
      h.exam_at.getUTCFullYear(),
      Math.floor((h.exam_at.getTime() - s.first) / DAY_MS),
      r(h.heart_rate),
      r(h.pr),
      r(h.qrs),
      r(h.qt),
      r(h.qtc),
      h.critical ? 1 : 0,
      h.statement_codes.join(' '),
      h.statements_en,
      h.sample_rate,
      Math.round((h.sample_count / h.sample_rate) * 100) / 100,
      h.lead_names.join(' '),
    ]);
  });
  return { rows, names };
}

export async function researchExport(
  app: FastifyInstance,
  request: FastifyRequest,
  input: { examIds: string[]; waveforms?: boolean; purpose: string },
): Promise<Buffer> {
  const user = requireUser(request.user);
  const orgIds = await orgScope(app.db, user.organizationId);
  const ids = [...new Set(input.examIds)];
  const hits = (await hitsByIds(app.db, ids)).filter((h) => orgIds.includes(h.organization_id));
  if (hits.length !== ids.length) throw AppError.notFound('exam');
  const { rows, names } = deidentifiedRows(hits);
  const zip = new JSZip();
  zip.file('exams.csv', toCsv(rows));
  if (input.waveforms) {
    for (const h of hits) {
      const name = names.get(h.exam_id) as string;
      const rec = await loadRecord(app.blobs, h.waveform_blob, {
        sampleRate: h.sample_rate,
        leadNames: h.lead_names,
        sampleCount: h.sample_count,
      });
      zip.file(`${name}.hea`, wfdbHeader(name, h.sample_rate, h.sample_count, h.lead_names));
      zip.file(
        `${name}.dat`,
        wfdbFormat16(
          rec.leads.map((l) => l.samples),
          h.sample_count,
        ),
      );
    }
  }
  zip.file(
    'README.txt',
    'De-identified ECG data set exported from Lifeline. exams.csv: one row per record; WFDB records ' +
      '(.hea/.dat, format 16, 1000 adu/mV) when waveforms were requested.\n',
  );
  // Exam ids are kept in the audit entry (not in the data set), so the export can be traced.
  await request.audit({
    action: 'research.export',
    resourceType: 'ecg-exam',
    detail: { purpose: input.purpose, exams: ids, waveforms: input.waveforms ?? false },
  });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}
