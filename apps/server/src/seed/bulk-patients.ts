/** Inserts many generated patients at once (demo data, benchmarks), with the same derived fields the API writes. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';
import type { FieldCrypto } from '../lib/crypto';
import { maskNationalId, maskPhone, namePinyin } from '../lib/identity';
import { makePerson } from './people';

export async function insertGeneratedPatients(
  db: Queryable,
  crypto: FieldCrypto,
  orgId: string,
  count: number,
  rand: () => number,
  idPrefix: string,
  startIndex = 0,
): Promise<void> {
  const batch = 1000;
  // Random resident IDs collide now and then at a million patients; a real ID belongs to one person only.
  const seen = new Set<string>();
  for (let start = 0; start < count; start += batch) {
    const n = Math.min(batch, count - start);
    const cols: unknown[][] = [[], [], [], [], [], [], [], [], [], [], [], [], []];
    for (let i = 0; i < n; i++) {
      let p = makePerson(rand);
      while (seen.has(p.nationalId)) p = makePerson(rand);
      seen.add(p.nationalId);
      const py = namePinyin(p.name);
      const k = startIndex + start + i;
      const values = [
        randomUUID(),
        p.name,
        py.full,
        py.initials,
        p.sex,
        p.birthDate,
        crypto.encrypt(p.nationalId),
        maskNationalId(p.nationalId),
        crypto.encrypt(p.phone),
        maskPhone(p.phone),
        p.address,
        `${idPrefix}${String(k + 1).padStart(8, '0')}`,
        crypto.lookupHash(p.nationalId),
      ];
      for (const [c, v] of values.entries()) cols[c].push(v);
    }
    await db.query(
      `WITH input AS (
         SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::bytea[],
                              $9::text[], $10::bytea[], $11::text[], $12::text[], $13::text[], $14::text[])
           AS t(id, name, py, ini, sex, birth, nid_enc, nid_mask, ph_enc, ph_mask, addr, his, nid_hash)
       ), ins AS (
         INSERT INTO patients (id, organization_id, name, name_pinyin, name_initials, sex, birth_date, national_id_enc,
           national_id_masked, phone_enc, phone_masked, address)
         SELECT id, $1, name, py, ini, sex, birth, nid_enc, nid_mask, ph_enc, ph_mask, addr FROM input
       )
       INSERT INTO patient_identifiers (patient_id, organization_id, type, lookup, display)
       SELECT id, $1, 'his', his, his FROM input
       UNION ALL
       SELECT id, $1, 'national-id', nid_hash, nid_mask FROM input`,
      [orgId, ...cols],
    );
  }
}
