import type { FastifyInstance, FastifyRequest } from 'fastify';
import { inTransaction, type PoolClient } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { ageOn, maskNationalId, maskPhone, namePinyin, normaliseNationalId } from '../../lib/identity';
import { requireUser } from '../../plugins/context';
import { linksOf } from './links';
import {
  addHistory,
  type IdentifierRow,
  identifiersOf,
  livePatientIds,
  type PatientRow,
  patientInOrg,
  searchPatients,
} from './repo';
import { cleanPatientFields, type PatientFields } from './validate';

function identifierOut(i: IdentifierRow) {
  return { type: i.type, value: i.display, issuer: i.issuer, issuerOrgId: i.issuer_org_id };
}

export function summaryOut(p: PatientRow, ids: IdentifierRow[]) {
  return {
    id: p.id,
    name: p.name,
    namePinyin: p.name_pinyin,
    sex: p.sex,
    birthDate: p.birth_date,
    age: p.birth_date ? ageOn(p.birth_date) : null,
    identifiers: ids.map(identifierOut),
    nationalIdMasked: p.national_id_masked,
    phoneMasked: p.phone_masked,
    organizationId: p.organization_id,
    mergedIntoId: p.merged_into_id,
  };
}

/** Search terms logged in the audit trail with long digit runs (IDs, phones) masked. */
function auditableQuery(q: string): string {
  return q.replace(/\d{7,}[\dXx]?/g, (m) => maskNationalId(m));
}

/** How a free-text query is looked up: identifier values (and a national ID's keyed hash), pinyin, characters. */
function termsOfQuery(app: FastifyInstance, q: string) {
  const lookups: string[] = [];
  let latin: string | undefined;
  let namePrefix: string | undefined;
  if (q) {
    if (/^[A-Za-z]+$/.test(q)) latin = q.toLowerCase();
    if (/[\u3400-\u9fff]/.test(q)) namePrefix = q;
    if (/^[\w.\-/]+$/.test(q)) {
      lookups.push(q);
      if (/^\d{17}[\dXx]$/.test(q)) lookups.push(app.fieldCrypto.lookupHash(normaliseNationalId(q)));
    }
  }
  return { lookups, latin, namePrefix };
}

/**
 * Ids of the patients of these organisations that the patient search would find for q (name, pinyin,
 * initials, any identifier), for other modules' combined searches; the caller audits its own read.
 */
export async function patientIdsMatching(
  app: FastifyInstance,
  orgIds: string[],
  q: string,
  cap = 2000,
): Promise<string[]> {
  const terms = termsOfQuery(app, q.trim());
  // Without a term the patient search lists recent registrations; here that would match the wrong people.
  if (!terms.lookups.length && !terms.latin && !terms.namePrefix) return [];
  const ids: string[] = [];
  for (const orgId of orgIds) {
    const { rows } = await searchPatients(app.db, {
      orgId,
      ...terms,
      includeMerged: false,
      limit: cap,
      offset: 0,
    });
    for (const r of rows) ids.push(r.id);
  }
  return ids;
}

/** Cap on the patients one combined search narrows to: beyond it the query names a crowd, not a patient. */
export const SEARCH_PATIENT_CAP = 10_000;

/**
 * The patient set behind another module's combined search (e.g. ECG exams by patient "zxf"): the same matches as
 * the patient search (any identifier, name, full pinyin, initials; merged-away records left out) over these
 * organisations, ids only, in one query. Unranked; the caller filters with the set and audits its own read.
 */
export async function patientIdsForSearch(
  app: FastifyInstance,
  orgIds: string[],
  q: string,
  cap = SEARCH_PATIENT_CAP,
): Promise<string[]> {
  const terms = termsOfQuery(app, q.trim());
  if (orgIds.length === 0 || (!terms.lookups.length && !terms.latin && !terms.namePrefix)) return [];
  return livePatientIds(app.db, orgIds, terms, cap);
}

export async function search(
  app: FastifyInstance,
  request: FastifyRequest,
  query: { q?: string; birthDate?: string; includeMerged?: boolean; limit?: number; offset?: number },
) {
  const user = requireUser(request.user);
  const q = (query.q ?? '').trim();
  const limit = query.limit ?? 20;
  const { rows, total } = await searchPatients(app.db, {
    orgId: user.organizationId,
    ...termsOfQuery(app, q),
    birthDate: query.birthDate,
    includeMerged: query.includeMerged ?? false,
    limit,
    offset: query.offset ?? 0,
  });
  const ids = await identifiersOf(
    app.db,
    rows.map((r) => r.id),
  );
  const links = await linksOf(
    app.db,
    user.organizationId,
    rows.map((r) => r.id),
  );
  await request.audit({
    action: 'patient.search',
    resourceType: 'patient',
    detail: { query: auditableQuery(q), birthDate: query.birthDate ?? null, returned: rows.map((r) => r.id) },
  });
  return {
    items: rows.map((r) => ({ ...summaryOut(r, ids.get(r.id) ?? []), links: links.get(r.id) ?? [] })),
    total,
  };
}

