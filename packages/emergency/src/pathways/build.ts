// Small builder so pathway files read like the tables in domain.md §3 instead of repeated object literals.
import type { CaseCondition, NodeGroup, PathwayNode, TimeSource } from '../types';

export const HUMAN: TimeSource[] = ['tap', 'manual', 'device', 'interface'];
export const ECG_SOURCES: TimeSource[] = ['ecg', 'device', 'interface', 'tap', 'manual'];
export const LAB_SOURCES: TimeSource[] = ['lab', 'interface', 'tap', 'manual'];

export const TRANSFER: CaseCondition = { arrivalMode: ['transfer'] };
export const BY_AMBULANCE: CaseCondition = { arrivalMode: ['ambulance'] };

export interface NodeSpec {
  code: string;
  zh: string;
  en: string;
  defZh: string;
  defEn: string;
  group: NodeGroup;
  required?: boolean | CaseCondition;
  sources?: TimeSource[];
  multiple?: boolean;
  allowsWindow?: boolean;
  appliesWhen?: CaseCondition;
}

/** Display order goes in steps of 10 so a site node can be placed between two standard nodes. */
export function buildNodes(specs: NodeSpec[]): PathwayNode[] {
  return specs.map((s, i) => {
    const node: PathwayNode = {
      code: s.code,
      nameZh: s.zh,
      nameEn: s.en,
      definition: { zh: s.defZh, en: s.defEn },
      order: (i + 1) * 10,
      requiredForRegistry: s.required ?? false,
      allowedSources: s.sources ?? HUMAN,
      group: s.group,
    };
    if (s.multiple) node.multiple = true;
    if (s.allowsWindow) node.allowsWindow = true;
    if (s.appliesWhen) node.appliesWhen = s.appliesWhen;
    return node;
  });
}
