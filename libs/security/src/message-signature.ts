import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { sm2 } from 'sm-crypto-v2';
import { cryptoSuite, type CryptoSuite } from './crypto-suite.js';

// Signed messages: each unit signs, with its key, the canonical form of every envelope it writes —
// its header fields and the hash of its payload (attachments, were there any, are in the payload
// and so in the hash). The receiver verifies against the sender's public keys in the registry
// before it records anything. A unit's key is of its deployment's suite: Ed25519 over a SHA-256 of
// the payload, or SM2 (GB/T 32918.2: SM3 over Z_A and the message, Z_A from the signer's
// distinguishing identifier — the unit's code — and its public key) over an SM3 of the payload.
// Each signature names its algorithm; a registry may hold both kinds during a suite migration.

/** What a signature covers: the envelope's header and a hash of its payload. */
export interface SignableEnvelope {
  id: string;
  type: string;
  schemaVersion: number;
  from: string;
  to: string;
  handoffId: string;
  caseRef: string;
  correlationId: string;
  causationId: string | null;
  occurredAt: string;
  priority: string;
  payload: unknown;
}

/** JSON with object keys sorted at every depth: one text per value, whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function payloadSha256(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload), 'utf8').digest('hex');
}

export function payloadSm3(payload: unknown): string {
  return createHash('sm3').update(canonicalJson(payload), 'utf8').digest('hex');
}

export type SignatureAlgorithm = 'ed25519' | 'sm2';
export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ['ed25519', 'sm2'];

/**
 * The bytes signed: a versioned, canonical text of the header and the payload's hash — SHA-256 for
 * an Ed25519 signature, SM3 for an SM2 one (a signature never rests on the other suite's hash).
 */
export function canonicalEnvelope(envelope: SignableEnvelope, algorithm: SignatureAlgorithm = 'ed25519'): Buffer {
  const { payload, ...header } = envelope;
  const occurredAt = new Date(envelope.occurredAt).toISOString();
  const signed =
    algorithm === 'sm2'
      ? { v: 'bus-envelope-sm3-1', ...header, occurredAt, payloadSm3: payloadSm3(payload) }
      : { v: 'bus-envelope-1', ...header, occurredAt, payloadSha256: payloadSha256(payload) };
  return Buffer.from(canonicalJson(signed), 'utf8');
}

/** A public key as the registry holds it: an Ed25519 key, or an SM2 point (uncompressed, 04‖x‖y, hex). */
export type PublicKey = { algorithm: 'ed25519'; key: KeyObject } | { algorithm: 'sm2'; point: string };

/** A public key's raw bytes: Ed25519's 32, SM2's 65 (04‖x‖y). */
export function publicKeyBytes(publicKey: PublicKey): Buffer {
  return publicKey.algorithm === 'sm2' ? Buffer.from(publicKey.point, 'hex') : rawPublicKey(publicKey.key);
}

/**
 * A public key's id: the first 16 hex characters of the hash of its raw bytes — SHA-256 for Ed25519,
 * SM3 for SM2. An id names a key; it secures nothing.
 */
export function signingKeyId(publicKey: KeyObject | PublicKey): string {
  const key: PublicKey = publicKey instanceof KeyObject ? { algorithm: 'ed25519', key: publicKey } : publicKey;
  return createHash(key.algorithm === 'sm2' ? 'sm3' : 'sha256').update(publicKeyBytes(key)).digest('hex').slice(0, 16);
}

export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' }) as { x?: string };
  return Buffer.from(jwk.x ?? '', 'base64url');
}

export function publicKeyFromRaw(raw: string): KeyObject {
  const bytes = Buffer.from(raw, 'base64');
  if (bytes.length !== 32) throw new Error('an Ed25519 public key is 32 bytes (base64)');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.toString('base64url') }, format: 'jwk' });
}

/** An SM2 public key as the registry gives it (base64 of 04‖x‖y), checked to be a point of the curve. */
export function sm2PublicKeyFromRaw(raw: string): PublicKey {
  const bytes = Buffer.from(raw, 'base64');
  const point = bytes.toString('hex');
  if (bytes.length !== 65 || bytes[0] !== 4 || !sm2.verifyPublicKey(point)) throw new Error('an SM2 public key is 65 bytes, 04‖x‖y, on the SM2 curve (base64)');
  return { algorithm: 'sm2', point };
}

/** The prefix of an SM2 private key in configuration: `sm2:<the 32-byte private key, 64 hex>`. */
export const SM2_PRIVATE_KEY_PREFIX = 'sm2:';

/** A unit's private key as configured: base64 of an Ed25519 PKCS#8 DER, or `sm2:<64 hex>` (what newSigningKeyPair prints). */
export type PrivateKey = { algorithm: 'ed25519'; key: KeyObject } | { algorithm: 'sm2'; scalar: string; point: string };

