export { type ScanResult, scanFolder, startDropFolders } from './watcher';
