import { activeCryptoSuite, attachmentCiphertext, ciphertextSuite, type CryptoSuiteName, type DataKey, isCiphertext } from '#security';
import { FieldProtection, type FieldEncryptionKeys, type KeyWraps } from './field-protection.js';
import type { PrismaService } from './prisma.service.js';

export interface RotationProgress {
  /** the unit whose keys rotate */
  unit: string;
  /** the data key the rows are re-encrypted (or their content keys re-sealed) to */
  keyId: string;
  /** true when this run made that key; false when it continued an earlier, unfinished run */
  newKey: boolean;
  /** rows re-encrypted or re-sealed by this run */
  rows: number;
  batches: number;
  /** rows still under another key of the unit, or under no unit's key (0: done) */
  remaining: number;
  /** the suite of the key, and so of every row's ciphertexts once done */
  suite: CryptoSuiteName;
}

/** What a run would do (--dry-run): continue to the current key, or make a new one; the unit's rows to move per table. */
export interface RotationPlan {
  unit: string;
  currentKeyId: string;
  currentSuite: CryptoSuiteName;
  /** the suite the rows are moved to: the process's CRYPTO_SUITE */
  targetSuite: CryptoSuiteName;
  /** true: a new data key (of targetSuite), every row moved to it; false: the rows not yet under the current key are */
  newKey: boolean;
  rows: Record<string, number>;
}

/** The tables of rows only their unit reads: re-encrypted under the unit's current key. */
type OwnTable = 'HandoffCopy' | 'AssistanceMeasure';
/** The tables of rows both parties read: each party's seal of the row's content key. */
type SharedTable = 'Message' | 'HandoffStep' | 'Attachment';

const OWN: Record<OwnTable, { id: string; match: string; order: string }> = {
  HandoffCopy: { id: 'agency', match: '"handoffId" = $4::uuid AND agency = $1', order: '"handoffId"' },
  AssistanceMeasure: { id: 'id::text', match: 'id = $1::uuid AND "handoffId" = $4::uuid', order: 'id' },
};

/** Who reads a row of a shared table: the SQL for "the unit ($1) is one of them", and the parties of the row. */
const SHARED: Record<SharedTable, { party: string; parties: string; column: 'payload' | 'details' | 'content' }> = {
  Message: { party: `$1 IN (t."fromAgency", t."toAgency")`, parties: `ARRAY[t."fromAgency", t."toAgency"]`, column: 'payload' },
  HandoffStep: {
    party: `EXISTS (SELECT 1 FROM "Handoff" h WHERE h.id = t."handoffId" AND $1 IN (h."fromAgency", h."toAgency"))`,
    parties: `(SELECT ARRAY[h."fromAgency", h."toAgency"] FROM "Handoff" h WHERE h.id = t."handoffId")`,
    column: 'details',
  },
  Attachment: {
    party: `(t."uploadedBy" = $1 OR (t."sharedWithParty" AND EXISTS (SELECT 1 FROM "Handoff" h WHERE h.id = t."handoffId" AND $1 IN (h."fromAgency", h."toAgency"))))`,
    parties: `(SELECT CASE WHEN t."sharedWithParty" THEN ARRAY[h."fromAgency", h."toAgency"] ELSE ARRAY[t."uploadedBy"] END FROM "Handoff" h WHERE h.id = t."handoffId")`,
    column: 'content',
  },
};

/** The rows of a shared table the unit must act on: its seal under an older key, or no seal at all (written under one key for every unit). */
function sharedPending(table: SharedTable): string {
  const legacy = table === 'HandoffStep' ? `t."actorAgency" = $1` : table === 'Attachment' ? `t."uploadedBy" = $1` : `t."fromAgency" = $1`;
  return `${SHARED[table].party} AND ((t."keyWraps" ? $1 AND t."keyWraps"->$1->>'key' IS DISTINCT FROM $2) OR (t."keyWraps" IS NULL AND ${legacy}))`;
}

/**
 * Moves one unit's rows to its current data key (`npm run keys -- rotate-data-key --unit <code>`,
 * with that unit's DATA_MASTER_KEY): its own copies and measures re-encrypted; on each message,
 * step and document it reads, its seal of the content key made again under the new key (the other
 * party's seal and the ciphertexts stay); a row written under the single key of before (no seals)
 * re-encrypted under a content key sealed to its parties, by the party that wrote it.
 * Batches, each its own transaction: stopping between two (or inside one) loses nothing, and a new
 * run continues where the last one stopped. A run first finishes what an earlier run left; only
 * when nothing of the unit is under another key does it make a new key and move the rows to it.
 * Old keys stay (retired) and still decrypt until `revoke-data-keys` removes those no row needs.
 * A data key belongs to one cryptography suite; a run whose CRYPTO_SUITE differs from the unit's
 * current key's makes a new key of its suite and moves every row of the unit to it: its own rows
 * re-encrypted, and a shared row whose ciphertexts are of the other suite re-encrypted under a new
 * content key of this suite sealed to its parties (only the seal is made again when they already
 * are); the sender's personIdHash re-hashed in the suite. A running bus changes suites so, unit by
 * unit, its adapters taking up the new key within 30 s and reading either suite meanwhile.
 */