export function signingPrivateKey(text: string): PrivateKey {
  if (text.startsWith(SM2_PRIVATE_KEY_PREFIX)) {
    const scalar = text.slice(SM2_PRIVATE_KEY_PREFIX.length).toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(scalar) || /^0+$/.test(scalar)) throw new Error('an SM2 private key is sm2:<64 hex characters>');
    const point = sm2.getPublicKeyFromPrivateKey(scalar);
    if (!sm2.verifyPublicKey(point)) throw new Error('not an SM2 private key');
    return { algorithm: 'sm2', scalar, point };
  }
  return { algorithm: 'ed25519', key: privateKeyFromBase64(text) };
}

/** An Ed25519 private key as configured: base64 of its PKCS#8 DER. */
export function privateKeyFromBase64(text: string): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return key;
}

/**
 * A new key pair of `suite` (default international), as configuration holds it: the private key
 * (Ed25519 PKCS#8 DER base64, or sm2:<hex>) and the raw public key (base64), with its algorithm.
 */
export function newSigningKeyPair(suite: CryptoSuite = cryptoSuite('international')): { privateKey: string; publicKey: string; keyId: string; alg: SignatureAlgorithm } {
  if (suite.signature === 'sm2') {
    const pair = sm2.generateKeyPairHex();
    const point = sm2.getPublicKeyFromPrivateKey(pair.privateKey);
    return {
      privateKey: `${SM2_PRIVATE_KEY_PREFIX}${pair.privateKey.padStart(64, '0')}`,
      publicKey: Buffer.from(point, 'hex').toString('base64'),
      keyId: signingKeyId({ algorithm: 'sm2', point }),
      alg: 'sm2',
    };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: rawPublicKey(publicKey).toString('base64'),
    keyId: signingKeyId(publicKey),
    alg: 'ed25519',
  };
}

/** The distinguishing identifier of a unit's SM2 signatures (ID_A of GB/T 32918.2): its code. */
export function sm2Identifier(agency: string): string {
  return agency;
}

/** An SM2 signature, r‖s (64 bytes), of `bytes` by `key`, with the signer's Z value for `identifier`. */
export function sm2Sign(key: { scalar: string; point: string }, identifier: string, bytes: Uint8Array): Buffer {
  return Buffer.from(sm2.doSignature(bytes, key.scalar, { hash: true, publicKey: key.point, userId: identifier }), 'hex');
}

// The registry's few keys, each with its multiples precomputed once: a verification's point
// multiplication by the sender's key then costs a fraction of a cold one.
const precomputed = new Map<string, ReturnType<typeof sm2.precomputePublicKey>>();

function precomputedPoint(point: string): ReturnType<typeof sm2.precomputePublicKey> {
  let value = precomputed.get(point);
  if (!value) {
    if (precomputed.size >= 256) precomputed.clear();
    value = sm2.precomputePublicKey(point);
    precomputed.set(point, value);
  }
  return value;
}

/** Whether `signature` (r‖s) over `bytes` is by the SM2 key `point` for `identifier`. */
export function sm2Verify(point: string, identifier: string, bytes: Uint8Array, signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  try {
    return sm2.doVerifySignature(bytes, signature.toString('hex'), precomputedPoint(point), { hash: true, userId: identifier });
  } catch {
    return false;
  }
}

export interface MessageSigner {
  agency: string;
  algorithm: SignatureAlgorithm;
  keyId: string;
  /** the signature of some bytes, without its name */
  sign(bytes: Buffer): Buffer;
}

export function messageSigner(agency: string, privateKeyText: string): MessageSigner {
  const key = signingPrivateKey(privateKeyText);
  if (key.algorithm === 'sm2') {
    return { agency, algorithm: 'sm2', keyId: signingKeyId({ algorithm: 'sm2', point: key.point }), sign: (bytes) => sm2Sign(key, sm2Identifier(agency), bytes) };
  }
  return { agency, algorithm: 'ed25519', keyId: signingKeyId(createPublicKey(key.key)), sign: (bytes) => sign(null, bytes, key.key) };
}

/** `<algorithm>.<keyId>.<signature, base64url>`: `ed25519.…` or `sm2.…` */
export function signEnvelope(signer: MessageSigner, envelope: SignableEnvelope): string {
  if (envelope.from !== signer.agency) throw new Error(`${signer.agency} cannot sign a message from ${envelope.from}`);
  return `${signer.algorithm}.${signer.keyId}.${signer.sign(canonicalEnvelope(envelope, signer.algorithm)).toString('base64url')}`;
}

/** One public key of a unit; `notAfter` ends a previous key's overlap after a rotation. */
export type RegisteredKey = PublicKey & {
  keyId: string;
  notAfter: Date | null;
};

/** The units' public keys (UNIT_PUBLIC_KEYS): current and, during an overlap, previous. */
export type SigningKeyRegistry = ReadonlyMap<string, readonly RegisteredKey[]>;

/**
 * UNIT_PUBLIC_KEYS: `{"<unit>": [{"key": "<raw public key, base64>", "alg"?: "ed25519"|"sm2", "notAfter": "<ISO time>"?}, …], …}`
 * with every unit in `units` (`alg` defaults to ed25519). Throws naming the first problem.
 */
