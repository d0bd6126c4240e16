/** ECG reports: what other modules (critical values, HIS/EMR publishing, statistics) may use. */
export {
  CRITICAL_STATEMENT_CODES,
  compareEcgs,
  contentHash,
  omissions,
  type ReportStatement,
  TEMPLATES,
  type Template,
} from './content';
export {
  loadReportFont,
  type PdfReportData,
  ReportFontError,
  renderReportPdf,
  reportFontConfig,
  warmUpReportPdf,
} from './pdf';
export { reportSettings, type SettingsRow } from './repo';
export { reportRoutes } from './routes';