export class DataKeyRotation {
  constructor(
    private readonly prisma: PrismaService,
    private readonly protection: FieldProtection,
  ) {}

  private get unit(): string {
    return this.protection.ring.unit;
  }

  async remaining(keyId: string): Promise<number> {
    const own = (Object.keys(OWN) as OwnTable[]).map((table) =>
      this.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE agency = $1 AND "dataKeyId" IS DISTINCT FROM $2`, this.unit, keyId),
    );
    const shared = (Object.keys(SHARED) as SharedTable[]).map((table) =>
      this.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" t WHERE ${sharedPending(table)}`, this.unit, keyId),
    );
    const counts = await Promise.all([...own, ...shared]);
    return counts.reduce((sum, rows) => sum + Number(rows[0]?.n ?? 0), 0);
  }

  /** What `run` would do now for the unit, changing nothing. */
  async plan(): Promise<RotationPlan> {
    const key = await this.protection.ring.current(Number.MAX_SAFE_INTEGER);
    const targetSuite = activeCryptoSuite().name;
    const currentSuite = key.suite ?? 'international';
    let rows = await this.pendingByTable(key.id);
    const newKey = currentSuite !== targetSuite || Object.values(rows).every((n) => n === 0);
    // a new key: every row of the unit moves to it ('' names no key, so every row counts)
    if (newKey) rows = await this.pendingByTable('');
    return { unit: this.unit, currentKeyId: key.id, currentSuite, targetSuite, newKey, rows };
  }

  /** The unit's rows not yet under `keyId`, per table. */
  private async pendingByTable(keyId: string): Promise<Record<string, number>> {
    const rows: Record<string, number> = {};
    for (const table of Object.keys(OWN) as OwnTable[]) {
      const found = await this.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE agency = $1 AND "dataKeyId" IS DISTINCT FROM $2`, this.unit, keyId);
      rows[table] = Number(found[0]?.n ?? 0);
    }
    for (const table of Object.keys(SHARED) as SharedTable[]) {
      const found = await this.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" t WHERE ${sharedPending(table)}`, this.unit, keyId);
      rows[table] = Number(found[0]?.n ?? 0);
    }
    return rows;
  }

  async run(options: { batchSize?: number; maxBatches?: number; onBatch?: (progress: RotationProgress) => void } = {}): Promise<RotationProgress> {
    const batchSize = options.batchSize ?? 200;
    let key = await this.protection.ring.current(Number.MAX_SAFE_INTEGER); // never the cached one
    let newKey = false;
    if ((key.suite ?? 'international') !== activeCryptoSuite().name || (await this.remaining(key.id)) === 0) {
      key = await this.protection.ring.rotate();
      newKey = true;
    }
    const progress: RotationProgress = { unit: this.unit, keyId: key.id, newKey, rows: 0, batches: 0, remaining: 0, suite: key.suite ?? 'international' };
    const steps: (() => Promise<number>)[] = [
      ...(Object.keys(OWN) as OwnTable[]).map((table) => () => this.ownBatch(table, key, batchSize)),
      // Attachments are up to 10 MB each: smaller batches keep a transaction's memory bounded.
      ...(Object.keys(SHARED) as SharedTable[]).map((table) => () => this.sharedBatch(table, key, table === 'Attachment' ? Math.max(1, Math.min(batchSize, 20)) : batchSize)),
    ];
    for (const step of steps) {
      for (;;) {
        if (options.maxBatches !== undefined && progress.batches >= options.maxBatches) {
          progress.remaining = await this.remaining(key.id);
          return progress;
        }
        const done = await step();
        if (done === 0) break;
        progress.rows += done;
        progress.batches += 1;
        options.onBatch?.(progress);
      }
    }
    progress.remaining = await this.remaining(key.id);
    return progress;
  }

  /** Removes the unit's retired data keys once no row of the unit needs them; refuses while a rotation is unfinished. */
  async revokeRetired(): Promise<string[]> {
    const current = await this.protection.ring.current(Number.MAX_SAFE_INTEGER);
    const left = await this.remaining(current.id);
    if (left > 0) throw new Error(`${left} rows of ${this.unit} are still under a retired key: run rotate-data-key --unit ${this.unit} to the end first`);
    return this.protection.ring.revokeRetired(new Set([current.id]));
  }

  /** One batch of one of the unit's own tables, in one transaction: rows locked, decrypted, encrypted under `key`, written. */
  private async ownBatch(table: OwnTable, key: DataKey, size: number): Promise<number> {
    const row = OWN[table];
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ id: string; handoffId: string; value: object }[]>(
        `SELECT ${row.id} AS id, "handoffId", details AS value FROM "${table}" WHERE agency = $1 AND "dataKeyId" IS DISTINCT FROM $2 ORDER BY ${row.order} LIMIT $3 FOR UPDATE SKIP LOCKED`,
        this.unit,
        key.id,
        size,
      );
      for (const found of rows) {
        const plain = await this.protection.open(found.handoffId, found.value);
        const sealed = await this.protection.seal(found.handoffId, plain, key);
        await tx.$executeRawUnsafe(`UPDATE "${table}" SET details = $2::jsonb, "dataKeyId" = $3 WHERE ${row.match}`, found.id, JSON.stringify(sealed.value), key.id, found.handoffId);
        // The sender's record re-hashes the ID number in the key's suite (HMAC-SM3 after a move to the
        // national suite), and one written before encryption gets its hash; kept when the record holds no number.
        const hash = table === 'HandoffCopy' ? this.protection.personIdHash(plain) : null;
        if (hash !== null) {
          await tx.$executeRaw`UPDATE "Handoff" SET "personIdHash" = ${hash}
                               WHERE id = ${found.handoffId}::uuid AND "fromAgency" = ${found.id} AND "personIdHash" IS DISTINCT FROM ${hash}`;
        }
      }
      return rows.length;
    }, { timeout: 60_000 });
  }

  /**
   * One batch of a shared table: the unit's seal of each row's content key made again under `key`;
   * a row without seals (under the single key of before, or plain) encrypted under a new content key
   * sealed to its parties.
   */
  private async sharedBatch(table: SharedTable, key: DataKey, size: number): Promise<number> {
    const { column, parties } = SHARED[table];
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ id: string; handoffId: string; value: unknown; keyWraps: KeyWraps | null; dataKeyId: string | null; parties: string[] }[]>(
        `SELECT t.id::text AS id, t."handoffId", t.${column} AS value, t."keyWraps", t."dataKeyId", ${parties} AS parties
           FROM "${table}" t WHERE ${sharedPending(table)} ORDER BY t.id LIMIT $3 FOR UPDATE OF t SKIP LOCKED`,
        this.unit,
        key.id,
        size,
      );
      for (const row of rows) {
        if (row.keyWraps && !this.otherSuite(row.value, key)) {
          const contentKey = await this.protection.openContentKey(row.handoffId, row.dataKeyId ?? '', row.keyWraps);
          const { keyWraps } = await this.protection.contentKey(row.handoffId, [this.unit], { id: row.dataKeyId ?? '', key: contentKey });
          await tx.$executeRawUnsafe(`UPDATE "${table}" SET "keyWraps" = "keyWraps" || $2::jsonb WHERE id = $1::uuid`, row.id, JSON.stringify(keyWraps));
        } else if (table === 'Attachment') {
          const plain = await this.protection.openContent(row.handoffId, row.id, row.value as Uint8Array, row.keyWraps);
          const sealed = await this.protection.sealContent(row.handoffId, row.id, plain, row.parties);
          await tx.$executeRawUnsafe(`UPDATE "Attachment" SET content = $2, "dataKeyId" = $3, "keyWraps" = $4::jsonb WHERE id = $1::uuid`, row.id, Buffer.from(sealed.content), sealed.dataKeyId, JSON.stringify(sealed.keyWraps));
        } else {
          const plain = await this.protection.open(row.handoffId, row.value, row.keyWraps);
          const sealed = await this.protection.sealShared(row.handoffId, plain as object, row.parties);
          await tx.$executeRawUnsafe(`UPDATE "${table}" SET ${column} = $2::jsonb, "dataKeyId" = $3, "keyWraps" = $4::jsonb WHERE id = $1::uuid`, row.id, JSON.stringify(sealed.value), sealed.dataKeyId, JSON.stringify(sealed.keyWraps));
        }
      }
      return rows.length;
    }, { timeout: 60_000 });
  }

  /**
   * Whether a shared row's ciphertexts are of another suite than `key` (a move between suites): then
   * the row is re-encrypted under a new content key of the key's suite, not only sealed again.
   */
  private otherSuite(value: unknown, key: DataKey): boolean {
    const suite = key.suite ?? 'international';
    const token = value instanceof Uint8Array ? attachmentCiphertext(value) : firstCiphertext(value);
    return token !== null && ciphertextSuite(token) !== suite;
  }
}

/** The first ciphertext in a record (every ciphertext of a shared row is under its one content key, so of one suite). */
function firstCiphertext(value: unknown): string | null {
  if (isCiphertext(value)) return value;
  if (value && typeof value === 'object') {
    for (const item of Object.values(value)) {
      const found = firstCiphertext(item);
      if (found !== null) return found;
    }
  }
  return null;
}

/** The rotation outside Nest (scripts/keys.mjs, tests): its own connection, the unit's keys from the caller's configuration. */
export async function connectDataKeyRotation(
  databaseUrl: string,
  keys: FieldEncryptionKeys,
): Promise<{ rotation: DataKeyRotation; protection: FieldProtection; close(): Promise<void> }> {
  const { PrismaService } = await import('./prisma.service.js');
  const prisma = new PrismaService(databaseUrl);
  const protection = new FieldProtection(prisma, keys);
  await protection.checkMasterKey();
  return { rotation: new DataKeyRotation(prisma, protection), protection, close: () => prisma.$disconnect() };
}
