import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPermission, PERMISSIONS, permissionsOf, ROLES } from '../src/index';

test('every role grants only known permissions and codes are unique', () => {
  const codes = new Set<string>();
  for (const role of ROLES) {
    assert.ok(!codes.has(role.code), `duplicate role ${role.code}`);
    codes.add(role.code);
    for (const p of role.permissions) assert.ok(isPermission(p), `${role.code}: unknown ${p}`);
  }
  assert.ok(Object.keys(PERMISSIONS).length > 20);
});

test('technicians cannot administer users; IT admins cannot read patients', () => {
  assert.equal(permissionsOf(['ecg_technician']).has('user.write'), false);
  assert.equal(permissionsOf(['it_admin']).has('patient.read'), false);
  assert.equal(permissionsOf(['it_admin']).has('user.write'), true);
  assert.equal(permissionsOf(['no_such_role']).size, 0);
});