async function loadFull(
  _app: FastifyInstance,
  db: PoolClient | FastifyInstance['db'],
  orgId: string,
  id: string,
) {
  const p = await patientInOrg(db, orgId, id);
  if (!p) throw AppError.notFound('patient');
  const ids = await identifiersOf(db, [id]);
  const merges = await db.query<{
    id: string;
    source_patient_id: string;
    target_patient_id: string;
    merged_at: Date;
    reason: string;
    undone_at: Date | null;
  }>(
    `SELECT id, source_patient_id, target_patient_id, merged_at, reason, undone_at FROM patient_merges
     WHERE organization_id = $2 AND (target_patient_id = $1 OR source_patient_id = $1) ORDER BY merged_at DESC`,
    [id, orgId],
  );
  return {
    ...summaryOut(p, ids.get(id) ?? []),
    links: (await linksOf(db, orgId, [id])).get(id) ?? [],
    address: p.address,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
    merges: merges.rows.map((m) => ({
      mergeId: m.id,
      sourcePatientId: m.source_patient_id,
      targetPatientId: m.target_patient_id,
      at: m.merged_at.toISOString(),
      reason: m.reason,
      undoneAt: m.undone_at ? m.undone_at.toISOString() : null,
    })),
  };
}

export async function read(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  const patient = await loadFull(app, app.db, user.organizationId, id);
  // Linked records of other organisations are shown with the page: their ids are part of what was read.
  const linked = patient.links.map((l) => l.patientId);
  await request.audit({
    action: 'patient.read',
    resourceType: 'patient',
    resourceId: id,
    patientId: id,
    ...(linked.length && { detail: { linkedPatientIds: linked } }),
  });
  return patient;
}

export async function readSensitive(app: FastifyInstance, request: FastifyRequest, id: string) {
  const user = requireUser(request.user);
  const p = await patientInOrg(app.db, user.organizationId, id);
  if (!p) throw AppError.notFound('patient');
  await request.audit({
    action: 'patient.sensitive.read',
    resourceType: 'patient',
    resourceId: id,
    patientId: id,
    detail: { fields: ['nationalId', 'phone'] },
  });
  return {
    nationalId: p.national_id_enc ? app.fieldCrypto.decrypt(p.national_id_enc) : null,
    phone: p.phone_enc ? app.fieldCrypto.decrypt(p.phone_enc) : null,
  };
}

async function writeIdentifiers(
  app: FastifyInstance,
  client: PoolClient,
  orgId: string,
  patientId: string,
  fields: PatientFields,
  replace: boolean,
) {
  if (fields.nationalId !== undefined) {
    await client.query(`DELETE FROM patient_identifiers WHERE patient_id = $1 AND type = 'national-id'`, [
      patientId,
    ]);
    if (fields.nationalId) {
      await insertIdentifier(
        client,
        orgId,
        patientId,
        'national-id',
        app.fieldCrypto.lookupHash(fields.nationalId),
        maskNationalId(fields.nationalId),
        null,
        null,
        'nationalId',
      );
    }
  }
  if (fields.identifiers !== undefined) {
    if (replace)
      await client.query(`DELETE FROM patient_identifiers WHERE patient_id = $1 AND type <> 'national-id'`, [
        patientId,
      ]);
    for (const [i, ident] of fields.identifiers.entries()) {
      await insertIdentifier(
        client,
        orgId,
        patientId,
        ident.type,
        ident.value,
        ident.value,
        ident.issuer ?? null,
        ident.issuerOrgId ?? null,
        `identifiers.${i}.value`,
      );
    }
  }
}

