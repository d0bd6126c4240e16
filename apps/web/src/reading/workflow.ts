/** Which workflow steps a user may take on a report in a given state (mirrors modules/reports/workflow.ts). */
import type { ReportStatus } from './api';

export type StepName = 'save' | 'check' | 'diagnose' | 'review' | 'sign' | 'publish' | 'return' | 'amend';

const RULES: { step: StepName; from: ReportStatus[]; permission: string }[] = [
  { step: 'save', from: ['draft', 'checked'], permission: 'ecg.report.draft' },
  { step: 'check', from: ['draft'], permission: 'ecg.report.check' },
  { step: 'diagnose', from: ['checked'], permission: 'ecg.report.diagnose' },
  { step: 'review', from: ['diagnosed'], permission: 'ecg.report.review' },
  { step: 'sign', from: ['reviewed'], permission: 'ecg.report.sign' },
  { step: 'publish', from: ['signed'], permission: 'ecg.report.sign' },
  { step: 'return', from: ['checked', 'diagnosed', 'reviewed'], permission: 'ecg.report.diagnose' },
  { step: 'amend', from: ['signed', 'published'], permission: 'ecg.report.sign' },
];

export function availableSteps(status: ReportStatus, can: (permission: string) => boolean): StepName[] {
  return RULES.filter((r) => r.from.includes(status) && can(r.permission)).map((r) => r.step);
}

/** The step Ctrl+Enter takes: the one that moves the report forward (never return or amend). */
export function primaryStep(steps: StepName[]): StepName | undefined {
  return (['check', 'diagnose', 'review', 'sign', 'publish'] as StepName[]).find((s) => steps.includes(s));
}

/** Whether the draft's statements, description and conclusion may be edited in this state. */
export function contentEditable(status: ReportStatus, can: (permission: string) => boolean): boolean {
  if (status === 'draft' || status === 'checked') return can('ecg.report.draft');
  if (status === 'diagnosed') return can('ecg.report.review');
  return false;
}
