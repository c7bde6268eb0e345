import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import {
  UNIT_CODES,
  type UnitCode,
  CURRENT_SCHEMA_VERSION,
  type MessageCatalog,
  type MessageRegistry,
  MESSAGES,
  type MessageType,
  type MessageTypeOnQueue,
  type Priority,
  PRIORITIES,
  SCHEMA_VERSIONS,
} from '#contracts';

/**
 * What the OpenAPI documents say of the messages a unit's system receives (webhook body, `GET /inbox`
 * item), derived from a message catalog: the types of the inbox, the payload schemas an envelope may
 * carry (every version of each; class-validator-jsonschema names each schema after its class), and
 * the schema versions each type is accepted in.
 */
export function unitMessageDocumentation<const R extends MessageRegistry>(catalog: MessageCatalog<R>): {
  types: readonly MessageTypeOnQueue<R, 'inbox'>[];
  payloadSchemas: readonly string[];
  schemaVersions: Readonly<Record<string, number[]>>;
} {
  const types = catalog.typesOn('inbox');
  return {
    types,
    payloadSchemas: catalog.payloadSchemaNames('inbox'),
    schemaVersions: Object.fromEntries(types.map((type) => [type, catalog.schemaVersionsOf(type)])),
  };
}

/** The bus's own: what its adapters' documents list. */
export const UNIT_MESSAGES = unitMessageDocumentation(MESSAGES);

/** The canonical envelope, as a unit's system receives it (webhook body or `GET /inbox` item). */
export class BusEnvelope {
  @ApiProperty({ format: 'uuid', description: 'message id: the same on every redelivery (X-Bus-Message-Id); use it to ignore a repeat', examples: ['5b0c2f7e-3f0a-4c47-9d2e-3b8c1b0f4a11'] })
  id!: string;

  @ApiProperty({ enum: UNIT_MESSAGES.types, description: 'message type (X-Bus-Message-Type)', examples: ['handoff.judicial-referral'] })
  type!: MessageType;

  @ApiProperty({
    enum: SCHEMA_VERSIONS,
    description: `version of the payload's schema (现行 ${CURRENT_SCHEMA_VERSION}); a new version is added beside the old one, which stays readable`,
    examples: [CURRENT_SCHEMA_VERSION],
  })
  schemaVersion!: number;

  @ApiProperty({ enum: UNIT_CODES, description: 'sending unit', examples: ['procuratorate'] })
  from!: UnitCode;

  @ApiProperty({ enum: UNIT_CODES, description: 'receiving unit', examples: ['civil-affairs'] })
  to!: UnitCode;

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

  @ApiProperty({ description: 'the payload of `type` at `schemaVersion`; an opening message’s payload holds only the receiving unit’s projection (第二十四条): a field the schema requires may be absent when the projection leaves it out', oneOf: UNIT_MESSAGES.payloadSchemas.map((name) => ({ $ref: getSchemaPath(name) })) })
  payload!: Record<string, unknown>;
}

/** The schema of what a unit's system receives, by the unit's mapper. */
export function unitMessageSchemaName(code: UnitCode): 'CivilAffairsMessage' | 'EducationMessage' | 'BusEnvelope' {
  return code === 'civil-affairs' ? 'CivilAffairsMessage' : code === 'education' ? 'EducationMessage' : 'BusEnvelope';
}
