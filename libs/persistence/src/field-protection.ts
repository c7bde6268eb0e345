import { Inject, Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import {
  type DataKey,
  DecryptionError,
  type JsonRecord,
  type KeyLookup,
  type UnitSealPublicKey,
  attachmentCiphertext,
  decryptValue,
  encryptValue,
  isCiphertext,
  keyIdOf,
  keyIdsIn,
  newDataKey,
  openAttachmentContent,
  openCitizenFields,
  openSealedKey,
  residentIdHash,
  residentIdHashes,
  sealAttachmentContent,
  sealCitizenFields,
  sealKeyTo,
  unitSealKeyPair,
  wrappedKeySuite,
} from '#security';
import { ConfiguredKeyProvider, type KeyProvider } from './key-provider.js';
import { PrismaService } from './prisma.service.js';

/** The keys of field encryption, from the process's validated configuration: its unit's own. */
export interface FieldEncryptionKeys {
  /** the unit whose keys these are: its data keys are named by it, wrapped by its master key */
  unit: string;
  /** DATA_MASTER_KEY of the unit: wraps its data keys (the default KeyProvider); or `provider` */
  masterKey?: Buffer;
  /** a KeyProvider (an HSM, a key service) in place of masterKey */
  provider?: KeyProvider;
  /** DATA_MASTER_KEY_PREVIOUS: the single master key of before, for the data keys of no unit still wrapped under it */
  previousMasterKey?: Buffer;
  /** PERSON_ID_HMAC_KEY: the keyed hash of resident ID numbers (common to the units: the ledger joins a person by it) */
  idHashKey: Buffer;
}

export const FIELD_ENCRYPTION_KEYS = Symbol('FIELD_ENCRYPTION_KEYS');

/** Thrown at boot when the master key is not the one the stored data keys were wrapped with. */
/**
 * A handoff names a unit that has no key on the bus yet: what is sent to it is sealed to its own key
 * (第二十四条), and a unit's first key is made by its own adapter, with its own master key, when it
 * first starts. Nothing is written; the same request succeeds once that unit's adapter has started.
 */
export class UnitKeyMissingError extends Error {
  override readonly name = 'UnitKeyMissingError';
  constructor(readonly unit: string) {
    super(`${unit} has not joined the bus yet: it has no key to seal to; its adapter makes its first key when it first starts (nothing was written, send again once it has)`);
  }
}

export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
}

/** How long a process keeps using the data key it knows as current before asking again (after a rotation). */
const CURRENT_KEY_TTL_MS = 30_000;
/** How long another unit's public key is used before it is read again (that unit may have rotated). */
const PUBLIC_KEY_TTL_MS = 30_000;

/** A content key's id: named in the ciphertexts of one row, sealed to each party in its keyWraps. */
const CONTENT_KEY_PREFIX = 'ck';

/** Each party's sealed copy of a row's content key, by unit (the column keyWraps). */
export type KeyWraps = Record<string, { key: string; sealed: string }>;

function contentKeyAad(handoffId: string, contentKeyId: string): string {
  return `content-key:${contentKeyId}|${handoffId}`;
}

/**
 * One unit's data keys (table DataKey, the rows naming the unit), unwrapped through its KeyProvider
 * and kept in memory. The newest not retired is current. A ciphertext naming a key not yet known
 * (made after a rotation) reloads them. Keys of no unit (one master key for every unit, before each
 * had its own) are loaded when this unit's master key is the one that wrapped them.
 */
export class DataKeyRing {
  private readonly keys = new Map<string, Buffer>();
  private currentKey?: { key: DataKey; at: number };
  private refreshing?: Promise<DataKey>;
  private readonly publicKeys = new Map<string, { key: UnitSealPublicKey; at: number }>();
  readonly fingerprint: string;
  readonly unit: string;

  constructor(
    private readonly prisma: PrismaService,
    private readonly provider: KeyProvider,
    private readonly previous: KeyProvider | null = null,
  ) {
    this.fingerprint = provider.fingerprint;
    this.unit = provider.unit;
  }