export function parseSigningRegistry(json: string, units: readonly string[]): SigningKeyRegistry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('must be an object of unit → keys');
  const registry = new Map<string, RegisteredKey[]>();
  for (const unit of units) {
    const entries = (parsed as Record<string, unknown>)[unit];
    if (!Array.isArray(entries) || entries.length === 0) throw new Error(`has no public key of ${unit}`);
    registry.set(
      unit,
      entries.map((entry: unknown, index) => {
        const { key, alg = 'ed25519', notAfter } = (entry ?? {}) as { key?: unknown; alg?: unknown; notAfter?: unknown };
        if (alg !== 'ed25519' && alg !== 'sm2') throw new Error(`${unit}[${index}].alg must be ed25519 or sm2`);
        if (typeof key !== 'string') throw new Error(`${unit}[${index}].key must be a base64 ${alg === 'sm2' ? 'SM2' : 'Ed25519'} public key`);
        let publicKey: PublicKey;
        try {
          publicKey = alg === 'sm2' ? sm2PublicKeyFromRaw(key) : { algorithm: 'ed25519', key: publicKeyFromRaw(key) };
        } catch {
          throw new Error(alg === 'sm2' ? `${unit}[${index}].key must be a base64 SM2 public key (65 bytes, 04‖x‖y, on the curve)` : `${unit}[${index}].key must be a base64 Ed25519 public key (32 bytes)`);
        }
        const end = notAfter === undefined || notAfter === null ? null : new Date(typeof notAfter === 'string' ? notAfter : Number.NaN);
        if (end && Number.isNaN(end.getTime())) throw new Error(`${unit}[${index}].notAfter must be an ISO time`);
        return { ...publicKey, keyId: signingKeyId(publicKey), notAfter: end };
      }),
    );
  }
  const unknown = Object.keys(parsed).filter((unit) => !units.includes(unit));
  if (unknown.length > 0) throw new Error(`names unknown units: ${unknown.join(', ')}`);
  return registry;
}

export type Verification = { ok: true; keyId: string } | { ok: false; reason: string };

const SIGNATURE = /^(ed25519|sm2)\.([0-9a-f]{16})\.([A-Za-z0-9_-]+)$/;

/** Whether `value` is `key`'s signature over `bytes` (`agency`'s distinguishing identifier for SM2). */
function verifiedBy(key: RegisteredKey, agency: string, bytes: Buffer, value: Buffer): boolean {
  return key.algorithm === 'sm2' ? sm2Verify(key.point, sm2Identifier(agency), bytes, value) : verify(null, bytes, key.key, value);
}

/** Verifies a signature (either suite) against the sender's keys valid at `now`; a key of another unit never verifies. */
export function verifyEnvelope(registry: SigningKeyRegistry, envelope: SignableEnvelope, signature: string | null | undefined, now: Date): Verification {
  if (!signature) return { ok: false, reason: 'unsigned' };
  const match = SIGNATURE.exec(signature);
  if (!match) return { ok: false, reason: 'malformed signature' };
  const [, algorithm, keyId, value] = match as unknown as [string, SignatureAlgorithm, string, string];
  const keys = registry.get(envelope.from) ?? [];
  const key = keys.find((candidate) => candidate.keyId === keyId);
  if (!key) return { ok: false, reason: `signed with key ${keyId}, which is not a key of the sender ${envelope.from}` };
  if (key.algorithm !== algorithm) return { ok: false, reason: `signature names ${algorithm}, but ${envelope.from}'s key ${keyId} is ${key.algorithm}` };
  if (key.notAfter && key.notAfter.getTime() <= now.getTime()) return { ok: false, reason: `signed with ${envelope.from}'s key ${keyId}, which ended ${key.notAfter.toISOString()}` };
  const valid = verifiedBy(key, envelope.from, canonicalEnvelope(envelope, algorithm), Buffer.from(value, 'base64url'));
  return valid ? { ok: true, keyId } : { ok: false, reason: `signature of ${envelope.from}'s key ${keyId} does not match the message (altered)` };
}

/** Signs other bytes with a unit's key (the evidence log's checkpoints): `<algorithm>.<keyId>.<sig>`. */
export function signBytes(signer: MessageSigner, bytes: Buffer): string {
  return `${signer.algorithm}.${signer.keyId}.${signer.sign(bytes).toString('base64url')}`;
}

/** Whether `signature` over `bytes` is by any registered key of `agency` (a key's overlap end does not matter: what it signed before stays signed). */
export function verifyBytes(registry: SigningKeyRegistry, agency: string, bytes: Buffer, signature: string): boolean {
  const match = SIGNATURE.exec(signature);
  if (!match) return false;
  const key = (registry.get(agency) ?? []).find((candidate) => candidate.keyId === match[2]);
  return Boolean(key && key.algorithm === match[1] && verifiedBy(key, agency, bytes, Buffer.from(match[3], 'base64url')));
}
