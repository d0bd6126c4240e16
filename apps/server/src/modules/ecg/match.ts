/**
 * Automatic matching of an incoming ECG: the accession number in the file finds its order (and so its patient);
 * otherwise the patient identifiers in the file (HIS id, other ids, national-ID hash) find exactly one patient in
 * the organisation's index. Anything less certain stays unmatched for a person to link: a wrong automatic match
 * puts an ECG in the wrong chart, a missing one only waits in a queue.
 */
import type { Queryable } from '../../db/pool';
import { findOrderByAccession } from '../orders';
import { patientIdsByIdentifiers, patientInOrg } from '../patients';
import type { FileIdentifiers } from './identifiers';

export interface MatchOutcome {
  patientId: string | null;
  orderId: string | null;
  matchedBy: 'accession' | 'identifier' | null;
  /** Why an identifier in the file did not lead to a match (shown in the unmatched queue). */
  note?: string;
}

export async function matchExam(db: Queryable, orgId: string, ids: FileIdentifiers): Promise<MatchOutcome> {
  let note: string | undefined;
  if (ids.accessionNumber) {
    const order = await findOrderByAccession(db, orgId, ids.accessionNumber);
    if (order && order.status !== 'cancelled') {
      const patient = await patientInOrg(db, orgId, order.patientId);
      const patientId = patient?.merged_into_id ?? order.patientId;
      return { patientId, orderId: order.id, matchedBy: 'accession' };
    }
    note = order
      ? `order ${ids.accessionNumber} was cancelled`
      : `no order with accession ${ids.accessionNumber}`;
  }
  const lookups = [ids.patientId, ...(ids.otherIds ?? []), ...(ids.nationalIdHashes ?? [])].filter(
    (v): v is string => !!v,
  );
  const candidates = await patientIdsByIdentifiers(db, orgId, lookups);
  if (candidates.length === 1) return { patientId: candidates[0], orderId: null, matchedBy: 'identifier' };
  if (candidates.length > 1) note = `identifiers in the file fit ${candidates.length} patients`;
  else if (lookups.length && !note) note = 'no patient with the identifiers in the file';
  return { patientId: null, orderId: null, matchedBy: null, ...(note ? { note } : {}) };
}
