/**
 * Demo configuration: the hub hospital accepts HL7 from application "HIS" (any facility), which is what
 * `npx lifeline-his-sim` sends, so a fresh demo server takes simulated ADT and orders at once. Idempotent.
 */
import type { Pool } from '../../db/pool';
import { inTransaction } from '../../db/pool';
import { createSystemUser, insertInterface } from './repo';

export async function ensureDemoInterfaces(db: Pool, organizationCode = 'QSX-RMYY'): Promise<boolean> {
  return inTransaction(db, async (client) => {
    const org = await client.query<{ id: string }>('SELECT id FROM organizations WHERE code = $1', [
      organizationCode,
    ]);
    if (!org.rows[0]) return false;
    const existing = await client.query(
      `SELECT 1 FROM hl7_interfaces WHERE direction = 'inbound' AND sending_application = 'HIS' AND sending_facility IS NULL`,
    );
    if (existing.rowCount) return false;
    const name = 'HIS（演示）';
    const userId = await createSystemUser(client, org.rows[0].id, name);
    await insertInterface(client, org.rows[0].id, userId, {
      name,
      direction: 'inbound',
      sendingApplication: 'HIS',
    });
    return true;
  });
}
