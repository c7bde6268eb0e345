import type { UnitCode } from './unit-codes.js';
import type { AnyVersionPayloadIn, CurrentPayloadIn } from './message-catalog.js';
import { type MESSAGE_REGISTRY, MESSAGES } from './message-registry.js';
import type { MessageType } from './message-types.js';
import type { Priority } from './policy.enums.js';
import type { Validated } from './validation.js';

/** The payload producers write for each message type (its current version's class in MESSAGE_REGISTRY). */
export type PayloadByType = { [T in MessageType]: CurrentPayloadIn<typeof MESSAGE_REGISTRY, T> };

/** Every payload schema version a consumer still accepts (the documents list them). */
export const SCHEMA_VERSIONS: readonly number[] = MESSAGES.schemaVersions();

/** The schema versions each message type is accepted in. */
export function schemaVersionsOf(type: MessageType): number[] {
  return MESSAGES.schemaVersionsOf(type);
}

/** The versioned envelope every message travels in. */
export interface Envelope<T extends MessageType = MessageType> {
  id: string;
  type: T;
  schemaVersion: number;
  from: UnitCode;
  to: UnitCode;
  handoffId: string;
  caseRef: string;
  /** the request that opened the handoff(s); shared by every message of them */
  correlationId: string;
  /** the message this one answers, null for an opening message */
  causationId: string | null;
  occurredAt: string;
  priority: Priority;
  payload: PayloadByType[T];
}

/** An envelope of any type, discriminated by `type`: narrowing the type narrows the payload. */
export type AnyEnvelope = { [T in MessageType]: Envelope<T> }[MessageType];

/** The queue a message travels on: step events go to the scheduler, everything else to the recipient's inbox. */
export function queueOf(envelope: Pick<Envelope, 'type' | 'to'>): string {
  return MESSAGES.queueOf(envelope);
}

/**
 * What a queue job carries: ids only. The consumer re-reads the message from PostgreSQL, so no
 * citizen's name, ID number or phone ever sits in Redis.
 */
export interface BusJobData {
  messageId: string;
  type: MessageType;
  schemaVersion: number;
  handoffId: string;
  from: UnitCode;
  to: UnitCode;
}

/** Validates a stored payload where it is consumed, against the schema of its version. */
export function validatePayload<T extends MessageType>(
  type: T,
  schemaVersion: number,
  payload: unknown,
): Validated<AnyVersionPayloadIn<typeof MESSAGE_REGISTRY, T>> {
  return MESSAGES.validatePayload(type, schemaVersion, payload);
}
