import type { UnitCode } from './unit-codes.js';

// Queue names are frozen strings. BullMQ forbids ':' in queue names.
// Each name is a Redis Cluster hash tag, `{inbox.education}`: BullMQ keeps a queue's keys
// (`<prefix>:{inbox.education}:wait`, `...:meta`, ...) in one slot, as its Lua scripts need,
// while different queues spread over the cluster's masters. Outbox rows written under the older
// untagged names are renamed by the migration 20261129150100_queue_hash_tags.

/** Each unit's adapter consumes its own inbox; every message addressed to the unit lands here. */
export function inboxQueueName(agency: UnitCode): string {
  return `{inbox.${agency}}`;
}

/** Webhook deliveries from a unit's adapter to the unit's own system. */
export function deliveryQueueName(agency: UnitCode): string {
  return `{delivery.${agency}}`;
}

/** Step events for the scheduler, which keeps every handoff's clocks (第十九条–第二十一条). */
export const SCHEDULER_QUEUE = '{scheduler.events}';

/** Reminders and escalations for the joint-meeting office and the units' liaisons and leaders. */
export const OFFICE_ALERTS_QUEUE = '{office.alerts}';
/** Job name on OFFICE_ALERTS_QUEUE; the job carries only the alert's id. */
export const SEND_OFFICE_ALERT = 'office.alert';

/** Jobs that failed for good, from any queue, for operators to inspect and replay. */
export const DEAD_LETTER_QUEUE = '{dead-letter}';

/** Job name of a webhook delivery on a unit's delivery queue. */
export const DELIVER_TO_UNIT_SYSTEM = 'unit-system.deliver';

/** What a delivery job carries: the inbox entry's key, never the content. */
export interface DeliveryJobData {
  agency: UnitCode;
  messageId: string;
}

/** A failed job that will not be retried again, as the transport records it before dead-lettering. */
export interface DeadLetterRecord {
  queue: string;
  jobId: string;
  /** the message (or alert) the job was about */
  messageId: string | null;
  type: string;
  reason: string;
  attempts: number;
  /** the job's data (ids only, never a citizen's data), so an operator can replay it */
  data: Record<string, unknown>;
}

/** What flows on a queue, from its name (with or without its hash tag, as rows written before the tags hold it). */
export type QueueRole = 'inbox' | 'delivery' | 'scheduler' | 'alerts' | 'dead-letter' | 'unknown';

export function queueRoleOf(queue: string): QueueRole {
  const bare = queue.replace(/^\{(.*)\}$/, '$1');
  if (bare === 'scheduler.events') return 'scheduler';
  if (bare === 'office.alerts') return 'alerts';
  if (bare === 'dead-letter') return 'dead-letter';
  if (bare.startsWith('inbox.')) return 'inbox';
  if (bare.startsWith('delivery.')) return 'delivery';
  return 'unknown';
}

/** Every queue of the bus, for those who watch them all (dashboards, metrics). */
export function allBusQueueNames(units: readonly UnitCode[]): string[] {
  return [
    ...units.flatMap((code) => [inboxQueueName(code), deliveryQueueName(code)]),
    SCHEDULER_QUEUE,
    OFFICE_ALERTS_QUEUE,
    DEAD_LETTER_QUEUE,
  ];
}
