/**
 * The reporting worklist with turnaround: every exam of a day with its report state, green channel first, then
 * priority (stat, urgent, routine), then the oldest; elapsed minutes from acquisition to signing (or to now)
 * against the organisation's target for the priority.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireUser } from '../../plugins/context';
import { reportSettings } from './repo';

export interface WorklistQuery {
  status?: string;
  priority?: 'routine' | 'urgent' | 'stat';
  department?: string;
  date?: string;
  limit?: number;
  offset?: number;
}

interface WorklistRow {
  exam_id: string;
  patient_id: string | null;
  patient_name: string | null;
  exam_status: string;
  critical: boolean;
  acquired_at: Date | null;
  received_at: Date;
  analysed_at: Date | null;
  started_at: Date;
  order_id: string | null;
  accession_number: string | null;
  priority: 'routine' | 'urgent' | 'stat';
  green_channel: boolean;
  department_id: string | null;
  department_name: string | null;
  report_id: string | null;
  report_status: string;
  report_version: number | null;
  steps: Record<string, string> | null;
  first_signed_at: Date | null;
  total: number;
}

function todayIn(timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone }).format(new Date());
}

export async function worklist(app: FastifyInstance, request: FastifyRequest, q: WorklistQuery) {
  const user = requireUser(request.user);
  const settings = await reportSettings(app.db, user.organizationId);
  const targets = {
    routine: settings.target_routine_min,
    urgent: settings.target_urgent_min,
    stat: settings.target_stat_min,
  };
  const params: unknown[] = [user.organizationId];
  const where = ['e.organization_id = $1'];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  // Without a date, the day is today unless the backlog of unsigned exams is asked for.
  const date = q.date ?? (q.status === 'pending' ? undefined : todayIn(user.timeZone));
  if (date) {
    // The day as the organisation lives it (Asia/Shanghai by default), as a range on the indexed reception time.
    params.push(user.timeZone);
    const tz = `$${params.length}`;
    add(`e.received_at >= (?::date::timestamp AT TIME ZONE ${tz})`, date);
    add(`e.received_at < ((?::date + 1)::timestamp AT TIME ZONE ${tz})`, date);
  }
  if (q.priority) add("coalesce(o.priority, 'routine') = ?", q.priority);
  if (q.department) add('o.ordering_department_id = ?', q.department);
  if (q.status === 'pending')
    where.push("coalesce(v.status, 'unreported') NOT IN ('signed', 'published', 'superseded')");
  else if (q.status) add("coalesce(v.status, 'unreported') = ?", q.status);
  // Device clocks drift: acquisition time counts only when it lies within the hour before reception.
  const { rows } = await app.db.query<WorklistRow>(
    `SELECT e.id AS exam_id, e.patient_id, p.name AS patient_name, e.status AS exam_status, e.critical,
       e.acquired_at, e.received_at, e.analysed_at,
       CASE WHEN e.acquired_at BETWEEN e.received_at - interval '1 hour' AND e.received_at THEN e.acquired_at
            ELSE e.received_at END AS started_at,
       o.id AS order_id, o.accession_number, coalesce(o.priority, 'routine') AS priority,
       coalesce(o.green_channel, false) AS green_channel, o.ordering_department_id AS department_id,
       d.name AS department_name, r.id AS report_id, coalesce(v.status, 'unreported') AS report_status,
       v.version AS report_version, ev.steps, fs.first_signed_at, count(*) OVER () AS total
     FROM ecg_exams e
     LEFT JOIN patients p ON p.id = e.patient_id AND p.organization_id = e.organization_id
     LEFT JOIN ecg_orders o ON o.id = e.order_id AND o.organization_id = e.organization_id
     LEFT JOIN departments d ON d.id = o.ordering_department_id
     LEFT JOIN ecg_reports r ON r.exam_id = e.id AND r.organization_id = e.organization_id
     LEFT JOIN ecg_report_versions v ON v.report_id = r.id AND v.version = r.current_version
     LEFT JOIN LATERAL (SELECT min(signed_at) AS first_signed_at FROM ecg_report_versions WHERE report_id = r.id) fs ON true
     LEFT JOIN LATERAL (
       SELECT jsonb_object_agg(action, at) AS steps FROM (
         SELECT action, min(at) AS at FROM ecg_report_events WHERE report_id = r.id GROUP BY action) s) ev ON true
     WHERE ${where.join(' AND ')}
     ORDER BY coalesce(o.green_channel, false) DESC,
       CASE coalesce(o.priority, 'routine') WHEN 'stat' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
       coalesce(e.acquired_at, e.received_at), e.id
     LIMIT ${q.limit ?? 100} OFFSET ${q.offset ?? 0}`,
    params,
  );
  await request.audit({
    action: 'worklist.read',
    resourceType: 'ecg-worklist',
    detail: { count: rows.length, status: q.status ?? null, date: date ?? null },
  });
  const now = Date.now();
  return {
    date: date ?? null,
    targets,
    total: rows[0]?.total ?? 0,
    items: rows.map((r) => {
      const end = r.first_signed_at?.getTime() ?? now;
      const elapsedMin = Math.round(((end - r.started_at.getTime()) / 60000) * 10) / 10;
      const targetMin = targets[r.priority] ?? targets.routine;
      return {
        examId: r.exam_id,
        patientId: r.patient_id,
        patientName: r.patient_name,
        examStatus: r.exam_status,
        critical: r.critical,
        orderId: r.order_id,
        accessionNumber: r.accession_number,
        priority: r.priority,
        greenChannel: r.green_channel,
        departmentId: r.department_id,
        departmentName: r.department_name,
        reportId: r.report_id,
        reportStatus: r.report_status,
        reportVersion: r.report_version,
        timestamps: {
          acquired: r.acquired_at?.toISOString() ?? null,
          received: r.received_at.toISOString(),
          analysed: r.analysed_at?.toISOString() ?? null,
          ...(r.steps ?? {}),
          signed: r.first_signed_at?.toISOString() ?? null,
        },
        turnaround: {
          startedAt: r.started_at.toISOString(),
          elapsedMin,
          targetMin,
          signed: r.first_signed_at !== null,
          overdue: elapsedMin > targetMin,
        },
      };
    }),
  };
}
