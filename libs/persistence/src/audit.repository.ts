import {
  auditHash,
  type AuditFields,
  checkpointPayload,
  GENESIS_HASH,
  type MessageSigner,
  signBytes,
  type StoredAuditRecord,
  type StoredCheckpoint,
} from '#security';
import type { Db } from './db.js';
import type { PrismaService } from './prisma.service.js';

/** A signed checkpoint every this many records of a chain. */
export const AUDIT_CHECKPOINT_EVERY = 50;
/**
 * And at least this often while records arrive (AUDIT_CHECKPOINT_INTERVAL_MS, the adapter's
 * EvidenceCheckpointer): records after a chain's last checkpoint can be removed without a trace, so
 * the unsigned tail is bounded by time as well as by count.
 */
export const DEFAULT_AUDIT_CHECKPOINT_INTERVAL_MS = 5_000;

/**
 * One writer's chain of the evidence log: appends records, each with the hash of
 * the one before, under a per-chain advisory lock held to the end of the caller's transaction (so
 * a record commits with the change it tells of, or not at all), and signs a checkpoint every
 * AUDIT_CHECKPOINT_EVERY records.
 */
export class AuditRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly db: Db,
    private readonly chain: string,
    private readonly signer: MessageSigner | null,
  ) {}

  /**
   * Appends made while deferring wait here until `flush`, which writes them all with one lock, one
   * read of the head and one insert (a unit of work that appends several times, or a batch
   * of N inbox messages, took the lock and read the head each time).
   */
  private deferred: { entries: readonly AuditFields[]; at: Date }[] | null = null;

  /**
   * From now on appends are kept until `flush()`, which the caller's transaction runs last: the
   * chain's lock is then taken after the transaction's row locks and held only for the append and
   * the commit, not for the whole unit of work. Only inside a transaction.
   */
  defer(): void {
    if ((this.db as unknown) === (this.prisma as unknown)) throw new Error('the evidence log defers appends only inside a transaction');
    this.deferred ??= [];
  }

  /** Writes what was deferred (nothing when nothing was), and appends directly again after. */
  async flush(): Promise<void> {
    const deferred = this.deferred;
    this.deferred = null;
    if (deferred && deferred.length > 0) await this.write(deferred);
  }

  async append(entries: readonly AuditFields[], at = new Date()): Promise<void> {
    if (entries.length === 0) return;
    if (this.deferred) {
      this.deferred.push({ entries: [...entries], at });
      return;
    }
    // Outside a transaction, the append opens its own: the lock and the read of the head need one.
    if ((this.db as unknown) === (this.prisma as unknown)) {
      await this.prisma.$transaction((tx) => new AuditRepository(this.prisma, tx, this.chain, this.signer).append(entries, at));
      return;
    }
    await this.write([{ entries, at }]);
  }

  /** The records of several appends, in order, each with the time of its append: one lock, one head read, one insert. */
  private async write(appends: readonly { entries: readonly AuditFields[]; at: Date }[]): Promise<void> {
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`bus.audit.${this.chain}`}))`;
    const head = await this.db.auditRecord.findFirst({ where: { chain: this.chain }, orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
    let seq = head?.seq ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    const rows: StoredAuditRecord[] = [];
    for (const { entries, at } of appends) {
      const iso = new Date(at.toISOString()).toISOString();
      for (const fields of entries) {
        seq += 1;
        const entry = { chain: this.chain, seq, at: iso, prevHash, ...fields, reason: fields.reason.slice(0, 500) };
        const hash = auditHash(entry);
        rows.push({ ...entry, hash });
        prevHash = hash;
      }
    }
    if (rows.length === 0) return;
    await this.db.auditRecord.createMany({ data: rows.map((row) => ({ ...row, at: new Date(row.at) })) });
    const crossed = Math.floor(seq / AUDIT_CHECKPOINT_EVERY) > Math.floor((head?.seq ?? 0) / AUDIT_CHECKPOINT_EVERY);
    if (crossed) await this.writeCheckpoint({ chain: this.chain, seq, hash: prevHash, at: rows[rows.length - 1].at });
  }

  /**
   * Signs the chain's head at `at` when records came after its last checkpoint (the time bound of
   * the unsigned tail; AUDIT_CHECKPOINT_EVERY is the count bound); null when nothing is unsigned or
   * there is no signer. Under the chain's lock, so it signs a head no append is changing.
   */
  async checkpointUnsigned(at: Date): Promise<StoredCheckpoint | null> {
    if (!this.signer) return null;
    if ((this.db as unknown) === (this.prisma as unknown)) {
      return this.prisma.$transaction((tx) => new AuditRepository(this.prisma, tx, this.chain, this.signer).checkpointUnsigned(at));
    }
    await this.db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`bus.audit.${this.chain}`}))`;
    const [row] = await this.db.$queryRaw<{ seq: number | null; hash: string | null; signed: number | null }[]>`
      SELECT r.seq, r.hash, (SELECT max(c.seq) FROM "AuditCheckpoint" c WHERE c.chain = ${this.chain}) AS signed
        FROM (SELECT 1) one LEFT JOIN LATERAL (
          SELECT seq, hash FROM "AuditRecord" WHERE chain = ${this.chain} ORDER BY seq DESC LIMIT 1) r ON true`;
    if (row?.seq == null || row.hash == null || (row.signed ?? 0) >= row.seq) return null;
    return this.writeCheckpoint({ chain: this.chain, seq: row.seq, hash: row.hash, at: at.toISOString() });
  }

  private async writeCheckpoint(checkpoint: Omit<StoredCheckpoint, 'signature'>): Promise<StoredCheckpoint | null> {
    if (!this.signer) return null;
    const signed = { ...checkpoint, signature: signBytes(this.signer, checkpointPayload(checkpoint)) };
    await this.db.auditCheckpoint.createMany({ data: [{ ...signed, at: new Date(signed.at) }], skipDuplicates: true });
    return signed;
  }
}

/** The evidence log as the office reads it: one handoff's records, every chain for the verifier. */
export class AuditLogReader {
  constructor(private readonly db: Db) {}

  async forHandoff(handoffId: string, limit = 500): Promise<StoredAuditRecord[]> {
    const rows = await this.db.auditRecord.findMany({ where: { handoffId }, orderBy: [{ at: 'asc' }, { chain: 'asc' }, { seq: 'asc' }], take: limit });
    return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
  }

  async chains(): Promise<string[]> {
    const rows = await this.db.auditRecord.findMany({ distinct: ['chain'], select: { chain: true }, orderBy: { chain: 'asc' } });
    return rows.map((row) => row.chain);
  }

  /** A chain's records in order, a page at a time (after `afterSeq`). */
  async page(chain: string, afterSeq: number, limit: number): Promise<StoredAuditRecord[]> {
    const rows = await this.db.auditRecord.findMany({ where: { chain, seq: { gt: afterSeq } }, orderBy: { seq: 'asc' }, take: limit });
    return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
  }

  async checkpoints(chain: string): Promise<StoredCheckpoint[]> {
    const rows = await this.db.auditCheckpoint.findMany({ where: { chain }, orderBy: { seq: 'asc' } });
    return rows.map((row) => ({ ...row, at: row.at.toISOString() }));
  }
}
