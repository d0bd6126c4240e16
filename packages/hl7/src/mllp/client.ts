// MLLP sender: queues messages, sends one at a time and waits for the ACK whose MSA-2 names it
// (original-mode acknowledgement). Connects lazily, reconnects with exponential backoff, and resends a message
// whose ACK did not come (receivers dedupe by MSH-10, so a resend is safe) until maxAttempts.
import { createConnection, type Socket } from 'node:net';
import { decodeHl7, encodeHl7 } from '../charset';
import type { Hl7Message } from '../message';
import { parseMessage } from '../parse';
import { frame, MllpDecoder } from './framing';

export interface MllpClientOptions {
  host?: string;
  port: number;
  connectTimeoutMs?: number;
  /** How long to wait for the ACK of one message before giving up on that attempt (default 30 s). */
  ackTimeoutMs?: number;
  /** Delivery attempts (connects and sends) of one message before its promise rejects (default 5). */
  maxAttempts?: number;
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number; factor?: number };
  /** Messages waiting beyond this are refused at once (default 10 000). */
  maxQueue?: number;
  maxFrameBytes?: number;
  onEvent?: (event: MllpClientEvent) => void;
}

export type MllpClientEvent =
  | { type: 'connected' }
  | { type: 'disconnected'; reason: string }
  | { type: 'retry'; controlId: string; attempt: number; reason: string }
  | { type: 'unmatched-ack'; controlId: string };

export interface MllpSendResult {
  ack: Hl7Message;
  /** ACK text as received. */
  raw: string;
  /** MSA-1: AA/CA accepted, AE/AR/CE/CR refused. */
  code: string;
  accepted: boolean;
  attempts: number;
}

interface Pending {
  text: string;
  bytes: Uint8Array;
  controlId: string;
  attempts: number;
  resolve: (r: MllpSendResult) => void;
  reject: (e: Error) => void;
}

export class MllpClient {
  private readonly host: string;
  private readonly port: number;
  private readonly connectTimeoutMs: number;
  private readonly ackTimeoutMs: number;
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly factor: number;
  private readonly maxQueue: number;
  private readonly maxFrameBytes: number;
  private readonly queue: Pending[] = [];
  private socket?: Socket;
  private decoder?: MllpDecoder;
  private waiter?: {
    controlId: string;
    done: (ack?: { text: string; message: Hl7Message }, why?: string) => void;
  };
  private pumping = false;
  private closed = false;
  private failures = 0;
  private sleeper?: { timer: ReturnType<typeof setTimeout>; wake: () => void };

  constructor(private readonly options: MllpClientOptions) {
    if (!Number.isInteger(options?.port) || options.port <= 0 || options.port > 65535) {
      throw new RangeError(`MllpClient: port must be 1-65535, got ${options?.port}`);
    }
    this.host = options.host ?? '127.0.0.1';
    this.port = options.port;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.initialDelayMs = options.reconnect?.initialDelayMs ?? 200;
    this.maxDelayMs = options.reconnect?.maxDelayMs ?? 10_000;
    this.factor = options.reconnect?.factor ?? 2;
    this.maxQueue = options.maxQueue ?? 10_000;
    this.maxFrameBytes = options.maxFrameBytes ?? 16 * 1024 * 1024;
  }

  get queueLength(): number {
    return this.queue.length;
  }

  get connected(): boolean {
    return Boolean(this.socket && !this.socket.destroyed && !this.socket.connecting);
  }

  /** Queues a message; resolves with its ACK (whatever MSA-1 says), rejects when no ACK could be had. */
  send(message: string | Hl7Message): Promise<MllpSendResult> {
    if (this.closed) return Promise.reject(new Error('MllpClient is closed'));
    if (this.queue.length >= this.maxQueue) {
      return Promise.reject(new Error(`MllpClient queue is full (${this.maxQueue} messages)`));
    }
    let text: string;
    let parsed: Hl7Message;
    try {
      text = typeof message === 'string' ? message : message.toString();
      parsed = typeof message === 'string' ? parseMessage(message) : message;
    } catch (e) {
      return Promise.reject(e);
    }
    if (!parsed.controlId) return Promise.reject(new Error('MSH-10 (message control ID) is empty'));
    const bytes = encodeHl7(text.replace(/\r?\n/g, '\r'));
    return new Promise((resolve, reject) => {
      this.queue.push({ text, bytes, controlId: parsed.controlId, attempts: 0, resolve, reject });
      void this.pump();
    });
  }

