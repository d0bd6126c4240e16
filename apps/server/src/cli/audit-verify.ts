/** npm run audit:verify: walks the audit chain and exits 1 when any entry was altered, inserted or deleted. */
import { loadConfig } from '../config';
import { verifyAuditChain } from '../plugins/audit';
import { startRuntime } from '../runtime';

const runtime = await startRuntime(loadConfig(), (m) => console.error(m), { migrate: false });
try {
  const result = await verifyAuditChain(runtime.pool);
  if (result.ok) {
    console.log(`audit chain intact: ${result.checked} entries checked`);
  } else {
    console.log(`AUDIT CHAIN BROKEN: ${result.problems.length} problem(s) in ${result.checked} entries`);
    for (const p of result.problems) console.log(`  entry ${p.seq}: ${p.problem}`);
    process.exitCode = 1;
  }
} finally {
  await runtime.stop();
}
// Exit explicitly: libraries' exit hooks must not decide the exit status.
process.exit(process.exitCode ?? 0);
