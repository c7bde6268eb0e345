import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument, serveOpenApiDocument } from '#http';
import { SESSION_COOKIE } from './auth/session.service.js';

/**
 * The console is pages for people; what machines may call is documented here: the CSV export
 * (behind a session) and the health and metrics endpoints. `npm run openapi` writes docs/openapi/console.json.
 */
export function consoleOpenApiDocument(app: INestApplication): OpenAPIObject {
  return buildOpenApiDocument(app, {
    title: '司法救助与社会救助衔接 — console (machine-readable endpoints)',
    description:
      'The console (port 3300) is server-rendered pages in Chinese behind sign-in; its machine-readable endpoints are the CSV export of the ' +
      'handoff board (session cookie from `/login`) and, without a session, `/health/*` and `/metrics`. Errors are JSON problems ' +
      '`{ statusCode, error, message, problems }`.',
    localUrl: 'http://127.0.0.1:3300',
    sessionCookie: SESSION_COOKIE,
    tags: [
      ['board', 'the handoff board’s export'],
      ['observability', 'health and metrics'],
    ],
  });
}

export function serveOpenApi(app: INestApplication): void {
  serveOpenApiDocument(app, consoleOpenApiDocument(app));
}
