/**
 * ingestEcgFiles: the one entry for every acquisition channel (upload, API, DICOM C-STORE, drop folder, HL7).
 * Per ECG: read it (@lifeline/formats), store the original bytes and the decoded waveform as blobs, then insert
 * the exam row, its match and its audit entry in one transaction. The caller answers only after that commit, so
 * an acknowledged ECG survives a crash. A file already stored (same content hash or instance UID) gives the
 * existing exam with `duplicate: true`. An unreadable file gives its FormatError reason and stores nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import { detectFormat, FormatError, type InputFile, type ParsedEcg, readEcgFiles } from '@lifeline/formats';
import type { FastifyInstance } from 'fastify';
import { inTransaction } from '../../db/pool';
import { type AuditActor, appendAudit } from '../../plugins/audit';
import { ecgWorklistTopic, LIVE_CHANNEL, type LiveEvent } from '../live';
import { markOrderInProgress } from '../orders';
import { extractIdentifiers } from './identifiers';
import { matchExam } from './match';
import { addLinkHistory, existingExam, type IngestChannel } from './repo';
import type { ReceivedFile } from './upload-files';
import { putWaveform } from './waveform';

export type { IngestChannel } from './repo';

export interface IngestOptions {
  organizationId: string;
  files: InputFile[];
  channel: IngestChannel;
  deviceId?: string | null;
  deviceName?: string | null;
  /** Who sent it (a user, or null for a device channel); recorded in the audit trail. */
  actor?: AuditActor | null;
  clientIp?: string | null;
}

export type IngestResult =
  | {
      ok: true;
      /** The main file (e.g. the .hea of a WFDB record) and every file that belongs to this ECG. */
      file: string;
      files: string[];
      examId: string;
      duplicate: boolean;
      format: string;
      matched: boolean;
      patientId: string | null;
      orderId: string | null;
    }
  | { ok: false; file: string; files: string[]; error: string };

const baseName = (name: string) => name.replace(/^.*[\\/]/, '');
const stem = (name: string) =>
  baseName(name)
    .replace(/\.[^.]*$/, '')
    .toLowerCase();

/** Groups a batch into ECGs: a WFDB header with its signal and annotation files, an ISHNE .ecg with its .ann. */
export function groupFiles(files: InputFile[]): InputFile[][] {
  const formats = new Map(files.map((f) => [f, detectFormat(f)]));
  const claimed = new Set<InputFile>();
  const groups: InputFile[][] = [];
  for (const header of files) {
    if (formats.get(header) !== 'wfdb' || claimed.has(header)) continue;
    const text = new TextDecoder().decode(header.bytes.subarray(0, 65536));
    const named = new Set(
      text
        .split(/\r?\n/)
        .slice(1)
        .map((line) => line.trim().split(/\s+/)[0]?.toLowerCase())
        .filter(Boolean),
    );
    const group = [header];
    claimed.add(header);
    for (const f of files) {
      if (claimed.has(f) || formats.get(f) === 'wfdb') continue;
      if (stem(f.name) === stem(header.name) || named.has(baseName(f.name).toLowerCase())) {
        group.push(f);
        claimed.add(f);
      }
    }
    groups.push(group);
  }
  for (const main of files) {
    if (claimed.has(main) || formats.get(main) !== 'ishne') continue;
    claimed.add(main);
    const ann = files.find(
      (f) => !claimed.has(f) && formats.get(f) === 'ishne-annotations' && stem(f.name) === stem(main.name),
    );
    if (ann) claimed.add(ann);
    groups.push(ann ? [main, ann] : [main]);
  }
  for (const f of files) if (!claimed.has(f)) groups.push([f]);
  return groups;
}

function readGroup(group: InputFile[]): ParsedEcg {
  let failure: FormatError | undefined;
  const parsed = readEcgFiles(group, { onError: (_f, e) => (failure ??= e) });
  if (parsed.length === 1) return parsed[0];
  if (failure) throw failure;
  if (parsed.length === 0) throw new FormatError(`${baseName(group[0].name)}: no ECG found in the file`);
  throw new FormatError(
    `${baseName(group[0].name)}: ${parsed.length} ECGs in one group; upload them separately`,
  );
}

/** ISO instant, or a local date-time (kept as written by the device: read in the organisation's time zone). */
function acquisitionTime(parsed: ParsedEcg): { value: string | null; zoned: boolean } {
  const raw = parsed.acquiredAt ?? parsed.record.startTime;
  if (!raw || Number.isNaN(Date.parse(raw))) return { value: null, zoned: false };
  return { value: raw, zoned: /(Z|[+-]\d\d:?\d\d)$/i.test(raw) };
}