async function insertIdentifier(
  client: PoolClient,
  orgId: string,
  patientId: string,
  type: string,
  lookup: string,
  display: string,
  issuer: string | null,
  issuerOrgId: string | null,
  field: string,
) {
  const clash = await client.query<{ patient_id: string }>(
    `SELECT patient_id FROM patient_identifiers WHERE organization_id = $1 AND type = $2 AND lookup = $3
       AND coalesce(issuer, '') = coalesce($4, '') AND patient_id <> $5`,
    [orgId, type, lookup, issuer, patientId],
  );
  if (clash.rowCount) {
    throw AppError.conflict(
      `${field}: this ${type} identifier already belongs to patient ${clash.rows[0].patient_id}`,
      field,
    );
  }
  await client.query(
    `INSERT INTO patient_identifiers (patient_id, organization_id, type, lookup, display, issuer, issuer_org_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [patientId, orgId, type, lookup, display, issuer, issuerOrgId],
  );
}

export async function create(app: FastifyInstance, request: FastifyRequest, input: PatientFields) {
  const user = requireUser(request.user);
  const f = cleanPatientFields(input);
  const py = namePinyin(f.name ?? '');
  const id = await inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO patients (organization_id, name, name_pinyin, name_initials, sex, birth_date, national_id_enc,
         national_id_masked, phone_enc, phone_masked, address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [
        user.organizationId,
        f.name,
        py.full,
        py.initials,
        f.sex,
        f.birthDate ?? null,
        f.nationalId ? app.fieldCrypto.encrypt(f.nationalId) : null,
        f.nationalId ? maskNationalId(f.nationalId) : null,
        f.phone ? app.fieldCrypto.encrypt(f.phone) : null,
        f.phone ? maskPhone(f.phone) : null,
        f.address ?? null,
      ],
    );
    const pid = rows[0].id;
    await writeIdentifiers(app, client, user.organizationId, pid, f, false);
    await addHistory(client, pid, user.id, 'create', {});
    await request.audit(
      { action: 'patient.create', resourceType: 'patient', resourceId: pid, patientId: pid },
      client,
    );
    return pid;
  });
  return loadFull(app, app.db, user.organizationId, id);
}

export async function update(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string,
  input: PatientFields,
) {
  const user = requireUser(request.user);
  await inTransaction(app.db, async (client) => {
    const current = await patientInOrg(client, user.organizationId, id, true);
    if (!current) throw AppError.notFound('patient');
    if (current.merged_into_id)
      throw AppError.conflict(`patient was merged into ${current.merged_into_id}; edit that record`);
    const f = cleanPatientFields(input, {
      sex: current.sex,
      birthDate: current.birth_date,
      nationalId: current.national_id_enc ? app.fieldCrypto.decrypt(current.national_id_enc) : null,
    });
    const py = f.name ? namePinyin(f.name) : null;
    await client.query(
      `UPDATE patients SET
         name = coalesce($2, name), name_pinyin = coalesce($3, name_pinyin), name_initials = coalesce($4, name_initials),
         sex = coalesce($5, sex),
         birth_date = CASE WHEN $6::boolean THEN $7::date ELSE birth_date END,
         national_id_enc = CASE WHEN $8::boolean THEN $9 ELSE national_id_enc END,
         national_id_masked = CASE WHEN $8::boolean THEN $10 ELSE national_id_masked END,
         phone_enc = CASE WHEN $11::boolean THEN $12 ELSE phone_enc END,
         phone_masked = CASE WHEN $11::boolean THEN $13 ELSE phone_masked END,
         address = CASE WHEN $14::boolean THEN $15 ELSE address END,
         updated_at = now(), version = version + 1
       WHERE id = $1`,
      [
        id,
        f.name ?? null,
        py?.full ?? null,
        py?.initials ?? null,
        f.sex ?? null,
        f.birthDate !== undefined,
        f.birthDate ?? null,
        f.nationalId !== undefined,
        f.nationalId ? app.fieldCrypto.encrypt(f.nationalId) : null,
        f.nationalId ? maskNationalId(f.nationalId) : null,
        f.phone !== undefined,
        f.phone ? app.fieldCrypto.encrypt(f.phone) : null,
        f.phone ? maskPhone(f.phone) : null,
        f.address !== undefined,
        f.address ?? null,
      ],
    );
    await writeIdentifiers(app, client, user.organizationId, id, f, true);
    // History names the fields that changed, never their sensitive values.
    const changed = Object.keys(input).sort();
    await addHistory(client, id, user.id, 'update', { fields: changed });
    await request.audit(
      {
        action: 'patient.update',
        resourceType: 'patient',
        resourceId: id,
        patientId: id,
        detail: { fields: changed },
      },
      client,
    );
  });
  return loadFull(app, app.db, user.organizationId, id);
}

export async function merge(
  app: FastifyInstance,
  request: FastifyRequest,
  targetId: string,
  sourceId: string,
  reason: string,
) {
  const user = requireUser(request.user);
  if (targetId === sourceId) throw AppError.invalid('sourcePatientId', 'must be a different patient');
  const mergeId = await inTransaction(app.db, async (client) => {
    // Lock both in a fixed order so two merges of the same pair cannot deadlock.
    const [first, second] = [targetId, sourceId].sort();
    const a = await patientInOrg(client, user.organizationId, first, true);
    const b = await patientInOrg(client, user.organizationId, second, true);
    const target = a?.id === targetId ? a : b;
    const source = a?.id === sourceId ? a : b;
    if (!target) throw AppError.notFound('patient');
    if (!source) throw AppError.invalid('sourcePatientId', 'no such patient in your organisation');
    if (target.merged_into_id)
      throw AppError.conflict('target patient was itself merged into another record');
    if (source.merged_into_id) throw AppError.invalid('sourcePatientId', 'this patient is already merged');
    const moved = await client.query<{ id: string }>(
      `UPDATE patient_identifiers SET patient_id = $1 WHERE patient_id = $2 RETURNING id`,
      [targetId, sourceId],
    );
    await client.query('UPDATE patients SET merged_into_id = $1, updated_at = now() WHERE id = $2', [
      targetId,
      sourceId,
    ]);
    // The target keeps its own sensitive fields; it takes the source's only where it has none.
    await client.query(
      `UPDATE patients t SET
         national_id_enc = coalesce(t.national_id_enc, s.national_id_enc),
         national_id_masked = coalesce(t.national_id_masked, s.national_id_masked),
         phone_enc = coalesce(t.phone_enc, s.phone_enc), phone_masked = coalesce(t.phone_masked, s.phone_masked),
         birth_date = coalesce(t.birth_date, s.birth_date), address = coalesce(t.address, s.address), updated_at = now()
       FROM patients s WHERE t.id = $1 AND s.id = $2`,
      [targetId, sourceId],
    );
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO patient_merges (organization_id, target_patient_id, source_patient_id, moved_identifier_ids, reason, merged_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [user.organizationId, targetId, sourceId, moved.rows.map((r) => r.id), reason, user.id],
    );
    await addHistory(client, targetId, user.id, 'merge', {
      sourcePatientId: sourceId,
      mergeId: rows[0].id,
      reason,
    });
    await addHistory(client, sourceId, user.id, 'merged-into', {
      targetPatientId: targetId,
      mergeId: rows[0].id,
      reason,
    });
    await request.audit(
      {
        action: 'patient.merge',
        resourceType: 'patient',
        resourceId: targetId,
        patientId: targetId,
        detail: { sourcePatientId: sourceId, reason },
      },
      client,
    );
    return rows[0].id;
  });
  return { mergeId, patient: await loadFull(app, app.db, user.organizationId, targetId) };
}

export async function undoMerge(
  app: FastifyInstance,
  request: FastifyRequest,
  mergeId: string,
  reason: string,
) {
  const user = requireUser(request.user);
  const sourceId = await inTransaction(app.db, async (client) => {
    const { rows } = await client.query<{
      target_patient_id: string;
      source_patient_id: string;
      moved_identifier_ids: string[];
      undone_at: Date | null;
    }>('SELECT * FROM patient_merges WHERE id = $1 AND organization_id = $2 FOR UPDATE', [
      mergeId,
      user.organizationId,
    ]);
    const m = rows[0];
    if (!m) throw AppError.notFound('merge');
    if (m.undone_at) throw AppError.conflict('this merge was already undone');
    const target = await patientInOrg(client, user.organizationId, m.target_patient_id, true);
    if (target?.merged_into_id) {
      throw AppError.conflict(
        `the merged record was since merged into ${target.merged_into_id}; undo that merge first`,
      );
    }
    await client.query(
      'UPDATE patient_identifiers SET patient_id = $1 WHERE id = ANY($2) AND patient_id = $3',
      [m.source_patient_id, m.moved_identifier_ids, m.target_patient_id],
    );
    await client.query('UPDATE patients SET merged_into_id = NULL, updated_at = now() WHERE id = $1', [
      m.source_patient_id,
    ]);
    await client.query(
      'UPDATE patient_merges SET undone_at = now(), undone_by = $2, undo_reason = $3 WHERE id = $1',
      [mergeId, user.id, reason],
    );
    await addHistory(client, m.target_patient_id, user.id, 'merge-undone', {
      mergeId,
      sourcePatientId: m.source_patient_id,
      reason,
    });
    await addHistory(client, m.source_patient_id, user.id, 'unmerged', {
      mergeId,
      targetPatientId: m.target_patient_id,
      reason,
    });
    await request.audit(
      {
        action: 'patient.merge.undo',
        resourceType: 'patient',
        resourceId: m.source_patient_id,
        patientId: m.source_patient_id,
        detail: { mergeId, targetPatientId: m.target_patient_id, reason },
      },
      client,
    );
    return m.source_patient_id;
  });
  return loadFull(app, app.db, user.organizationId, sourceId);
}

export { history } from './history';
