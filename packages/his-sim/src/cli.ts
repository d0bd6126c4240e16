// lifeline-his-sim: a county-hospital HIS in a terminal. Sends ADT and ECG order streams over MLLP and
// receives ORU^R01 results. Run from the repository root: npx lifeline-his-sim <command> [options]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decodeHl7, parseMessages } from '@lifeline/hl7';
import { HisSimulator } from './messages';
import { listenForResults, sendMessages, streamMessages, toPrintable } from './run';

const USAGE = `lifeline-his-sim — HIS simulator (HL7 v2 over MLLP)

Commands:
  adt --count N             send N ADT messages (A04/A01 registrations, A08 updates)
  orders --count N          send N ECG orders (ORM^O01; STAT share --stat-share, some cancellations)
  stream --rate R --duration S
                            load test: R messages per second (ADT and orders) for S seconds
  listen --port P           receive ORU^R01 results, print them and answer ACK
  send --file F             send every message of an HL7 file (ER7, batches, comment lines skipped)

Options:
  --host H          target or bind host (default 127.0.0.1)
  --port P          target or listening port (default 2575)
  --seed N          random seed: the same seed sends the same patients and orders (default 1)
  --charset C       MSH-18 to declare and encode with: UNICODE UTF-8 (default) or GB 18030-2000
  --stat-share F    share of STAT orders, 0..1 (default 0.25)
  --connections N   parallel connections for stream (default: rate/50, at most 8)
  --dry-run         print the messages instead of sending them
  --json            print the send statistics as JSON
  -h, --help        this text
`;

class UsageError extends Error {}

function num(value: string | undefined, name: string, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError(`--${name} is required`);
    return fallback;
  }
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got '${value}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '2575' },
      count: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string', default: '1' },
      charset: { type: 'string', default: 'UNICODE UTF-8' },
      'stat-share': { type: 'string' },
      connections: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      file: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    process.stdout.write(USAGE);
    return command || values.help ? 0 : 2;
  }
  const port = num(values.port, 'port');
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0-65535, got ${port}`);
  const host = values.host ?? '127.0.0.1';
  const sim = new HisSimulator({
    seed: num(values.seed, 'seed'),
    charset: values.charset,
    statShare: values['stat-share'] === undefined ? undefined : num(values['stat-share'], 'stat-share'),
  });
  const report = (stats: Awaited<ReturnType<typeof sendMessages>>) => {
    if (values.json) process.stdout.write(`${JSON.stringify(stats)}\n`);
    else {
      process.stdout.write(
        `sent ${stats.sent}, accepted ${stats.accepted}, refused ${stats.refused}, no ACK ${stats.failed}; ` +
          `latency p50 ${stats.latencyMs.p50} ms, p95 ${stats.latencyMs.p95} ms, max ${stats.latencyMs.max} ms; ` +
          `${(stats.sent / Math.max(stats.elapsedMs / 1000, 0.001)).toFixed(1)} msg/s\n`,
      );
      for (const r of stats.refusals) process.stdout.write(`  ${r}\n`);
    }
    return stats.failed > 0 ? 1 : 0;
  };

  switch (command) {
    case 'adt':
    case 'orders': {
      const count = num(values.count, 'count', 10);
      if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count must be a positive integer`);
      const make = () => (command === 'adt' ? sim.adt() : sim.order());
      const messages = Array.from({ length: count }, make);
      if (values['dry-run']) {
        process.stdout.write(`${toPrintable(messages)}\n`);
        return 0;
      }
      return report(await sendMessages(messages, { host, port }));
    }
    case 'stream': {
      const rate = num(values.rate, 'rate', 10);
      const durationS = num(values.duration, 'duration', 10);
      const connections =
        values.connections === undefined ? undefined : num(values.connections, 'connections');
      return report(await streamMessages(() => sim.next(), { host, port, rate, durationS, connections }));
    }
    case 'send': {
      if (!values.file) throw new UsageError('--file is required');
      const { text } = decodeHl7(readFileSync(values.file));
      const messages = parseMessages(text, { skipComments: true });
      if (values['dry-run']) {
        process.stdout.write(`${toPrintable(messages)}\n`);
        return 0;
      }
      return report(await sendMessages(messages, { host, port }));
    }
    case 'listen': {
      const { port: bound } = await listenForResults(port, host, (r) =>
        process.stdout.write(`${r.summary}\n`),
      );
      process.stdout.write(`listening for ORU^R01 on ${host}:${bound} (Ctrl-C to stop)\n`);
      await new Promise(() => {}); // until the process is stopped
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`lifeline-his-sim: ${(e as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`lifeline-his-sim: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
