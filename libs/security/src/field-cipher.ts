import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { activeCryptoSuite, type CryptoSuiteName } from './crypto-suite.js';
import { sm4Open, sm4Seal } from './sm4-authenticated.js';

// Field-by-field encryption at rest (第二十四条) under a data key, in the data key's suite:
// AES-256-GCM (international) or SM4-CTR with HMAC-SM3, encrypt-then-MAC (national). Each
// ciphertext names its algorithm and its key; the associated data binds it to its row (the handoff
// id) and its field, so a ciphertext copied to another row or another field does not decrypt.

/**
 * The prefix of an AES-256-GCM value: `enc1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts); the
 * version names the algorithm.
 */
export const CIPHERTEXT_PREFIX = 'enc1.';
/** The prefix of a value that names its algorithm: `enc2.<algorithm>.<keyId>.<iv>.<tag>.<ciphertext>`. */
export const NAMED_CIPHERTEXT_PREFIX = 'enc2.';
/** SM4-CTR + HMAC-SM3 (sm4-authenticated.ts), the national suite's field cipher. */
export const SM4_ALGORITHM = 'sm4-ctr-hmac-sm3';

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

export interface DataKey {
  /** names the key in every ciphertext made under it */
  id: string;
  /** 32 bytes */
  key: Buffer;
  /** the suite of the ciphertexts made under it (default: the process's CRYPTO_SUITE) */
  suite?: CryptoSuiteName;
}

/** The data keys a reader may need, by id; a writer uses `current`. */
export interface KeyLookup {
  key(id: string): Buffer | undefined;
}

const b64 = (buffer: Buffer): string => buffer.toString('base64url');

function checkKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('an AES-256 key is 32 bytes');
}

/** Encrypts one value (any JSON value) under `key`, in the key's suite, bound to `aad`. */
export function encryptValue(key: DataKey, aad: string, value: unknown): string {
  checkKey(key.key);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(key.id)) throw new Error(`bad data key id ${key.id}`);
  const plain = Buffer.from(JSON.stringify(value), 'utf8');
  if ((key.suite ?? activeCryptoSuite().name) === 'national') {
    const header = `${NAMED_CIPHERTEXT_PREFIX}${SM4_ALGORITHM}.${key.id}`;
    const sealed = sm4Seal(key.key, header, aad, plain);
    return `${header}.${b64(sealed.iv)}.${b64(sealed.tag)}.${b64(sealed.body)}`;
  }
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return `${CIPHERTEXT_PREFIX}${key.id}.${b64(iv)}.${b64(cipher.getAuthTag())}.${b64(body)}`;
}

export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && (value.startsWith(CIPHERTEXT_PREFIX) || value.startsWith(NAMED_CIPHERTEXT_PREFIX));
}

interface ParsedCiphertext {
  algorithm: 'aes-256-gcm' | typeof SM4_ALGORITHM;
  /** what the national cipher's MAC covers besides the data: `enc2.<algorithm>.<keyId>` */
  header: string;
  keyId: string;
  iv: string;
  tag: string;
  body: string;
}

function parseCiphertext(token: string): ParsedCiphertext {
  if (token.startsWith(CIPHERTEXT_PREFIX)) {
    const parts = token.slice(CIPHERTEXT_PREFIX.length).split('.');
    if (parts.length !== 4 || !parts[0]) throw new DecryptionError('malformed ciphertext');
    const [keyId, iv, tag, body] = parts as [string, string, string, string];
    return { algorithm: 'aes-256-gcm', header: `${CIPHERTEXT_PREFIX}${keyId}`, keyId, iv, tag, body };
  }
  if (token.startsWith(NAMED_CIPHERTEXT_PREFIX)) {
    const parts = token.slice(NAMED_CIPHERTEXT_PREFIX.length).split('.');
    if (parts.length !== 5 || !parts[1]) throw new DecryptionError('malformed ciphertext');
    const [algorithm, keyId, iv, tag, body] = parts as [string, string, string, string, string];
    if (algorithm !== SM4_ALGORITHM) throw new DecryptionError(`unknown cipher ${algorithm}`);
    return { algorithm, header: `${NAMED_CIPHERTEXT_PREFIX}${algorithm}.${keyId}`, keyId, iv, tag, body };
  }
  throw new DecryptionError('not a ciphertext');
}

/** The id of the key a ciphertext was made under. */
export function keyIdOf(token: string): string {
  return parseCiphertext(token).keyId;
}

/** The suite a ciphertext was made in: what its algorithm belongs to. */
export function ciphertextSuite(token: string): CryptoSuiteName {
  return parseCiphertext(token).algorithm === SM4_ALGORITHM ? 'national' : 'international';
}

/** Decrypts a value made by encryptValue (either suite); throws DecryptionError when the key, the data or the AAD differ. */
export function decryptValue(keys: KeyLookup, aad: string, token: string): unknown {
  const { algorithm, header, keyId: id, iv, tag, body } = parseCiphertext(token);
  const key = keys.key(id);
  if (!key) throw new DecryptionError(`unknown data key ${id}`);
  const refused = () => new DecryptionError(`ciphertext under key ${id} does not decrypt (altered, moved to another row or field, or the wrong key)`);
  let plain: string;
  try {
    if (algorithm === SM4_ALGORITHM) {
      const opened = sm4Open(key, header, aad, { iv: Buffer.from(iv, 'base64url'), tag: Buffer.from(tag, 'base64url'), body: Buffer.from(body, 'base64url') });
      if (!opened) throw refused();
      plain = opened.toString('utf8');
    } else {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    }
    return JSON.parse(plain) as unknown;
  } catch {
    throw refused();
  }
}

/** Wraps a data key under the master key, in the data key's suite (AAD = the data key's id). */
export function wrapDataKey(master: Buffer, dataKey: DataKey): string {
  return encryptValue({ id: 'master', key: master, suite: dataKey.suite }, `data-key:${dataKey.id}`, dataKey.key.toString('base64'));
}

/** The suite of a wrapped data key, and so of the ciphertexts made under it. */
export function wrappedKeySuite(wrapped: string): CryptoSuiteName {
  return ciphertextSuite(wrapped);
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

/** A new random data key with a new id, for ciphertexts of `suite` (default: the process's). */
export function newDataKey(suite: CryptoSuiteName = activeCryptoSuite().name): DataKey {
  return { id: `dk${Date.now().toString(36)}${randomBytes(4).toString('hex')}`, key: randomBytes(32), suite };
}

/** A 32-byte key given in configuration as base64 (or 64 hex characters); null when it is not one. */
export function parseKey32(text: string | undefined): Buffer | null {
  if (!text) return null;
  const buffer = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(text) ? Buffer.from(text, 'base64') : null;
  return buffer && buffer.length === 32 ? buffer : null;
}
