/**
 * Reference data the admin screens share (organisations, roles, permissions), with small helpers to show
 * them in the current language. Roles fall back to @lifeline/shared if the server list cannot be read,
 * since role names are also needed by users who lack role.read.
 */
import { PERMISSIONS, ROLES } from '@lifeline/shared';
import type { TFunction } from 'i18next';
import { get } from '../api/client';
import type { Organization, PermissionInfo, RoleInfo } from '../api/types';
import { useRemote } from '../common/useRemote';

export function useOrganizations() {
  return useRemote((signal) => get<Organization[]>('/api/organizations', undefined, signal), []);
}

export function useRoles() {
  return useRemote(
    (signal) =>
      get<RoleInfo[]>('/api/roles', undefined, signal).catch((): RoleInfo[] =>
        ROLES.map((r) => ({ ...r, permissions: [...r.permissions] })),
      ),
    [],
  );
}

export function usePermissions() {
  return useRemote(
    (signal) =>
      get<PermissionInfo[]>('/api/permissions', undefined, signal).catch((): PermissionInfo[] =>
        Object.entries(PERMISSIONS).map(([code, n]) => ({ code, zh: n.zh, en: n.en })),
      ),
    [],
  );
}

export function roleName(roles: RoleInfo[] | undefined, code: string, lang: string): string {
  const role = roles?.find((r) => r.code === code) ?? ROLES.find((r) => r.code === code);
  if (!role) return code;
  return lang === 'en' ? role.nameEn : role.nameZh;
}

export function orgTypeLabel(t: TFunction, type: string): string {
  return t(`org.type_${type}`, { defaultValue: type });
}

export function departmentKindLabel(t: TFunction, kind: string | null | undefined): string {
  return kind ? t(`org.kind_${kind}`, { defaultValue: kind }) : '';
}

export const ORG_TYPES = ['hub-hospital', 'member-hospital', 'clinic', 'ambulance-station'] as const;
export const DEPARTMENT_KINDS = [
  'ecg-room',
  'ed',
  'cardiology',
  'neurology',
  'cath-lab',
  'radiology',
  'icu',
  'surgery',
  'trauma',
  'ems',
  'general',
  'other',
] as const;

export interface OrgNode {
  key: string;
  title: string;
  value: string;
  org: Organization;
  children: OrgNode[];
}

/** Organisations as a tree (hub → members / clinics / ambulance stations); orphans become roots. */
export function orgTree(orgs: Organization[], label: (o: Organization) => string = (o) => o.name): OrgNode[] {
  const nodes = new Map<string, OrgNode>();
  for (const org of orgs)
    nodes.set(org.id, { key: org.id, value: org.id, title: label(org), org, children: [] });
  const roots: OrgNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.org.parentId ? nodes.get(node.org.parentId) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  const order = (a: OrgNode, b: OrgNode) => a.org.code.localeCompare(b.org.code);
  const sort = (list: OrgNode[]) => {
    list.sort(order);
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

export function orgName(orgs: Organization[] | undefined, id: string | null | undefined): string {
  if (!id) return '';
  return orgs?.find((o) => o.id === id)?.name ?? id;
}

export function departmentName(orgs: Organization[] | undefined, id: string | null | undefined): string {
  if (!id) return '';
  for (const org of orgs ?? []) {
    const d = org.departments.find((x) => x.id === id);
    if (d) return d.name;
  }
  return id;
}
