import type { RawBodyRequest } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * A body that is not JSON is refused with 415 before anything reads it. Without this, body-parser
 * leaves a text/plain or form body unparsed and the handler would see no body at all.
 */
export function refuseNonJsonBodies(req: Request, res: Response, next: NextFunction): void {
  // An empty body is no body, whatever its type: fetch() sends `Content-Length: 0` (and no type) on a
  // POST without one — a unit system's `POST /inbox/{id}/ack` — which type-is counts as a body.
  if (req.headers['content-length'] === '0' && req.headers['transfer-encoding'] === undefined) return next();
  // req.is() is null when the request has no body, false when it has one of another type.
  const type = req.is(['application/json', 'application/*+json']);
  if (type === false) return unsupported(res, 'send the body as JSON (Content-Type: application/json)');
  // JSON is UTF-8 (RFC 8259 §8.1). body-parser would decode any charset iconv-lite knows (UTF-7,
  // UTF-16, GBK…), turning bytes the caller did not mean into text that passes validation.
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();
  if (type !== null && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return unsupported(res, 'JSON bodies are UTF-8: send charset=utf-8 or no charset');
  }
  next();
}

/** The refusal of a JSON body whose bytes are not UTF-8; body-parser answers with the error's status. */
export class BodyNotUtf8Error extends Error {
  override readonly name = 'BodyNotUtf8Error';
  readonly status = 415;
  readonly expose = true;
  constructor() {
    super('JSON bodies are UTF-8: the body holds bytes that are not valid UTF-8 (an overlong or truncated sequence, an encoded surrogate, a stray byte)');
  }
}

/**
 * body-parser's `verify`: the raw bytes must be strict UTF-8 (RFC 8259 §8.1; RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF). Decoding leniently would store each bad sequence as
 * U+FFFD, text the sender never wrote, in a field that accepts it.
 */
export function refuseInvalidUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  if (!isUtf8(body)) throw new BodyNotUtf8Error();
}

/**
 * body-parser's `verify` for the apps' JSON bodies: strict UTF-8 (above), and the bytes kept as
 * `rawBody`: an Idempotency-Key binds the request as sent, and hashing the bytes needs no
 * re-serialisation of a parsed body (which overflows the stack on the deep nesting the validation
 * pipe refuses, and would cost a second pass over an attachment's megabytes).
 */
export function verifyJsonBody(req: RawBodyRequest<IncomingMessage>, res: ServerResponse, body: Buffer): void {
  refuseInvalidUtf8(req, res, body);
  req.rawBody = body;
}

function unsupported(res: Response, message: string): void {
  res.status(415).json({ statusCode: 415, error: 'UNSUPPORTED_MEDIA_TYPE', message, problems: [{ field: '', message }] });
}

/** A route whose bodies may be larger than the app's limit (an attachment upload). */
export interface LargerBodyRoute {
  method: string;
  path: RegExp;
  limit: number;
}

const JSON_TYPES = ['application/json', 'application/*+json'];

/**
 * JSON bodies only, up to `limit` bytes (larger: 413), or a route's own larger limit; strict JSON
 * (an object or an array at the top) in strict UTF-8 (else 415); no server details.
 */
export function useJsonBodies(app: NestExpressApplication, limit: number, largerFor: readonly LargerBodyRoute[] = []): void {
  hideServerDetails(app.getHttpAdapter().getInstance());
  app.use(refuseNonJsonBodies);
  for (const route of largerFor) {
    const parse = express.json({ limit: route.limit, strict: true, type: JSON_TYPES, verify: verifyJsonBody });
    // body-parser marks what it parsed: the app-wide parser after this one leaves the body alone.
    app.use((req: Request, res: Response, next: NextFunction) => (req.method === route.method && route.path.test(req.path) ? parse(req, res, next) : next()));
  }
  // express.json itself, not app.useBodyParser: Nest keeps `verify` to itself (for its rawBody option, unused here).
  app.use(express.json({ limit, strict: true, type: JSON_TYPES, verify: verifyJsonBody }));
}

/**
 * No stack trace in any answer: every error goes through ProblemFilter, and should one escape to
 * Express's last handler, that handler prints stacks unless its app is in "production" (it reads
 * this setting, not NODE_ENV, per request). And no X-Powered-By advertising the framework.
 */
export function hideServerDetails(server: { set(setting: string, value: unknown): unknown; disable(setting: string): unknown }): void {
  server.set('env', 'production');
  server.disable('x-powered-by');
}
