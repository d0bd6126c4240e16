/**
 * Links: two patient records known to be the same person, kept apart instead of merged — typically one record
 * in the county hospital and one in a township hospital of the same network, each organisation keeping its own
 * identifiers and history. A link is made from a record of the user's organisation to a record of any
 * organisation of its network (permission patient.merge, the identity-management permission), shows on both
 * records' pages and in search results, and is undone by unlinking (kept, with who, when and why). Every link
 * and unlink writes patient history on both records and an audit entry per record.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type Queryable } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { NETWORK_CTE } from '../organizations';
import { addHistory, identifiersOf, type PatientRow } from './repo';
import { patientIdsMatching, summaryOut } from './service';

export interface LinkedPatient {
  linkId: string;
  patientId: string;
  name: string;
  sex: string;
  birthDate: string | null;
  nationalIdMasked: string | null;
  identifiers: { type: string; value: string; issuer: string | null }[];
  organizationId: string;
  organizationName: string;
  reason: string;
  linkedAt: string;
  linkedBy: string | null;
}

/**
 * The active links of these patients to records the organisation may see (its network), per patient. One query
 * for a page or a page of search results.
 */
export async function linksOf(
  db: Queryable,
  orgId: string,
  patientIds: string[],
): Promise<Map<string, LinkedPatient[]>> {
  const out = new Map<string, LinkedPatient[]>();
  if (patientIds.length === 0) return out;
  const { rows } = await db.query<{
    link_id: string;
    self_id: string;
    other_id: string;
    name: string;
    sex: string;
    birth_date: string | null;
    national_id_masked: string | null;
    identifiers: { type: string; value: string; issuer: string | null }[];
    organization_id: string;
    organization_name: string;
    reason: string;
    linked_at: Date;
    linked_by: string | null;
  }>(
    `${NETWORK_CTE}, l AS (
       SELECT id, patient_a_id AS self_id, patient_b_id AS other_id, reason, linked_at, linked_by FROM patient_links
       WHERE unlinked_at IS NULL AND patient_a_id = ANY($2)
       UNION ALL
       SELECT id, patient_b_id, patient_a_id, reason, linked_at, linked_by FROM patient_links
       WHERE unlinked_at IS NULL AND patient_b_id = ANY($2))
     SELECT l.id AS link_id, l.self_id, l.other_id, p.name, p.sex, p.birth_date, p.national_id_masked,
       o.id AS organization_id, o.name AS organization_name, l.reason, l.linked_at, u.display_name AS linked_by,
       coalesce((SELECT json_agg(json_build_object('type', i.type, 'value', i.display, 'issuer', i.issuer)
                  ORDER BY i.type, i.display)
                 FROM patient_identifiers i WHERE i.patient_id = p.id AND i.type <> 'national-id'), '[]') AS identifiers
     FROM l JOIN patients p ON p.id = l.other_id JOIN network n ON n.id = p.organization_id
     JOIN organizations o ON o.id = p.organization_id LEFT JOIN users u ON u.id = l.linked_by
     ORDER BY l.linked_at`,
    [orgId, patientIds],
  );
  for (const r of rows) {
    const list = out.get(r.self_id) ?? [];
    list.push({
      linkId: r.link_id,
      patientId: r.other_id,
      name: r.name,
      sex: r.sex,
      birthDate: r.birth_date,
      nationalIdMasked: r.national_id_masked,
      identifiers: r.identifiers,
      organizationId: r.organization_id,
      organizationName: r.organization_name,
      reason: r.reason,
      linkedAt: r.linked_at.toISOString(),
      linkedBy: r.linked_by,
    });
    out.set(r.self_id, list);
  }
  return out;
}

async function patientInNetwork(db: Queryable, orgId: string, id: string) {
  const { rows } = await db.query<{ id: string; organization_id: string; merged_into_id: string | null }>(
    `${NETWORK_CTE} SELECT p.id, p.organization_id, p.merged_into_id FROM patients p
     JOIN network n ON n.id = p.organization_id WHERE p.id = $2 FOR UPDATE OF p`,
    [orgId, id],
  );
  return rows[0];
}

