// Pathway registry, site extension and validation. Definitions are versioned data: a case stores the version
// it was recorded under, and a site that adds nodes gets a new version rather than editing the standard one.
import { conditionProblems, EmergencyInputError } from '../conditions';
import type { Center, Pathway, PathwayNode } from '../types';
import { NODE_GROUPS, TIME_SOURCES } from '../types';
import { CHEST_PAIN_PATHWAY } from './chest-pain';
import { STROKE_PATHWAY } from './stroke';
import { TRAUMA_PATHWAY } from './trauma';

export { CHEST_PAIN_PATHWAY, STROKE_PATHWAY, TRAUMA_PATHWAY };

export const PATHWAYS: Readonly<Record<Center, Pathway>> = {
  'chest-pain': CHEST_PAIN_PATHWAY,
  stroke: STROKE_PATHWAY,
  trauma: TRAUMA_PATHWAY,
};

export const CENTERS: readonly Center[] = ['chest-pain', 'stroke', 'trauma'];

export function getPathway(center: Center): Pathway {
  const pathway = PATHWAYS[center];
  if (!pathway) throw new EmergencyInputError('center', `unknown center "${String(center)}"`);
  return pathway;
}

export function findNode(pathway: Pathway, code: string): PathwayNode | undefined {
  return pathway.nodes.find((n) => n.code === code);
}

export interface DefinitionProblem {
  field: string;
  reason: string;
}

const CODE_PATTERN = /^[a-z][a-z0-9-]*(:[a-z0-9-]+)?$/;
const VERSION_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;

/** Every problem in a pathway definition (empty when valid). */
export function validatePathway(pathway: Pathway): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  if (!CENTERS.includes(pathway.center)) problems.push({ field: 'center', reason: 'unknown center' });
  if (!VERSION_PATTERN.test(pathway.version ?? ''))
    problems.push({ field: 'version', reason: 'must be a semantic version such as 1.2.0' });
  if (!Array.isArray(pathway.nodes) || pathway.nodes.length === 0) {
    problems.push({ field: 'nodes', reason: 'must be a non-empty list' });
    return problems;
  }
  const seenCodes = new Set<string>();
  const seenOrders = new Map<number, string>();
  pathway.nodes.forEach((node, i) => {
    const at = `nodes[${i}]${node.code ? ` (${node.code})` : ''}`;
    if (!CODE_PATTERN.test(node.code ?? ''))
      problems.push({
        field: `${at}.code`,
        reason: 'must be lower-case kebab-case, optionally "site:" prefixed',
      });
    if (seenCodes.has(node.code)) problems.push({ field: `${at}.code`, reason: 'duplicate code' });
    seenCodes.add(node.code);
    if (!node.nameZh?.trim()) problems.push({ field: `${at}.nameZh`, reason: 'required' });
    if (!node.nameEn?.trim()) problems.push({ field: `${at}.nameEn`, reason: 'required' });
    if (!node.definition?.zh?.trim() || !node.definition?.en?.trim())
      problems.push({ field: `${at}.definition`, reason: 'needs both zh and en text' });
    if (!Number.isFinite(node.order)) problems.push({ field: `${at}.order`, reason: 'must be a number' });
    else if (seenOrders.has(node.order))
      problems.push({ field: `${at}.order`, reason: `same order as ${seenOrders.get(node.order)}` });
    else seenOrders.set(node.order, node.code);
    if (!Array.isArray(node.allowedSources) || node.allowedSources.length === 0)
      problems.push({ field: `${at}.allowedSources`, reason: 'must list at least one source' });
    else
      for (const s of node.allowedSources)
        if (!TIME_SOURCES.includes(s))
          problems.push({ field: `${at}.allowedSources`, reason: `unknown source "${s}"` });
    if (!NODE_GROUPS.includes(node.group))
      problems.push({ field: `${at}.group`, reason: `must be one of ${NODE_GROUPS.join(', ')}` });
    for (const key of ['requiredForRegistry', 'appliesWhen'] as const) {
      const value = node[key];
      if (value === undefined || typeof value === 'boolean') continue;
      for (const p of conditionProblems(value, `${at}.${key}`)) {
        const [field, ...reason] = p.split(': ');
        problems.push({ field, reason: reason.join(': ') });
      }
    }
  });
  return problems;
}

export function assertValidPathway(pathway: Pathway): Pathway {
  const problems = validatePathway(pathway);
  if (problems.length > 0) throw new EmergencyInputError(problems[0].field, problems[0].reason);
  return pathway;
}

/** A site node: like a standard node but placed either by explicit `order` or right `after` a node code. */
export type SiteNode = Omit<PathwayNode, 'order' | 'site'> & { order?: number; after?: string };

/**
 * Returns a NEW pathway with the site's nodes added. The version must change (so recorded cases keep pointing
 * at the definition they were recorded with) and site codes must not collide with existing ones.
 */
export function extendPathway(base: Pathway, extension: { version: string; nodes: SiteNode[] }): Pathway {
  if (extension.version === base.version)
    throw new EmergencyInputError('version', `must differ from the base version ${base.version}`);
  const nodes: PathwayNode[] = base.nodes.map((n) => ({ ...n }));
  for (const [i, siteNode] of extension.nodes.entries()) {
    const { after, order, ...rest } = siteNode;
    if (nodes.some((n) => n.code === rest.code))
      throw new EmergencyInputError(`nodes[${i}].code`, `"${rest.code}" collides with an existing node`);
    let placed = order;
    if (after !== undefined) {
      const sorted = [...nodes].sort((a, b) => a.order - b.order);
      const idx = sorted.findIndex((n) => n.code === after);
      if (idx < 0) throw new EmergencyInputError(`nodes[${i}].after`, `no node "${after}" to place after`);
      const next = sorted[idx + 1];
      placed = next ? (sorted[idx].order + next.order) / 2 : sorted[idx].order + 10;
    }
    if (placed === undefined)
      throw new EmergencyInputError(`nodes[${i}].order`, 'give either order or after');
    nodes.push({ ...rest, order: placed, site: true });
  }
  nodes.sort((a, b) => a.order - b.order);
  return assertValidPathway({ center: base.center, version: extension.version, nodes });
}
