import type { TFunction } from 'i18next';
import type { Identifier, IdentifierType, Sex } from '../api/types';

export const SEXES: Sex[] = ['M', 'F', 'U'];
export const IDENTIFIER_TYPES: IdentifierType[] = [
  'his',
  'outpatient',
  'inpatient',
  'insurance',
  'national-id',
];

export function sexLabel(t: TFunction, sex: Sex | string): string {
  return t(`patient.sex_${sex}`, { defaultValue: sex });
}

export function identifierTypeLabel(t: TFunction, type: IdentifierType | string): string {
  return t(`patient.idType_${type}`, { defaultValue: type });
}

export function identifierText(t: TFunction, id: Identifier): string {
  return `${identifierTypeLabel(t, id.type)}: ${id.value}`;
}