/** Links the patient on screen (of the user's organisation) with another record of the network. */
export async function link(
  app: FastifyInstance,
  request: FastifyRequest,
  patientId: string,
  otherPatientId: string,
  reason: string,
): Promise<{ linkId: string }> {
  const user = requireUser(request.user);
  if (patientId === otherPatientId) throw AppError.invalid('otherPatientId', 'must be a different patient');
  const linkId = await inTransaction(app.db, async (client) => {
    // Both rows locked in a fixed order, so two links of the same pair cannot both pass the check below.
    const [first, second] = [patientId, otherPatientId].sort();
    const a = await patientInNetwork(client, user.organizationId, first);
    const b = await patientInNetwork(client, user.organizationId, second);
    const self = a?.id === patientId ? a : b?.id === patientId ? b : undefined;
    const other = a?.id === otherPatientId ? a : b?.id === otherPatientId ? b : undefined;
    if (!self || self.organization_id !== user.organizationId) throw AppError.notFound('patient');
    if (!other) {
      throw AppError.invalid('otherPatientId', 'no such patient in the organisations of your network');
    }
    if (self.merged_into_id) throw AppError.conflict('this record was merged into another; link that one');
    if (other.merged_into_id) {
      throw AppError.invalid('otherPatientId', 'this record was merged into another; link that one');
    }
    const existing = await client.query(
      `SELECT 1 FROM patient_links WHERE patient_a_id = $1 AND patient_b_id = $2 AND unlinked_at IS NULL`,
      [first, second],
    );
    if (existing.rowCount) throw AppError.conflict('these records are already linked', 'otherPatientId');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO patient_links (patient_a_id, patient_b_id, reason, linked_by, linked_org_id)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [first, second, reason, user.id, user.organizationId],
    );
    const id = rows[0].id;
    for (const [p, q] of [
      [patientId, otherPatientId],
      [otherPatientId, patientId],
    ]) {
      await addHistory(client, p, user.id, 'link', { linkId: id, otherPatientId: q, reason });
      await request.audit(
        {
          action: 'patient.link',
          resourceType: 'patient',
          resourceId: p,
          patientId: p,
          detail: { linkId: id, otherPatientId: q, reason },
        },
        client,
      );
    }
    return id;
  });
  return { linkId };
}

/** Ends a link (kept as history); either record must belong to the user's organisation. */
export async function unlink(
  app: FastifyInstance,
  request: FastifyRequest,
  linkId: string,
  reason: string,
): Promise<{ patientIds: string[] }> {
  const user = requireUser(request.user);
  return inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{
      patient_a_id: string;
      patient_b_id: string;
      unlinked_at: Date | null;
    }>(
      `SELECT l.patient_a_id, l.patient_b_id, l.unlinked_at FROM patient_links l
       JOIN patients a ON a.id = l.patient_a_id JOIN patients b ON b.id = l.patient_b_id
       WHERE l.id = $1 AND (a.organization_id = $2 OR b.organization_id = $2) FOR UPDATE OF l`,
      [linkId, user.organizationId],
    );
    const l = rows[0];
    if (!l) throw AppError.notFound('link');
    if (l.unlinked_at) throw AppError.conflict('this link was already removed');
    await client.query(
      'UPDATE patient_links SET unlinked_at = now(), unlinked_by = $2, unlink_reason = $3 WHERE id = $1',
      [linkId, user.id, reason],
    );
    for (const [p, q] of [
      [l.patient_a_id, l.patient_b_id],
      [l.patient_b_id, l.patient_a_id],
    ]) {
      await addHistory(client, p, user.id, 'unlink', { linkId, otherPatientId: q, reason });
      await request.audit(
        {
          action: 'patient.unlink',
          resourceType: 'patient',
          resourceId: p,
          patientId: p,
          detail: { linkId, otherPatientId: q, reason },
        },
        client,
      );
    }
    return { patientIds: [l.patient_a_id, l.patient_b_id] };
  });
}

/**
 * Records a link could point to: the patient search (name, pinyin, initials, identifier) over every organisation
 * of the user's network, with each record's organisation. Audited as a search like the ordinary one.
 */
export async function linkCandidates(app: FastifyInstance, request: FastifyRequest, q: string) {
  const user = requireUser(request.user);
  const orgs = await app.db.query<{ id: string; name: string }>(
    `${NETWORK_CTE} SELECT o.id, o.name FROM organizations o JOIN network n ON n.id = o.id`,
    [user.organizationId],
  );
  const names = new Map(orgs.rows.map((o) => [o.id, o.name]));
  const ids = await patientIdsMatching(app, [...names.keys()], q, 10);
  const { rows } = await app.db.query<PatientRow>(
    'SELECT * FROM patients WHERE id = ANY($1) AND merged_into_id IS NULL ORDER BY name, id',
    [ids],
  );
  const idents = await identifiersOf(
    app.db,
    rows.map((r) => r.id),
  );
  await request.audit({
    action: 'patient.search',
    resourceType: 'patient',
    detail: {
      query: q.replace(/\d{7,}[\dXx]?/g, (m) => `${m.slice(0, 4)}${'*'.repeat(m.length - 8)}${m.slice(-4)}`),
      scope: 'network',
      returned: rows.map((r) => r.id),
    },
  });
  return {
    items: rows.map((r) => ({
      ...summaryOut(r, idents.get(r.id) ?? []),
      organizationName: names.get(r.organization_id) ?? '',
    })),
  };
}
