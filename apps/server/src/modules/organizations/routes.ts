import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireUser } from '../../plugins/context';
import {
  Department,
  DepartmentInput,
  IdParam,
  Organization,
  OrganizationInput,
  OrganizationPatch,
} from './schemas';
import { addDepartment, createOrganization, listOrganizations, updateOrganization } from './service';

export async function organizationRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['organisations'];
  app.get(
    '/api/organizations',
    { config: { permission: 'org.read' }, schema: { tags, response: { 200: Type.Array(Organization) } } },
    async (request) => listOrganizations(app, requireUser(request.user)),
  );

  app.post(
    '/api/organizations',
    {
      config: { permission: 'org.write' },
      schema: { tags, body: OrganizationInput, response: { 200: Organization } },
    },
    async (request) => {
      const org = await createOrganization(app, requireUser(request.user), request.body as never);
      await request.audit({
        action: 'org.create',
        resourceType: 'organization',
        resourceId: org.id,
        detail: { code: org.code },
      });
      return org;
    },
  );

  app.patch(
    '/api/organizations/:id',
    {
      config: { permission: 'org.write' },
      schema: { tags, params: IdParam, body: OrganizationPatch, response: { 200: Organization } },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const org = await updateOrganization(app, requireUser(request.user), id, request.body as never);
      await request.audit({
        action: 'org.update',
        resourceType: 'organization',
        resourceId: id,
        detail: request.body as never,
      });
      return org;
    },
  );

  app.post(
    '/api/organizations/:id/departments',
    {
      config: { permission: 'org.write' },
      schema: { tags, params: IdParam, body: DepartmentInput, response: { 200: Department } },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const dept = await addDepartment(app, requireUser(request.user), id, request.body as never);
      await request.audit({ action: 'department.create', resourceType: 'department', resourceId: dept.id });
      return dept;
    },
  );
}
