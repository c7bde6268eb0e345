import type { BusJobData } from './envelope.js';
import { MESSAGES } from './message-registry.js';
import type { MessageType } from './message-types.js';
import { DELIVER_TO_UNIT_SYSTEM, type DeliveryJobData, SEND_OFFICE_ALERT } from './queue-names.js';

/** What an office-alert job carries: the alert's id, never its text. */
export interface OfficeAlertJobData {
  alertId: string;
}

/**
 * The data each job name carries, one entry per name (every message type of MESSAGE_REGISTRY carries
 * its ids): the producer and the consumer of a job share this type, so a consumer cannot read a field the producer never wrote.
 */
export type JobDataByName = { [T in MessageType]: BusJobData } & {
  [DELIVER_TO_UNIT_SYSTEM]: DeliveryJobData;
  [SEND_OFFICE_ALERT]: OfficeAlertJobData;
};
export type JobName = keyof JobDataByName;

/**
 * The kinds of queue of the bus and the job names each one carries. A consumer of a queue must
 * handle every name listed for its kind: the queue transport refuses to boot without an `@OnQueueJob`
 * handler for each, and the compiler refuses a HandlerMap written without one.
 */
export const JOBS_BY_QUEUE_KIND = {
  /** each unit's inbox: every message addressed to the unit (MESSAGE_REGISTRY's inbox types) */
  inbox: MESSAGES.typesOn('inbox'),
  /** each webhook unit's deliveries to its own system */
  delivery: [DELIVER_TO_UNIT_SYSTEM],
  /** step events for the scheduler (MESSAGE_REGISTRY's scheduler types) */
  scheduler: MESSAGES.typesOn('scheduler'),
  /** reminders and escalations for the office and the units' people */
  alerts: [SEND_OFFICE_ALERT],
} as const satisfies Record<string, readonly JobName[]>;
export type QueueKind = keyof typeof JOBS_BY_QUEUE_KIND;
export type JobNameOf<K extends QueueKind> = (typeof JOBS_BY_QUEUE_KIND)[K][number];
export const QUEUE_KINDS = Object.keys(JOBS_BY_QUEUE_KIND) as QueueKind[];
