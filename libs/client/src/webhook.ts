import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

// The bus signs each webhook: `X-Bus-Signature: t=<unix seconds>,<mac>=<hex MAC(secret, "<t>.<raw body>")>`,
// the MAC of the deployment's cryptography suite: `v1` HMAC-SHA-256 (international), `hmac-sm3`
// HMAC-SM3 (national; node:crypto has SM3 through OpenSSL). Verify over the raw bytes
// (re-serialised JSON would not match), in constant time, and refuse old timestamps so a captured
// delivery cannot be replayed later.

export type WebhookHeaders = Headers | IncomingHttpHeaders | Record<string, string | string[] | undefined>;

/** A webhook's MAC, as the header names it: `v1` (HMAC-SHA-256) or `hmac-sm3` (HMAC-SM3). */
export type WebhookMac = 'hmac-sha256' | 'hmac-sm3';
const FIELD: Record<WebhookMac, string> = { 'hmac-sha256': 'v1', 'hmac-sm3': 'hmac-sm3' };
const HASH: Record<WebhookMac, 'sha256' | 'sm3'> = { 'hmac-sha256': 'sha256', 'hmac-sm3': 'sm3' };

export interface VerifyOptions {
  /** the MACs accepted (default both: a bus moving between suites signs with either) */
  accept?: readonly WebhookMac[];
  /** how far the signature's time may be from now (default 300 s) */
  toleranceSeconds?: number;
  /** for tests: "now" in unix seconds */
  nowSeconds?: number;
}

export type WebhookVerification =
  | { valid: true; messageId: string; type: string; timestamp: number; body: unknown }
  | { valid: false; reason: string };

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const value = record[name] ?? record[Object.keys(record).find((key) => key.toLowerCase() === name) ?? ''];
  return Array.isArray(value) ? value[0] : value;
}

function macOf(mac: WebhookMac, secret: string, rawBody: string | Buffer, timestampSeconds: number): Buffer {
  return createHmac(HASH[mac], secret).update(`${timestampSeconds}.`).update(rawBody).digest();
}

/** The signature header for a body: what the bus sends (for tests of a unit's receiver). */
export function signWebhookBody(secret: string, rawBody: string | Buffer, timestampSeconds = Math.floor(Date.now() / 1000), mac: WebhookMac = 'hmac-sha256'): string {
  return `t=${timestampSeconds},${FIELD[mac]}=${macOf(mac, secret, rawBody, timestampSeconds).toString('hex')}`;
}

/**
 * Checks a delivery of the bus: the signature over the raw body with the unit's WEBHOOK_SECRET
 * (or the office's), within the tolerance. Also yields the message id (ignore a repeat: delivery
 * is at least once), its type and the parsed body.
 */
export function verifyWebhook(rawBody: string | Buffer, headers: WebhookHeaders, secret: string, options: VerifyOptions = {}): WebhookVerification {
  const signature = header(headers, 'x-bus-signature');
  const match = /^t=(\d+),(v1|hmac-sm3)=([0-9a-f]{64})$/.exec(signature ?? '');
  if (!match) return { valid: false, reason: 'no X-Bus-Signature of the form t=<unix>,v1=<hex> or t=<unix>,hmac-sm3=<hex>' };
  const mac: WebhookMac = match[2] === 'v1' ? 'hmac-sha256' : 'hmac-sm3';
  if (!(options.accept ?? ['hmac-sha256', 'hmac-sm3']).includes(mac)) return { valid: false, reason: `the signature's MAC ${mac} is not accepted here` };
  const timestamp = Number(match[1]);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return { valid: false, reason: 'the signature is too old (or from the future)' };
  if (!timingSafeEqual(macOf(mac, secret, rawBody, timestamp), Buffer.from(match[3], 'hex'))) return { valid: false, reason: 'the signature does not match the body' };
  let body: unknown;
  try {
    body = JSON.parse(Buffer.isBuffer(rawBody) ? rawBody.toString('utf8') : rawBody);
  } catch {
    return { valid: false, reason: 'the body is not JSON' };
  }
  return {
    valid: true,
    messageId: header(headers, 'x-bus-message-id') ?? header(headers, 'x-bus-alert-id') ?? '',
    type: header(headers, 'x-bus-message-type') ?? '',
    timestamp,
    body,
  };
}

/** What the middleware leaves on the request. */
export interface VerifiedWebhook {
  messageId: string;
  type: string;
  body: unknown;
}

type WebhookRequest = IncomingMessage & { rawBody?: Buffer; busWebhook?: VerifiedWebhook };

async function rawBodyOf(req: WebhookRequest, limitBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Express (or plain node:http / Nest `app.use`) middleware: verifies the delivery, puts
 * `{ messageId, type, body }` on `req.busWebhook` and calls next; otherwise answers 401 with a JSON
 * problem (the bus retries). Mount it before any JSON body parser, or give the parser a `verify`
 * that keeps `req.rawBody` (Nest: `NestFactory.create(..., { rawBody: true })`).
 */
export function busWebhookMiddleware(secret: string, options: VerifyOptions & { limitBytes?: number } = {}) {
  return (req: WebhookRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    rawBodyOf(req, options.limitBytes ?? 1_048_576).then(
      (raw) => {
        const result = verifyWebhook(raw, req.headers, secret, options);
        if (!result.valid) {
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 401, error: 'UNAUTHORIZED', message: result.reason }));
          return;
        }
        req.busWebhook = { messageId: result.messageId, type: result.type, body: result.body };
        next();
      },
      (error: unknown) => {
        res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: String(error) }));
      },
    );
  };
}
