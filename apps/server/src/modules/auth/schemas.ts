import { Type } from 'typebox';
import type { AuthUser } from '../../plugins/context';

export const Me = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  organizationId: Type.String(),
  organizationName: Type.String(),
  timeZone: Type.String(),
  departmentId: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
});

export function meOf(u: AuthUser) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    organizationId: u.organizationId,
    organizationName: u.organizationName,
    timeZone: u.timeZone,
    departmentId: u.departmentId,
    roles: u.roles,
    permissions: [...u.permissions].sort(),
  };
}
