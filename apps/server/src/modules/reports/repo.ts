/** SQL of reports, their versions and workflow events, and reporting settings. Every query is organisation-scoped. */
import type { Queryable } from '../../db/pool';
import type { ReportMeasurements, ReportStatement, Template } from './content';

export const VERSION_STATUSES = [
  'draft',
  'checked',
  'diagnosed',
  'reviewed',
  'signed',
  'published',
  'superseded',
] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

export interface ReportRow {
  id: string;
  organization_id: string;
  exam_id: string;
  patient_id: string | null;
  current_version: number;
  created_by: string | null;
  created_at: Date;
}

export interface VersionRow {
  id: string;
  report_id: string;
  organization_id: string;
  version: number;
  status: VersionStatus;
  template: Template;
  review_levels: number;
  reviews_done: number;
  automatic_measurements: ReportMeasurements;
  measurements: ReportMeasurements;
  automatic_statements: ReportStatement[];
  statements: ReportStatement[];
  free_text: string;
  conclusion: string;
  amends_version: number | null;
  amendment_reason: string | null;
  sign_warnings: unknown;
  signed_by: string | null;
  signed_at: Date | null;
  content_hash: string | null;
  signature: string | null;
  signing_key_id: string | null;
  verify_token: string | null;
  pdf_blob: string | null;
  published_by: string | null;
  published_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface EventRow {
  id: number;
  version: number;
  action: string;
  from_status: string | null;
  to_status: string;
  level: number | null;
  user_id: string | null;
  username: string | null;
  display_name: string | null;
  role: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
  at: Date;
}

export async function reportInOrg(
  db: Queryable,
  orgId: string,
  id: string,
  forUpdate = false,
): Promise<ReportRow | undefined> {
  const { rows } = await db.query<ReportRow>(
    `SELECT * FROM ecg_reports WHERE id = $1 AND organization_id = $2 ${forUpdate ? 'FOR UPDATE' : ''}`,
    [id, orgId],
  );
  return rows[0];
}

export async function reportOfExam(
  db: Queryable,
  orgId: string,
  examId: string,
): Promise<ReportRow | undefined> {
  const { rows } = await db.query<ReportRow>(
    'SELECT * FROM ecg_reports WHERE exam_id = $1 AND organization_id = $2',
    [examId, orgId],
  );
  return rows[0];
}

export async function versionOf(
  db: Queryable,
  orgId: string,
  reportId: string,
  version: number,
): Promise<VersionRow | undefined> {
  const { rows } = await db.query<VersionRow>(
    'SELECT * FROM ecg_report_versions WHERE report_id = $1 AND version = $2 AND organization_id = $3',
    [reportId, version, orgId],
  );
  return rows[0];
}

export async function versionsOf(db: Queryable, orgId: string, reportId: string): Promise<VersionRow[]> {
  const { rows } = await db.query<VersionRow>(
    'SELECT * FROM ecg_report_versions WHERE report_id = $1 AND organization_id = $2 ORDER BY version',
    [reportId, orgId],
  );
  return rows;
}

export async function eventsOf(db: Queryable, orgId: string, reportId: string): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT e.id, e.version, e.action, e.from_status, e.to_status, e.level, e.user_id, u.username,
            u.display_name, e.role, e.reason, e.detail, e.at
     FROM ecg_report_events e LEFT JOIN users u ON u.id = e.user_id
     WHERE e.report_id = $1 AND e.organization_id = $2 ORDER BY e.id`,
    [reportId, orgId],
  );
  return rows;
}

export async function addEvent(
  db: Queryable,
  e: {
    reportId: string;
    version: number;
    orgId: string;
    action: string;
    from: string | null;
    to: string;
    level?: number | null;
    userId: string;
    role: string | null;
    reason?: string | null;
    detail?: Record<string, unknown>;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO ecg_report_events (report_id, version, organization_id, action, from_status, to_status, level,
       user_id, role, reason, detail)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
    [
      e.reportId,
      e.version,
      e.orgId,
      e.action,
      e.from,
      e.to,
      e.level ?? null,
      e.userId,
      e.role,
      e.reason ?? null,
      e.detail ?? {},
    ],
  );
}

/** Review levels per template (defaults: 1 for each template not configured). */
export async function reviewLevels(db: Queryable, orgId: string): Promise<Record<Template, number>> {
  const { rows } = await db.query<{ template: Template; levels: number }>(
    'SELECT template, levels FROM report_review_levels WHERE organization_id = $1',
    [orgId],
  );
  const out: Record<Template, number> = { 'resting-12': 1, holter: 1, paediatric: 1 };
  for (const r of rows) out[r.template] = r.levels;
  return out;
}

export async function setReviewLevel(
  db: Queryable,
  orgId: string,
  template: Template,
  levels: number,
  userId: string,
): Promise<void> {
  await db.query(
    `INSERT INTO report_review_levels (organization_id, template, levels, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (organization_id, template) DO UPDATE SET levels = $3, updated_by = $4, updated_at = now()`,
    [orgId, template, levels, userId],
  );
}

export interface SettingsRow {
  target_routine_min: number;
  target_urgent_min: number;
  target_stat_min: number;
  critical_ack_minutes: number;
  critical_escalation_roles: string[];
  critical_channel_ids: string[];
  mask_identifiers: boolean;
}

const DEFAULT_SETTINGS: SettingsRow = {
  target_routine_min: 10,
  target_urgent_min: 3,
  target_stat_min: 3,
  critical_ack_minutes: 10,
  critical_escalation_roles: ['ecg_chief', 'ed_physician'],
  critical_channel_ids: [],
  mask_identifiers: true,
};

export async function reportSettings(db: Queryable, orgId: string): Promise<SettingsRow> {
  const { rows } = await db.query<SettingsRow>('SELECT * FROM report_settings WHERE organization_id = $1', [
    orgId,
  ]);
  return rows[0] ?? DEFAULT_SETTINGS;
}

export async function updateSettings(
  db: Queryable,
  orgId: string,
  patch: Partial<SettingsRow>,
  userId: string,
): Promise<SettingsRow> {
  const merged = { ...(await reportSettings(db, orgId)), ...patch };
  const { rows } = await db.query<SettingsRow>(
    `INSERT INTO report_settings (organization_id, target_routine_min, target_urgent_min, target_stat_min,
       critical_ack_minutes, critical_escalation_roles, critical_channel_ids, mask_identifiers, updated_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
     ON CONFLICT (organization_id) DO UPDATE SET target_routine_min = $2, target_urgent_min = $3,
       target_stat_min = $4, critical_ack_minutes = $5, critical_escalation_roles = $6, critical_channel_ids = $7,
       mask_identifiers = $8, updated_by = $9, updated_at = now()
     RETURNING *`,
    [
      orgId,
      merged.target_routine_min,
      merged.target_urgent_min,
      merged.target_stat_min,
      merged.critical_ack_minutes,
      merged.critical_escalation_roles,
      merged.critical_channel_ids,
      merged.mask_identifiers,
      userId,
    ],
  );
  return rows[0];
}
