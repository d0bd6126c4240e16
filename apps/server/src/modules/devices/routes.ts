import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { inTransaction } from '../../db/pool';
import { AppError } from '../../lib/errors';
import { requireUser } from '../../plugins/context';
import { inNetwork, NETWORK_CTE } from '../organizations';
import { type DeviceRow, deviceOut } from './repo';

const DeviceInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    organizationId: Type.Optional(Type.String({ format: 'uuid' })),
    departmentId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    kind: Type.Optional(
      Type.Union(['ecg-cart', 'holter', 'monitor', 'gateway', 'other'].map((k) => Type.Literal(k))),
    ),
    manufacturer: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    model: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
    // DICOM AE titles: up to 16 printable ASCII characters, no backslash.
    aeTitle: Type.Optional(Type.Union([Type.String({ pattern: '^[ -\\[\\]-~]{1,16}$' }), Type.Null()])),
    dropFolder: Type.Optional(Type.Union([Type.String({ pattern: '^/', maxLength: 500 }), Type.Null()])),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const IdParam = Type.Object({ id: Type.String({ format: 'uuid' }) });

function uniqueViolation(err: unknown): AppError | null {
  const e = err as { code?: string; constraint?: string };
  if (e.code !== '23505') return null;
  if (e.constraint?.includes('ae_title'))
    return AppError.conflict('aeTitle: another device already uses this AE title', 'aeTitle');
  if (e.constraint?.includes('drop_folder'))
    return AppError.conflict('dropFolder: another device already uses this folder', 'dropFolder');
  return AppError.conflict('device conflicts with an existing one');
}

export async function deviceRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['devices'];
  app.get('/api/devices', { config: { permission: 'device.admin' }, schema: { tags } }, async (request) => {
    const user = requireUser(request.user);
    const { rows } = await app.db.query<DeviceRow>(
      `${NETWORK_CTE} SELECT d.* FROM devices d WHERE d.organization_id IN (SELECT id FROM network) ORDER BY d.name`,
      [user.organizationId],
    );
    return rows.map(deviceOut);
  });

  app.post(
    '/api/devices',
    { config: { permission: 'device.admin' }, schema: { tags, body: DeviceInput } },
    async (request) => {
      const user = requireUser(request.user);
      const b = request.body as Record<string, string | boolean | null | undefined>;
      const orgId = (b.organizationId as string | undefined) ?? user.organizationId;
      if (!(await inNetwork(app.db, user.organizationId, orgId)))
        throw AppError.invalid('organizationId', 'is not in your network');
      try {
        return await inTransaction(app.db, async (client) => {
          const { rows } = await client.query<DeviceRow>(
            `INSERT INTO devices (organization_id, department_id, name, kind, manufacturer, model, ae_title, drop_folder, active)
           VALUES ($1, $2, $3, coalesce($4, 'ecg-cart'), $5, $6, $7, $8, coalesce($9, true)) RETURNING *`,
            [
              orgId,
              b.departmentId ?? null,
              b.name,
              b.kind ?? null,
              b.manufacturer ?? null,
              b.model ?? null,
              b.aeTitle ?? null,
              b.dropFolder ?? null,
              b.active ?? null,
            ],
          );
          await request.audit(
            {
              action: 'device.create',
              resourceType: 'device',
              resourceId: rows[0].id,
              detail: { name: b.name, aeTitle: b.aeTitle ?? null },
            },
            client,
          );
          return deviceOut(rows[0]);
        });
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
  );

  app.patch(
    '/api/devices/:id',
    {
      config: { permission: 'device.admin' },
      schema: { tags, params: IdParam, body: Type.Partial(DeviceInput) },
    },
    async (request) => {
      const user = requireUser(request.user);
      const { id } = request.params as { id: string };
      const b = request.body as Record<string, unknown>;
      const current = await app.db.query<DeviceRow>('SELECT * FROM devices WHERE id = $1', [id]);
      if (
        !current.rows[0] ||
        !(await inNetwork(app.db, user.organizationId, current.rows[0].organization_id))
      ) {
        throw AppError.notFound('device');
      }
      const has = (k: string) => Object.hasOwn(b, k);
      try {
        return await inTransaction(app.db, async (client) => {
          const { rows } = await client.query<DeviceRow>(
            `UPDATE devices SET name = coalesce($2, name), kind = coalesce($3, kind),
               manufacturer = CASE WHEN $4 THEN $5 ELSE manufacturer END, model = CASE WHEN $6 THEN $7 ELSE model END,
               ae_title = CASE WHEN $8 THEN $9 ELSE ae_title END, drop_folder = CASE WHEN $10 THEN $11 ELSE drop_folder END,
               active = coalesce($12, active), department_id = CASE WHEN $13 THEN $14::uuid ELSE department_id END,
               updated_at = now()
             WHERE id = $1 RETURNING *`,
            [
              id,
              b.name ?? null,
              b.kind ?? null,
              has('manufacturer'),
              b.manufacturer ?? null,
              has('model'),
              b.model ?? null,
              has('aeTitle'),
              b.aeTitle ?? null,
              has('dropFolder'),
              b.dropFolder ?? null,
              b.active ?? null,
              has('departmentId'),
              b.departmentId ?? null,
            ],
          );
          await request.audit(
            {
              action: 'device.update',
              resourceType: 'device',
              resourceId: id,
              detail: { fields: Object.keys(b) },
            },
            client,
          );
          return deviceOut(rows[0]);
        });
      } catch (err) {
        throw uniqueViolation(err) ?? err;
      }
    },
  );
}
