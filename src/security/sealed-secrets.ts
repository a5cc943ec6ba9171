import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** An AES-256 key and its id: the first 16 hex digits of its SHA-256 (names the key, reveals nothing of it). */
export type SecretKey = { key: Buffer; id: string };

const NONCE_SIZE = 12;
const TAG_SIZE = 16;

export const secretKey = (key: Buffer): SecretKey => {
  if (key.length !== 32) throw new TypeError('an AES-256 key is 32 bytes');
  return { key, id: createHash('sha256').update(key).digest('hex').slice(0, 16) };
};

/** The sealed secret cannot be opened with this key in this place: a wrong key, or bytes changed or moved. */
export class SecretUnreadable extends Error {}

/**
 * Seals a short secret (a persona's password, recovery codes, notes: issue 14 point 3) with
 * AES-256-GCM and a random nonce, bound to `context` (e.g. `persona:<id>:password`) as additional
 * data, so that a sealed value copied to another row or kind does not open. base64 of
 * nonce | ciphertext | tag.
 */
export function sealSecret(key: SecretKey, context: string, plaintext: string): { sealed: string; keyId: string } {
  const nonce = randomBytes(NONCE_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key.key, nonce, { authTagLength: TAG_SIZE });
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { sealed: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64'), keyId: key.id };
}

/** Opens what `sealSecret` sealed with the same key and context, or throws `SecretUnreadable`. */
export function openSecret(key: SecretKey, context: string, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  if (bytes.length < NONCE_SIZE + TAG_SIZE) throw new SecretUnreadable('not a sealed secret');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, NONCE_SIZE), { authTagLength: TAG_SIZE });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_SIZE));
    return Buffer.concat([decipher.update(bytes.subarray(NONCE_SIZE, bytes.length - TAG_SIZE)), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadable('the secret does not open with this key in this place');
  }
}
