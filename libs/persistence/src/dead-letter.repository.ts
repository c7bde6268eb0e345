import { type UnitCode, type DeadLetterRecord, queueRoleOf, SCHEDULER_QUEUE } from '#contracts';
import type { Db } from './db.js';
import type { Prisma } from './generated/prisma/client.js';

/** Which state a consumer's failure belongs to, from the queue it came off (libs/contracts queue names). */
function subjectOf(queue: string): 'message' | 'step-event' | 'delivery' | 'alert' {
  const role = queueRoleOf(queue);
  if (role === 'scheduler') return 'step-event';
  if (role === 'alerts') return 'alert';
  return role === 'delivery' ? 'delivery' : 'message';
}

/**
 * A consumer's failures, as the state of the message it failed on: "retrying"
 * with its next attempt, or "failed" with a dead letter an operator can list and replay
 * (`npm run ops`). The owner is the consumer: a unit (its inbox and deliveries) or the scheduler
 * (step events and office alerts).
 */
export class DeadLetterRepository {
  constructor(
    private readonly db: Db,
    private readonly owner: UnitCode | 'scheduler',
  ) {}

  /**
   * Once per (queue, job): a crash while dead-lettering and a second try record one row. The
   * message's own row is marked failed too, so the reconciler stops republishing it.
   */
  async record(entry: DeadLetterRecord, at: Date = new Date()): Promise<void> {
    const { data, ...fields } = entry;
    await this.db.deadLetter.createMany({
      data: [{ id: crypto.randomUUID(), agency: this.owner, ...fields, data: data as Prisma.InputJsonObject }],
      skipDuplicates: true,
    });
    if (entry.messageId) await this.markSubject(entry.queue, entry.messageId, { failedAt: at, reason: entry.reason });
  }

  /** The consumer failed on this attempt and runs again at `nextAttemptAt`. */
  async retrying(entry: DeadLetterRecord, nextAttemptAt: Date): Promise<void> {
    if (entry.messageId) await this.markSubject(entry.queue, entry.messageId, { nextAttemptAt, reason: entry.reason });
  }

  private async markSubject(queue: string, id: string, state: { failedAt?: Date; nextAttemptAt?: Date; reason: string }): Promise<void> {
    const reason = state.reason.slice(0, 1000);
    switch (subjectOf(queue)) {
      case 'message':
      case 'step-event':
        await this.db.outboxEntry.updateMany({
          where: { messageId: id, consumedAt: null, ...(this.owner === 'scheduler' ? { queue: SCHEDULER_QUEUE } : { message: { toAgency: this.owner } }) },
          data: state.failedAt ? { failedAt: state.failedAt, failureReason: reason, nextAttemptAt: null } : { nextAttemptAt: state.nextAttemptAt, lastError: reason },
        });
        return;
      case 'delivery':
        if (this.owner === 'scheduler') return;
        await this.db.inboxEntry.updateMany({
          where: { agency: this.owner, messageId: id, deliveryStatus: 'pending' },
          data: state.failedAt
            ? { deliveryStatus: 'failed', nextDeliveryAt: null, lastDeliveryError: reason }
            : { nextDeliveryAt: state.nextAttemptAt, lastDeliveryError: reason },
        });
        return;
      case 'alert':
        await this.db.alert.updateMany({
          where: { id, deliveredAt: null },
          data: state.failedAt ? { failedAt: state.failedAt, nextAttemptAt: null, failureReason: reason } : { nextAttemptAt: state.nextAttemptAt, failureReason: reason },
        });
        return;
    }
  }
}
