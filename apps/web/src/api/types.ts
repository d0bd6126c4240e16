/** Shapes of the foundation API (docs/api-foundation.md). Times are ISO-8601 UTC instants. */

export interface Me {
  id: string;
  username: string;
  displayName: string;
  organizationId: string;
  organizationName: string;
  timeZone: string;
  departmentId?: string | null;
  roles: string[];
  permissions: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
}

export type OrganizationType = 'hub-hospital' | 'member-hospital' | 'clinic' | 'ambulance-station';

export interface Department {
  id: string;
  organizationId: string;
  code: string;
  name: string;
  kind?: string | null;
}

export interface Organization {
  id: string;
  code: string;
  name: string;
  type: OrganizationType;
  parentId: string | null;
  timeZone: string;
  departments: Department[];
}

export interface RoleInfo {
  code: string;
  nameZh: string;
  nameEn: string;
  permissions: string[];
}

export interface PermissionInfo {
  code: string;
  zh: string;
  en: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  organizationId: string;
  departmentId: string | null;
  roles: string[];
  active: boolean;
  locked: boolean;
  lastLoginAt: string | null;
}

export type Sex = 'M' | 'F' | 'U';
export type IdentifierType = 'his' | 'outpatient' | 'inpatient' | 'insurance' | 'national-id';

export interface Identifier {
  type: IdentifierType;
  value: string;
  issuerOrgId?: string | null;
  issuer?: string | null;
}

export interface PatientSummary {
  id: string;
  name: string;
  namePinyin: string;
  sex: Sex;
  birthDate: string;
  age: number | null;
  identifiers: Identifier[];
  nationalIdMasked: string | null;
  phoneMasked: string | null;
  organizationId: string;
  mergedIntoId?: string | null;
}

export interface PatientMerge {
  mergeId: string;
  sourcePatientId: string;
  at: string;
  undoneAt: string | null;
}

export interface Patient extends PatientSummary {
  address: string | null;
  createdAt: string;
  updatedAt: string;
  merges: PatientMerge[];
}

export interface PatientInput {
  name: string;
  sex: Sex;
  birthDate: string;
  nationalId?: string;
  phone?: string;
  address?: string;
  identifiers?: Identifier[];
}

export interface PatientHistoryEntry {
  at: string;
  userName: string;
  action: string;
  detail: unknown;
}

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditEntry {
  seq: number;
  at: string;
  userId: string | null;
  username: string | null;
  role: string | null;
  organizationId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  patientId: string | null;
  clientIp: string | null;
  outcome: AuditOutcome;
  detail: unknown;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  problems: { seq: number; problem: string }[];
}
