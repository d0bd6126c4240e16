export { inNetwork, NETWORK_CTE } from './repo';
export { organizationRoutes } from './routes';
export { listOrganizations } from './service';
