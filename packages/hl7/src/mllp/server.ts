// MLLP listener. A library: it never listens by itself; the application calls server.listen(port).
// Every frame gets exactly one reply: the handler's ACK, or a NAK (AR for what cannot be parsed, AE when the
// handler fails or is too slow). One connection's messages are handled in order, one at a time, so an ACK is
// only sent after the handler (which stores the message) has finished with it.
import { createServer, type Server, type Socket } from 'node:net';
import { buildAck, buildNakForText } from '../ack';
import { decodeHl7, encodeHl7 } from '../charset';
import type { Hl7Message } from '../message';
import { type Hl7Batch, type ParseOptions, parseBatch, validateHeader } from '../parse';
import { frame, MllpDecoder } from './framing';

export interface MllpMessageMeta {
  connectionId: number;
  remoteAddress?: string;
  remotePort?: number;
  receivedAt: Date;
  /** iconv name the bytes were decoded with. */
  charset: string;
  /** MSH-18 as sent ('' when absent). */
  declaredCharset: string;
  /**
   * The frame's bytes exactly as received (between the MLLP start and end bytes), before any decoding. For a
   * batch frame every message of the batch gets the whole frame.
   */
  frameBytes: Uint8Array;
}

/** Returns the ACK to send (text or message). Throwing sends an AE with the error's message. */
export type MllpMessageHandler = (
  message: Hl7Message,
  raw: string,
  meta: MllpMessageMeta,
) => Promise<string | Hl7Message> | string | Hl7Message;

export type MllpServerEvent =
  | { type: 'connection'; connectionId: number; remoteAddress?: string }
  | { type: 'disconnect'; connectionId: number }
  | { type: 'message'; connectionId: number; controlId: string; ackCode: string }
  | { type: 'nak'; connectionId: number; code: string; reason: string }
  | { type: 'garbage'; connectionId: number; bytes: number }
  | { type: 'idle-timeout'; connectionId: number }
  | { type: 'error'; connectionId?: number; error: Error };

export interface MllpServerOptions {
  onMessage: MllpMessageHandler;
  /** Frames larger than this are dropped and answered with AR (default 16 MiB). */
  maxFrameBytes?: number;
  /** Connections silent for this long are closed (default 5 min; 0 keeps them open). */
  idleTimeoutMs?: number;
  /** A handler slower than this gets its message answered with AE (default 30 s). */
  handlerTimeoutMs?: number;
  /** Frames waiting on one connection before it is closed as a flood (default 1000). */
  maxPendingFrames?: number;
  /** Refuse (AR) messages without MSH-10, which dedup needs (default true). */
  requireControlId?: boolean;
  /** Character set used when MSH-18 is absent (default UTF-8). */
  defaultCharset?: string;
  parseOptions?: ParseOptions;
  /** Logging hook; never throws into the server. */
  onEvent?: (event: MllpServerEvent) => void;
  /**
   * Called with the text of a frame refused without reaching onMessage (unparsable, oversize, no MSH-10) before
   * its AR goes out, so the application can store it with the reason; a failure here does not stop the AR.
   */
  onRefused?: (
    text: string,
    reason: string,
    meta: { connectionId: number; remoteAddress?: string; frameBytes?: Uint8Array },
  ) => unknown;
}

export interface MllpServer {
  /** Starts listening; resolves with the bound port (use port 0 for a free one). */
  listen(port: number, host?: string): Promise<{ port: number; host: string }>;
  /** Stops accepting, closes open connections. */
  close(): Promise<void>;
  readonly connectionCount: number;
}

