/** ECG search: what other modules (statistics, emergency QC) may use. */

export { formatInZone, toCsv } from './export';
export { codesForTerm } from './filters';
export { orgScope, orgScopeNamed, parseOrgIds } from './repo';
export { searchRoutes } from './routes';
export { ORG_IDS_PATTERN } from './schemas';
