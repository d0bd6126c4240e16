export { type Device, type DeviceRow, deviceByAeTitle, deviceOut, devicesWithDropFolders } from './repo';
export { deviceRoutes } from './routes';
