import type { ClassConstructor } from 'class-transformer';
import type { AgencyCode } from './agency-codes.js';
import { MessageType } from './message-types.js';
import {
  AdvanceReferralPayloadV1,
  JudicialReferralPayloadV1,
  SocialLeadPayloadV1,
  UrgentMedicalNoticePayloadV1,
} from './payloads/opening.payloads.js';
import {
  ConcludedPayloadV1,
  FeedbackPayloadV1,
  ProcedureStartedPayloadV1,
  ReceiptPayloadV1,
  StepRecordedPayloadV1,
} from './payloads/lifecycle.payloads.js';
import type { Priority } from './policy.enums.js';
import { inboxQueueName, SCHEDULER_QUEUE } from './queue-names.js';
import { type Validated, validatePlain } from './validation.js';

/** One payload type per message type, shared by producer and consumer. */
export interface PayloadByType {
  [MessageType.JudicialReferral]: JudicialReferralPayloadV1;
  [MessageType.AdvanceReferral]: AdvanceReferralPayloadV1;
  [MessageType.SocialLead]: SocialLeadPayloadV1;
  [MessageType.UrgentMedicalNotice]: UrgentMedicalNoticePayloadV1;
  [MessageType.Receipt]: ReceiptPayloadV1;
  [MessageType.ProcedureStarted]: ProcedureStartedPayloadV1;
  [MessageType.Concluded]: ConcludedPayloadV1;
  [MessageType.Feedback]: FeedbackPayloadV1;
  [MessageType.StepRecorded]: StepRecordedPayloadV1;
}

/**
 * Payload classes by type and schema version. A new version is added beside the old one, so
 * messages already stored or queued under the old version stay readable.
 */
const PAYLOAD_SCHEMAS: { [T in MessageType]: Record<number, ClassConstructor<PayloadByType[T]>> } = {
  [MessageType.JudicialReferral]: { 1: JudicialReferralPayloadV1 },
  [MessageType.AdvanceReferral]: { 1: AdvanceReferralPayloadV1 },
  [MessageType.SocialLead]: { 1: SocialLeadPayloadV1 },
  [MessageType.UrgentMedicalNotice]: { 1: UrgentMedicalNoticePayloadV1 },
  [MessageType.Receipt]: { 1: ReceiptPayloadV1 },
  [MessageType.ProcedureStarted]: { 1: ProcedureStartedPayloadV1 },
  [MessageType.Concluded]: { 1: ConcludedPayloadV1 },
  [MessageType.Feedback]: { 1: FeedbackPayloadV1 },
  [MessageType.StepRecorded]: { 1: StepRecordedPayloadV1 },
};

/** The version producers write today. */
export const CURRENT_SCHEMA_VERSION = 1;

/** Every payload schema version a consumer still accepts (the documents list them). */
export const SCHEMA_VERSIONS: readonly number[] = [...new Set(Object.values(PAYLOAD_SCHEMAS).flatMap((byVersion) => Object.keys(byVersion).map(Number)))].sort();

/** The schema versions each message type is accepted in. */
export function schemaVersionsOf(type: MessageType): number[] {
  return Object.keys(PAYLOAD_SCHEMAS[type] ?? {}).map(Number).sort();
}

/** The versioned envelope every message travels in. */
export interface Envelope<T extends MessageType = MessageType> {
  id: string;
  type: T;
  schemaVersion: number;
  from: AgencyCode;
  to: AgencyCode;
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
  return envelope.type === MessageType.StepRecorded ? SCHEDULER_QUEUE : inboxQueueName(envelope.to);
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
  from: AgencyCode;
  to: AgencyCode;
}

/** Validates a stored payload where it is consumed, against the schema of its version. */
export function validatePayload<T extends MessageType>(
  type: T,
  schemaVersion: number,
  payload: unknown,
): Validated<PayloadByType[T]> {
  const schema = PAYLOAD_SCHEMAS[type]?.[schemaVersion];
  if (!schema) {
    return { ok: false, problems: [{ field: 'schemaVersion', message: `no schema ${schemaVersion} for ${type}` }] };
  }
  return validatePlain(schema, payload);
}
