/** The MLLP listener of the server (main.ts starts it on MLLP_PORT, tests on port 0). */
import { createMllpServer } from '@lifeline/hl7/mllp';
import type { FastifyInstance } from 'fastify';
import { receiveMessage, storeRefused } from './inbound';

export interface MllpListener {
  port: number;
  close(): Promise<void>;
}

export async function startMllpListener(
  app: FastifyInstance,
  options: { port: number; host?: string; handlerTimeoutMs?: number },
): Promise<MllpListener> {
  const server = createMllpServer({
    handlerTimeoutMs: options.handlerTimeoutMs ?? 30_000,
    onMessage: (message, raw, meta) =>
      receiveMessage(app, message, raw, {
        remoteAddress: meta.remoteAddress,
        charset: meta.charset,
        receivedAt: meta.receivedAt,
        frameBytes: meta.frameBytes,
      }),
    onRefused: (text, reason, meta) => storeRefused(app, text, reason, meta.remoteAddress, meta.frameBytes),
    onEvent: (event) => {
      if (event.type === 'nak') app.log.warn({ mllp: event }, 'HL7 message not accepted');
      else if (event.type === 'error') app.log.warn({ err: event.error }, 'MLLP connection error');
    },
  });
  const bound = await server.listen(options.port, options.host ?? '0.0.0.0');
  return { port: bound.port, close: () => server.close() };
}
