/** A patient record's change history (create, update, merge, link …), newest first; the read is audited. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { patientInOrg } from './repo';

export async function history(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  if (!(await patientInOrg(app.db, user.organizationId, id))) throw AppError.notFound('patient');
  const { rows } = await app.db.query<{
    at: Date;
    display_name: string | null;
    action: string;
    detail: object;
  }>(
    `SELECT h.at, u.display_name, h.action, h.detail FROM patient_history h LEFT JOIN users u ON u.id = h.user_id
     WHERE h.patient_id = $1 ORDER BY h.at DESC, h.id DESC LIMIT 200`,
    [id],
  );
  await request.audit({
    action: 'patient.history.read',
    resourceType: 'patient',
    resourceId: id,
    patientId: id,
  });
  return rows.map((r) => ({
    at: r.at.toISOString(),
    userName: r.display_name,
    action: r.action,
    detail: r.detail,
  }));
}
