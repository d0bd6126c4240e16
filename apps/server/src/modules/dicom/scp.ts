/**
 * The DICOM side of Lifeline (dcmjs-dimse): Verification (C-ECHO), Storage (C-STORE) of ECG waveform objects and
 * the Modality Worklist (C-FIND). Associations are accepted only when the called AE title is ours and the calling
 * AE title belongs to an active device (the allow-list is the devices table); the device says which organisation
 * an ECG belongs to.
 */
import { Writable } from 'node:stream';
import dimse, { type association, type requests } from 'dcmjs-dimse';
import type { FastifyInstance } from 'fastify';
import { appendAudit } from '../../plugins/audit';
import { type DeviceRow, deviceByAeTitle } from '../devices';
import { ingestEcgFiles } from '../ecg';
import { listScheduledOrders } from '../orders';
import { part10File } from './part10';
import { parseWorklistQuery, worklistItem } from './worklist';

const { Dataset, Server, Scp, log } = dimse;
const { CEchoResponse, CFindResponse, CStoreResponse } = dimse.responses;
const {
  Status,
  PresentationContextResult,
  RejectResult,
  RejectSource,
  RejectReason,
  TransferSyntax,
  SopClass,
} = dimse.constants;

/** Waveform storage classes carts send (dcmjs-dimse's storage list lacks them). */
export const WAVEFORM_SOP_CLASSES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.9.1.1': '12-Lead ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.2': 'General ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.1.3': 'Ambulatory ECG Waveform Storage',
  '1.2.840.10008.5.1.4.1.1.9.2.1': 'Hemodynamic Waveform Storage',
};
const UNCOMPRESSED = [TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian];

export interface DicomOptions {
  port: number;
  aeTitle: string;
}

interface Context {
  app: FastifyInstance;
  aeTitle: string;
}

type Association = association.Association;
type PresentationContext = association.PresentationContext;
type CEchoRequest = requests.CEchoRequest;
type CFindRequest = requests.CFindRequest;
type CStoreRequest = requests.CStoreRequest;
type RawWritable = Writable & { chunks: Buffer[] };
type RawDataset = InstanceType<typeof Dataset> & { rawBytes?: Buffer };

function actorOf(device: DeviceRow) {
  return {
    userId: null,
    username: `dicom:${device.ae_title}`,
    role: 'device',
    organizationId: device.organization_id,
  };
}

class LifelineScp extends Scp {
  private ctx: Context;
  private device: DeviceRow | undefined;
  private remote = '';

  constructor(socket: import('node:net').Socket, opts: { customOptions?: { ctx?: Context } }) {
    super(socket, opts as never);
    this.ctx = opts.customOptions?.ctx as Context;
    this.remote = socket.remoteAddress ?? '';
  }

  associationRequested(association: Association) {
    const called = association.getCalledAeTitle().trim();
    const calling = association.getCallingAeTitle().trim();
    if (called !== this.ctx.aeTitle) {
      this.sendAssociationReject(
        RejectResult.Permanent,
        RejectSource.ServiceUser,
        RejectReason.CalledAeNotRecognized,
      );
      return;
    }
    deviceByAeTitle(this.ctx.app.db, calling)
      .then((device) => {
        if (!device) {
          void appendAudit(this.ctx.app.db, null, this.remote, {
            action: 'dicom.association',
            outcome: 'denied',
            detail: { callingAeTitle: calling, reason: 'calling AE title is not an active device' },
          });
          this.sendAssociationReject(
            RejectResult.Permanent,
            RejectSource.ServiceUser,
            RejectReason.CallingAeNotRecognized,
          );
          return;
        }
        this.device = device;
        for (const c of association.getPresentationContexts()) {
          const context = association.getPresentationContext(c.id);
          const sop = context.getAbstractSyntaxUid();
          const supported =
            sop === SopClass.Verification ||
            sop === SopClass.ModalityWorklistInformationModelFind ||
            sop in WAVEFORM_SOP_CLASSES;
          if (!supported) {
            context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
            continue;
          }
          const ts = context.getTransferSyntaxUids().find((t: string) => UNCOMPRESSED.includes(t));
          if (ts) context.setResult(PresentationContextResult.Accept, ts);
          else context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
        }
        this.sendAssociationAccept();
      })
      .catch(() =>
        this.sendAssociationReject(
          RejectResult.Transient,
          RejectSource.ServiceUser,
          RejectReason.NoReasonGiven,
        ),
      );
  }

  cEchoRequest(request: CEchoRequest, callback: (r: InstanceType<typeof CEchoResponse>) => void) {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    callback(response);
  }

