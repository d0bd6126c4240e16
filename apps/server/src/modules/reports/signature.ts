/**
 * Electronic signatures: each organisation has an Ed25519 key pair made on first use; the private key is stored
 * sealed with the app's field crypto. A signature covers one line binding the content hash (SHA-256 of the
 * canonical report content), the signer and the signing time, so none of the three can change unnoticed.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Queryable } from '../../db/pool';

export interface SigningKey {
  id: string;
  publicKey: string;
  privateKeyPkcs8: Buffer;
}

/** The message actually signed: scheme tag, content hash, signer id and instant. */
export function signedMessage(hash: string, signerId: string, signedAt: string): Buffer {
  return Buffer.from(`lifeline-report-signature-v1\n${hash}\n${signerId}\n${signedAt}`, 'utf8');
}

/** The organisation's active key, created (once, even with concurrent callers) when it has none. */
export async function organizationKey(
  app: FastifyInstance,
  db: Queryable,
  orgId: string,
): Promise<SigningKey> {
  const read = async () =>
    (
      await db.query<{ id: string; public_key: string; private_key_enc: Buffer }>(
        `SELECT id, public_key, private_key_enc FROM organization_signing_keys
         WHERE organization_id = $1 AND retired_at IS NULL`,
        [orgId],
      )
    ).rows[0];
  let row = await read();
  if (!row) {
    const pair = generateKeyPairSync('ed25519');
    const publicKey = pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const privateKey = pair.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    await db.query(
      `INSERT INTO organization_signing_keys (organization_id, public_key, private_key_enc) VALUES ($1, $2, $3)
       ON CONFLICT (organization_id) WHERE retired_at IS NULL DO NOTHING`,
      [orgId, publicKey, app.fieldCrypto.encrypt(privateKey)],
    );
    row = await read();
    if (!row) throw new Error('signing key not stored');
  }
  return {
    id: row.id,
    publicKey: row.public_key,
    privateKeyPkcs8: Buffer.from(app.fieldCrypto.decrypt(row.private_key_enc), 'base64'),
  };
}

export function signHash(key: SigningKey, hash: string, signerId: string, signedAt: string): string {
  const privateKey = createPrivateKey({ key: key.privateKeyPkcs8, format: 'der', type: 'pkcs8' });
  return sign(null, signedMessage(hash, signerId, signedAt), privateKey).toString('base64');
}

export function verifySignature(
  publicKeySpki: string,
  hash: string,
  signerId: string,
  signedAt: string,
  signature: string,
): boolean {
  try {
    const publicKey = createPublicKey({
      key: Buffer.from(publicKeySpki, 'base64'),
      format: 'der',
      type: 'spki',
    });
    return verify(null, signedMessage(hash, signerId, signedAt), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
