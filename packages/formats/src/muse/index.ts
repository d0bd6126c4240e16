export { readMuseXml } from './read';
