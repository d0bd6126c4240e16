/** SQL of the emergency module: cases and their time nodes, always filtered by organisation. */
import type {
  ArrivalMode,
  Center,
  DelayReason,
  PathwayCase,
  TimeSource,
  Treatment,
} from '@lifeline/emergency';
import type { Queryable } from '../../db/pool';

export interface CaseRow {
  id: string;
  organization_id: string;
  prehospital_organization_id: string | null;
  patient_id: string;
  center: Center;
  pathway_version: string;
  status: 'active' | 'closed';
  start_source: 'triage' | 'ecg' | 'prehospital';
  arrival_mode: ArrivalMode | null;
  source_ecg_id: string | null;
  wristband: string;
  temporary_identity: boolean;
  diagnosis: string | null;
  treatments: Treatment[];
  bypassed_ed: boolean | null;
  fields: Record<string, string | number | boolean | null>;
  delay_reasons: DelayReason[];
  outcome: 'discharged' | 'transferred' | 'died' | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  // joined
  patient_name: string;
  patient_sex: 'M' | 'F' | 'U';
  patient_birth_date: string | null;
  created_by_name: string | null;
}

export interface NodeRow {
  id: string;
  case_id: string;
  code: string;
  instance: string;
  at: Date | null;
  window_from: Date | null;
  window_to: Date | null;
  source: TimeSource;
  source_detail: string | null;
  reason: string | null;
  recorded_by: string | null;
  recorded_by_name: string | null;
  recorded_at: Date;
  version: number;
}

const CASE_SELECT = `SELECT c.*, p.name AS patient_name, p.sex AS patient_sex, p.birth_date AS patient_birth_date,
  u.display_name AS created_by_name
  FROM emergency_cases c JOIN patients p ON p.id = c.patient_id LEFT JOIN users u ON u.id = c.created_by`;

export async function caseInOrg(
  db: Queryable,
  orgId: string,
  id: string,
  forUpdate = false,
): Promise<CaseRow | null> {
  const { rows } = await db.query<CaseRow>(
    `${CASE_SELECT} WHERE c.id = $1 AND (c.organization_id = $2 OR c.prehospital_organization_id = $2)
     ${forUpdate ? 'FOR UPDATE OF c' : ''}`,
    [id, orgId],
  );
  return rows[0] ?? null;
}

export interface CaseFilter {
  orgId: string;
  center?: Center;
  status?: 'active' | 'closed';
  patientId?: string;
  /** Created at or after (ISO). */
  from?: string;
  to?: string;
  /** Created, or with a recorded time, in [from, to): QC periods follow the door time, not data entry. */
  activeFrom?: string;
  activeTo?: string;
  limit: number;
  offset: number;
}

export async function listCases(db: Queryable, f: CaseFilter): Promise<{ rows: CaseRow[]; total: number }> {
  const params: unknown[] = [f.orgId];
  // The ambulance station that started a prehospital case sees it too.
  const where = ['(c.organization_id = $1 OR c.prehospital_organization_id = $1)'];
  const add = (cond: string, v: unknown) => {
    params.push(v);
    where.push(cond.replace('?', `$${params.length}`));
  };
  if (f.center) add('c.center = ?', f.center);
  if (f.status) add('c.status = ?', f.status);
  if (f.patientId) add('c.patient_id = ?', f.patientId);
  if (f.from) add('c.created_at >= ?', f.from);
  if (f.to) add('c.created_at < ?', f.to);
  if (f.activeFrom && f.activeTo) {
    params.push(f.activeFrom, f.activeTo);
    const [a, b] = [`$${params.length - 1}`, `$${params.length}`];
    where.push(`((c.created_at >= ${a} AND c.created_at < ${b}) OR EXISTS (SELECT 1 FROM emergency_time_nodes n
      WHERE n.case_id = c.id AND n.deleted_at IS NULL AND coalesce(n.at, n.window_from) >= ${a} AND coalesce(n.at, n.window_from) < ${b}))`);
  }
  const total = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM emergency_cases c WHERE ${where.join(' AND ')}`,
    params,
  );
  const { rows } = await db.query<CaseRow>(
    `${CASE_SELECT} WHERE ${where.join(' AND ')} ORDER BY c.created_at DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
    params,
  );
  return { rows, total: total.rows[0].n };
}