  // Keep the dataset bytes exactly as received, so the stored original is the cart's own encoding.
  createStoreWritableStream(): Writable {
    const chunks: Buffer[] = [];
    const w = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }) as RawWritable;
    w.chunks = chunks;
    return w;
  }

  createDatasetFromStoreWritableStream(
    writable: Writable,
    context: PresentationContext,
    callback: (d: InstanceType<typeof Dataset>) => void,
  ) {
    const bytes = Buffer.concat((writable as RawWritable).chunks);
    const dataset = new Dataset(bytes, context.getAcceptedTransferSyntaxUid()) as RawDataset;
    dataset.rawBytes = bytes;
    callback(dataset);
  }

  cStoreRequest(request: CStoreRequest, callback: (r: InstanceType<typeof CStoreResponse>) => void) {
    const response = CStoreResponse.fromRequest(request);
    const device = this.device;
    const dataset = request.getDataset() as RawDataset;
    const elements = dataset.getElements() as Record<string, string>;
    const sopClass = elements.SOPClassUID;
    const sopInstance = elements.SOPInstanceUID ?? request.getAffectedSopInstanceUid();
    if (!device || !dataset.rawBytes || !sopClass || !(sopClass in WAVEFORM_SOP_CLASSES)) {
      response.setStatus(Status.SopClassNotSupported);
      response.setErrorComment('only ECG waveform objects are accepted');
      callback(response);
      return;
    }
    const file = part10File(sopClass, sopInstance, dataset.getTransferSyntaxUid(), dataset.rawBytes);
    ingestEcgFiles(this.ctx.app, {
      organizationId: device.organization_id,
      files: [{ name: `${sopInstance}.dcm`, bytes: new Uint8Array(file) }],
      channel: 'dicom',
      deviceId: device.id,
      deviceName: device.name,
      actor: actorOf(device),
      clientIp: this.remote,
    })
      .then(([result]) => {
        if (result?.ok) {
          response.setStatus(Status.Success);
        } else {
          // Cannot understand: the object is an ECG class but its content could not be read.
          response.setStatus(0xc000);
          response.setErrorComment((result && !result.ok ? result.error : 'not stored').slice(0, 64));
        }
        callback(response);
      })
      .catch((err: Error) => {
        this.ctx.app.log.error({ err }, 'DICOM C-STORE failed');
        response.setStatus(Status.ProcessingFailure);
        response.setErrorComment('storage failed; try again');
        callback(response);
      });
  }

  cFindRequest(request: CFindRequest, callback: (r: InstanceType<typeof CFindResponse>[]) => void) {
    const device = this.device;
    const done = (items: Record<string, unknown>[], status = Status.Success) => {
      const responses = items.map((item) => {
        const r = CFindResponse.fromRequest(request);
        r.setDataset(new Dataset(item));
        r.setStatus(Status.Pending);
        return r;
      });
      const final = CFindResponse.fromRequest(request);
      final.setStatus(status);
      callback([...responses, final]);
    };
    if (!device) return done([], Status.ProcessingFailure);
    const query = parseWorklistQuery((request.getDataset()?.getElements() ?? {}) as Record<string, unknown>);
    if (query.modality && query.modality !== 'ECG') return done([]);
    listScheduledOrders(this.ctx.app.db, device.organization_id, {
      from: query.from,
      to: query.to,
      accessionNumber: query.accessionNumber,
      limit: 500,
    })
      .then(async (orders) => {
        const matching = orders.filter(
          (o) => !query.patientId || o.patient.hisId === query.patientId || o.patient.id === query.patientId,
        );
        await appendAudit(this.ctx.app.db, actorOf(device), this.remote, {
          action: 'worklist.query',
          resourceType: 'order',
          detail: { returned: matching.map((o) => o.id), accessionNumber: query.accessionNumber ?? null },
        });
        done(matching.map((o) => worklistItem(o, device.ae_title ?? '')));
      })
      .catch((err: Error) => {
        this.ctx.app.log.error({ err }, 'DICOM worklist query failed');
        done([], Status.ProcessingFailure);
      });
  }

  associationReleaseRequested() {
    this.sendAssociationReleaseResponse();
  }
}

export interface DicomServer {
  port: number;
  close(): Promise<void>;
}

export async function startDicomServer(app: FastifyInstance, options: DicomOptions): Promise<DicomServer> {
  log.setLevel('error');
  const server = new Server(LifelineScp as never);
  server.on('networkError', (e: Error) => app.log.warn({ err: e }, 'DICOM network error'));
  server.listen(options.port, { customOptions: { ctx: { app, aeTitle: options.aeTitle } } } as never);
  const net = (server as unknown as { server: import('node:net').Server }).server;
  await new Promise<void>((resolve, reject) => {
    if (net.listening) return resolve();
    net.once('listening', resolve);
    net.once('error', reject);
  });
  const port = (net.address() as { port: number }).port;
  return {
    port,
    close: async () => {
      server.close();
    },
  };
}
