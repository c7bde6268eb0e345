import type { DataKey } from '#security';
import { FieldProtection } from './field-protection.js';
import type { PrismaService } from './prisma.service.js';

export interface RotationProgress {
  /** the data key the rows are re-encrypted to */
  keyId: string;
  /** true when this run made that key; false when it continued an earlier, unfinished run */
  newKey: boolean;
  /** rows re-encrypted by this run */
  rows: number;
  batches: number;
  /** rows still under another key (0: done) */
  remaining: number;
}

type Table = 'HandoffCopy' | 'HandoffStep' | 'Message' | 'AssistanceMeasure';
const COLUMN: Record<Table, 'details' | 'payload'> = { HandoffCopy: 'details', HandoffStep: 'details', Message: 'payload', AssistanceMeasure: 'details' };
/** A row's identity: a party's copy is keyed by its handoff and its unit, the others by their id. */
const ROW_ID: Record<Table, { select: string; match: string; order: string }> = {
  HandoffCopy: { select: 'agency AS id', match: '"handoffId" = $4::uuid AND agency = $1', order: '"handoffId", agency' },
  HandoffStep: { select: 'id::text AS id', match: 'id = $1::uuid AND "handoffId" = $4::uuid', order: 'id' },
  Message: { select: 'id::text AS id', match: 'id = $1::uuid AND "handoffId" = $4::uuid', order: 'id' },
  AssistanceMeasure: { select: 'id::text AS id', match: 'id = $1::uuid AND "handoffId" = $4::uuid', order: 'id' },
};
/** Every table under a data key: the JSON columns above (each party's copy of a handoff included), and attachments' bytes (第二十四条). */
const KEYED_TABLES = [...(Object.keys(COLUMN) as Table[]), 'Attachment'] as const;

/**
 * Re-encrypts every row to the current data key (`npm run keys -- rotate-data-key`).
 * Batches, each its own transaction: stopping between two (or inside one) loses nothing, and a new
 * run continues where the last one stopped. A run first finishes what an earlier run left (rows
 * under another key, or written before encryption); only when every row is under the current key
 * does it make a new key and move the rows to it. Old keys stay (retired) and still decrypt.
 */
export class DataKeyRotation {
  constructor(
    private readonly prisma: PrismaService,
    private readonly protection: FieldProtection,
  ) {}

  async remaining(keyId: string): Promise<number> {
    const counts = await Promise.all(
      KEYED_TABLES.map((table) =>
        this.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE "dataKeyId" IS DISTINCT FROM $1`, keyId),
      ),
    );
    return counts.reduce((sum, rows) => sum + Number(rows[0]?.n ?? 0), 0);
  }

  async run(options: { batchSize?: number; maxBatches?: number; onBatch?: (progress: RotationProgress) => void } = {}): Promise<RotationProgress> {
    const batchSize = options.batchSize ?? 200;
    let key = await this.protection.ring.current(Number.MAX_SAFE_INTEGER); // never the cached one
    let newKey = false;
    if ((await this.remaining(key.id)) === 0) {
      key = await this.protection.ring.rotate();
      newKey = true;
    }
    const progress: RotationProgress = { keyId: key.id, newKey, rows: 0, batches: 0, remaining: 0 };
    for (const table of KEYED_TABLES) {
      for (;;) {
        if (options.maxBatches !== undefined && progress.batches >= options.maxBatches) {
          progress.remaining = await this.remaining(key.id);
          return progress;
        }
        // Attachments are up to 10 MB each: smaller batches keep a transaction's memory bounded.
        const done = table === 'Attachment' ? await this.attachmentBatch(key, Math.max(1, Math.min(batchSize, 20))) : await this.batch(table, key, batchSize);
        if (done === 0) break;
        progress.rows += done;
        progress.batches += 1;
        options.onBatch?.(progress);
      }
    }
    progress.remaining = await this.remaining(key.id);
    return progress;
  }

  /** One batch of one table, in one transaction: rows locked, decrypted, encrypted under `key`, written. */
  private async batch(table: Table, key: DataKey, size: number): Promise<number> {
    const column = COLUMN[table];
    const row = ROW_ID[table];
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRawUnsafe<{ id: string; handoffId: string; value: object }[]>(
        `SELECT ${row.select}, "handoffId", ${column} AS value FROM "${table}" WHERE "dataKeyId" IS DISTINCT FROM $1 ORDER BY ${row.order} LIMIT $2 FOR UPDATE SKIP LOCKED`,
        key.id,
        size,
      );
      for (const found of rows) {
        const plain = await this.protection.open(found.handoffId, found.value);
        const sealed = await this.protection.seal(found.handoffId, plain, key);
        await tx.$executeRawUnsafe(`UPDATE "${table}" SET ${column} = $2::jsonb, "dataKeyId" = $3 WHERE ${row.match}`, found.id, JSON.stringify(sealed.value), key.id, found.handoffId);
        // A sender's record written before encryption gets its keyed hash of the ID number on the way.
        if (table === 'HandoffCopy') {
          await tx.$executeRaw`UPDATE "Handoff" SET "personIdHash" = ${this.protection.personIdHash(plain)}
                               WHERE id = ${found.handoffId}::uuid AND "fromAgency" = ${found.id} AND "personIdHash" IS NULL`;
        }
      }
      return rows.length;
    }, { timeout: 60_000 });
  }

  /** One batch of attachments, as `batch`: their bytes decrypted (or read plain, before encryption) and encrypted under `key`. */
  private async attachmentBatch(key: DataKey, size: number): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; handoffId: string; content: Uint8Array }[]>`
        SELECT id, "handoffId", content FROM "Attachment" WHERE "dataKeyId" IS DISTINCT FROM ${key.id}
        ORDER BY id LIMIT ${size} FOR UPDATE SKIP LOCKED`;
      for (const row of rows) {
        const plain = await this.protection.openContent(row.handoffId, row.id, row.content);
        const sealed = await this.protection.sealContent(row.handoffId, row.id, plain, key);
        await tx.attachment.update({ where: { id: row.id }, data: { content: new Uint8Array(sealed.content), dataKeyId: key.id } });
      }
      return rows.length;
    }, { timeout: 60_000 });
  }
}

/** The rotation outside Nest (scripts/keys.mjs, tests): its own connection, keys from the caller's configuration. */
export async function connectDataKeyRotation(
  databaseUrl: string,
  keys: import('./field-protection.js').FieldEncryptionKeys,
): Promise<{ rotation: DataKeyRotation; protection: FieldProtection; close(): Promise<void> }> {
  const { PrismaService } = await import('./prisma.service.js');
  const prisma = new PrismaService(databaseUrl);
  const protection = new FieldProtection(prisma, keys);
  await protection.checkMasterKey();
  return { rotation: new DataKeyRotation(prisma, protection), protection, close: () => prisma.$disconnect() };
}
