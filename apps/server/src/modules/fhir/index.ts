export { patientResource, SYSTEMS } from './mappers';
export { fhirRoutes } from './routes';
