export { MAX_ESCALATIONS, pendingDeliveries, sweepEscalations } from './activation';
export { sweepLabTimes } from './lab';
export { registerPathwayVersion } from './pathways';
export {
  attemptUpload,
  REGISTRY_QUEUE,
  type RegistryUploadRunner,
  startRegistryUploads,
} from './registry-upload';
export { emergencyRoutes } from './routes';
