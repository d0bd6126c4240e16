export { searchUsers } from './repo';
export { userRoutes } from './routes';
export { createUser } from './service';