  /** Loads the unit's data keys; refuses a master key that did not wrap them. */
  async load(): Promise<void> {
    const rows = await this.prisma.dataKey.findMany({ where: { OR: [{ agency: this.unit }, { agency: null }] }, orderBy: { createdAt: 'asc' } });
    for (const row of rows) {
      if (this.keys.has(row.id)) continue;
      if (row.agency === null && this.previous && row.masterKeyFingerprint === this.previous.fingerprint) {
        // The single master key of before (DATA_MASTER_KEY_PREVIOUS): its data keys open what rotation has not moved yet.
        this.keys.set(row.id, await this.previous.unwrap(row.id, row.wrapped));
        continue;
      }
      if (row.masterKeyFingerprint !== this.fingerprint) {
        if (row.agency === null) continue; // the single key of before, and this unit has no DATA_MASTER_KEY_PREVIOUS
        throw new MasterKeyMismatchError(
          `invalid configuration:\n  DATA_MASTER_KEY: data key ${row.id} of ${this.unit} was wrapped under master key ${row.masterKeyFingerprint}, this one is ${this.fingerprint}`,
        );
      }
      this.keys.set(row.id, await this.provider.unwrap(row.id, row.wrapped));
    }
  }

  key(id: string): Buffer | undefined {
    return this.keys.get(id);
  }

