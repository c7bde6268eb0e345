import type { UnitCode, AnyEnvelope, MessageType, Priority } from '#contracts';
import type { Db } from './db.js';
import type { InboxEntry } from './generated/prisma/client.js';
import type { FieldProtection } from './field-protection.js';
import { openEnvelope } from './message.repository.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'pull';

/** The receiver's inbox: its (agency, messageId) key is the lasting guard against doubles. */
export class InboxRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
    private readonly protection: FieldProtection,
  ) {}

  /** Records receipt; false when the unit already has this message (a duplicate delivery). */
  async claim(entry: { messageId: string; handoffId: string; type: MessageType; deliveryStatus: DeliveryStatus }): Promise<boolean> {
    const { count } = await this.db.inboxEntry.createMany({ data: [{ agency: this.agency, ...entry }], skipDuplicates: true });
    return count === 1;
  }

  /**
   * Records receipt of several messages in one statement; returns the ids the unit did not have yet
   * (a message twice in `entries` is recorded once). Inserted in message-id order, so two consumers
   * inserting the same messages wait on each other instead of deadlocking.
   */
  async claimAll(entries: readonly { messageId: string; handoffId: string; type: MessageType; deliveryStatus: DeliveryStatus }[]): Promise<Set<string>> {
    const unique = [...new Map(entries.map((entry) => [entry.messageId, entry])).values()].sort((a, b) => (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0));
    if (unique.length === 0) return new Set();
    const created = await this.db.inboxEntry.createManyAndReturn({
      data: unique.map((entry) => ({ agency: this.agency, ...entry })),
      skipDuplicates: true,
      select: { messageId: true },
    });
    return new Set(created.map((row) => row.messageId));
  }

  async find(messageId: string): Promise<InboxEntry | null> {
    return this.db.inboxEntry.findUnique({ where: { agency_messageId: { agency: this.agency, messageId } } });
  }

  /** Pull mode: what the unit's system has not yet acknowledged, oldest first, with each message (one query). */
  async listUnacknowledged(limit: number): Promise<{ entry: InboxEntry; envelope: AnyEnvelope }[]> {
    const entries = await this.db.inboxEntry.findMany({
      where: { agency: this.agency, acknowledgedAt: null },
      orderBy: [{ receivedAt: 'asc' }, { messageId: 'asc' }],
      take: limit,
    });
    const messages = await this.db.message.findMany({ where: { id: { in: entries.map((entry) => entry.messageId) }, toAgency: this.agency } });
    const byId = new Map(await Promise.all(messages.map(async (message) => [message.id, await openEnvelope(this.protection, message)] as const)));
    return entries.flatMap((entry) => {
      const envelope = byId.get(entry.messageId);
      return envelope ? [{ entry, envelope }] : [];
    });
  }

  /**
   * For the reconciler: webhook deliveries received before `olderThan` and not yet done, with how
   * often their job was queued again (the job id of the latest is deliveryJobId of that).
   */
  async undelivered(olderThan: Date, limit: number): Promise<{ messageId: string; priority: Priority; publications: number }[]> {
    // Raw rows carry the database's value of the enum, which is the contracts' string.
    return this.db.$queryRaw<{ messageId: string; priority: Priority; publications: number }[]>`
      SELECT i."messageId", m.priority, i."deliveryPublications" AS publications
      FROM "InboxEntry" i JOIN "Message" m ON m.id = i."messageId"
      WHERE i.agency = ${this.agency} AND i."deliveryStatus" = 'pending' AND i."receivedAt" < ${olderThan}
      ORDER BY i."receivedAt" LIMIT ${limit}`;
  }

  /** Counts one more queueing of a delivery job; returns the new count, which names the job. */
  async countRepublication(messageId: string): Promise<number> {
    const entry = await this.db.inboxEntry.update({
      where: { agency_messageId: { agency: this.agency, messageId } },
      data: { deliveryPublications: { increment: 1 } },
      select: { deliveryPublications: true },
    });
    return entry.deliveryPublications;
  }

  /** A failed webhook delivery will be tried again at `at` (set again to pending by a replay). */
  async markDeliveryRetrying(messageId: string, error: string, at: Date): Promise<void> {
    await this.db.inboxEntry.updateMany({
      where: { agency: this.agency, messageId, deliveryStatus: { in: ['pending', 'failed'] } },
      data: { nextDeliveryAt: at, lastDeliveryError: error.slice(0, 1000) },
    });
  }

  async markDeliveryFailed(messageId: string, error: string): Promise<void> {
    await this.db.inboxEntry.updateMany({
      where: { agency: this.agency, messageId, deliveryStatus: 'pending' },
      data: { deliveryStatus: 'failed', nextDeliveryAt: null, lastDeliveryError: error.slice(0, 1000) },
    });
  }

  /** An operator's replay after a fix: the delivery is pending again. */
  async reopenDelivery(messageId: string): Promise<number> {
    const { count } = await this.db.inboxEntry.updateMany({
      where: { agency: this.agency, messageId, deliveryStatus: 'failed' },
      data: { deliveryStatus: 'pending', nextDeliveryAt: null },
    });
    return count;
  }

  /** Returns false when the unit has no such inbox entry. Acknowledging twice is harmless. */
  async acknowledge(messageId: string, at: Date): Promise<boolean> {
    const { count } = await this.db.inboxEntry.updateMany({
      where: { agency: this.agency, messageId, acknowledgedAt: null },
      data: { acknowledgedAt: at },
    });
    return count === 1 || (await this.find(messageId)) !== null;
  }

  /** Successful webhook deliveries of several messages, in one statement (as recordDeliveryAttempt with no error). */
  async recordDelivered(messageIds: readonly string[], at: Date): Promise<void> {
    if (messageIds.length === 0) return;
    await this.db.inboxEntry.updateMany({
      where: { agency: this.agency, messageId: { in: [...new Set(messageIds)] } },
      data: { deliveryAttempts: { increment: 1 }, lastDeliveryError: null, deliveryStatus: 'delivered', deliveredAt: at, acknowledgedAt: at, nextDeliveryAt: null },
    });
  }

  async recordDeliveryAttempt(messageId: string, error: string | null, final: boolean, at: Date): Promise<void> {
    await this.db.inboxEntry.update({
      where: { agency_messageId: { agency: this.agency, messageId } },
      data: {
        deliveryAttempts: { increment: 1 },
        lastDeliveryError: error?.slice(0, 1000) ?? null,
        ...(error === null
          ? { deliveryStatus: 'delivered', deliveredAt: at, acknowledgedAt: at, nextDeliveryAt: null }
          : final ? { deliveryStatus: 'failed', nextDeliveryAt: null } : {}),
      },
    });
  }
}
