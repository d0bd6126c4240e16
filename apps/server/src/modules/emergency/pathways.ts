/**
 * Pathway definitions by version. A case stores the version it was started under and is always read back with
 * that version, so a site extending its pathway later (extendPathway) does not change the meaning of old cases.
 */
import { type Center, PATHWAYS, type Pathway } from '@lifeline/emergency';
import { AppError } from '../../lib/errors';

const versions = new Map<string, Pathway>();
const current = new Map<Center, Pathway>();

function key(center: Center, version: string) {
  return `${center}@${version}`;
}

for (const p of Object.values(PATHWAYS)) {
  versions.set(key(p.center, p.version), p);
  current.set(p.center, p);
}

/** Makes `pathway` the one new cases of its center start with; earlier versions stay readable. */
export function registerPathwayVersion(pathway: Pathway, makeCurrent = true): void {
  versions.set(key(pathway.center, pathway.version), pathway);
  if (makeCurrent) current.set(pathway.center, pathway);
}

export function currentPathway(center: Center): Pathway {
  const p = current.get(center);
  if (!p) throw AppError.invalid('center', `unknown center ${center}`);
  return p;
}

export function pathwayVersion(center: Center, version: string): Pathway {
  const p = versions.get(key(center, version));
  if (!p) throw new Error(`pathway ${center} version ${version} is not registered on this server`);
  return p;
}