  /** Rejects what is still queued and closes the connection. */
  async close(): Promise<void> {
    this.closed = true;
    this.sleeper?.wake();
    this.waiter?.done(undefined, 'client closed');
    for (const p of this.queue.splice(0))
      p.reject(new Error('MllpClient closed before the message was acknowledged'));
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
    }
  }

  private emit(event: MllpClientEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // logging must not break sending
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const p = this.queue[0];
        p.attempts++;
        try {
          await this.ensureConnected();
        } catch (e) {
          // A refused connection is a failed delivery attempt too: the caller (an outbox) learns of it and
          // retries later instead of waiting forever on an unreachable partner.
          const reason = (e as Error).message;
          this.failures++;
          this.emit({ type: 'disconnected', reason });
          if (p.attempts >= this.maxAttempts) {
            this.queue.shift();
            p.reject(new Error(`no ACK for ${p.controlId} after ${p.attempts} attempts: ${reason}`));
            continue;
          }
          await this.sleep(this.backoffDelay());
          continue;
        }
        const outcome = await this.exchange(p);
        if (this.closed) break;
        if (outcome.ack) {
          this.queue.shift();
          const code = outcome.ack.message.get('MSA-1');
          p.resolve({
            ack: outcome.ack.message,
            raw: outcome.ack.text,
            code,
            accepted: code === 'AA' || code === 'CA',
            attempts: p.attempts,
          });
          continue;
        }
        // No ACK: drop the connection (the peer may be stuck mid-frame) and try again.
        this.dropSocket(outcome.reason);
        if (p.attempts >= this.maxAttempts) {
          this.queue.shift();
          p.reject(new Error(`no ACK for ${p.controlId} after ${p.attempts} attempts: ${outcome.reason}`));
        } else {
          this.emit({ type: 'retry', controlId: p.controlId, attempt: p.attempts, reason: outcome.reason });
          await this.sleep(this.backoffDelay());
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private backoffDelay(): number {
    const n = Math.max(0, this.failures - 1);
    return Math.min(this.maxDelayMs, this.initialDelayMs * this.factor ** n);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeper = undefined;
        resolve();
      }, ms);
      this.sleeper = {
        timer,
        wake: () => {
          clearTimeout(timer);
          this.sleeper = undefined;
          resolve();
        },
      };
    });
  }

  private ensureConnected(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: this.host, port: this.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`connect to ${this.host}:${this.port} timed out after ${this.connectTimeoutMs} ms`));
      }, this.connectTimeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.failures = 0;
        this.socket = socket;
        this.decoder = new MllpDecoder(this.maxFrameBytes);
        this.emit({ type: 'connected' });
        resolve();
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        if (this.socket !== socket) reject(e);
      });
      socket.on('close', () => {
        if (this.socket === socket) {
          this.socket = undefined;
          this.emit({ type: 'disconnected', reason: 'connection closed' });
          this.waiter?.done(undefined, 'connection closed before the ACK');
        }
      });
      socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
    });
  }

  private onData(socket: Socket, chunk: Buffer): void {
    if (socket !== this.socket || !this.decoder) return;
    for (const event of this.decoder.push(chunk)) {
      if (event.kind !== 'frame') continue;
      let text: string;
      let message: Hl7Message;
      try {
        text = decodeHl7(event.payload).text;
        message = parseMessage(text);
      } catch {
        continue; // an unreadable reply is as good as none: the ACK timeout decides
      }
      const acked = message.get('MSA-2');
      if (this.waiter && acked === this.waiter.controlId) this.waiter.done({ text, message });
      else this.emit({ type: 'unmatched-ack', controlId: acked });
    }
  }

  private exchange(p: Pending): Promise<{ ack?: { text: string; message: Hl7Message }; reason: string }> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => finish(undefined, `no ACK within ${this.ackTimeoutMs} ms`),
        this.ackTimeoutMs,
      );
      const finish = (ack?: { text: string; message: Hl7Message }, why = '') => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve({ ack, reason: why });
      };
      this.waiter = { controlId: p.controlId, done: finish };
      const socket = this.socket;
      if (!socket) return finish(undefined, 'not connected');
      socket.write(frame(p.bytes), (error) => {
        if (error) finish(undefined, error.message);
      });
    });
  }

  private dropSocket(reason: string): void {
    const socket = this.socket;
    this.socket = undefined;
    if (socket && !socket.destroyed) {
      socket.destroy();
      this.emit({ type: 'disconnected', reason });
    }
  }
}
