// Sending and receiving over MLLP for the simulator commands; usable from tests without the CLI.
import { buildAck, encodeHl7, type Hl7Message, mapResults } from '@lifeline/hl7';
import { createMllpServer, MllpClient, type MllpServer } from '@lifeline/hl7/mllp';

export interface SendStats {
  sent: number;
  accepted: number;
  /** ACKs with AE/AR (or CE/CR). */
  refused: number;
  /** Messages that got no ACK at all. */
  failed: number;
  latencyMs: { p50: number; p95: number; max: number };
  elapsedMs: number;
  refusals: string[];
}

export interface Target {
  host: string;
  port: number;
  ackTimeoutMs?: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

class Tally {
  private readonly latencies: number[] = [];
  readonly refusals: string[] = [];
  sent = 0;
  accepted = 0;
  refused = 0;
  failed = 0;
  private readonly started = Date.now();

  async track(client: MllpClient, message: Hl7Message): Promise<void> {
    const t0 = Date.now();
    this.sent++;
    try {
      const result = await client.send(message);
      this.latencies.push(Date.now() - t0);
      if (result.accepted) this.accepted++;
      else {
        this.refused++;
        if (this.refusals.length < 20) {
          this.refusals.push(
            `${message.controlId}: ${result.code} ${result.ack.get('MSA-3') || result.ack.get('ERR-8')}`,
          );
        }
      }
    } catch (e) {
      this.failed++;
      if (this.refusals.length < 20) this.refusals.push(`${message.controlId}: ${(e as Error).message}`);
    }
  }

  stats(): SendStats {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      sent: this.sent,
      accepted: this.accepted,
      refused: this.refused,
      failed: this.failed,
      latencyMs: {
        p50: percentile(sorted, 50),
        p95: percentile(sorted, 95),
        max: sorted[sorted.length - 1] ?? 0,
      },
      elapsedMs: Date.now() - this.started,
      refusals: this.refusals,
    };
  }
}

/** Sends the messages one after another over one connection, waiting for each ACK. */
export async function sendMessages(messages: Iterable<Hl7Message>, target: Target): Promise<SendStats> {
  const client = new MllpClient({
    host: target.host,
    port: target.port,
    ackTimeoutMs: target.ackTimeoutMs ?? 10_000,
  });
  const tally = new Tally();
  try {
    let failedInARow = 0;
    for (const m of messages) {
      const before = tally.failed;
      await tally.track(client, m);
      failedInARow = tally.failed > before ? failedInARow + 1 : 0;
      // An unreachable receiver would cost every remaining message its full retry time: stop early.
      if (failedInARow >= 3) {
        tally.refusals.push('stopped after 3 messages in a row got no ACK');
        break;
      }
    }
  } finally {
    await client.close();
  }
  return tally.stats();
}

/**
 * Load test: starts `rate` messages per second for `durationS` seconds over `connections` parallel
 * connections (MLLP allows one outstanding message per connection, so throughput needs several).
 */
export async function streamMessages(
  nextMessage: () => Hl7Message,
  target: Target & { rate: number; durationS: number; connections?: number },
): Promise<SendStats> {
  if (!(target.rate > 0)) throw new RangeError(`rate must be > 0 messages/s, got ${target.rate}`);
  if (!(target.durationS > 0)) throw new RangeError(`duration must be > 0 s, got ${target.durationS}`);
  const n = Math.max(1, target.connections ?? Math.min(8, Math.ceil(target.rate / 50)));
  const clients = Array.from(
    { length: n },
    () =>
      new MllpClient({ host: target.host, port: target.port, ackTimeoutMs: target.ackTimeoutMs ?? 10_000 }),
  );
  const tally = new Tally();
  const total = Math.round(target.rate * target.durationS);
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  try {
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / target.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(tally.track(clients[i % n], nextMessage()));
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
  return tally.stats();
}

export interface ReceivedResult {
  controlId: string;
  type: string;
  summary: string;
}

/**
 * Listens for results (ORU^R01) like a HIS does: answers AA to readable results, AE to an ORU that cannot be
 * mapped, AR to other message types. `onResult` sees each one (the CLI prints it).
 */
export async function listenForResults(
  port: number,
  host: string,
  onResult: (r: ReceivedResult) => void,
): Promise<{ server: MllpServer; port: number }> {
  const server = createMllpServer({
    onMessage(message) {
      const type = `${message.type.code}^${message.type.trigger}`;
      if (message.type.code !== 'ORU') {
        return buildAck(message, {
          code: 'AR',
          text: `the simulator only receives ORU^R01, not ${type}`,
          errorCondition: '200',
        });
      }
      const results = mapResults(message); // throws → AE with the reason
      const lines = results.reports.flatMap((r) => [
        `OBR ${r.placerOrderNumber ?? ''}/${r.fillerOrderNumber ?? ''} ${r.service?.code ?? ''} status ${r.resultStatus}`,
        ...r.observations.map((o) => {
          const v = o.value;
          const shown =
            typeof v === 'object' && v !== null
              ? 'data' in v
                ? `${v.dataSubtype} ${Math.round((v.data.length * 3) / 4)} bytes`
                : 'code' in v
                  ? `${v.code} ${v.text ?? ''}`
                  : JSON.stringify(v)
              : String(v ?? '');
          return `  OBX ${o.valueType} ${o.code.code} ${o.code.text ?? ''} = ${shown} ${o.units?.code ?? ''}`.trimEnd();
        }),
      ]);
      const name = results.patient?.name?.full ?? '';
      const id = results.patient?.identifiers[0]?.value ?? '';
      onResult({
        controlId: message.controlId,
        type,
        summary: [`${type} ${message.controlId} ${id} ${name}`, ...lines].join('\n'),
      });
      return buildAck(message);
    },
  });
  const bound = await server.listen(port, host);
  return { server, port: bound.port };
}

/** Text of messages as a file (one segment per line) for --dry-run. */
export function toPrintable(messages: Hl7Message[]): string {
  return messages.map((m) => m.toString('\n')).join('\n');
}

export { encodeHl7 };