export function createMllpServer(options: MllpServerOptions): MllpServer {
  if (typeof options?.onMessage !== 'function') {
    throw new TypeError('createMllpServer: options.onMessage must be a function');
  }
  const maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  const idleTimeoutMs = options.idleTimeoutMs ?? 5 * 60_000;
  const handlerTimeoutMs = options.handlerTimeoutMs ?? 30_000;
  const requireControlId = options.requireControlId ?? true;
  const maxPendingFrames = options.maxPendingFrames ?? 1000;
  const defaultCharset = options.defaultCharset ?? 'utf-8';
  const sockets = new Set<Socket>();
  let nextId = 1;

  const emit = (event: MllpServerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // a faulty logger must not stop the listener
    }
  };

  const server: Server = createServer((socket) => {
    const connectionId = nextId++;
    sockets.add(socket);
    emit({ type: 'connection', connectionId, remoteAddress: socket.remoteAddress });
    const decoder = new MllpDecoder(maxFrameBytes);
    let queue: Promise<void> = Promise.resolve();
    let busy = 0;

    const reply = (text: string, charset: string) => {
      if (socket.destroyed) return;
      // The reply declares its own MSH-18 (copied from the message); without one, answer in the sender's charset.
      let bytes: Uint8Array;
      try {
        bytes = hasMsh18(text) ? encodeHl7(text) : encodeHl7(text, charset);
      } catch {
        bytes = new TextEncoder().encode(text); // never leave the sender without an answer
      }
      socket.write(frame(bytes));
    };

    const handleFrame = async (payload: Uint8Array) => {
      let decoded: ReturnType<typeof decodeHl7>;
      try {
        decoded = decodeHl7(payload, defaultCharset);
      } catch (e) {
        return nak(new TextDecoder().decode(payload), 'utf-8', (e as Error).message, undefined, payload);
      }
      const { text, charset } = decoded;
      let batch: Hl7Batch;
      try {
        batch = parseBatch(text, options.parseOptions);
        for (const m of batch.messages) validateHeader(m);
      } catch (e) {
        return nak(text, charset, e instanceof Error ? e : String(e), undefined, payload);
      }
      const meta: MllpMessageMeta = {
        connectionId,
        remoteAddress: socket.remoteAddress,
        remotePort: socket.remotePort,
        receivedAt: new Date(),
        charset,
        declaredCharset: decoded.declared,
        frameBytes: payload,
      };
      const enveloped = Boolean(batch.header || batch.groups.some((g) => g.header || g.trailer));
      if (!enveloped && batch.messages.length === 1) {
        return reply(await handleMessage(batch.messages[0], text, meta), charset);
      }
      // A batch in one frame (HL7 batch protocol): each message is handled in turn and the reply is a batch
      // of their acknowledgements.
      const acks: string[] = [];
      for (const m of batch.messages) acks.push(await handleMessage(m, m.toString(), meta));
      reply(ackBatch(batch, acks), charset);
    };

    /** The handler's ACK for one parsed message, or the NAK that replaces it. */
    const handleMessage = async (
      message: Hl7Message,
      text: string,
      meta: MllpMessageMeta,
    ): Promise<string> => {
      if (requireControlId && !message.controlId) {
        const reason = 'MSH-10 (message control ID) is empty';
        await refused(text, reason, meta.frameBytes);
        emit({ type: 'nak', connectionId, code: 'AR', reason });
        return buildAck(message, {
          code: 'AR',
          text: reason,
          errorCondition: '101',
          errorLocation: { segment: 'MSH', field: 10 },
        }).toString();
      }
      try {
        const ack = await withTimeout(
          Promise.resolve().then(() => options.onMessage(message, text, meta)),
          handlerTimeoutMs,
        );
        const ackText = typeof ack === 'string' ? ack : ack.toString();
        if (!ackText.startsWith('MSH')) throw new Error('handler returned no ACK message');
        emit({ type: 'message', connectionId, controlId: message.controlId, ackCode: ackCode(ackText) });
        return ackText;
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        emit({ type: 'nak', connectionId, code: 'AE', reason });
        return buildAck(message, { code: 'AE', text: reason }).toString();
      }
    };

    const refused = async (text: string, reason: string, frameBytes?: Uint8Array) => {
      try {
        await options.onRefused?.(text, reason, {
          connectionId,
          remoteAddress: socket.remoteAddress,
          frameBytes,
        });
      } catch (error) {
        emit({ type: 'error', connectionId, error: error as Error });
      }
    };

    const nak = async (
      text: string,
      charset: string,
      reason: Error | string,
      condition?: string,
      frameBytes?: Uint8Array,
    ) => {
      const why = typeof reason === 'string' ? reason : reason.message;
      await refused(text, why, frameBytes);
      emit({ type: 'nak', connectionId, code: 'AR', reason: why });
      reply(
        buildNakForText(text, reason, condition ? { errorCondition: condition } : {}).toString(),
        charset,
      );
    };

    socket.on('data', (chunk: Buffer) => {
      for (const event of decoder.push(chunk)) {
        if (event.kind === 'garbage') emit({ type: 'garbage', connectionId, bytes: event.size });
        else if (event.kind === 'oversize') {
          const reason = `MLLP frame of ${event.size} bytes exceeds the limit of ${maxFrameBytes} bytes`;
          queue = queue.then(() => nak('', defaultCharset, reason));
        } else {
          if (busy >= maxPendingFrames) {
            // The peer sends without waiting for ACKs (not MLLP original mode): stop before memory runs out.
            emit({
              type: 'error',
              connectionId,
              error: new Error(`more than ${maxPendingFrames} frames pending`),
            });
            socket.destroy();
            return;
          }
          busy++;
          queue = queue
            .then(() => handleFrame(event.payload))
            .catch((error) => emit({ type: 'error', connectionId, error: error as Error }))
            .finally(() => {
              busy--;
            });
        }
      }
    });
    if (idleTimeoutMs > 0) {
      socket.setTimeout(idleTimeoutMs, () => {
        if (busy > 0) return; // a slow handler is not an idle peer
        emit({ type: 'idle-timeout', connectionId });
        socket.destroy();
      });
    }
    socket.on('error', (error) => emit({ type: 'error', connectionId, error }));
    socket.on('close', () => {
      sockets.delete(socket);
      emit({ type: 'disconnect', connectionId });
    });
  });
  server.on('error', (error) => emit({ type: 'error', error }));

  return {
    listen(port: number, host = '0.0.0.0') {
      return new Promise((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          const address = server.address();
          const bound = typeof address === 'object' && address ? address.port : port;
          resolve({ port: bound, host });
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      });
    },
    get connectionCount() {
      return sockets.size;
    },
  };
}

/** BHS (sender and receiver swapped) + the ACKs + BTS with their count. */
function ackBatch(batch: Hl7Batch, acks: string[]): string {
  const incoming = batch.groups[0]?.header ?? batch.header;
  const first = batch.messages[0];
  const d = first.delimiters;
  const f = d.field;
  const pick = (n: number) => (incoming ? incoming.getRaw(String(n)) : first.header.getRaw(String(n)));
  const bhs = `BHS${f}${first.header.getRaw('2')}${f}${pick(5)}${f}${pick(6)}${f}${pick(3)}${f}${pick(4)}`;
  const body = acks.map((a) => a.replace(/[\r\n]+$/, '')).join('\r');
  return `${bhs}\r${body}\rBTS${f}${acks.length}\r`;
}

function hasMsh18(text: string): boolean {
  const line = text.split(/\r|\n/, 1)[0];
  const sep = line[3];
  return Boolean(sep && (line.split(sep)[17] ?? '').trim());
}

function ackCode(text: string): string {
  const msa = text.split(/\r\n|\r|\n/).find((l) => l.startsWith('MSA'));
  return msa ? (msa.split(msa[3] ?? '|')[1] ?? '') : '';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  if (!(ms > 0)) return promise;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`handler did not answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
