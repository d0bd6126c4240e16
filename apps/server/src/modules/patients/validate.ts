/** Checks a patient's demographics together (the national ID must agree with birth date and sex). */

import { AppError } from '../../lib/errors';
import {
  dateProblem,
  nationalIdFacts,
  nationalIdProblem,
  normaliseNationalId,
  normalisePhone,
  phoneProblem,
} from '../../lib/identity';
import type { IdentifierType } from './schemas';

export interface PatientFields {
  name?: string;
  sex?: 'M' | 'F' | 'U';
  birthDate?: string | null;
  nationalId?: string | null;
  phone?: string | null;
  address?: string | null;
  identifiers?: {
    type: IdentifierType;
    value: string;
    issuer?: string | null;
    issuerOrgId?: string | null;
  }[];
}

/** Returns the cleaned fields or throws one 400 listing every problem with its field. */
export function cleanPatientFields(
  input: PatientFields,
  current?: { sex: string; birthDate: string | null; nationalId?: string | null },
): PatientFields {
  const out: PatientFields = { ...input };
  const problems: { field: string; reason: string }[] = [];
  if (out.name !== undefined) {
    out.name = out.name.trim().replace(/\s+/g, ' ');
    if (!out.name) problems.push({ field: 'name', reason: 'must not be blank' });
  }
  // A national ID given inside identifiers is the same thing as the nationalId field.
  const idInList = out.identifiers?.find((i) => i.type === 'national-id');
  if (idInList) {
    if (out.nationalId && normaliseNationalId(out.nationalId) !== normaliseNationalId(idInList.value)) {
      problems.push({ field: 'identifiers', reason: 'holds a national ID different from nationalId' });
    }
    out.nationalId = idInList.value;
    out.identifiers = out.identifiers?.filter((i) => i.type !== 'national-id');
  }
  if (out.birthDate) {
    const p = dateProblem(out.birthDate);
    if (p) problems.push({ field: 'birthDate', reason: p });
  }
  if (out.nationalId) {
    out.nationalId = normaliseNationalId(out.nationalId);
    const p = nationalIdProblem(out.nationalId);
    if (p) problems.push({ field: 'nationalId', reason: p });
    else {
      const facts = nationalIdFacts(out.nationalId);
      const birth = out.birthDate ?? current?.birthDate ?? null;
      if (birth && birth !== facts.birthDate && out.birthDate !== undefined) {
        problems.push({ field: 'birthDate', reason: `does not match the national ID (${facts.birthDate})` });
      }
      if (out.birthDate === undefined || out.birthDate === null) out.birthDate = facts.birthDate;
      const sex = out.sex ?? current?.sex;
      if (sex && sex !== 'U' && sex !== facts.sex) {
        problems.push({ field: 'sex', reason: `does not match the national ID (${facts.sex})` });
      }
    }
  }
  // Changing birth date or sex alone must still agree with the national ID already on file.
  if (out.nationalId === undefined && current?.nationalId && (out.birthDate || out.sex)) {
    const facts = nationalIdFacts(current.nationalId);
    if (out.birthDate && out.birthDate !== facts.birthDate) {
      problems.push({
        field: 'birthDate',
        reason: `does not match the national ID on file (${facts.birthDate})`,
      });
    }
    if (out.sex && out.sex !== 'U' && out.sex !== facts.sex) {
      problems.push({ field: 'sex', reason: `does not match the national ID on file (${facts.sex})` });
    }
  }
  if (out.phone) {
    out.phone = normalisePhone(out.phone);
    const p = phoneProblem(out.phone);
    if (p) problems.push({ field: 'phone', reason: p });
  }
  out.identifiers?.forEach((ident, i) => {
    ident.value = ident.value.trim();
    if (!/^[\w.\-/]+$/.test(ident.value)) {
      problems.push({ field: `identifiers.${i}.value`, reason: 'may hold only letters, digits and . - _ /' });
    }
  });
  const seen = new Set<string>();
  out.identifiers?.forEach((ident, i) => {
    const key = `${ident.type}|${ident.value}|${ident.issuer ?? ''}`;
    if (seen.has(key)) problems.push({ field: `identifiers.${i}`, reason: 'is listed twice' });
    seen.add(key);
  });
  if (problems.length) throw AppError.invalidFields(problems);
  return out;
}
