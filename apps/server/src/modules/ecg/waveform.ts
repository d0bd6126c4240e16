/**
 * The decoded waveform kept for viewing and analysis: one blob of Float32 little-endian samples in microvolts,
 * lead-major (all samples of lead 0, then lead 1, …). Its shape (sample rate, lead names, samples per lead) is
 * in the exam row, so a window [from, to) of one lead is one contiguous byte range: a 24 h Holter is read in
 * pieces without loading it whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import type { EcgRecord } from '@lifeline/ecg';
import type { BlobStore } from '../../blob';

const LITTLE_ENDIAN_HOST = endianness() === 'LE';

export interface WaveformShape {
  sampleRate: number;
  leadNames: string[];
  sampleCount: number;
}

export function encodeWaveform(record: EcgRecord): Uint8Array {
  const n = record.leads[0]?.samples.length ?? 0;
  const out = new Uint8Array(record.leads.length * n * 4);
  const view = new DataView(out.buffer);
  record.leads.forEach((lead, li) => {
    if (LITTLE_ENDIAN_HOST) {
      out.set(new Uint8Array(lead.samples.buffer, lead.samples.byteOffset, n * 4), li * n * 4);
    } else {
      for (let i = 0; i < n; i++) view.setFloat32((li * n + i) * 4, lead.samples[i], true);
    }
  });
  return out;
}

/** Above this size the waveform blob is written lead by lead through a staging file (no second whole copy). */
export const WAVEFORM_STREAM_BYTES = 8 * 1024 * 1024;

/** Stores the waveform blob of a record and returns its key; a long record never exists twice in memory. */
export async function putWaveform(blobs: BlobStore, record: EcgRecord): Promise<string> {
  const n = record.leads[0]?.samples.length ?? 0;
  if (record.leads.length * n * 4 <= WAVEFORM_STREAM_BYTES) return blobs.put(encodeWaveform(record));
  const path = join(await blobs.stagingDir(), `waveform-${randomBytes(8).toString('hex')}`);
  const hash = createHash('sha256');
  const handle = await open(path, 'wx', 0o640);
  try {
    for (const lead of record.leads) {
      // One lead at a time: its own bytes on little-endian hosts, a converted copy of one lead elsewhere.
      const samples = lead.samples.subarray(0, n);
      const bytes = LITTLE_ENDIAN_HOST
        ? new Uint8Array(samples.buffer, samples.byteOffset, n * 4)
        : encodeWaveform({ sampleRate: record.sampleRate, leads: [{ ...lead, samples }] });
      hash.update(bytes);
      await handle.write(bytes);
    }
  } catch (err) {
    await handle.close();
    await rm(path, { force: true });
    throw err;
  }
  await handle.close();
  try {
    return await blobs.adopt(path, hash.digest('hex'));
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

function toFloat32(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Samples [start, end) of the leads asked for, each read as one byte range of the blob. */
export async function readWaveformWindow(
  blobs: BlobStore,
  key: string,
  shape: WaveformShape,
  start: number,
  end: number,
  /** Only these leads, in this order (default: all). */
  only: string[] = shape.leadNames,
): Promise<Float32Array[]> {
  const from = Math.max(0, Math.min(start, shape.sampleCount));
  const to = Math.max(from, Math.min(end, shape.sampleCount));
  const leads: Float32Array[] = [];
  for (const name of only) {
    const li = shape.leadNames.indexOf(name);
    if (li < 0) throw new Error(`lead ${name} is not in the waveform`);
    const bytes = await blobs.getRange(key, (li * shape.sampleCount + from) * 4, (to - from) * 4);
    leads.push(toFloat32(bytes));
  }
  return leads;
}

/** The whole record back from its blob (for the analysis job). */
export async function loadRecord(blobs: BlobStore, key: string, shape: WaveformShape): Promise<EcgRecord> {
  const bytes = await blobs.get(key);
  if (bytes.length !== shape.leadNames.length * shape.sampleCount * 4) {
    throw new Error(
      `waveform blob ${key} has ${bytes.length} bytes, expected ${shape.leadNames.length * shape.sampleCount * 4}`,
    );
  }
  return {
    sampleRate: shape.sampleRate,
    leads: shape.leadNames.map((name, li) => ({
      name,
      samples: toFloat32(bytes.subarray(li * shape.sampleCount * 4, (li + 1) * shape.sampleCount * 4)),
    })),
  };
}
