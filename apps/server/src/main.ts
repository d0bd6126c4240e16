/** Starts Lifeline: configuration, database, migrations, demo data, then listen. Stops cleanly on SIGINT/SIGTERM. */
import { build } from './app';
import { ConfigError, loadConfig } from './config';
import { type JobRunner, startJobs } from './jobs';
import { type DicomServer, startDicomServer } from './modules/dicom';
import { startDropFolders } from './modules/dropfolder';
import { type RegistryUploadRunner, startRegistryUploads } from './modules/emergency';
import {
  ensureDemoInterfaces,
  type MllpListener,
  type OutboxWorker,
  startMllpListener,
  startOutbox,
} from './modules/integration';
import { startRuntime } from './runtime';
import { ensureDemoData } from './seed/demo';

function fail(message: string): never {
  console.error(`lifeline: ${message}`);
  process.exit(1);
}

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration error: ${err.message}`);
    throw err;
  }
  const log = (m: string) => console.log(`lifeline: ${m}`);
  const runtime = await startRuntime(config, log);
  const app = await build({ config, db: runtime.pool, fieldCrypto: runtime.fieldCrypto });

  let jobs: JobRunner | null = null;
  let registryUploads: RegistryUploadRunner | null = null;
  let mllp: MllpListener | null = null;
  let outbox: OutboxWorker | null = null;
  let dicom: DicomServer | null = null;
  let dropFolders: { close(): Promise<void> } | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal} received, shutting down`);
    const force = setTimeout(() => process.exit(1), 15000);
    force.unref();
    await jobs?.stop().catch(() => {});
    await registryUploads?.stop().catch(() => {});
    await mllp?.close().catch(() => {});
    await outbox?.stop().catch(() => {});
    await dicom?.close().catch(() => {});
    await dropFolders?.close().catch(() => {});
    await app.close().catch(() => {});
    await runtime.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const demo = config.demoData ? await ensureDemoData(runtime.pool, runtime.fieldCrypto, config) : null;
  if (config.demoData) await ensureDemoInterfaces(runtime.pool);
  await app.listen({ port: config.port, host: config.host });
  jobs = await startJobs(app);
  // Uploads of signed-off emergency cases to the national registries (pg-boss, retried with back-off).
  registryUploads = await startRegistryUploads(app);
  // HL7 v2 over MLLP (HIS/LIS in, ECG results out); MLLP_PORT=0 picks a free port, MLLP_PORT=off disables it.
  if (config.mllpPort !== null) {
    mllp = await startMllpListener(app, { port: config.mllpPort, host: config.host });
    log(`HL7 MLLP listener on port ${mllp.port}`);
  }
  outbox = startOutbox(app);
  // DICOM (C-ECHO, C-STORE of ECG waveforms, Modality Worklist) and the devices' drop folders.
  if (config.dicomPort !== null) {
    dicom = await startDicomServer(app, { port: config.dicomPort, aeTitle: config.dicomAeTitle });
    log(`DICOM SCP ${config.dicomAeTitle} on port ${dicom.port}`);
  }
  dropFolders = startDropFolders(app, config.dropFolderIntervalMs);
  const url = `http://localhost:${(app.server.address() as { port: number }).port}`;
  log(`database: ${runtime.embedded ? `embedded PostgreSQL in ${config.dataDir}/pg` : 'DATABASE_URL'}`);
  log(`Lifeline is serving ${url}  (API docs: ${url}/docs)`);
  if (demo) {
    log(`demo logins (password for all: ${demo.password}):`);
    for (const u of demo.users) log(`  ${u.username.padEnd(12)} ${u.role}`);
  }
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
