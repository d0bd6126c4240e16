/**
 * A DICOM Part 10 file around a dataset received over the network: preamble, "DICM", and the file meta group
 * (explicit VR little endian), followed by the dataset bytes exactly as they arrived, so the stored original is
 * what the cart sent.
 */
const IMPLEMENTATION_CLASS_UID = '1.2.826.0.1.3680043.10.1399.1';
const IMPLEMENTATION_VERSION = 'LIFELINE_01';

function padUid(uid: string): Buffer {
  const b = Buffer.from(uid, 'ascii');
  return b.length % 2 ? Buffer.concat([b, Buffer.from([0])]) : b;
}

function padText(text: string): Buffer {
  const b = Buffer.from(text, 'ascii');
  return b.length % 2 ? Buffer.concat([b, Buffer.from(' ')]) : b;
}

/** Short-form explicit VR element (2-byte length). */
function element(group: number, el: number, vr: string, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(el, 2);
  head.write(vr, 4, 'ascii');
  head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** Long-form explicit VR element (OB: 2 reserved bytes, 4-byte length). */
function elementOB(group: number, el: number, value: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16LE(group, 0);
  head.writeUInt16LE(el, 2);
  head.write('OB', 4, 'ascii');
  head.writeUInt32LE(value.length, 8);
  return Buffer.concat([head, value]);
}

export function part10File(
  sopClassUid: string,
  sopInstanceUid: string,
  transferSyntaxUid: string,
  dataset: Buffer,
): Buffer {
  const meta = Buffer.concat([
    elementOB(0x0002, 0x0001, Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', padUid(sopClassUid)),
    element(0x0002, 0x0003, 'UI', padUid(sopInstanceUid)),
    element(0x0002, 0x0010, 'UI', padUid(transferSyntaxUid)),
    element(0x0002, 0x0012, 'UI', padUid(IMPLEMENTATION_CLASS_UID)),
    element(0x0002, 0x0013, 'SH', padText(IMPLEMENTATION_VERSION)),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length, 0);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'ascii'),
    element(0x0002, 0x0000, 'UL', groupLength),
    meta,
    dataset,
  ]);
}
