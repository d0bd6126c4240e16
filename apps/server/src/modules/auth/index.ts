export { authRoutes } from './routes';
export { login } from './service';