async function ingestOne(app: FastifyInstance, o: IngestOptions, group: InputFile[]): Promise<IngestResult> {
  const names = group.map((f) => baseName(f.name));
  const file = names[0];
  let parsed: ParsedEcg;
  try {
    parsed = readGroup(group);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      file,
      files: names,
      error: message.startsWith(`${file}:`) ? message : `${file}: ${message}`,
    };
  }
  const record = parsed.record;
  if (record.leads.length === 0 || record.leads[0].samples.length === 0) {
    return { ok: false, file, files: names, error: `${file}: the file holds no samples` };
  }
  // A file streamed to a staging file (upload-files.ts) was hashed on the way in and becomes its blob by rename.
  const received = group as ReceivedFile[];
  const fileKeys = received.map((f) => f.key ?? createHash('sha256').update(f.bytes).digest('hex'));
  const contentHash =
    group.length === 1
      ? fileKeys[0]
      : createHash('sha256')
          .update(`multi\n${[...fileKeys].sort().join('\n')}`)
          .digest('hex');
  const instanceUid = parsed.instanceUid?.trim() || null;
  const accepted = (
    examId: string,
    duplicate: boolean,
    m: { patientId: string | null; orderId: string | null },
  ) =>
    ({
      ok: true,
      file,
      files: names,
      examId,
      duplicate,
      format: parsed.format,
      matched: m.patientId !== null,
      patientId: m.patientId,
      orderId: m.orderId,
    }) as const;

  // Blobs first, all at once (their fsyncs overlap): a row never points to bytes that are not on disk. A blob
  // left unreferenced (crash or failure before the commit, or a duplicate by instance UID) is removed by the
  // orphan sweep (blob/orphans.ts) after its grace period.
  const [waveformKey, ...originals] = await Promise.all([
    putWaveform(app.blobs, record),
    ...received.map((f, i) =>
      f.staged ? app.blobs.adopt(f.staged.path, fileKeys[i]) : app.blobs.put(f.bytes, fileKeys[i]),
    ),
  ]);

  const ids = extractIdentifiers(parsed, app.fieldCrypto);
  const when = acquisitionTime(parsed);
  const n = record.leads[0].samples.length;
  const device = Object.fromEntries(Object.entries(parsed.device ?? {}).filter(([, v]) => v));
  const deviceName =
    o.deviceName ?? ([parsed.device?.manufacturer, parsed.device?.model].filter(Boolean).join(' ') || null);
  // No lookup before the transaction: the unique keys (content hash, instance UID) decide, and a conflict is
  // answered from the exam already stored.
  const outcome = await inTransaction(app.db, async (client) => {
    const match = await matchExam(client, o.organizationId, ids);
    const warnings = [...(parsed.warnings ?? []), ...(match.note ? [match.note] : [])];
    // The id is chosen here so the ecg.acquired event can go in the same statement: one round trip, and the
    // event exists only if the row does (sent on commit, as publish() with a transaction client does).
    const examId = randomUUID();
    const event: LiveEvent = {
      topic: ecgWorklistTopic(o.organizationId),
      payload: {
        type: 'ecg.acquired',
        examId,
        format: parsed.format,
        matched: match.patientId !== null,
        patientId: match.patientId,
      },
    };
    const { rows } = await client.query<{ id: string; acquired_at: Date | null }>(
      `WITH ins AS (
         INSERT INTO ecg_exams (organization_id, patient_id, order_id, acquired_at, channel, device_id, device_name,
           device, format, original_blob, original_name, original_files, content_hash, instance_uid, identifiers,
           sample_rate, sample_count, duration_sec, lead_names, waveform_blob, device_measurements,
           device_statements, warnings, match_state, matched_by, created_by, id)
         SELECT $1, $2, $3,
           CASE WHEN $4::text IS NULL THEN NULL WHEN $5 THEN $4::timestamptz ELSE ($4::timestamp AT TIME ZONE org.time_zone) END,
           $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28
         FROM organizations org WHERE org.id = $1
         ON CONFLICT DO NOTHING RETURNING id, acquired_at)
       SELECT id, acquired_at, pg_notify($29, $30) FROM ins`,
      [
        o.organizationId,
        match.patientId,
        match.orderId,
        when.value,
        when.zoned,
        o.channel,
        o.deviceId ?? null,
        deviceName,
        JSON.stringify(device),
        parsed.format,
        originals[0],
        file,
        JSON.stringify(group.map((f, i) => ({ name: names[i], key: originals[i], size: f.bytes.length }))),
        contentHash,
        instanceUid,
        JSON.stringify(ids),
        record.sampleRate,
        n,
        n / record.sampleRate,
        record.leads.map((l) => l.name),
        waveformKey,
        parsed.deviceMeasurements ? JSON.stringify(parsed.deviceMeasurements) : null,
        parsed.deviceStatements ? JSON.stringify(parsed.deviceStatements) : null,
        JSON.stringify(warnings),
        match.patientId ? 'matched' : 'unmatched',
        match.matchedBy,
        o.actor?.userId ?? null,
        examId,
        LIVE_CHANNEL,
        JSON.stringify(event),
      ],
    );
    // Already stored (re-sent, or the same ECG arriving twice at once): the other copy is the exam.
    if (rows.length === 0) return null;
    if (match.patientId) {
      await addLinkHistory(client, {
        examId,
        orgId: o.organizationId,
        action: 'auto-match',
        patientId: match.patientId,
        orderId: match.orderId,
        matchedBy: match.matchedBy,
      });
    }
    if (match.orderId) await markOrderInProgress(client, o.organizationId, match.orderId);
    // Last: the audit chain's lock is held from here to the commit, so as briefly as possible.
    await appendAudit(
      client,
      o.actor ?? null,
      o.clientIp ?? null,
      {
        action: 'ecg.acquire',
        resourceType: 'ecg-exam',
        resourceId: examId,
        ...(match.patientId ? { patientId: match.patientId } : {}),
        detail: {
          channel: o.channel,
          format: parsed.format,
          files: names.length,
          matchedBy: match.matchedBy,
        },
      },
      true,
    );
    return { examId, match, acquiredAt: rows[0].acquired_at };
  });
  if (!outcome) {
    const again = await existingExam(app.db, o.organizationId, contentHash, instanceUid);
    if (again) return duplicateOf(app, o, again.id, file, names, parsed.format);
    throw new Error(`exam was not stored: is ${o.organizationId} an organisation?`);
  }
  const exam = {
    id: outcome.examId,
    organization_id: o.organizationId,
    patient_id: outcome.match.patientId,
    identifiers: ids,
    format: parsed.format,
    sample_rate: record.sampleRate,
    lead_names: record.leads.map((l) => l.name),
    sample_count: n,
    duration_sec: n / record.sampleRate,
    waveform_blob: waveformKey,
    acquired_at: outcome.acquiredAt,
  };
  // Analysed here with the record already decoded when the job runner has room (jobs.ts); Holter recordings and
  // the overflow go through the queue. Either way the exam row ('acquired') is what a restart resumes from.
  if (!app.jobs?.analyseNow(exam, record)) {
    await app.jobs?.enqueueAnalysis(outcome.examId).catch(() => {
      // The periodic sweep of the job runner picks up exams left in status 'acquired'.
    });
  }
  return accepted(outcome.examId, false, outcome.match);
}

