/**
 * The lean inbound path for patient ADT messages (A01/A04/A08 from a known sender): the messages that arrive
 * while earlier ones are being written are applied together in one transaction (group commit), with one SQL
 * statement per kind of row (messages, patients, identifiers, history, visits, audit entries) instead of a few
 * dozen statements and four commits per message. The outcome per message is the same as through applyEvent
 * (same validation, same identifier rules, same history and audit entries, same dedup by sender + MSH-10); every
 * ACK is built here but sent only after the commit. A batch that fails as a whole (a database error) is rolled back
 * and its messages go one by one through the ordinary path, which stores each before applying it.
 */
import { randomUUID } from 'node:crypto';
import {
  type AdtEvent,
  buildAck,
  dedupKey,
  Hl7MappingError,
  type Hl7Message,
  nakOptionsFor,
} from '@lifeline/hl7';
import type { FastifyInstance } from 'fastify';
import type { PoolClient } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { maskNationalId, maskPhone, namePinyin, normaliseNationalId } from '../../lib/identity';
import { type AuditBatchEntry, auditBatchColumns, lockAuditChain } from '../../plugins/audit';
import { cleanPatientFields, type PatientFields } from '../patients';
import { SYSTEM_ROLE, type SystemActor } from './actor';
import {
  cols,
  type Ident,
  type Outcome,
  type PatientJson,
  type PatientState,
  type Visit,
  writeBatch,
} from './adt-batch-write';
import { LOCAL_TYPES, patientFields } from './apply';
import type { InterfaceRow } from './repo';

export interface BatchItem {
  message: Hl7Message;
  event: AdtEvent;
  raw: string;
  iface: InterfaceRow;
  actor: SystemActor;
  charset?: string;
  remoteAddress?: string;
  receivedAt?: Date;
  frameBytes?: Uint8Array;
}

/** The ADT events this path takes; A40 (merge) and everything else go through applyEvent. */
export function isBatchableAdt(event: { kind: string; event?: string }): event is AdtEvent {
  return event.kind === 'adt' && event.event !== 'A40';
}

const VISIT_KEEP = [
  'department',
  'room',
  'bed',
  'facility',
  'attendingId',
  'attendingName',
  'admitTime',
  'dischargeTime',
];

function visitValues(visit: NonNullable<AdtEvent['visit']>): Record<string, string | null> {
  return {
    visitNumber: visit.visitNumber ?? null,
    patientClass: visit.patientClass,
    patientClassCode: visit.patientClassCode || null,
    department: visit.department ?? null,
    room: visit.room ?? null,
    bed: visit.bed ?? null,
    facility: visit.facility ?? null,
    attendingId: visit.attending?.id ?? null,
    attendingName: visit.attending?.name?.full ?? null,
    admitTime: visit.admitTime ?? null,
    dischargeTime: visit.dischargeTime ?? null,
  };
}

/**
 * Applies the batch in a transaction it opens on `client` (the caller commits, or rolls back on a throw); returns
 * each message's ACK, in order. Nothing is sent until the caller has committed.
 */
