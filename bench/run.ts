/**
 * npm run bench [-- name ...]: runs the benchmarks (all, or those whose name contains an argument) one after
 * another and prints their markdown sections; the figures are copied into docs/benchmarks.md with the date.
 */
export {};

const BENCHES: Record<string, () => Promise<{ run(): Promise<string> }>> = {
  'ecg-detect': () => import('./ecg-detect'),
  'ecg-classify': () => import('./ecg-classify'),
  'ecg-af': () => import('./ecg-af'),
  'ecg-analysis': () => import('./ecg-analysis'),
  'ecg-holter': () => import('./ecg-holter'),
  'ecg-blocks': () => import('./ecg-blocks'),
  patients: () => import('./patients'),
  'ecg-exams': () => import('./ecg-exams'),
  'report-pdf': () => import('./report-pdf'),
  ingest: () => import('./ingest'),
  'blob-orphans': () => import('./ingest-orphans'),
  'upload-memory': () => import('./ingest-large'),
  mllp: () => import('./mllp'),
  'emergency-board': () => import('./emergency-board'),
  'emergency-metrics': () => import('./emergency-metrics'),
  'reading-viewer': () => import('./reading-viewer'),
  'reading-worklist': () => import('./reading-worklist'),
  'critical-alert': () => import('./critical-alert'),
};

const wanted = process.argv.slice(2);
const names = Object.keys(BENCHES).filter((n) => wanted.length === 0 || wanted.some((w) => n.includes(w)));
if (names.length === 0) {
  console.error(`no benchmark matches ${wanted.join(' ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(2);
}
for (const name of names) {
  const started = performance.now();
  console.error(`bench: ${name} …`);
  const mod = await BENCHES[name]();
  console.log(await mod.run());
  console.error(`bench: ${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
process.exit(0);
