export { type CsvOptions, readEcgCsv } from './read';