async function duplicateOf(
  app: FastifyInstance,
  o: IngestOptions,
  examId: string,
  file: string,
  files: string[],
  format: string,
): Promise<IngestResult> {
  const { rows } = await app.db.query<{ patient_id: string | null; order_id: string | null }>(
    'SELECT patient_id, order_id FROM ecg_exams WHERE id = $1',
    [examId],
  );
  await appendAudit(app.db, o.actor ?? null, o.clientIp ?? null, {
    action: 'ecg.acquire',
    resourceType: 'ecg-exam',
    resourceId: examId,
    ...(rows[0]?.patient_id ? { patientId: rows[0].patient_id } : {}),
    detail: { channel: o.channel, format, duplicate: true },
  });
  return {
    ok: true,
    file,
    files,
    examId,
    duplicate: true,
    format,
    matched: rows[0]?.patient_id != null,
    patientId: rows[0]?.patient_id ?? null,
    orderId: rows[0]?.order_id ?? null,
  };
}

/**
 * Ingests a batch of files (one or several ECGs). One result per ECG, in the order of the main files; a failed
 * ECG does not stop the others. Throws only on infrastructure failures (database, disk).
 */
export async function ingestEcgFiles(app: FastifyInstance, options: IngestOptions): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const group of groupFiles(options.files)) results.push(await ingestOne(app, options, group));
  return results;
}
