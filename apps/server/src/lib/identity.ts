/**
 * Chinese identity rules: resident ID (GB 11643-1999) check digit, masking of IDs and phone numbers, pinyin of
 * names for search (full pinyin and initials, surname readings for polyphonic surnames such as 单 shan).
 */
import { pinyin } from 'pinyin-pro';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** Returns a reason when the ID is not a valid 18-digit resident ID, otherwise undefined. */
export function nationalIdProblem(id: string, today = new Date()): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return 'must be 18 characters: 17 digits and a digit or X';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * WEIGHTS[i];
  if (CHECK[sum % 11] !== id[17]) return 'check digit is wrong';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (dateProblem(birth, today)) return `birth date ${birth} in the ID is not a real date`;
  return undefined;
}

export function checkDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** Birth date and sex encoded in a valid resident ID. */
export function nationalIdFacts(id: string): { birthDate: string; sex: 'M' | 'F' } {
  return {
    birthDate: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    sex: Number(id[16]) % 2 === 1 ? 'M' : 'F',
  };
}

/** A plausible birth date: a real calendar day, not in the future, at most 130 years ago. */
export function dateProblem(date: string, today = new Date()): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return 'must be a date as YYYY-MM-DD';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (
    d.getUTCFullYear() !== Number(m[1]) ||
    d.getUTCMonth() !== Number(m[2]) - 1 ||
    d.getUTCDate() !== Number(m[3])
  ) {
    return 'is not a real calendar date';
  }
  if (d.getTime() > today.getTime()) return 'is in the future';
  if (today.getUTCFullYear() - d.getUTCFullYear() > 130) return 'is more than 130 years ago';
  return undefined;
}

export function normaliseNationalId(id: string): string {
  return id.trim().toUpperCase();
}

export function maskNationalId(id: string): string {
  return id.length <= 8 ? '*'.repeat(id.length) : id.slice(0, 4) + '*'.repeat(id.length - 8) + id.slice(-4);
}

export function normalisePhone(phone: string): string {
  return phone.replace(/[\s-]/g, '');
}

export function phoneProblem(phone: string): string | undefined {
  if (/^1[3-9]\d{9}$/.test(phone)) return undefined; // mobile
  if (/^0\d{2,3}\d{7,8}$/.test(phone)) return undefined; // landline with area code
  return 'must be an 11-digit mobile number or a landline with area code';
}

export function maskPhone(phone: string): string {
  return phone.length < 7
    ? '*'.repeat(phone.length)
    : phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4);
}

/** Full pinyin without tones or separators, and initials, for a Chinese name; ASCII names are lower-cased. */
export function namePinyin(name: string): { full: string; initials: string } {
  if (/^[\x20-\x7e]+$/.test(name)) {
    const words = name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    return { full: words.join(''), initials: words.map((w) => w[0]).join('') };
  }
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', nonZh: 'consecutive' })
    .map((s) => s.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((s) => s.length > 0);
  return { full: syllables.join(''), initials: syllables.map((s) => s[0]).join('') };
}

export function ageOn(birthDate: string, today = new Date()): number {
  const [y, m, d] = birthDate.split('-').map(Number);
  let age = today.getUTCFullYear() - y;
  if (today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d)) age--;
  return age;
}