export async function applyAdtBatch(
  app: FastifyInstance,
  client: PoolClient,
  items: BatchItem[],
): Promise<Hl7Message[]> {
  const crypto = app.fieldCrypto;
  const ids = items.map(() => randomUUID());
  const keys = items.map((it) => dedupKey(it.message));
  const warnings = items.map((it) => [...it.event.warnings]);
  const fields = items.map((it, n) => patientFields(it.event.patient, warnings[n]));
  const order = [...LOCAL_TYPES, 'national-id'] as const;
  const candidates = items.map((it) => {
    const out: { type: string; lookup: string }[] = [];
    for (const type of order) {
      for (const ident of it.event.patient.identifiers.filter((i) => i.type === type)) {
        let lookup = ident.value;
        if (type === 'national-id') lookup = crypto.lookupHash(normaliseNationalId(ident.value));
        out.push({ type, lookup });
      }
    }
    return out;
  });
  const flat = candidates.flatMap((c, n) => c.map((x) => ({ org: items[n].actor.organizationId, ...x })));
  const visitKeys = items.filter((it) => it.event.visit?.visitNumber);
  // The transaction opens with the first statement (one round trip). Resends racing their original wait here
  // (the ordinary path takes the same locks one key at a time), and so do two batches bringing the same visit.
  const lockKeys = [
    ...keys,
    ...visitKeys.map((it) => `visit|${it.actor.organizationId}|${it.event.visit?.visitNumber}`),
  ];
  await client.query(
    `BEGIN; SELECT count(pg_advisory_xact_lock(7317005, h)) FROM
       (SELECT DISTINCT hashtext(k) AS h FROM unnest(ARRAY[${lockKeys.map((k) => client.escapeLiteral(k)).join(',')}]::text[]) k
        ORDER BY 1) s`,
  );
  // One read: messages already applied, which patient holds each identifier (resolved through merges), those
  // patients (locked for the batch) with their identifiers, and the visits already on file.
  const { rows: read } = await client.query<{
    applied: { k: string; id: string }[];
    hits: { org: string; type: string; lookup: string; issuer: string | null; holder: string; id: string }[];
    patients: PatientJson[];
    visits: { id: string; org: string; visit: string }[];
  }>(
    `WITH hits AS (
       SELECT DISTINCT c.org, c.type, c.lookup, i.issuer, i.patient_id AS holder,
         coalesce(p.merged_into_id, p.id) AS id
       FROM unnest($2::uuid[], $3::text[], $4::text[]) AS c(org, type, lookup)
       JOIN patient_identifiers i ON i.organization_id = c.org AND i.type = c.type AND i.lookup = c.lookup
       JOIN patients p ON p.id = i.patient_id
     ), locked AS (
       SELECT p.* FROM patients p WHERE p.id IN (SELECT id FROM hits) ORDER BY p.id FOR UPDATE
     )
     SELECT
       (SELECT coalesce(json_agg(json_build_object('k', m.dedup_key, 'id', m.id)), '[]') FROM hl7_messages m
         WHERE m.dedup_key = ANY($1) AND m.status = 'applied') AS applied,
       (SELECT coalesce(json_agg(hits), '[]') FROM hits) AS hits,
       (SELECT coalesce(json_agg(json_build_object('id', l.id, 'org', l.organization_id, 'name', l.name,
          'py', l.name_pinyin, 'ini', l.name_initials, 'sex', l.sex, 'birth', l.birth_date,
          'nat', encode(l.national_id_enc, 'base64'), 'natm', l.national_id_masked,
          'ph', encode(l.phone_enc, 'base64'), 'phm', l.phone_masked, 'addr', l.address, 'merged', l.merged_into_id,
          'idents', (SELECT coalesce(json_agg(json_build_object('type', i.type, 'lookup', i.lookup, 'display', i.display)), '[]')
                     FROM patient_identifiers i WHERE i.patient_id = l.id))), '[]') FROM locked l) AS patients,
       (SELECT coalesce(json_agg(json_build_object('id', e.id, 'org', e.organization_id, 'visit', e.visit_number)), '[]')
         FROM encounters e JOIN unnest($5::uuid[], $6::text[]) AS k(org, visit)
           ON e.organization_id = k.org AND e.visit_number = k.visit) AS visits`,
    [
      keys,
      ...(flat.length ? cols(flat, (x) => [x.org, x.type, x.lookup]) : [[], [], []]),
      ...(visitKeys.length
        ? cols(visitKeys, (it) => [it.actor.organizationId, it.event.visit?.visitNumber])
        : [[], []]),
    ],
  );
  const applied = new Map(read[0].applied.map((a) => [a.k, a.id]));
  const resolved = new Map<string, string>(); // org|type|lookup → surviving patient
  const holders = new Map<string, string>(); // org|type|lookup|issuer → patient holding the row
  for (const r of read[0].hits) {
    resolved.set(`${r.org}|${r.type}|${r.lookup}`, r.id);
    holders.set(`${r.org}|${r.type}|${r.lookup}|${r.issuer ?? ''}`, r.holder);
  }
  const states = new Map<string, PatientState>();
  for (const r of read[0].patients) {
    states.set(r.id, {
      id: r.id,
      organizationId: r.org,
      isNew: false,
      name: r.name,
      pinyin: { full: r.py, initials: r.ini },
      sex: r.sex,
      birthDate: r.birth,
      nationalEnc: r.nat ? Buffer.from(r.nat, 'base64') : null,
      nationalMasked: r.natm,
      nationalLookup: r.idents.find((i) => i.type === 'national-id')?.lookup ?? null,
      phoneEnc: r.ph ? Buffer.from(r.ph, 'base64') : null,
      phoneMasked: r.phm,
      address: r.addr,
      mergedIntoId: r.merged,
      updates: 0,
      typeValues: new Set(
        r.idents.filter((i) => i.type !== 'national-id').map((i) => `${i.type}|${i.display}`),
      ),
      newIdentifiers: [],
      replaceNational: false,
    });
  }
  const visitIds = new Map(read[0].visits.map((v) => [`${v.org}|${v.visit}`, v.id]));

  const outcomes: Outcome[] = [];
  const history: { patientId: string; userId: string; action: string; detail: object }[] = [];
  const audits: AuditBatchEntry[] = [];
  const visits = new Map<string, Visit>();
  const unkeyedVisits: Visit[] = [];
  const firstInBatch = new Map<string, string>();

  items.forEach((it, n) => {
    const messageId = ids[n];
    const org = it.actor.organizationId;
    const w = warnings[n];
    const original = applied.get(keys[n]) ?? firstInBatch.get(keys[n]);
    if (original) {
      outcomes.push({
        status: 'duplicate',
        ackCode: 'AA',
        error: null,
        warnings: [],
        effects: { duplicateOf: [original] },
        ack: buildAck(it.message, { text: 'duplicate: already applied' }),
      });
      return;
    }
    try {
      const effects: Record<string, string[]> = {};
      const f = fields[n];
      let target: string | undefined;
      for (const c of candidates[n]) {
        target = resolved.get(`${org}|${c.type}|${c.lookup}`);
        if (target) break;
      }
      const state = target ? states.get(target) : undefined;
      if (target && !state) throw new Error(`patient ${target} vanished during the batch`);
      const { identifiers: sent = [], ...demographic } = f;
      let input: PatientFields;
      let clean: PatientFields;
      if (!state) {
        if (!f.name) {
          throw new Hl7MappingError('PID-5', 'a patient name is required to register a new patient');
        }
        input = f;
        clean = cleanPatientFields(f);
      } else {
        if (state.mergedIntoId) {
          throw AppError.conflict(`patient was merged into ${state.mergedIntoId}; edit that record`);
        }
        const added = sent.filter((i) => !state.typeValues.has(`${i.type}|${i.value}`));
        input = added.length ? { ...demographic, identifiers: added } : demographic;
        let nationalOnFile: string | null = null;
        if (f.nationalId === undefined && (f.birthDate || f.sex)) {
          nationalOnFile =
            state.nationalPlain ?? (state.nationalEnc ? crypto.decrypt(state.nationalEnc) : null);
        }
        clean = cleanPatientFields(input, {
          sex: state.sex,
          birthDate: state.birthDate,
          nationalId: nationalOnFile,
        });
      }
      const pid = state?.id ?? randomUUID();
      // Identifiers to add, each refused (409) when another patient holds it, as the patients service does.
      const adds: Ident[] = [];
      let nationalLookup: string | undefined;
      if (clean.nationalId) {
        nationalLookup = crypto.lookupHash(clean.nationalId);
        if (nationalLookup !== state?.nationalLookup) {
          adds.push({
            type: 'national-id',
            lookup: nationalLookup,
            display: maskNationalId(clean.nationalId),
            issuer: null,
          });
        }
      }
      for (const i of clean.identifiers ?? []) {
        adds.push({ type: i.type, lookup: i.value, display: i.value, issuer: i.issuer ?? null });
      }
      for (const a of adds) {
        const holder = holders.get(`${org}|${a.type}|${a.lookup}|${a.issuer ?? ''}`);
        if (holder && holder !== pid) {
          const field = a.type === 'national-id' ? 'nationalId' : 'identifiers';
          throw AppError.conflict(
            `${field}: this ${a.type} identifier already belongs to patient ${holder}`,
            field,
          );
        }
      }
      // Checks passed: change the patient in memory.
      const s: PatientState = state ?? {
        id: pid,
        organizationId: org,
        isNew: true,
        name: '',
        pinyin: { full: '', initials: '' },
        sex: 'U',
        birthDate: null,
        nationalEnc: null,
        nationalMasked: null,
        nationalLookup: null,
        phoneEnc: null,
        phoneMasked: null,
        address: null,
        mergedIntoId: null,
        updates: 0,
        typeValues: new Set(),
        newIdentifiers: [],
        replaceNational: false,
      };
      if (clean.name) {
        s.name = clean.name;
        s.pinyin = namePinyin(clean.name);
      }
      if (clean.sex) s.sex = clean.sex;
      if (clean.birthDate !== undefined) s.birthDate = clean.birthDate ?? null;
      if (clean.nationalId !== undefined) {
        s.nationalEnc = clean.nationalId ? crypto.encrypt(clean.nationalId) : null;
        s.nationalMasked = clean.nationalId ? maskNationalId(clean.nationalId) : null;
        s.nationalPlain = clean.nationalId ?? null;
        if ((nationalLookup ?? null) !== s.nationalLookup) {
          // The national ID on file is replaced (its row deleted, the new one inserted), as the service does.
          s.newIdentifiers = s.newIdentifiers.filter((i) => i.type !== 'national-id');
          if (!s.isNew) s.replaceNational = true;
          s.nationalLookup = nationalLookup ?? null;
        }
      }
      if (clean.phone !== undefined) {
        s.phoneEnc = clean.phone ? crypto.encrypt(clean.phone) : null;
        s.phoneMasked = clean.phone ? maskPhone(clean.phone) : null;
      }
      if (clean.address !== undefined) s.address = clean.address ?? null;
      for (const a of adds) {
        s.newIdentifiers.push(a);
        if (a.type !== 'national-id') s.typeValues.add(`${a.type}|${a.display}`);
        resolved.set(`${org}|${a.type}|${a.lookup}`, pid);
        holders.set(`${org}|${a.type}|${a.lookup}|${a.issuer ?? ''}`, pid);
      }
      states.set(pid, s);
      const auditActor = {
        userId: it.actor.userId,
        username: it.actor.username,
        role: SYSTEM_ROLE,
        organizationId: org,
      };
      const via = { via: 'hl7', messageId };
      if (!state) {
        history.push({ patientId: pid, userId: it.actor.userId, action: 'create', detail: {} });
        audits.push({
          actor: auditActor,
          clientIp: it.remoteAddress ?? null,
          event: {
            action: 'patient.create',
            resourceType: 'patient',
            resourceId: pid,
            patientId: pid,
            detail: via,
          },
        });
        effects.patientsCreated = [pid];
      } else {
        const changed = Object.keys(input).sort();
        s.updates++;
        history.push({
          patientId: pid,
          userId: it.actor.userId,
          action: 'update',
          detail: { fields: changed },
        });
        audits.push({
          actor: auditActor,
          clientIp: it.remoteAddress ?? null,
          event: {
            action: 'patient.update',
            resourceType: 'patient',
            resourceId: pid,
            patientId: pid,
            detail: { fields: changed, ...via },
          },
        });
        effects.patientsUpdated = [pid];
      }
      if (it.event.visit) {
        const v = visitValues(it.event.visit);
        const key = v.visitNumber ? `${org}|${v.visitNumber}` : null;
        const before = key ? visits.get(key) : undefined;
        let visit: Visit;
        if (before) {
          // Folded as ON CONFLICT would: class and patient from the later message, the rest where it has a value.
          for (const k of VISIT_KEEP) v[k] = v[k] ?? before.v[k];
          visit = { ...before, patientId: pid, messageId, v };
        } else {
          visit = {
            id: (key && visitIds.get(key)) || randomUUID(),
            organizationId: org,
            patientId: pid,
            messageId,
            v,
          };
        }
        if (key) visits.set(key, visit);
        else unkeyedVisits.push(visit);
        effects.encounters = [visit.id];
      }
      firstInBatch.set(keys[n], messageId);
      outcomes.push({
        status: 'applied',
        ackCode: 'AA',
        error: null,
        warnings: w,
        effects,
        ack: buildAck(it.message, w.length ? { text: w.join('; ').slice(0, 500) } : {}),
      });
    } catch (err) {
      if (!(err instanceof AppError) && !(err instanceof Error && /^Hl7/.test(err.name))) throw err;
      const options =
        err instanceof AppError
          ? { code: 'AE' as const, text: err.message, errorCondition: err.statusCode === 409 ? '205' : '101' }
          : nakOptionsFor(err);
      outcomes.push({
        status: options.code === 'AR' ? 'refused' : 'error',
        ackCode: options.code ?? 'AE',
        error: options.text ?? String(err),
        warnings: w,
        effects: {},
        ack: buildAck(it.message, options),
      });
    }
  });

  const head = audits.length ? await lockAuditChain(client) : undefined;
  await writeBatch(
    client,
    { items, ids, keys, outcomes, history },
    [...states.values()],
    [...visits.values(), ...unkeyedVisits],
    head ? auditBatchColumns(head, audits) : undefined,
  );
  return outcomes.map((o) => o.ack);
}
