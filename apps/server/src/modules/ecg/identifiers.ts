/**
 * What an ECG file says about its patient and order, in the form stored with the exam: national IDs (18-digit
 * 居民身份证号) only masked plus a keyed hash (the same HMAC the patient index uses), never in plain text.
 */
import type { ParsedEcg } from '@lifeline/formats';
import type { FieldCrypto } from '../../lib/crypto';
import { maskNationalId, normaliseNationalId } from '../../lib/identity';

export interface FileIdentifiers {
  patientId?: string;
  otherIds?: string[];
  /** Masked national IDs found in ID fields. */
  nationalIdsMasked?: string[];
  /** Keyed hashes of those national IDs, for matching against the patient index. */
  nationalIdHashes?: string[];
  name?: string;
  birthDate?: string;
  sex?: 'M' | 'F' | 'U';
  age?: number;
  accessionNumber?: string;
  requestedProcedureId?: string;
  orderingDepartment?: string;
}

const NATIONAL_ID = /^\d{17}[\dXx]$/;

export function extractIdentifiers(parsed: ParsedEcg, crypto: FieldCrypto): FileIdentifiers {
  const out: FileIdentifiers = {};
  const masked: string[] = [];
  const hashes: string[] = [];
  const plain: string[] = [];
  const take = (value: string | undefined) => {
    const v = value?.trim();
    if (!v) return;
    if (NATIONAL_ID.test(v)) {
      masked.push(maskNationalId(v));
      hashes.push(crypto.lookupHash(normaliseNationalId(v)));
    } else if (!plain.includes(v)) plain.push(v);
  };
  const p = parsed.patient;
  take(p?.id);
  for (const id of p?.otherIds ?? []) take(id);
  if (plain.length) out.patientId = plain[0];
  if (plain.length > 1) out.otherIds = plain.slice(1);
  if (masked.length) {
    out.nationalIdsMasked = masked;
    out.nationalIdHashes = hashes;
  }
  if (p?.name?.trim()) out.name = p.name.trim().slice(0, 100);
  if (p?.birthDate) out.birthDate = p.birthDate;
  if (p?.sex) out.sex = p.sex;
  if (p?.age !== undefined && Number.isFinite(p.age)) out.age = p.age;
  const o = parsed.order;
  if (o?.accessionNumber?.trim()) out.accessionNumber = o.accessionNumber.trim();
  if (o?.requestedProcedureId?.trim()) out.requestedProcedureId = o.requestedProcedureId.trim();
  if (o?.orderingDepartment?.trim()) out.orderingDepartment = o.orderingDepartment.trim();
  return out;
}

/** The identifiers without the hashes, for API answers. */
export function publicIdentifiers(ids: FileIdentifiers): Omit<FileIdentifiers, 'nationalIdHashes'> {
  const { nationalIdHashes: _hidden, ...rest } = ids;
  return rest;
}
