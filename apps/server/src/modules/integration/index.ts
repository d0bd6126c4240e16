/** HL7 v2 integration: what main.ts, the reports and emergency modules and FHIR may use. */
export { ensureDemoInterfaces } from './demo';
export { type MllpListener, startMllpListener } from './listener';
export {
  deliverDue,
  enqueueMessage,
  enqueueReportResult,
  enqueueSignedReports,
  type OutboxOptions,
  type OutboxWorker,
  startOutbox,
} from './outbox';
export { isTroponin, type LabResult, labResultsOf, TROPONIN_LOINC, troponinResults } from './results';
export { integrationRoutes } from './routes';