/** Full rows of the given cases of an organisation (e.g. the outliers a QC page links to). */
export async function casesByIds(db: Queryable, orgId: string, ids: string[]): Promise<CaseRow[]> {
  if (!ids.length) return [];
  const { rows } = await db.query<CaseRow>(
    `${CASE_SELECT} WHERE c.id = ANY($1::uuid[]) AND (c.organization_id = $2 OR c.prehospital_organization_id = $2)`,
    [ids, orgId],
  );
  return rows;
}

export async function nodesOf(db: Queryable, caseIds: string[]): Promise<Map<string, NodeRow[]>> {
  const out = new Map<string, NodeRow[]>();
  if (!caseIds.length) return out;
  const { rows } = await db.query<NodeRow>(
    `SELECT n.*, u.display_name AS recorded_by_name FROM emergency_time_nodes n LEFT JOIN users u ON u.id = n.recorded_by
     WHERE n.case_id = ANY($1::uuid[]) AND n.deleted_at IS NULL ORDER BY coalesce(n.at, n.window_from), n.recorded_at`,
    [caseIds],
  );
  for (const r of rows) {
    const list = out.get(r.case_id) ?? [];
    list.push(r);
    out.set(r.case_id, list);
  }
  return out;
}

export async function addCaseEvent(
  db: Queryable,
  c: { id: string; organization_id: string },
  userId: string | null,
  action: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await db.query(
    'INSERT INTO emergency_case_events (case_id, organization_id, user_id, action, detail) VALUES ($1, $2, $3, $4, $5)',
    [c.id, c.organization_id, userId, action, detail],
  );
}

function ageFrom(birthDate: string | null, at: Date): number | undefined {
  if (!birthDate) return undefined;
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = at.getUTCFullYear() - y;
  if (at.getUTCMonth() + 1 < m || (at.getUTCMonth() + 1 === m && at.getUTCDate() < d)) age--;
  return age;
}

const SEX_WORD: Record<string, string | undefined> = { M: 'male', F: 'female' };

/** The pure package's view of a case (metrics, chronology, countdowns, registry checks). */
export function toPathwayCase(c: CaseRow, nodes: NodeRow[]): PathwayCase {
  const fields: PathwayCase['fields'] = { ...c.fields };
  if (c.outcome) fields.outcome = c.outcome;
  const age =
    typeof c.fields.estimatedAge === 'number'
      ? c.fields.estimatedAge
      : ageFrom(c.patient_birth_date, c.created_at);
  return {
    id: c.id,
    center: c.center,
    arrivalMode: c.arrival_mode ?? undefined,
    diagnosis: c.diagnosis ?? undefined,
    treatments: c.treatments,
    bypassedEd: c.bypassed_ed ?? undefined,
    delayReasons: c.delay_reasons,
    // The registries (and the package) speak male/female; an unknown sex stays unset, so it is reported missing.
    patient: { sex: SEX_WORD[c.patient_sex], age },
    fields,
    times: nodes.map((n) => ({
      code: n.code,
      ...(n.at ? { at: n.at.toISOString() } : {}),
      ...(n.window_from && n.window_to
        ? { window: { from: n.window_from.toISOString(), to: n.window_to.toISOString() } }
        : {}),
      source: n.source,
      ...(n.instance ? { instance: n.instance } : {}),
      ...(n.recorded_by_name ? { editor: n.recorded_by_name } : {}),
      ...(n.reason ? { reason: n.reason } : {}),
    })),
  };
}

export function nodeOut(n: NodeRow) {
  return {
    id: n.id,
    code: n.code,
    instance: n.instance || null,
    at: n.at?.toISOString() ?? null,
    window:
      n.window_from && n.window_to
        ? { from: n.window_from.toISOString(), to: n.window_to.toISOString() }
        : null,
    source: n.source,
    sourceDetail: n.source_detail,
    reason: n.reason,
    recordedBy: n.recorded_by_name,
    recordedAt: n.recorded_at.toISOString(),
    version: n.version,
  };
}
