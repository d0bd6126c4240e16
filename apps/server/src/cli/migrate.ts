/** npm run migrate: applies pending migrations to DATABASE_URL (or the embedded database) and exits. */
import { loadConfig } from '../config';
import { startRuntime } from '../runtime';

const runtime = await startRuntime(loadConfig(), (m) => console.log(m));
console.log(
  runtime.appliedMigrations.length
    ? `applied: ${runtime.appliedMigrations.join(', ')}`
    : 'schema is up to date',
);
await runtime.stop();
// Exit explicitly: libraries' exit hooks must not decide the exit status.
process.exit(process.exitCode ?? 0);
