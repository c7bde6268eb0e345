import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import {
  AGENCY_CODES,
  type AgencyCode,
  CURRENT_SCHEMA_VERSION,
  MESSAGE_TYPES,
  type MessageType,
  type Priority,
  PRIORITIES,
  SCHEMA_VERSIONS,
} from '#contracts';

/** Payload schemas (class-validator-jsonschema names them after the classes) a unit's system can receive. */
export const UNIT_PAYLOAD_SCHEMAS = [
  'JudicialReferralPayloadV1',
  'AdvanceReferralPayloadV1',
  'SocialLeadPayloadV1',
  'UrgentMedicalNoticePayloadV1',
  'ReceiptPayloadV1',
  'ProcedureStartedPayloadV1',
  'ConcludedPayloadV1',
  'FeedbackPayloadV1',
] as const;

const UNIT_TYPES = MESSAGE_TYPES.filter((type) => type !== 'handoff.step-recorded');

/** The canonical envelope, as a unit's system receives it (webhook body or `GET /inbox` item). */
export class BusEnvelope {
  @ApiProperty({ format: 'uuid', description: 'message id: the same on every redelivery (X-Bus-Message-Id); use it to ignore a repeat', examples: ['5b0c2f7e-3f0a-4c47-9d2e-3b8c1b0f4a11'] })
  id!: string;

  @ApiProperty({ enum: UNIT_TYPES, description: 'message type (X-Bus-Message-Type)', examples: ['handoff.judicial-referral'] })
  type!: MessageType;

  @ApiProperty({
    enum: SCHEMA_VERSIONS,
    description: `version of the payload's schema (现行 ${CURRENT_SCHEMA_VERSION}); a new version is added beside the old one, which stays readable`,
    examples: [CURRENT_SCHEMA_VERSION],
  })
  schemaVersion!: number;

  @ApiProperty({ enum: AGENCY_CODES, description: 'sending unit', examples: ['procuratorate'] })
  from!: AgencyCode;

  @ApiProperty({ enum: AGENCY_CODES, description: 'receiving unit', examples: ['civil-affairs'] })
  to!: AgencyCode;

  @ApiProperty({ format: 'uuid', description: 'the handoff (移送) this message belongs to', examples: ['0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77'] })
  handoffId!: string;

  @ApiProperty({ description: 'the sender’s case number (案件编号)', examples: ['晋检救〔2026〕1号'] })
  caseRef!: string;

  @ApiProperty({ format: 'uuid', description: 'the request that opened the handoff(s)' })
  correlationId!: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'the message this one answers; null for an opening message' })
  causationId!: string | null;

  @ApiProperty({ format: 'date-time', examples: ['2026-11-23T02:15:00.000Z'] })
  occurredAt!: string;

  @ApiProperty({ enum: PRIORITIES, description: 'urgent (第二十条 ¶2), green-channel (第五条) or normal', examples: ['green-channel'] })
  priority!: Priority;

  @ApiProperty({ description: 'the payload of `type` at `schemaVersion`; an opening message’s payload holds only the receiving unit’s projection (第二十四条): a field the schema requires may be absent when the projection leaves it out', oneOf: UNIT_PAYLOAD_SCHEMAS.map((name) => ({ $ref: getSchemaPath(name) })) })
  payload!: Record<string, unknown>;
}

/** The schema of what a unit's system receives, by the unit's mapper. */
export function unitMessageSchemaName(code: AgencyCode): 'CivilAffairsMessage' | 'EducationMessage' | 'BusEnvelope' {
  return code === 'civil-affairs' ? 'CivilAffairsMessage' : code === 'education' ? 'EducationMessage' : 'BusEnvelope';
}
