import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  type DataKey,
  DecryptionError,
  type JsonRecord,
  attachmentCiphertext,
  decryptValue,
  encryptValue,
  isCiphertext,
  keyIdOf,
  keyIdsIn,
  masterKeyFingerprint,
  newDataKey,
  openAttachmentContent,
  openCitizenFields,
  residentIdHash,
  sealAttachmentContent,
  sealCitizenFields,
  unwrapDataKey,
  wrapDataKey,
} from '#security';
import { PrismaService } from './prisma.service.js';

/** The keys of field encryption, from the process's validated configuration. */
export interface FieldEncryptionKeys {
  /** DATA_MASTER_KEY: wraps the data keys */
  masterKey: Buffer;
  /** PERSON_ID_HMAC_KEY: the keyed hash of resident ID numbers */
  idHashKey: Buffer;
}

export const FIELD_ENCRYPTION_KEYS = Symbol('FIELD_ENCRYPTION_KEYS');

/** Thrown at boot when the master key is not the one the stored data keys were wrapped with. */
export class MasterKeyMismatchError extends Error {
  override readonly name = 'MasterKeyMismatchError';
}

/** How long a process keeps using the data key it knows as current before asking again (after a rotation). */
const CURRENT_KEY_TTL_MS = 30_000;

/**
 * The data keys (table DataKey), unwrapped under the master key and kept in memory. The newest not
 * retired is current; a ciphertext naming a key not yet known (made after a rotation) reloads them.
 */
export class DataKeyRing {
  private readonly keys = new Map<string, Buffer>();
  private currentKey?: { key: DataKey; at: number };
  private refreshing?: Promise<DataKey>;
  readonly fingerprint: string;

  constructor(
    private readonly prisma: PrismaService,
    private readonly master: Buffer,
  ) {
    this.fingerprint = masterKeyFingerprint(master);
  }

  /** Loads every data key; refuses a master key that did not wrap them. */
  async load(): Promise<void> {
    const rows = await this.prisma.dataKey.findMany({ orderBy: { createdAt: 'asc' } });
    for (const row of rows) {
      if (this.keys.has(row.id)) continue;
      if (row.masterKeyFingerprint !== this.fingerprint) {
        throw new MasterKeyMismatchError(
          `invalid configuration:\n  DATA_MASTER_KEY: data key ${row.id} was wrapped under master key ${row.masterKeyFingerprint}, this one is ${this.fingerprint}`,
        );
      }
      this.keys.set(row.id, unwrapDataKey(this.master, row.id, row.wrapped));
    }
  }

  key(id: string): Buffer | undefined {
    return this.keys.get(id);
  }