  async ensure(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      if (!this.keys.has(id) && !id.startsWith(CONTENT_KEY_PREFIX)) {
        await this.load();
        return;
      }
    }
  }

  /**
   * The key new ciphertexts are made under; made (once, under an advisory lock) when there is none.
   * Callers are usually inside a transaction holding a pooled connection: after the first load, a
   * stale current key is served while one refresh runs in the background, so a burst of writes
   * never waits for connections the writes themselves hold.
   */
  async current(now = Date.now()): Promise<DataKey> {
    const cached = this.currentKey;
    if (cached && now - cached.at < CURRENT_KEY_TTL_MS) return cached.key;
    const refresh = (this.refreshing ??= this.readCurrent().finally(() => {
      this.refreshing = undefined;
    }));
    if (cached && now !== Number.MAX_SAFE_INTEGER) {
      refresh.catch(() => undefined); // the next call tries again
      return cached.key;
    }
    return refresh;
  }

  private async readCurrent(): Promise<DataKey> {
    const where = { agency: this.unit, retiredAt: null };
    let row = await this.prisma.dataKey.findFirst({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    if (!row) {
      const fresh = this.newKey();
      const data = await this.wrap(fresh);
      row = await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`bus.DataKey.${this.unit}`}))`;
        const existing = await tx.dataKey.findFirst({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
        if (existing) return existing;
        return tx.dataKey.create({ data });
      });
    }
    await this.ensure([row.id]);
    const bytes = this.keys.get(row.id);
    if (!bytes) throw new Error(`data key ${row.id} is not loaded`);
    const key: DataKey = { id: row.id, key: bytes, suite: wrappedKeySuite(row.wrapped) };
    this.currentKey = { key, at: Date.now() };
    return key;
  }

  /** Forgets which key is current: the next write asks the database (as it does every 30 s). */
  refresh(): void {
    this.currentKey = undefined;
    this.publicKeys.clear();
  }

  /** A new current key of the unit; its others are retired (they still decrypt until rotation moved their rows). */
  async rotate(): Promise<DataKey> {
    const fresh = this.newKey();
    const data = await this.wrap(fresh);
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`bus.DataKey.${this.unit}`}))`;
      await tx.dataKey.updateMany({ where: { agency: this.unit, retiredAt: null }, data: { retiredAt: new Date() } });
      await tx.dataKey.create({ data });
    });
    this.currentKey = { key: fresh, at: Date.now() };
    return fresh;
  }

  /**
   * Removes the unit's retired data keys that nothing is encrypted under any more (`stillUsed` names
   * those still needed): once gone, a copy of the database and the master key together no longer
   * open what they encrypted. Returns the ids removed.
   */
  async revokeRetired(stillUsed: ReadonlySet<string>): Promise<string[]> {
    const retired = await this.prisma.dataKey.findMany({ where: { agency: this.unit, retiredAt: { not: null } }, select: { id: true } });
    const gone = retired.map((row) => row.id).filter((id) => !stillUsed.has(id));
    if (gone.length > 0) await this.prisma.dataKey.deleteMany({ where: { id: { in: gone }, agency: this.unit } });
    for (const id of gone) this.keys.delete(id);
    return gone;
  }

  /** The unit key another unit's content keys are sealed to: its current data key's public half. */
  async publicKeyOf(unit: string): Promise<UnitSealPublicKey> {
    if (unit === this.unit) {
      const own = await this.current();
      return { keyId: own.id, publicKey: unitSealKeyPair(own.key).publicKey };
    }
    const cached = this.publicKeys.get(unit);
    if (cached && Date.now() - cached.at < PUBLIC_KEY_TTL_MS) return cached.key;
    const row = await this.prisma.dataKey.findFirst({ where: { agency: unit, retiredAt: null, publicKey: { not: null } }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    if (!row?.publicKey) throw new UnitKeyMissingError(unit);
    const key = { keyId: row.id, publicKey: row.publicKey };
    this.publicKeys.set(unit, { key, at: Date.now() });
    return key;
  }

  private newKey(): DataKey {
    // of the process's CRYPTO_SUITE: a rotation under another suite than the current key's moves the unit to it
    const key = newDataKey();
    return { ...key, id: `${this.unit}_${key.id}` };
  }

  private async wrap(key: DataKey) {
    this.keys.set(key.id, key.key);
    return {
      id: key.id,
      agency: this.unit,
      publicKey: unitSealKeyPair(key.key).publicKey,
      wrapped: await this.provider.wrap(key),
      masterKeyFingerprint: this.fingerprint,
    };
  }
}

/**
 * Encrypts a row's citizen fields on the way in and decrypts them on the way out, so the
 * repositories' callers (API, inbox, webhooks) read what they always read. A row only this unit
 * reads (its copy of a handoff, its measures, its stored answers) is under its own data key; a row
 * both parties of a handoff read is under a content key of its own, sealed to each party's key.
 */
@Injectable()
export class FieldProtection implements OnModuleInit {
  private loaded?: Promise<void>;

  readonly ring: DataKeyRing;

  constructor(
    prisma: PrismaService,
    @Optional() @Inject(FIELD_ENCRYPTION_KEYS) private readonly keys: FieldEncryptionKeys | null,
  ) {
    this.ring = new DataKeyRing(prisma, providerOf(keys), keys?.previousMasterKey ? new ConfiguredKeyProvider(keys.unit, keys.previousMasterKey) : null);
  }

  get enabled(): boolean {
    return Boolean(this.keys);
  }

  /** A unit's process has its data key from the start: the other units seal what they send it to its public half. */
  async onModuleInit(): Promise<void> {
    if (this.keys) await this.checkMasterKey();
  }

  /**
   * Loads the unit's data keys, and makes its first when it has none (other units seal to its public
   * half); throws MasterKeyMismatchError (naming DATA_MASTER_KEY) when the master key did not wrap
   * them. The adapter's bootstrap calls it before it listens, so boot stops; every other use loads on
   * first need.
   */
  checkMasterKey(): Promise<void> {
    this.required();
    this.loaded ??= this.ring
      .load()
      .then(async () => {
        await this.ring.current();
      })
      .catch((error: unknown) => {
        this.loaded = undefined;
        throw error;
      });
    return this.loaded;
  }

  private required(): FieldEncryptionKeys {
    if (!this.keys) throw new Error('field encryption is not configured in this process (DATA_MASTER_KEY, PERSON_ID_HMAC_KEY)');
    return this.keys;
  }

  /** The record with its citizen fields encrypted under the unit's own key, and that key. */
  async seal(handoffId: string, record: object, key?: DataKey): Promise<{ value: JsonRecord; dataKeyId: string }> {
    await this.checkMasterKey();
    const under = key ?? (await this.ring.current());
    return { value: sealCitizenFields(under, handoffId, record as JsonRecord), dataKeyId: under.id };
  }

  /**
   * The record encrypted under a new content key, sealed to each of `parties` (the handoff's two,
   * or one): what both parties read — a message, a step. `keyWraps` is stored beside it.
   */
  async sealShared(handoffId: string, record: object, parties: readonly string[]): Promise<{ value: JsonRecord; dataKeyId: string; keyWraps: KeyWraps }> {
    const { key, keyWraps } = await this.contentKey(handoffId, parties);
    return { value: sealCitizenFields(key, handoffId, record as JsonRecord), dataKeyId: key.id, keyWraps };
  }

  /** A new content key sealed to each of `parties`. */
  async contentKey(handoffId: string, parties: readonly string[], key: DataKey = { id: `${CONTENT_KEY_PREFIX}${randomBytes(12).toString('base64url')}`, key: randomBytes(32) }): Promise<{ key: DataKey; keyWraps: KeyWraps }> {
    await this.checkMasterKey();
    const keyWraps: KeyWraps = {};
    for (const party of new Set(parties)) {
      const to = await this.ring.publicKeyOf(party);
      keyWraps[party] = { key: to.keyId, sealed: sealKeyTo(to, contentKeyAad(handoffId, key.id), key.key) };
    }
    return { key, keyWraps };
  }

  /** The content key of a shared row, opened with this unit's own seal; DecryptionError when it was not sealed to this unit. */
  async openContentKey(handoffId: string, contentKeyId: string, keyWraps: unknown): Promise<Buffer> {
    const wrap = (keyWraps as KeyWraps | null | undefined)?.[this.ring.unit];
    if (!wrap) throw new DecryptionError(`content key ${contentKeyId} is not sealed to ${this.ring.unit}`);
    await this.checkMasterKey();
    await this.ring.ensure([wrap.key]);
    const own = this.ring.key(wrap.key);
    if (!own) throw new DecryptionError(`unknown data key ${wrap.key}`);
    return openSealedKey(own, contentKeyAad(handoffId, contentKeyId), wrap.sealed);
  }

  /** The keys a record's ciphertexts name: the unit's data keys, and the row's content key through its keyWraps. */
  private async lookup(handoffId: string, ids: Set<string>, keyWraps: unknown): Promise<KeyLookup> {
    await this.checkMasterKey();
    await this.ring.ensure(ids);
    const content = new Map<string, Buffer>();
    for (const id of ids) if (id.startsWith(CONTENT_KEY_PREFIX)) content.set(id, await this.openContentKey(handoffId, id, keyWraps));
    return { key: (id) => content.get(id) ?? this.ring.key(id) };
  }

  /** The record as it was written; a ciphertext that does not decrypt (moved, altered, not this unit's) throws DecryptionError. */
  async open<T>(handoffId: string, record: T, keyWraps?: unknown): Promise<T> {
    const ids = keyIdsIn(record);
    if (ids.size === 0) return record;
    return openCitizenFields(await this.lookup(handoffId, ids, keyWraps), handoffId, record as JsonRecord) as T;
  }

  /** An attachment's bytes encrypted (第二十四条) under a content key sealed to each of `parties`, bound to its handoff and its id. */
  async sealContent(handoffId: string, attachmentId: string, content: Uint8Array, parties: readonly string[], key?: DataKey): Promise<{ content: Uint8Array; dataKeyId: string; keyWraps: KeyWraps }> {
    const sealed = await this.contentKey(handoffId, parties, key);
    return { content: sealAttachmentContent(sealed.key, handoffId, attachmentId, content), dataKeyId: sealed.key.id, keyWraps: sealed.keyWraps };
  }

  /** An attachment's plain bytes; a row written before encryption (no ciphertext) passes through as it is. */
  async openContent(handoffId: string, attachmentId: string, stored: Uint8Array, keyWraps?: unknown): Promise<Buffer> {
    const token = attachmentCiphertext(stored);
    if (token === null) return Buffer.from(stored);
    return openAttachmentContent(await this.lookup(handoffId, new Set([keyIdOf(token)]), keyWraps), handoffId, attachmentId, stored);
  }

  /**
   * A whole value encrypted, bound to `boundTo` (the identity of the row that holds it): for a record
   * that is not a handoff's fields, such as a stored API answer that may quote a person's free text.
   */
  async sealValue(boundTo: string, value: unknown): Promise<string> {
    await this.checkMasterKey();
    return encryptValue(await this.ring.current(), boundTo, value);
  }

  /** A value sealed by sealValue; throws DecryptionError when it was moved to another row or altered. */
  async openValue(boundTo: string, token: string): Promise<unknown> {
    await this.checkMasterKey();
    await this.ring.ensure([keyIdOf(token)]);
    return decryptValue(this.ring, boundTo, token);
  }

  /** The keyed hash (HMAC-SHA-256, or HMAC-SM3 under the national suite) of the person's resident ID number in `details`, or null when it has none. */
  personIdHash(details: object): string | null {
    const idNumber = (details as { person?: { idNumber?: unknown } }).person?.idNumber;
    return typeof idNumber === 'string' ? residentIdHash(this.required().idHashKey, idNumber) : null;
  }

  /** The keyed hash a lookup by ID number compares with. */
  lookupHash(idNumber: string): string {
    return residentIdHash(this.required().idHashKey, idNumber);
  }

  /** The keyed hashes of both cryptography suites: what a lookup compares with while a suite migration has rows of either. */
  lookupHashes(idNumber: string): string[] {
    return residentIdHashes(this.required().idHashKey, idNumber);
  }
}

/** The unit's KeyProvider: the one configured, or the default over its DATA_MASTER_KEY. */
function providerOf(keys: FieldEncryptionKeys | null): KeyProvider {
  if (keys?.provider) return keys.provider;
  return new ConfiguredKeyProvider(keys?.unit ?? 'none', keys?.masterKey ?? Buffer.alloc(32));
}

/**
 * The plain part of a sealed record: every ciphertext removed. What the scheduler and the office
 * count (dates, categories, groups) and nothing of the person (第二十四条), for "Handoff".details.
 */
export function plainPart(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => !isCiphertext(item)).map(plainPart);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => !isCiphertext(item)).map(([key, item]) => [key, plainPart(item)]));
  }
  return value;
}

export { DecryptionError };
