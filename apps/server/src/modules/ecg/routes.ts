import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ConfigError } from '../../config';
import { AppError } from '../../lib/errors';
import { holterRoutes } from './holter-routes';
import {
  ExamQuery,
  IdParam,
  LinkInput,
  OriginalQuery,
  RawUploadQuery,
  UnlinkInput,
  WaveformQuery,
} from './schemas';
import * as service from './service';
import {
  DEFAULT_UPLOAD_MAX_MB,
  discardStaged,
  type ReceivedFile,
  receiveFile,
  tooLarge,
} from './upload-files';

const MAX_FILES = 100;
/** Content types sent as raw bytes by systems (the body is the file itself). */
const RAW_TYPES = [
  'application/octet-stream',
  'application/dicom',
  'application/xml',
  'text/xml',
  'text/csv',
];

/** ECG_UPLOAD_MAX_MB: the largest file accepted per upload, in MB (default 512). */
export function uploadLimitBytes(env: Record<string, string | undefined> = process.env): number {
  const raw = env.ECG_UPLOAD_MAX_MB;
  if (raw === undefined || raw === '') return DEFAULT_UPLOAD_MAX_MB * 1024 * 1024;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb <= 0 || mb > 64 * 1024) {
    throw new ConfigError(`ECG_UPLOAD_MAX_MB="${raw}": expected a number of MB above 0, at most 65536`);
  }
  return Math.round(mb * 1024 * 1024);
}

/** The uploaded files, streamed (upload-files.ts); the caller discards the staging files afterwards. */
async function filesOf(
  app: FastifyInstance,
  request: FastifyRequest,
  limit: number,
  into: ReceivedFile[],
): Promise<void> {
  if (request.isMultipart()) {
    for await (const part of request.files()) {
      into.push(await receiveFile(app.blobs, part.filename || part.fieldname, part.file, limit));
    }
    return;
  }
  const body = request.body;
  if (!(body instanceof Readable)) {
    throw AppError.invalid(
      'body',
      'send multipart/form-data files, or the raw file as application/octet-stream',
    );
  }
  const header = request.headers['x-file-name'];
  const name =
    (request.query as { filename?: string }).filename ?? (typeof header === 'string' ? header : 'upload');
  // A declared length over the limit is refused before reading anything.
  if (Number(request.headers['content-length'] ?? 0) > limit) throw tooLarge(name, limit);
  into.push(await receiveFile(app.blobs, name, body, limit));
}

export async function ecgRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['ecgs'];
  const limit = uploadLimitBytes();
  // throwFileSizeLimit off: a part over the limit is cut and marked truncated, and receiveFile answers 413.
  await app.register(multipart, {
    limits: { fileSize: limit, files: MAX_FILES, fields: 20 },
    throwFileSizeLimit: false,
  });
  // Raw bodies reach the route as the request stream (read by receiveFile, which enforces the limit).
  app.addContentTypeParser(RAW_TYPES, (_req, payload, done) => done(null, payload));

  app.post(
    '/api/ecgs',
    {
      config: { permission: 'ecg.acquire' },
      bodyLimit: limit,
      schema: {
        tags,
        querystring: RawUploadQuery,
        description:
          'Upload ECG files: multipart/form-data with one or more files (a WFDB record as .hea + .dat together), ' +
          'or one raw file as the body (application/octet-stream, ?filename=). 200 with one result per ECG ' +
          '(duplicate: true for an ECG already stored); 422 when no file could be read, naming each file; ' +
          `413 when a file is over the upload limit (ECG_UPLOAD_MAX_MB, now ${limit / 1024 / 1024} MB).`,
      },
    },
    async (request, reply) => {
      const files: ReceivedFile[] = [];
      try {
        await filesOf(app, request, limit, files);
        return await service.upload(app, request, files);
      } catch (err) {
        // The rest of the body is not read: the connection closes after the answer.
        if (err instanceof AppError && err.statusCode === 413) reply.header('connection', 'close');
        throw err;
      } finally {
        await discardStaged(files);
      }
    },
  );
  app.get(
    '/api/ecgs',
    { config: { permission: 'ecg.read' }, schema: { tags, querystring: ExamQuery } },
    async (request) => service.list(app, request, request.query as never),
  );
  app.get(
    '/api/ecgs/unmatched',
    {
      config: { permission: 'ecg.read' },
      schema: { tags, querystring: ExamQuery, description: 'ECGs waiting to be linked to a patient' },
    },
    async (request) => service.list(app, request, { ...(request.query as object), matched: false }),
  );
  app.get(
    '/api/ecgs/:id',
    { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam } },
    async (request) => service.read(app, request, (request.params as { id: string }).id),
  );
  app.get(
    '/api/ecgs/:id/waveform',
    {
      config: { permission: 'ecg.read' },
      schema: {
        tags,
        params: IdParam,
        querystring: WaveformQuery,
        description: 'Samples in µV (rounded) of every lead from `from` to `to` seconds (default: 10 s)',
      },
    },
    async (request) =>
      service.waveform(app, request, (request.params as { id: string }).id, request.query as never),
  );
  app.get(
    '/api/ecgs/:id/original',
    { config: { permission: 'ecg.read' }, schema: { tags, params: IdParam, querystring: OriginalQuery } },
    async (request, reply) => {
      const { name, bytes } = await service.original(
        app,
        request,
        (request.params as { id: string }).id,
        (request.query as { file?: string }).file,
      );
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
        .send(bytes);
    },
  );
  app.post(
    '/api/ecgs/:id/link',
    { config: { permission: 'ecg.link' }, schema: { tags, params: IdParam, body: LinkInput } },
    async (request) =>
      service.link(app, request, (request.params as { id: string }).id, request.body as never),
  );
  app.post(
    '/api/ecgs/:id/unlink',
    { config: { permission: 'ecg.link' }, schema: { tags, params: IdParam, body: UnlinkInput } },
    async (request) =>
      service.unlink(
        app,
        request,
        (request.params as { id: string }).id,
        (request.body as { reason: string }).reason,
      ),
  );
  await holterRoutes(app);
}
