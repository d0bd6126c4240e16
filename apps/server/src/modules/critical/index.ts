/** Critical values (危急值): what other modules (reports, emergency) may use. */
export { criticalRoutes } from './routes';
export {
  type CriticalFindingRef,
  criticalTopic,
  escalateOverdue,
  type RaiseInput,
  raiseCritical,
  registerEngineCriticals,
  startCriticalSweeps,
} from './service';
