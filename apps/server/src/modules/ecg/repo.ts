/** SQL of ECG exams and their link history. Every query is scoped by organisation. */
import type { Queryable } from '../../db/pool';
import type { FileIdentifiers } from './identifiers';

export const EXAM_STATUSES = ['acquired', 'analysed', 'analysis-failed'] as const;
export const CHANNELS = ['upload', 'api', 'dicom', 'folder', 'hl7'] as const;
export type IngestChannel = (typeof CHANNELS)[number];

export interface ExamRow {
  id: string;
  organization_id: string;
  patient_id: string | null;
  order_id: string | null;
  status: string;
  acquired_at: Date | null;
  received_at: Date;
  channel: IngestChannel;
  device_id: string | null;
  device_name: string | null;
  device: Record<string, string>;
  format: string;
  original_blob: string;
  original_name: string;
  original_files: { name: string; key: string; size: number }[];
  content_hash: string;
  instance_uid: string | null;
  identifiers: FileIdentifiers;
  sample_rate: number;
  sample_count: number;
  duration_sec: number;
  lead_names: string[];
  waveform_blob: string;
  analysis: Record<string, unknown> | null;
  analysis_error: string | null;
  analysed_at: Date | null;
  device_measurements: Record<string, number> | null;
  device_statements: string[] | null;
  warnings: string[];
  critical: boolean;
  match_state: 'matched' | 'unmatched';
  matched_by: string | null;
  created_by: string | null;
}

export async function examInOrg(
  db: Queryable,
  orgId: string,
  id: string,
  forUpdate = false,
): Promise<ExamRow | undefined> {
  const { rows } = await db.query<ExamRow>(
    `SELECT * FROM ecg_exams WHERE id = $1 AND organization_id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id, orgId],
  );
  return rows[0];
}

/** An exam already holding this content or this instance UID (a re-sent ECG). */
export async function existingExam(
  db: Queryable,
  orgId: string,
  contentHash: string,
  instanceUid: string | null,
): Promise<{ id: string } | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM ecg_exams WHERE organization_id = $1 AND (content_hash = $2 OR instance_uid = $3) LIMIT 1`,
    [orgId, contentHash, instanceUid],
  );
  return rows[0];
}

export async function addLinkHistory(
  db: Queryable,
  e: {
    examId: string;
    orgId: string;
    action: 'auto-match' | 'link' | 'unlink';
    patientId: string | null;
    orderId: string | null;
    matchedBy?: string | null;
    reason?: string | null;
    userId?: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO ecg_exam_links (exam_id, organization_id, action, patient_id, order_id, matched_by, reason, user_id)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
    [
      e.examId,
      e.orgId,
      e.action,
      e.patientId,
      e.orderId,
      e.matchedBy ?? null,
      e.reason ?? null,
      e.userId ?? null,
    ],
  );
}

export interface LinkHistoryRow {
  action: string;
  patient_id: string | null;
  order_id: string | null;
  matched_by: string | null;
  reason: string | null;
  username: string | null;
  at: Date;
}

export async function linkHistory(db: Queryable, orgId: string, examId: string): Promise<LinkHistoryRow[]> {
  const { rows } = await db.query<LinkHistoryRow>(
    `SELECT l.action, l.patient_id, l.order_id, l.matched_by, l.reason, u.username, l.at
     FROM ecg_exam_links l LEFT JOIN users u ON u.id = l.user_id
     WHERE l.exam_id = $1 AND l.organization_id = $2 ORDER BY l.at, l.id`,
    [examId, orgId],
  );
  return rows;
}

export interface ExamFilter {
  status?: string;
  patientId?: string;
  matched?: boolean;
  from?: string;
  to?: string;
  critical?: boolean;
  limit: number;
  offset: number;
}

/** Newest first; `from`/`to` bound the acquisition instant (reception when the file had none). */
export async function searchExams(
  db: Queryable,
  orgId: string,
  f: ExamFilter,
): Promise<{ rows: ExamRow[]; total: number }> {
  const params: unknown[] = [orgId];
  const where = ['organization_id = $1'];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (f.status) add('status = ?', f.status);
  if (f.patientId) add('patient_id = ?', f.patientId);
  if (f.matched !== undefined) add('match_state = ?', f.matched ? 'matched' : 'unmatched');
  if (f.critical !== undefined) add('critical = ?', f.critical);
  if (f.from) add('coalesce(acquired_at, received_at) >= ?', f.from);
  if (f.to) add('coalesce(acquired_at, received_at) < ?', f.to);
  const { rows } = await db.query<ExamRow & { total: number }>(
    `SELECT *, count(*) OVER () AS total FROM ecg_exams WHERE ${where.join(' AND ')}
     ORDER BY received_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset}`,
    params,
  );
  return { rows, total: rows[0]?.total ?? 0 };
}
