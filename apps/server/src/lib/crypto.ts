/**
 * Field encryption for national IDs and phone numbers (AES-256-GCM, random 12-byte IV per value) and a keyed hash
 * (HMAC-SHA256) so an encrypted value can still be looked up exactly. Both keys are derived from one master key.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface FieldCrypto {
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
  lookupHash(value: string): string;
}

export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('encryption key must be 32 bytes (64 hex characters or base64)');
  return key;
}

export function newMasterKey(): string {
  return randomBytes(32).toString('hex');
}

export function createFieldCrypto(masterKey: Buffer): FieldCrypto {
  const encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lifeline field encryption', 32));
  const macKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lifeline lookup hash', 32));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', encKey, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
    },
    lookupHash(value) {
      return 'h:' + createHmac('sha256', macKey).update(value).digest('base64url');
    },
  };
}

export function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}
