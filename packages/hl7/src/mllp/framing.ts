// MLLP block framing (HL7 v2 Appendix C): <VT=0x0B> message bytes <FS=0x1C><CR=0x0D>.
// Pure byte handling so that it can be tested without sockets.

export const START_BLOCK = 0x0b;
export const END_BLOCK = 0x1c;
export const CARRIAGE_RETURN = 0x0d;

/** Wraps message bytes in an MLLP frame. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 3);
  out[0] = START_BLOCK;
  out.set(payload, 1);
  out[payload.length + 1] = END_BLOCK;
  out[payload.length + 2] = CARRIAGE_RETURN;
  return out;
}

export type FrameEvent =
  | { kind: 'frame'; payload: Uint8Array }
  /** A frame grew past the limit: its bytes were dropped up to its end block. */
  | { kind: 'oversize'; size: number }
  /** Bytes outside any frame (or an unfinished frame cut by a new start block) were skipped. */
  | { kind: 'garbage'; size: number };

/**
 * Incremental decoder: push() any chunk as it arrives; complete frames come out in order. A frame may be
 * split across any number of chunks and one chunk may hold several frames.
 */
export class MllpDecoder {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private inFrame = false;
  private oversize = false;
  private droppedSize = 0;
  private garbage = 0;
  /** True when the previous chunk ended with FS inside a frame (CR may come in the next chunk). */
  private pendingEnd = false;

  constructor(readonly maxFrameBytes = 16 * 1024 * 1024) {}

  /** True while a frame is started but not finished. */
  get midFrame(): boolean {
    return this.inFrame;
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const events: FrameEvent[] = [];
    let i = 0;
    if (this.pendingEnd) {
      this.pendingEnd = false;
      if (chunk.length > 0 && chunk[0] === CARRIAGE_RETURN) {
        this.finish(events);
        i = 1;
      } else {
        // FS not followed by CR: it was data after all.
        this.append(Uint8Array.of(END_BLOCK));
      }
    }
    while (i < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(START_BLOCK, i);
        const skipped = (start === -1 ? chunk.length : start) - i;
        this.garbage += skipped;
        if (start === -1) break;
        this.flushGarbage(events);
        this.inFrame = true;
        i = start + 1;
        continue;
      }
      const end = chunk.indexOf(END_BLOCK, i);
      const restart = chunk.indexOf(START_BLOCK, i);
      if (restart !== -1 && (end === -1 || restart < end)) {
        // A new start block before the end block: the sender gave up on the frame. Drop it and restart.
        this.garbage += this.size + (restart - i) + 1;
        this.reset();
        this.flushGarbage(events);
        this.inFrame = true;
        i = restart + 1;
        continue;
      }
      if (end === -1) {
        this.append(chunk.subarray(i));
        break;
      }
      this.append(chunk.subarray(i, end));
      if (end + 1 >= chunk.length) {
        this.pendingEnd = true;
        break;
      }
      if (chunk[end + 1] === CARRIAGE_RETURN) {
        this.finish(events);
        i = end + 2;
      } else {
        this.append(Uint8Array.of(END_BLOCK));
        i = end + 1;
      }
    }
    this.flushGarbage(events);
    return events;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.oversize || this.size + bytes.length > this.maxFrameBytes) {
      this.oversize = true;
      this.droppedSize += bytes.length + this.size;
      this.chunks = [];
      this.size = 0;
      return;
    }
    this.chunks.push(bytes.slice());
    this.size += bytes.length;
  }

  private finish(events: FrameEvent[]): void {
    if (this.oversize) {
      events.push({ kind: 'oversize', size: this.droppedSize });
    } else {
      const payload = new Uint8Array(this.size);
      let offset = 0;
      for (const c of this.chunks) {
        payload.set(c, offset);
        offset += c.length;
      }
      events.push({ kind: 'frame', payload });
    }
    this.reset();
  }

  private reset(): void {
    this.chunks = [];
    this.size = 0;
    this.inFrame = false;
    this.oversize = false;
    this.droppedSize = 0;
  }

  private flushGarbage(events: FrameEvent[]): void {
    if (this.garbage > 0) {
      events.push({ kind: 'garbage', size: this.garbage });
      this.garbage = 0;
    }
  }
}
