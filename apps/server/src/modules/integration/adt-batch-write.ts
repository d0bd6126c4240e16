/** The one statement that writes an inbound ADT batch (see adt-batch.ts), and the shapes it writes. */
import type { Hl7Message } from '@lifeline/hl7';
import type { PoolClient } from '../../db/pool';
import { auditInsertSql } from '../../plugins/audit';
import type { BatchItem } from './adt-batch';
import { pgText } from './repo';

export interface Ident {
  type: string;
  lookup: string;
  display: string;
  issuer: string | null;
}

/** A patient as this batch leaves it: loaded from the database (or new), changed in memory, written once. */
export interface PatientState {
  id: string;
  organizationId: string;
  isNew: boolean;
  name: string;
  pinyin: { full: string; initials: string };
  sex: string;
  birthDate: string | null;
  nationalEnc: Buffer | null;
  nationalMasked: string | null;
  nationalLookup: string | null;
  nationalPlain?: string | null;
  phoneEnc: Buffer | null;
  phoneMasked: string | null;
  address: string | null;
  mergedIntoId: string | null;
  updates: number;
  /** Non-national identifiers on file or added, as type|value (the rule applyEvent uses to find new ones). */
  typeValues: Set<string>;
  newIdentifiers: Ident[];
  replaceNational: boolean;
}

export interface Outcome {
  status: 'applied' | 'duplicate' | 'error' | 'refused';
  ackCode: string;
  error: string | null;
  warnings: string[];
  effects: Record<string, string[]>;
  ack: Hl7Message;
}

/** A patient row as the batch read returns it (bytea as base64). */
export interface PatientJson {
  id: string;
  org: string;
  name: string;
  py: string;
  ini: string;
  sex: string;
  birth: string | null;
  nat: string | null;
  natm: string | null;
  ph: string | null;
  phm: string | null;
  addr: string | null;
  merged: string | null;
  idents: { type: string; lookup: string; display: string }[];
}

export interface Visit {
  id: string;
  organizationId: string;
  patientId: string;
  messageId: string;
  v: Record<string, string | null>;
}

export const cols = <T>(rows: T[], pick: (r: T, n: number) => unknown[]): unknown[][] => {
  const out: unknown[][] = [];
  for (const [n, r] of rows.entries()) {
    pick(r, n).forEach((v, i) => {
      if (!out[i]) out[i] = [];
      out[i].push(v);
    });
  }
  return out;
};

/**
 * Everything the batch writes, in one statement: data-modifying WITH parts, each an INSERT (or UPDATE/DELETE)
 * from unnest'ed arrays. Foreign keys between them (identifiers → new patients, visits → messages) are checked
 * at the end of the statement, after all parts ran.
 */
