import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Field-by-field encryption at rest (第二十四条): AES-256-GCM under a data key;
// each ciphertext names its key; the associated data binds it to its row (the handoff id) and its
// field, so a ciphertext copied to another row or another field does not decrypt.

/** The prefix of an encrypted value: `enc1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts). */
export const CIPHERTEXT_PREFIX = 'enc1.';

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

export interface DataKey {
  /** names the key in every ciphertext made under it */
  id: string;
  /** 32 bytes */
  key: Buffer;
}

/** The data keys a reader may need, by id; a writer uses `current`. */
export interface KeyLookup {
  key(id: string): Buffer | undefined;
}

const b64 = (buffer: Buffer): string => buffer.toString('base64url');

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('an AES-256 key is 32 bytes');
}

/** Encrypts one value (any JSON value) under `key`, bound to `aad`. */
export function encryptValue(key: DataKey, aad: string, value: unknown): string {
  checkKey(key.key);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(key.id)) throw new Error(`bad data key id ${key.id}`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${CIPHERTEXT_PREFIX}${key.id}.${b64(iv)}.${b64(cipher.getAuthTag())}.${b64(body)}`;
}

export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(CIPHERTEXT_PREFIX);
}

/** The id of the key a ciphertext was made under. */
export function keyIdOf(token: string): string {
  const parts = token.slice(CIPHERTEXT_PREFIX.length).split('.');
  if (parts.length !== 4 || !parts[0]) throw new DecryptionError('not a ciphertext');
  return parts[0];
}

/** Decrypts a value made by encryptValue; throws DecryptionError when the key, the data or the AAD differ. */
export function decryptValue(keys: KeyLookup, aad: string, token: string): unknown {
  if (!isCiphertext(token)) throw new DecryptionError('not a ciphertext');
  const [id, iv, tag, body] = token.slice(CIPHERTEXT_PREFIX.length).split('.') as [string, string?, string?, string?];
  if (iv === undefined || tag === undefined || body === undefined) throw new DecryptionError('malformed ciphertext');
  const key = keys.key(id);
  if (!key) throw new DecryptionError(`unknown data key ${id}`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as unknown;
  } catch {
    throw new DecryptionError(`ciphertext under key ${id} does not decrypt (altered, moved to another row or field, or the wrong key)`);
  }
}

/** Wraps a data key under the master key (AES-256-GCM, AAD = the data key's id). */
export function wrapDataKey(master: Buffer, dataKey: DataKey): string {
  return encryptValue({ id: 'master', key: master }, `data-key:${dataKey.id}`, dataKey.key.toString('base64'));
}

export function unwrapDataKey(master: Buffer, id: string, wrapped: string): Buffer {
  const value = decryptValue({ key: () => master }, `data-key:${id}`, wrapped);
  if (typeof value !== 'string') throw new DecryptionError(`data key ${id} is malformed`);
  const key = Buffer.from(value, 'base64');
  checkKey(key);
  return key;
}

/** A short public name of a master key: stored beside each wrapped key, so a wrong one is named at boot. */
export function masterKeyFingerprint(master: Buffer): string {
  return createHash('sha256').update('bus-master-key').update(master).digest('hex').slice(0, 16);
}

/** A new random data key with a new id. */
export function newDataKey(): DataKey {
  return { id: `dk${Date.now().toString(36)}${randomBytes(4).toString('hex')}`, key: randomBytes(32) };
}

/** A 32-byte key given in configuration as base64 (or 64 hex characters); null when it is not one. */
export function parseKey32(text: string | undefined): Buffer | null {
  if (!text) return null;
  const buffer = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : null;
  return buffer && buffer.length === 32 ? buffer : null;
}