  async ensure(ids: Iterable<string>): Promise<void> {
    for (const id of ids) {
      if (!this.keys.has(id)) {
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
    let row = await this.prisma.dataKey.findFirst({ where: { retiredAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
    if (!row) {
      row = await this.prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('bus.DataKey'))`;
        const existing = await tx.dataKey.findFirst({ where: { retiredAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
        if (existing) return existing;
        return tx.dataKey.create({ data: this.wrap(newDataKey()) });
      });
    }
    await this.ensure([row.id]);
    const bytes = this.keys.get(row.id);
    if (!bytes) throw new Error(`data key ${row.id} is not loaded`);
    const key = { id: row.id, key: bytes };
    this.currentKey = { key, at: Date.now() };
    return key;
  }

  /** Forgets which key is current: the next write asks the database (as it does every 30 s). */
  refresh(): void {
    this.currentKey = undefined;
  }

  /** A new current key; the others are retired (they still decrypt until rotation re-encrypted their rows). */
  async rotate(): Promise<DataKey> {
    const fresh = newDataKey();
    await this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('bus.DataKey'))`;
      await tx.dataKey.updateMany({ where: { retiredAt: null }, data: { retiredAt: new Date() } });
      await tx.dataKey.create({ data: this.wrap(fresh) });
    });
    this.keys.set(fresh.id, fresh.key);
    this.currentKey = { key: fresh, at: Date.now() };
    return fresh;
  }

  private wrap(key: DataKey) {
    this.keys.set(key.id, key.key);
    return { id: key.id, wrapped: wrapDataKey(this.master, key), masterKeyFingerprint: this.fingerprint };
  }
}

/**
 * Encrypts a row's citizen fields on the way in and decrypts them on the way out, so the
 * repositories' callers (API, inbox, webhooks) read what they always read.
 */
@Injectable()
export class FieldProtection {
  private loaded?: Promise<void>;

  readonly ring: DataKeyRing;

  constructor(
    prisma: PrismaService,
    @Optional() @Inject(FIELD_ENCRYPTION_KEYS) private readonly keys: FieldEncryptionKeys | null,
  ) {
    this.ring = new DataKeyRing(prisma, keys?.masterKey ?? Buffer.alloc(32));
  }

  get enabled(): boolean {
    return Boolean(this.keys);
  }

  /**
   * Loads the data keys; throws MasterKeyMismatchError (naming DATA_MASTER_KEY) when the master key
   * did not wrap them. The adapter's bootstrap calls it before it listens, so boot stops; every
   * other use loads on first need.
   */
  checkMasterKey(): Promise<void> {
    this.required();
    this.loaded ??= this.ring.load().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private required(): FieldEncryptionKeys {
    if (!this.keys) throw new Error('field encryption is not configured in this process (DATA_MASTER_KEY, PERSON_ID_HMAC_KEY)');
    return this.keys;
  }

  /** The record with its citizen fields encrypted, and the key they were encrypted under. */
  async seal(handoffId: string, record: object, key?: DataKey): Promise<{ value: JsonRecord; dataKeyId: string }> {
    await this.checkMasterKey();
    const under = key ?? (await this.ring.current());
    return { value: sealCitizenFields(under, handoffId, record as JsonRecord), dataKeyId: under.id };
  }

  /** The record as it was written; a ciphertext that does not decrypt (moved, altered) throws DecryptionError. */
  async open<T>(handoffId: string, record: T): Promise<T> {
    const ids = keyIdsIn(record);
    if (ids.size === 0) return record;
    await this.checkMasterKey();
    await this.ring.ensure(ids);
    return openCitizenFields(this.ring, handoffId, record as JsonRecord) as T;
  }

  /** An attachment's bytes encrypted (第二十四条), bound to its handoff and its id, and the key they are under. */
  async sealContent(handoffId: string, attachmentId: string, content: Uint8Array, key?: DataKey): Promise<{ content: Uint8Array; dataKeyId: string }> {
    await this.checkMasterKey();
    const under = key ?? (await this.ring.current());
    return { content: sealAttachmentContent(under, handoffId, attachmentId, content), dataKeyId: under.id };
  }

  /** An attachment's plain bytes; a row written before encryption (no ciphertext) passes through as it is. */
  async openContent(handoffId: string, attachmentId: string, stored: Uint8Array): Promise<Buffer> {
    const token = attachmentCiphertext(stored);
    if (token === null) return Buffer.from(stored);
    await this.checkMasterKey();
    await this.ring.ensure([keyIdOf(token)]);
    return openAttachmentContent(this.ring, handoffId, attachmentId, stored);
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

  /** HMAC-SHA-256 of the person's resident ID number in `details`, or null when it has none. */
  personIdHash(details: object): string | null {
    const idNumber = (details as { person?: { idNumber?: unknown } }).person?.idNumber;
    return typeof idNumber === 'string' ? residentIdHash(this.required().idHashKey, idNumber) : null;
  }

  /** The keyed hash a lookup by ID number compares with. */
  lookupHash(idNumber: string): string {
    return residentIdHash(this.required().idHashKey, idNumber);
  }
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