export async function writeBatch(
  client: PoolClient,
  b: {
    items: BatchItem[];
    ids: string[];
    keys: string[];
    outcomes: Outcome[];
    history: { patientId: string; userId: string; action: string; detail: object }[];
  },
  states: PatientState[],
  visits: Visit[],
  audit: unknown[][] | undefined,
): Promise<void> {
  const params: unknown[] = [];
  const arrays = (columns: unknown[][], types: string[]) =>
    types
      .map((t, i) => {
        params.push(columns[i] ?? []);
        return `$${params.length}::${t}[]`;
      })
      .join(', ');
  const parts: string[] = [];
  const created = states.filter((s) => s.isNew);
  const updated = states.filter((s) => !s.isNew && s.updates > 0);
  const row = (s: PatientState) => [
    s.id,
    s.organizationId,
    s.name,
    s.pinyin.full,
    s.pinyin.initials,
    s.sex,
    s.birthDate,
    s.nationalEnc,
    s.nationalMasked,
    s.phoneEnc,
    s.phoneMasked,
    s.address,
    s.updates,
  ];
  const patientTypes = [
    'uuid',
    'uuid',
    'text',
    'text',
    'text',
    'text',
    'date',
    'bytea',
    'text',
    'bytea',
    'text',
    'text',
    'int',
  ];
  const u = 'u(id, org, name, py, ini, sex, birth, nat, natm, ph, phm, addr, n)';
  if (created.length) {
    parts.push(`np AS (INSERT INTO patients (id, organization_id, name, name_pinyin, name_initials, sex, birth_date,
       national_id_enc, national_id_masked, phone_enc, phone_masked, address, version)
     SELECT id, org, name, py, ini, sex, birth, nat, natm, ph, phm, addr, 1 + n
     FROM unnest(${arrays(cols(created, row), patientTypes)}) AS ${u})`);
  }
  if (updated.length) {
    parts.push(`up AS (UPDATE patients p SET name = u.name, name_pinyin = u.py, name_initials = u.ini, sex = u.sex,
       birth_date = u.birth, national_id_enc = u.nat, national_id_masked = u.natm, phone_enc = u.ph,
       phone_masked = u.phm, address = u.addr, updated_at = now(), version = p.version + u.n
     FROM unnest(${arrays(cols(updated, row), patientTypes)}) AS ${u} WHERE p.id = u.id)`);
  }
  const replaced = updated.filter((s) => s.replaceNational).map((s) => s.id);
  if (replaced.length) {
    parts.push(`dn AS (DELETE FROM patient_identifiers WHERE type = 'national-id'
       AND patient_id = ANY(${arrays([replaced], ['uuid'])}))`);
  }
  const idents = states.flatMap((s) => s.newIdentifiers.map((i) => ({ s, i })));
  if (idents.length) {
    parts.push(`ni AS (INSERT INTO patient_identifiers (patient_id, organization_id, type, lookup, display, issuer)
     SELECT * FROM unnest(${arrays(
       cols(idents, ({ s, i }) => [s.id, s.organizationId, i.type, i.lookup, i.display, i.issuer]),
       ['uuid', 'uuid', 'text', 'text', 'text', 'text'],
     )}))`);
  }
  if (b.history.length) {
    parts.push(`ph AS (INSERT INTO patient_history (patient_id, user_id, action, detail)
     SELECT * FROM unnest(${arrays(
       cols(b.history, (h) => [h.patientId, h.userId, h.action, JSON.stringify(h.detail)]),
       ['uuid', 'uuid', 'text', 'jsonb'],
     )}))`);
  }
  const messageColumns = cols(b.items, (it, n) => {
    const o = b.outcomes[n];
    const { code, trigger } = it.message.type;
    const bytes = it.frameBytes;
    return [
      b.ids[n],
      it.iface.id,
      it.iface.organization_id,
      it.message.get('MSH-3'),
      it.message.get('MSH-4'),
      it.message.controlId,
      trigger ? `${code}^${trigger}` : code,
      pgText(b.keys[n]),
      pgText(it.raw),
      bytes ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null,
      it.charset ?? null,
      it.remoteAddress ?? null,
      it.receivedAt ?? null,
      o.status,
      o.ackCode,
      o.error,
      JSON.stringify(o.warnings),
      JSON.stringify(o.effects),
    ];
  });
  parts.push(`hm AS (INSERT INTO hl7_messages (id, interface_id, organization_id, sending_application,
       sending_facility, control_id, message_type, dedup_key, raw, raw_bytes, charset, remote_address, received_at,
       status, ack_code, error, warnings, effects, applied_at)
     SELECT id, ifc, org, app, fac, ctl, typ, dk, raw, bytes, cs, ra, coalesce(rcv, now()), st, ack, err, w, e,
       CASE WHEN st = 'applied' THEN now() END
     FROM unnest(${arrays(messageColumns, [
       'uuid',
       'uuid',
       'uuid',
       'text',
       'text',
       'text',
       'text',
       'text',
       'text',
       'bytea',
       'text',
       'text',
       'timestamptz',
       'text',
       'text',
       'text',
       'jsonb',
       'jsonb',
     ])}) AS u(id, ifc, org, app, fac, ctl, typ, dk, raw, bytes, cs, ra, rcv, st, ack, err, w, e))`);
  if (visits.length) {
    const v = (x: Visit, k: string) => x.v[k];
    parts.push(`en AS (INSERT INTO encounters (id, organization_id, patient_id, visit_number, patient_class,
       patient_class_code, department, room, bed, facility, attending_id, attending_name, admit_time, discharge_time,
       source_message_id)
     SELECT * FROM unnest(${arrays(
       cols(visits, (x) => [
         x.id,
         x.organizationId,
         x.patientId,
         v(x, 'visitNumber'),
         v(x, 'patientClass'),
         v(x, 'patientClassCode'),
         v(x, 'department'),
         v(x, 'room'),
         v(x, 'bed'),
         v(x, 'facility'),
         v(x, 'attendingId'),
         v(x, 'attendingName'),
         v(x, 'admitTime'),
         v(x, 'dischargeTime'),
         x.messageId,
       ]),
       [
         'uuid',
         'uuid',
         'uuid',
         'text',
         'text',
         'text',
         'text',
         'text',
         'text',
         'text',
         'text',
         'text',
         'timestamptz',
         'timestamptz',
         'uuid',
       ],
     )})
     ON CONFLICT (organization_id, visit_number) WHERE visit_number IS NOT NULL DO UPDATE SET
       patient_id = EXCLUDED.patient_id, patient_class = EXCLUDED.patient_class,
       patient_class_code = EXCLUDED.patient_class_code,
       department = coalesce(EXCLUDED.department, encounters.department),
       room = coalesce(EXCLUDED.room, encounters.room), bed = coalesce(EXCLUDED.bed, encounters.bed),
       facility = coalesce(EXCLUDED.facility, encounters.facility),
       attending_id = coalesce(EXCLUDED.attending_id, encounters.attending_id),
       attending_name = coalesce(EXCLUDED.attending_name, encounters.attending_name),
       admit_time = coalesce(EXCLUDED.admit_time, encounters.admit_time),
       discharge_time = coalesce(EXCLUDED.discharge_time, encounters.discharge_time),
       source_message_id = EXCLUDED.source_message_id, updated_at = now())`);
  }
  if (audit) {
    params.push(...audit);
    parts.push(`au AS (${auditInsertSql(params.length - audit.length + 1)})`);
  }
  await client.query(`WITH ${parts.join(',\n')} SELECT 1`, params);
}
