import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { unitDefinition, BusEnvelope, CivilAffairsMessage, EducationMessage, RECIPIENT_PROJECTIONS, UNIT_MESSAGES, unitMessageSchemaName } from '#units';
import { type UnitCode, CURRENT_SCHEMA_VERSION, SCHEMA_VERSIONS } from '#contracts';
import { buildOpenApiDocument, serveOpenApiDocument } from '#http';

// The schemas of what units' systems receive are not request or response bodies of any route:
// naming them here makes @nestjs/swagger emit them from their decorators.
export const UNIT_MESSAGE_MODELS = [BusEnvelope, CivilAffairsMessage, EducationMessage];

const SIGNATURE_SCHEME =
  'Every delivery is signed: `X-Bus-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, or ' +
  '`t=<unix seconds>,hmac-sm3=<hex HMAC-SM3(…)>` on a bus with `CRYPTO_SUITE=national` (docs/crypto.md), ' +
  'with the unit’s `WEBHOOK_SECRET`. Verify it over the raw bytes of the body (before any JSON parsing), compare in constant ' +
  'time, and refuse a timestamp more than 5 minutes from your clock (`verifyWebhook` in `libs/client` does all of this). ' +
  'Answer any 2xx for success; anything else, or no answer within `DELIVERY_TIMEOUT_MS`, is retried with exponential backoff. ' +
  'Delivery is at least once: ignore a repeated `X-Bus-Message-Id`. Until delivered, the message is also listed by `GET /inbox`.';

/** A webhook unit's system receives each message of its inbox as one POST to its `WEBHOOK_URL`. */
function webhooks(agency: UnitCode): Record<string, Record<string, unknown>> {
  const unit = unitDefinition(agency);
  return {
    busMessage: {
      post: {
        operationId: 'receiveBusMessage',
        summary: `A message for ${unit.nameZh}, POSTed to its system's WEBHOOK_URL (webhook delivery)`,
        description:
          `Sent when ${unit.nameZh}'s adapter runs with \`DELIVERY_MODE=webhook\` (its default: ${unit.defaultDeliveryMode}). ` + SIGNATURE_SCHEME,
        tags: ['webhooks'],
        security: [],
        parameters: [
          { name: 'X-Bus-Message-Id', in: 'header', required: true, description: 'the message id, the same on every redelivery', schema: { type: 'string', format: 'uuid' } },
          { name: 'X-Bus-Message-Type', in: 'header', required: true, description: 'the message type', schema: { type: 'string', enum: UNIT_MESSAGES.types } },
          {
            name: 'X-Bus-Signature',
            in: 'header',
            required: true,
            description: '`t=<unix seconds>,v1=<hex HMAC-SHA256(WEBHOOK_SECRET, "<t>.<raw body>")>`, or `hmac-sm3=<hex HMAC-SM3>` in the national suite',
            schema: { type: 'string', pattern: '^t=\\d+,(v1|hmac-sm3)=[0-9a-f]{64}$' },
            example: 't=1795666500,v1=5d41402abc4b2a76b9719d911017c592ae1b4e5f6a7c8d9e0f1a2b3c4d5e6f7a',
          },
        ],
        requestBody: {
          required: true,
          description: `the message in ${unit.nameZh}'s own field names; an opening message carries only ${unit.nameZh}'s projection of the payload (第二十四条, see the document's description)`,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/UnitMessage' } } },
        },
        responses: {
          '204': { description: 'received (any 2xx will do); the bus will not send it again' },
          '401': { description: 'the signature did not verify: the bus retries, and the delivery ends in the dead-letter queue if it never verifies' },
          '503': { description: 'the system cannot take it now: retried with exponential backoff' },
        },
      },
    },
  };
}

/** 第二十四条: what the unit receives of each kind of handoff sent to it (its projection), in words. */
function projectionSummary(agency: UnitCode): string {
  const received = Object.entries(RECIPIENT_PROJECTIONS[agency]).filter(([, projection]) => projection.fields.length > 0);
  const parts = received.map(([kind, { fields, materials, article }]) => `${kind} (${article}): ${fields.join(', ')}; documents of type ${materials.join(', ')}`);
  return (
    'Least data (第二十四条): of a handoff sent to this unit, its opening message, `GET /handoffs/{id}`, the inbox, webhooks and attachments carry only ' +
    `the unit's projection — ${parts.length > 0 ? parts.join(' — ') : 'nothing (this unit is sent no handoff)'}. ` +
    'The sender of a handoff reads its full record. '
  );
}

/** The adapter's OpenAPI 3.1 document for one unit; `npm run openapi` writes the same to docs/openapi/. */
export function adapterOpenApiDocument(app: INestApplication, agency: UnitCode): OpenAPIObject {
  const unit = unitDefinition(agency);
  const messageSchema = unitMessageSchemaName(agency);
  return buildOpenApiDocument(app, {
    title: `司法救助与社会救助衔接 — ${unit.nameZh} adapter (${agency})`,
    description:
      `The API ${unit.nameZh}'s own system uses to open handoffs, report their steps and read its inbox (晋检发办字〔2023〕10号, 第十九条–第二十二条). ` +
      'Every call needs `Authorization: Bearer <the unit’s API key>`. Every error is a JSON problem `{ statusCode, error, message, problems: [{ field, message }] }`. ' +
      'Send `Idempotency-Key` on every POST (the bus client does): a retry gets the first answer and writes nothing. ' +
      `Messages reach the unit's system in ${messageSchema === 'BusEnvelope' ? 'the canonical envelope' : `its own field names (${messageSchema})`}, ` +
      'by webhook (see `webhooks`) or by `GET /inbox`. ' +
      projectionSummary(agency) +
      `Payload schema versions accepted: ${SCHEMA_VERSIONS.join(', ')} (current ${CURRENT_SCHEMA_VERSION}); a new version is added beside the old one, never in its place.`,
    localUrl: `http://127.0.0.1:${unit.defaultPort}`,
    tags: [
      ['handoffs', 'open handoffs (移送) and report their steps (第十九条–第二十一条)'],
      ['inbox', 'pull delivery: messages that reached the unit'],
      ['roster', 'the unit’s leader and liaison (第二十二条)'],
      ['webhooks', 'what the bus POSTs to the unit’s system'],
    ],
    schemas: {
      UnitMessage: { description: `what ${unit.nameZh}'s system receives`, allOf: [{ $ref: `#/components/schemas/${messageSchema}` }] },
    },
    extraModels: UNIT_MESSAGE_MODELS,
    webhooks: webhooks(agency),
    infoExtensions: {
      'x-agency': agency,
      // 第二十四条: the payload fields and document types the unit receives, by kind of handoff (libs/units recipient-projections.ts)
      'x-projection': RECIPIENT_PROJECTIONS[agency],
      'x-schema-versions': UNIT_MESSAGES.schemaVersions,
    },
  });
}

/** Serves the unit's document at /openapi.json and /docs, as `npm run openapi` commits it. */
export function serveOpenApi(app: INestApplication, agency: UnitCode): void {
  serveOpenApiDocument(app, adapterOpenApiDocument(app, agency));
}
