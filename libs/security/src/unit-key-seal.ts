import { createHash, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { DecryptionError, decryptValue, encryptValue } from './field-cipher.js';

// 第二十四条: a row two parties read (a message, a step, a document) is encrypted under a key of its
// own (a content key), and that key is sealed to each party's unit key: X25519 key agreement with a
// fresh ephemeral key, HKDF-SHA-256, then the field cipher (AES-256-GCM) — so a unit can write a row
// the other party reads without holding the other party's keys, and no unit's key opens a row not
// sealed to it. A unit's X25519 key is derived from its current data key: it rotates with it.

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');

/** A unit's key a content key is sealed to: its data key's id, and the public half (raw X25519, base64url). */
export interface UnitSealPublicKey {
  keyId: string;
  publicKey: string;
}

// Building a key object (createPrivateKey, createPublicKey) costs far more than the key agreement
// itself, and a unit has a few data keys and a few parties: each pair and each recipient's key is
// made once per process. A pair is found by a hash of its data key, so no second copy of the secret
// is kept as a map key; it lives as long as the process, as the data key itself does in the key ring.
const MEMO_LIMIT = 256;
const pairs = new Map<string, { privateKey: KeyObject; publicKey: string }>();
const recipients = new Map<string, KeyObject>();

function remembered<T>(memo: Map<string, T>, key: string, make: () => T): T {
  let value = memo.get(key);
  if (value === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    value = make();
    memo.set(key, value);
  }
  return value;
}

/** The X25519 pair derived from one of a unit's data keys. */
export function unitSealKeyPair(dataKey: Buffer): { privateKey: KeyObject; publicKey: string } {
  return remembered(pairs, createHash('sha256').update(dataKey).digest('base64'), () => {
    const seed = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), 'bus unit x25519', 32));
    const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, seed]), format: 'der', type: 'pkcs8' });
    return { privateKey, publicKey: rawPublic(createPublicKey(privateKey)).toString('base64url') };
  });
}

function rawPublic(key: KeyObject): Buffer {
  return key.export({ format: 'der', type: 'spki' }).subarray(SPKI_X25519.length);
}

function publicKeyFrom(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new DecryptionError('an X25519 public key is 32 bytes');
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, raw]), format: 'der', type: 'spki' });
}

function keyEncryptionKey(shared: Buffer, ephemeral: Buffer, recipient: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeral, recipient]), 'bus content key seal', 32));
}

/** `key` sealed to `to`, bound to `aad`: `<ephemeral public key>.<field-cipher token naming to.keyId>`. */
export function sealKeyTo(to: UnitSealPublicKey, aad: string, key: Buffer): string {
  const recipient = Buffer.from(to.publicKey, 'base64url');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = rawPublic(ephemeral.publicKey);
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: remembered(recipients, to.publicKey, () => publicKeyFrom(recipient)) });
  const kek = keyEncryptionKey(shared, ephemeralRaw, recipient);
  return `${ephemeralRaw.toString('base64url')}.${encryptValue({ id: to.keyId, key: kek }, aad, key.toString('base64'))}`;
}

/** The data key id a sealed key names (the unit key it was sealed to). */
export function sealedKeyId(sealed: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 6 || !parts[2]) throw new DecryptionError('not a sealed key');
  return parts[2];
}

/** Opens a key sealed by sealKeyTo with the unit's data key it names; DecryptionError when it was not sealed to it. */
export function openSealedKey(dataKey: Buffer, aad: string, sealed: string): Buffer {
  const dot = sealed.indexOf('.');
  if (dot < 0) throw new DecryptionError('not a sealed key');
  const ephemeral = Buffer.from(sealed.slice(0, dot), 'base64url');
  const own = unitSealKeyPair(dataKey);
  const shared = diffieHellman({ privateKey: own.privateKey, publicKey: publicKeyFrom(ephemeral) });
  const kek = keyEncryptionKey(shared, ephemeral, Buffer.from(own.publicKey, 'base64url'));
  const value = decryptValue({ key: () => kek }, aad, sealed.slice(dot + 1));
  if (typeof value !== 'string') throw new DecryptionError('a sealed key is malformed');
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new DecryptionError('a sealed key is malformed');
  return key;
}
