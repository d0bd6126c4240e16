export { patientIdsByIdentifiers, patientInOrg } from './repo';
export { patientRoutes } from './routes';
export {
  create as createPatient,
  merge as mergePatients,
  patientIdsForSearch,
  patientIdsMatching,
  read as readPatient,
  search as searchPatientSummaries,
  undoMerge as undoPatientMerge,
  update as updatePatient,
} from './service';
export { cleanPatientFields, type PatientFields } from './validate';
