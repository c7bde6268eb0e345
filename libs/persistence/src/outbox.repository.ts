import { Injectable } from '@nestjs/common';
import { type AgencyCode, type BusJobData, type MessageType, type Priority, SCHEDULER_QUEUE } from '#contracts';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

export interface PendingPublication extends BusJobData {
  priority: Priority;
  /** the queue the row was written for: a unit's inbox, or the scheduler's */
  queue: string;
}

/** The relay's view of the outbox: claim unpublished rows, publish them, stamp them, in one transaction. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims up to `limit` unpublished rows of the sender with FOR UPDATE SKIP LOCKED (two relays
   * never take the same row), hands them to `publish`, and stamps those it returns as published.
   * A crash after publishing but before the commit republishes them later: the job id and the
   * receiver's inbox key absorb the double.
   */
  async publishBatch(
    sender: AgencyCode,
    limit: number,
    publish: (pending: PendingPublication[]) => Promise<{ published: string[]; failed: Map<string, string> }>,
  ): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const pending = await tx.$queryRaw<
        { messageId: string; queue: string; type: string; schemaVersion: number; handoffId: string; fromAgency: string; toAgency: string; priority: string }[]
      >`
        SELECT o."messageId", o.queue, m.type, m."schemaVersion", m."handoffId", m."fromAgency", m."toAgency", m.priority
        FROM "OutboxEntry" o JOIN "Message" m ON m.id = o."messageId"
        WHERE o."fromAgency" = ${sender} AND o."publishedAt" IS NULL
        ORDER BY o."createdAt"
        LIMIT ${limit}
        FOR UPDATE OF o SKIP LOCKED`;
      if (pending.length === 0) return 0;
      const { published, failed } = await publish(
        pending.map((row) => ({
          messageId: row.messageId,
          queue: row.queue,
          type: row.type as MessageType,
          schemaVersion: row.schemaVersion,
          handoffId: row.handoffId,
          from: row.fromAgency as AgencyCode,
          to: row.toAgency as AgencyCode,
          priority: row.priority as Priority,
        })),
      );
      if (published.length > 0) {
        await tx.outboxEntry.updateMany({
          where: { messageId: { in: published }, fromAgency: sender },
          data: { publishedAt: new Date(), attempts: { increment: 1 } },
        });
      }
      for (const [messageId, error] of failed) {
        await tx.outboxEntry.update({
          where: { messageId },
          data: { attempts: { increment: 1 }, lastError: error.slice(0, 1000) },
        });
      }
      return published.length;
    });
  }

  /**
   * Redis keeps nothing on disk here: a restart loses queued jobs. A message published but not in
   * its recipient's inbox after `olderThan` is put back for the relay; the job id and the inbox
   * key make the republication harmless when the first one was only slow.
   */
  async requeueUnconsumed(sender: AgencyCode, olderThan: Date): Promise<number> {
    const { count } = await this.prisma.outboxEntry.updateMany({
      where: { fromAgency: sender, consumedAt: null, publishedAt: { lt: olderThan } },
      data: { publishedAt: null },
    });
    return count;
  }

  /** The scheduler confirms a step event, in the transaction that applied it. */
  async confirmStepEventConsumed(tx: Tx, messageId: string, at: Date): Promise<void> {
    await tx.outboxEntry.updateMany({ where: { messageId, consumedAt: null, queue: SCHEDULER_QUEUE }, data: { consumedAt: at } });
  }

  /** The recipient confirms, in its inbox transaction, that the message arrived. */
  async confirmConsumed(tx: Tx, recipient: AgencyCode, messageId: string, at: Date): Promise<void> {
    await tx.outboxEntry.updateMany({
      where: { messageId, consumedAt: null, message: { toAgency: recipient } },
      data: { consumedAt: at },
    });
  }

}
