/** ECG statistics and the director's dashboard. */
export { statsRoutes } from './routes';
