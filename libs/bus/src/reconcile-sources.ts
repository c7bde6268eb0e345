import { type UnitCode, DELIVER_TO_UNIT_SYSTEM, deliveryQueueName, OFFICE_ALERTS_QUEUE, type Priority } from '#contracts';
import { publicationJobId } from './outbox.relay.js';
import type { QueueDriver } from './queue-driver.js';
import { deliveryJobId, type ReconcileCandidate, type ReconcileSource } from './reconciler.js';

/** A unit's outbox as the reconciler sees it (structurally libs/persistence's OutboxRepository). */
export interface ReconcilableOutbox {
  unconsumed(olderThan: Date, limit: number): Promise<{ messageId: string; queue: string; claims: number }[]>;
  requeue(messageIds: readonly string[]): Promise<number>;
}

/** A webhook unit's deliveries (structurally libs/persistence's InboxRepository). */
export interface ReconcilableDeliveries {
  undelivered(olderThan: Date, limit: number): Promise<{ messageId: string; priority: Priority; publications: number }[]>;
  countRepublication(messageId: string): Promise<number>;
}

/** The office's alerts (structurally libs/persistence's AlertRepository). */
export interface ReconcilableAlerts {
  undelivered(olderThan: Date, limit: number): Promise<{ id: string; dedupeKey: string; claims: number }[]>;
  requeue(ids: readonly string[]): Promise<number>;
}

/** Messages to other units and step events to the scheduler: requeued rows go back to the relay. */
export function outboxSource(outbox: ReconcilableOutbox, kick: () => void = () => undefined): ReconcileSource {
  return {
    name: 'outbox',
    async candidates(olderThan, limit) {
      const rows = await outbox.unconsumed(olderThan, limit);
      return rows.map((row) => ({ id: row.messageId, queue: row.queue, jobId: publicationJobId({ baseJobId: row.messageId, claims: row.claims }) }));
    },
    async requeue(orphans) {
      await outbox.requeue(orphans.map((orphan) => orphan.id));
      kick();
    },
  };
}

/** A webhook unit's deliveries to its own system: each orphan is queued again under <id>.r<n>. */
export function deliverySource(agency: UnitCode, deliveries: ReconcilableDeliveries, driver: QueueDriver): ReconcileSource {
  const queue = deliveryQueueName(agency);
  const priorities = new Map<string, Priority>();
  return {
    name: 'deliveries',
    async candidates(olderThan, limit) {
      const rows = await deliveries.undelivered(olderThan, limit);
      for (const row of rows) priorities.set(row.messageId, row.priority);
      return rows.map((row): ReconcileCandidate => ({ id: row.messageId, queue, jobId: deliveryJobId(row.messageId, row.publications) }));
    },
    async requeue(orphans) {
      for (const orphan of orphans) {
        const publications = await deliveries.countRepublication(orphan.id);
        await driver.publish({
          queue,
          name: DELIVER_TO_UNIT_SYSTEM,
          id: deliveryJobId(orphan.id, publications),
          data: { agency, messageId: orphan.id },
          priority: priorities.get(orphan.id) ?? 'normal',
        });
      }
      priorities.clear();
    },
  };
}

/** The office's alerts: requeued rows go back to the alert relay. */
export function alertSource(alerts: ReconcilableAlerts, kick: () => void = () => undefined): ReconcileSource {
  return {
    name: 'alerts',
    async candidates(olderThan, limit) {
      const rows = await alerts.undelivered(olderThan, limit);
      return rows.map((row) => ({ id: row.id, queue: OFFICE_ALERTS_QUEUE, jobId: publicationJobId({ baseJobId: row.dedupeKey, claims: row.claims }) }));
    },
    async requeue(orphans) {
      await alerts.requeue(orphans.map((orphan) => orphan.id));
      kick();
    },
  };
}
