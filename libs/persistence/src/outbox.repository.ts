import type { UnitCode, BusJobData, JobName, MessageType, Priority } from '#contracts';
import type { Db } from './db.js';

/** What the relay needs of a claimed row (structurally libs/bus's ClaimedPublication). */
export interface ClaimedMessage {
  id: string;
  queue: string;
  name: JobName;
  data: BusJobData;
  priority: Priority;
  claims: number;
  baseJobId: string;
}

/**
 * A unit's outbox as its relay sees it: claim with a lease in one statement, stamp in another;
 * never a row lock held while the relay talks to the queues. The receiver's
 * confirmation updates the row without waiting on the relay.
 */
export class OutboxRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
  ) {}

  async claim(limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
    const rows = await this.db.$queryRaw<
      { messageId: string; queue: string; attempts: number; type: string; schemaVersion: number; handoffId: string; fromAgency: string; toAgency: string; priority: Priority }[]
    >`
      WITH picked AS (
        SELECT "messageId" FROM "OutboxEntry"
        WHERE "fromAgency" = ${this.agency} AND "publishedAt" IS NULL AND ("claimedUntil" IS NULL OR "claimedUntil" < now())
        ORDER BY "createdAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
      UPDATE "OutboxEntry" o
      SET "claimedUntil" = now() + make_interval(secs => ${leaseMs / 1000}), attempts = o.attempts + 1
      FROM picked, "Message" m
      WHERE o."messageId" = picked."messageId" AND m.id = o."messageId"
      RETURNING o."messageId", o.queue, o.attempts, m.type, m."schemaVersion", m."handoffId", m."fromAgency", m."toAgency", m.priority`;
    return rows.map((row) => ({
      id: row.messageId,
      queue: row.queue,
      name: row.type as MessageType,
      data: {
        messageId: row.messageId,
        type: row.type as MessageType,
        schemaVersion: row.schemaVersion,
        handoffId: row.handoffId,
        from: row.fromAgency as UnitCode,
        to: row.toAgency as UnitCode,
      },
      priority: row.priority,
      claims: row.attempts,
      baseJobId: row.messageId,
    }));
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "OutboxEntry" SET "publishedAt" = now(), "claimedUntil" = NULL, "lastError" = NULL
      WHERE "fromAgency" = ${this.agency} AND "messageId" = ANY(${[...ids]}::uuid[])`;
  }

  async release(ids: readonly string[], error: string): Promise<void> {
    await this.db.$executeRaw`
      UPDATE "OutboxEntry" SET "claimedUntil" = NULL, "lastError" = ${error.slice(0, 1000)}
      WHERE "fromAgency" = ${this.agency} AND "messageId" = ANY(${[...ids]}::uuid[])`;
  }

  /**
   * For the reconciler: messages published before `olderThan` that no consumer has taken up yet
   * (nor given up on), with the job id of their latest publication.
   */
  async unconsumed(olderThan: Date, limit: number): Promise<{ messageId: string; queue: string; claims: number }[]> {
    return this.db.$queryRaw<{ messageId: string; queue: string; claims: number }[]>`
      SELECT "messageId", queue, attempts AS claims FROM "OutboxEntry"
      WHERE "fromAgency" = ${this.agency} AND "publishedAt" < ${olderThan} AND "consumedAt" IS NULL AND "failedAt" IS NULL
      ORDER BY "publishedAt" LIMIT ${limit}`;
  }

  /**
   * Puts published messages back for the relay, which republishes each under a new job id
   * (<id>.r<n>): Redis lost the job (restarted empty, evicted), or an old failed job holds the
   * id. The receiver's inbox key makes a republication harmless when the first was only slow.
   */
  async requeue(messageIds: readonly string[]): Promise<number> {
    return this.db.$executeRaw`
      UPDATE "OutboxEntry" SET "publishedAt" = NULL
      WHERE "fromAgency" = ${this.agency} AND "messageId" = ANY(${[...messageIds]}::uuid[]) AND "consumedAt" IS NULL`;
  }

  /** The receiving unit confirms, in its inbox transaction, that a message addressed to it arrived. */
  /** confirmReceived for several messages, in one statement. */
  async confirmReceivedAll(messageIds: readonly string[], at: Date): Promise<void> {
    if (messageIds.length === 0) return;
    await this.db.outboxEntry.updateMany({
      where: { messageId: { in: [...new Set(messageIds)] }, consumedAt: null, message: { toAgency: this.agency } },
      data: { consumedAt: at, nextAttemptAt: null },
    });
  }

  async confirmReceived(messageId: string, at: Date): Promise<void> {
    await this.db.outboxEntry.updateMany({
      where: { messageId, consumedAt: null, message: { toAgency: this.agency } },
      data: { consumedAt: at, nextAttemptAt: null },
    });
  }
}
