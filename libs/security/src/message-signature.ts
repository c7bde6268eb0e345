import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';

// Signed messages: each unit signs, with its Ed25519 key, the canonical form of
// every envelope it writes — its header fields and the SHA-256 of its payload (attachments, were
// there any, are in the payload and so in the hash). The receiver verifies against the sender's
// public keys in the registry before it records anything.

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

/** The bytes signed: a versioned, canonical text of the header and the payload's hash. */
export function canonicalEnvelope(envelope: SignableEnvelope): Buffer {
  const { payload, ...header } = envelope;
  return Buffer.from(canonicalJson({ v: 'bus-envelope-1', ...header, occurredAt: new Date(envelope.occurredAt).toISOString(), payloadSha256: payloadSha256(payload) }), 'utf8');
}

/** A public key's id: the first 16 hex characters of the SHA-256 of its raw 32 bytes. */
export function signingKeyId(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 16);
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

/** A unit's private key as configured: base64 of its PKCS#8 DER (what newSigningKeyPair prints). */
export function privateKeyFromBase64(text: string): KeyObject {
  const key = createPrivateKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return key;
}

/** A new key pair, as configuration holds it: the private key (PKCS#8 DER, base64) and the raw public key (base64). */
export function newSigningKeyPair(): { privateKey: string; publicKey: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    publicKey: rawPublicKey(publicKey).toString('base64'),
    keyId: signingKeyId(publicKey),
  };
}

export interface MessageSigner {
  agency: string;
  privateKey: KeyObject;
  keyId: string;
}

export function messageSigner(agency: string, privateKeyBase64: string): MessageSigner {
  const privateKey = privateKeyFromBase64(privateKeyBase64);
  return { agency, privateKey, keyId: signingKeyId(createPublicKey(privateKey)) };
}

/** `ed25519.<keyId>.<signature, base64url>` */
export function signEnvelope(signer: MessageSigner, envelope: SignableEnvelope): string {
  if (envelope.from !== signer.agency) throw new Error(`${signer.agency} cannot sign a message from ${envelope.from}`);
  return `ed25519.${signer.keyId}.${sign(null, canonicalEnvelope(envelope), signer.privateKey).toString('base64url')}`;
}

/** One public key of a unit; `notAfter` ends a previous key's overlap after a rotation. */
export interface RegisteredKey {
  keyId: string;
  key: KeyObject;
  notAfter: Date | null;
}

/** The units' public keys (UNIT_PUBLIC_KEYS): current and, during an overlap, previous. */
export type SigningKeyRegistry = ReadonlyMap<string, readonly RegisteredKey[]>;

/**
 * UNIT_PUBLIC_KEYS: `{"<unit>": [{"key": "<raw public key, base64>", "notAfter": "<ISO time>"?}, …], …}`
 * with every unit in `units`. Throws naming the first problem.
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
        const { key, notAfter } = (entry ?? {}) as { key?: unknown; notAfter?: unknown };
        if (typeof key !== 'string') throw new Error(`${unit}[${index}].key must be a base64 Ed25519 public key`);
        let publicKey: KeyObject;
        try {
          publicKey = publicKeyFromRaw(key);
        } catch {
          throw new Error(`${unit}[${index}].key must be a base64 Ed25519 public key (32 bytes)`);
        }
        const end = notAfter === undefined || notAfter === null ? null : new Date(typeof notAfter === 'string' ? notAfter : Number.NaN);
        if (end && Number.isNaN(end.getTime())) throw new Error(`${unit}[${index}].notAfter must be an ISO time`);
        return { keyId: signingKeyId(publicKey), key: publicKey, notAfter: end };
      }),
    );
  }
  const unknown = Object.keys(parsed).filter((unit) => !units.includes(unit));
  if (unknown.length > 0) throw new Error(`names unknown units: ${unknown.join(', ')}`);
  return registry;
}

export type Verification = { ok: true; keyId: string } | { ok: false; reason: string };

/** Verifies a signature against the sender's keys valid at `now`; a key of another unit never verifies. */
export function verifyEnvelope(registry: SigningKeyRegistry, envelope: SignableEnvelope, signature: string | null | undefined, now: Date): Verification {
  if (!signature) return { ok: false, reason: 'unsigned' };
  const match = /^ed25519\.([0-9a-f]{16})\.([A-Za-z0-9_-]+)$/.exec(signature);
  if (!match) return { ok: false, reason: 'malformed signature' };
  const [, keyId, value] = match as unknown as [string, string, string];
  const keys = registry.get(envelope.from) ?? [];
  const key = keys.find((candidate) => candidate.keyId === keyId);
  if (!key) return { ok: false, reason: `signed with key ${keyId}, which is not a key of the sender ${envelope.from}` };
  if (key.notAfter && key.notAfter.getTime() <= now.getTime()) return { ok: false, reason: `signed with ${envelope.from}'s key ${keyId}, which ended ${key.notAfter.toISOString()}` };
  const valid = verify(null, canonicalEnvelope(envelope), key.key, Buffer.from(value, 'base64url'));
  return valid ? { ok: true, keyId } : { ok: false, reason: `signature of ${envelope.from}'s key ${keyId} does not match the message (altered)` };
}

/** Signs other bytes with a unit's key (the evidence log's checkpoints): `ed25519.<keyId>.<sig>`. */
export function signBytes(signer: MessageSigner, bytes: Buffer): string {
  return `ed25519.${signer.keyId}.${sign(null, bytes, signer.privateKey).toString('base64url')}`;
}

/** Whether `signature` over `bytes` is by any registered key of `agency` (a key's overlap end does not matter: what it signed before stays signed). */
export function verifyBytes(registry: SigningKeyRegistry, agency: string, bytes: Buffer, signature: string): boolean {
  const match = /^ed25519\.([0-9a-f]{16})\.([A-Za-z0-9_-]+)$/.exec(signature);
  if (!match) return false;
  const key = (registry.get(agency) ?? []).find((candidate) => candidate.keyId === match[1]);
  return Boolean(key && verify(null, bytes, key.key, Buffer.from(match[2], 'base64url')));
}
