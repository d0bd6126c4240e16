// @lifeline/emergency: pure definitions and computations of the emergency three centers (chest pain, stroke,
// trauma). No Node or DOM API: the server and the web app share it.

export * from './checklists';
export * from './chronology';
export {
  conditionProblems,
  describeCondition,
  EmergencyInputError,
  instantRange,
  matchesCondition,
  parseInstant,
} from './conditions';
export * from './countdown';
export * from './metric-definitions';
export * from './metrics';
export * from './pathways/index';
export * from './registry';
export * from './registry-export';
export * from './scores/index';
export * from './types';
