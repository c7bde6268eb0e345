import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, serveOpenApiDocument } from '#http';
import { OfficeAlertDelivery } from './api/office.responses.js';

const officeWebhook = {
  officeAlert: {
    post: {
      operationId: 'receiveOfficeAlert',
      summary: 'An escalation or notice POSTed to the office’s system (OFFICE_WEBHOOK_URL)',
      description:
        'Signed like the units’ webhooks: `X-Bus-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(OFFICE_WEBHOOK_SECRET, "<t>.<raw body>")>`, ' +
        'or `hmac-sm3=<hex HMAC-SM3>` with `CRYPTO_SUITE=national`; ' +
        'verify over the raw body and refuse timestamps more than 5 minutes off (`verifyWebhook` in `libs/client`). Any 2xx is success; ' +
        'anything else is retried with backoff for `ALERT_RETRY_WINDOW_SECONDS` (a day). Ignore a repeated `X-Bus-Alert-Id`.',
      tags: ['webhooks'],
      security: [],
      parameters: [
        { name: 'X-Bus-Alert-Id', in: 'header', required: true, description: 'the alert id, the same on every retry', schema: { type: 'string', format: 'uuid' } },
        { name: 'X-Bus-Signature', in: 'header', required: true, description: '`t=<unix seconds>,v1=<hex HMAC-SHA256>` or `t=<unix seconds>,hmac-sm3=<hex HMAC-SM3>`', schema: { type: 'string', pattern: '^t=\\d+,(v1|hmac-sm3)=[0-9a-f]{64}$' } },
      ],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/OfficeAlertDelivery' } } } },
      responses: {
        '204': { description: 'received (any 2xx will do)' },
        '401': { description: 'the signature did not verify: retried' },
      },
    },
  },
};

/** The scheduler's office API, OpenAPI 3.1; `npm run openapi` writes the same to docs/openapi/scheduler.json. */
export function schedulerOpenApiDocument(app: INestApplication): OpenAPIObject {
  return buildOpenApiDocument(app, {
    title: '司法救助与社会救助衔接 — scheduler and joint-meeting office API',
    description:
      'Deadlines on the statutory working-day calendar (第十九条–第二十一条) and escalations to the joint-meeting office (第二十二条). ' +
      'Every call needs `Authorization: Bearer <the office’s key>`; every error is a JSON problem `{ statusCode, error, message, problems }`.',
    localUrl: 'http://127.0.0.1:3200',
    tags: [
      ['escalations', 'the office’s escalation inbox (第二十二条)'],
      ['obligations', 'the timed duties of a handoff'],
      ['calendar', 'the statutory working-day calendar the deadlines use'],
      ['roster', 'each unit’s leader and liaison (第二十二条)'],
      ['webhooks', 'what the scheduler POSTs to the office’s system'],
    ],
    extraModels: [OfficeAlertDelivery],
    webhooks: officeWebhook,
  });
}

export function serveOpenApi(app: INestApplication): void {
  serveOpenApiDocument(app, schedulerOpenApiDocument(app));
}
