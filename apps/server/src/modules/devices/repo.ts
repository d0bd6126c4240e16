import type { Queryable } from '../../db/pool';

export interface DeviceRow {
  id: string;
  organization_id: string;
  department_id: string | null;
  name: string;
  kind: string;
  manufacturer: string | null;
  model: string | null;
  ae_title: string | null;
  drop_folder: string | null;
  active: boolean;
}

export function deviceOut(d: DeviceRow) {
  return {
    id: d.id,
    organizationId: d.organization_id,
    departmentId: d.department_id,
    name: d.name,
    kind: d.kind,
    manufacturer: d.manufacturer,
    model: d.model,
    aeTitle: d.ae_title,
    dropFolder: d.drop_folder,
    active: d.active,
  };
}
export type Device = ReturnType<typeof deviceOut>;

/** The active device with this calling AE title (any organisation: the AE title says which one). */
export async function deviceByAeTitle(db: Queryable, aeTitle: string): Promise<DeviceRow | undefined> {
  const { rows } = await db.query<DeviceRow>('SELECT * FROM devices WHERE ae_title = $1 AND active', [
    aeTitle.trim(),
  ]);
  return rows[0];
}

export async function devicesWithDropFolders(db: Queryable): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceRow>(
    'SELECT * FROM devices WHERE drop_folder IS NOT NULL AND active',
  );
  return rows;
}
