/**
 * Node-only file access for WFDB records and annotation files. The decoding itself is in the pure core
 * (src/wfdb); these helpers only read and write bytes.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EcgError, type EcgRecord } from '../record';
import { type Annotation, parseAnnotations, writeAnnotations } from '../wfdb/annotations';
import { parseWfdbHeader } from '../wfdb/header';
import { type MatRecordOptions, matToRecord, parseMat } from '../wfdb/mat';
import {
  assembleSegments,
  type DecodeWfdbOptions,
  decodeWfdbRecord,
  type WfdbSegmentData,
  wfdbLeadName,
} from '../wfdb/record';

async function readBytes(file: string, what: string): Promise<Uint8Array> {
  try {
    const buf = await readFile(file);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new EcgError(`${what} "${file}" cannot be read (${code ?? String(e)})`, 'bad-input');
  }
}

/**
 * Reads a WFDB record from its header path (`…/100.hea`, or the record path without extension). Signal files
 * are looked up next to the header; when a named file is missing but `<header base name><same extension>`
 * exists (records renamed after download), that file is used.
 */
export async function readWfdbRecord(heaPath: string, options?: DecodeWfdbOptions): Promise<EcgRecord> {
  const hea = heaPath.endsWith('.hea') ? heaPath : `${heaPath}.hea`;
  const text = new TextDecoder('latin1').decode(await readBytes(hea, 'WFDB header'));
  const header = parseWfdbHeader(text);
  const dir = path.dirname(hea);
  if (header.segments) {
    // Multi-segment: each segment is a single-segment record next to the master header; `~` marks a gap.
    const data: WfdbSegmentData[] = [];
    for (const seg of header.segments) {
      if (seg.name === '~') data.push(undefined);
      else if (seg.numSamples === 0) {
        const layoutText = new TextDecoder('latin1').decode(
          await readBytes(path.join(dir, `${seg.name}.hea`), 'WFDB layout header'),
        );
        data.push({
          layout: parseWfdbHeader(layoutText).signals.map((s, i) => wfdbLeadName(s.description, i)),
        });
      } else {
        const segHeader = parseWfdbHeader(
          new TextDecoder('latin1').decode(
            await readBytes(path.join(dir, `${seg.name}.hea`), 'WFDB segment header'),
          ),
        );
        if (segHeader.segments)
          throw new EcgError(`WFDB: segment ${seg.name} is itself multi-segment`, 'corrupt');
        data.push({ record: await readWfdbRecord(path.join(dir, `${seg.name}.hea`), options) });
      }
    }
    const record = assembleSegments(header, data);
    record.meta = { ...record.meta, sourcePath: hea };
    return record;
  }
  const base = path.basename(hea, '.hea');
  const files: Record<string, Uint8Array> = {};
  for (const s of header.signals) {
    if (files[s.fileName]) continue;
    if (s.fileName === '~' || s.fileName === '-') {
      throw new EcgError(
        `WFDB: signal file "${s.fileName}" (null or standard input) is not supported`,
        'unsupported',
      );
    }
    // Signal files live beside the header (or below it): no absolute paths, no climbing out with `..`.
    if (path.isAbsolute(s.fileName) || s.fileName.split(/[\\/]/).includes('..')) {
      throw new EcgError(`WFDB: signal file "${s.fileName}" points outside the record's folder`, 'bad-input');
    }
    let file = path.resolve(dir, s.fileName);
    const renamed = path.join(dir, base + path.extname(s.fileName));
    if (!existsSync(file) && existsSync(renamed)) file = renamed;
    files[s.fileName] = await readBytes(file, 'WFDB signal file');
  }
  const record = decodeWfdbRecord(header, files, options);
  record.meta = { ...record.meta, recordName: header.recordName, sourcePath: hea };
  return record;
}

/** Reads an MIT-format annotation file (.atr, .qrs …). */
export async function readAnnotationFile(file: string): Promise<Annotation[]> {
  return parseAnnotations(await readBytes(file, 'annotation file'));
}

/** Writes an MIT-format annotation file. */
export async function writeAnnotationFile(file: string, annotations: readonly Annotation[]): Promise<void> {
  await writeFile(file, writeAnnotations(annotations));
}

/** Reads an ECG stored as a MATLAB .mat file without a WFDB header (e.g. CPSC 2018: struct ECG, 12×N mV, 500 Hz). */
export async function readMatRecord(file: string, options?: MatRecordOptions): Promise<EcgRecord> {
  const record = matToRecord(await parseMat(await readBytes(file, 'MAT file')), options);
  record.meta = { ...record.meta, recordName: path.basename(file, path.extname(file)), sourcePath: file };
  return record;
}
