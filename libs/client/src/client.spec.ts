import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhook } from '#bus';
import { UnauthorizedException } from '@nestjs/common';
import { BusAdapterClient, BusApiError, busWebhookMiddleware, BusWebhookGuard, type OpenedHandoffs, signWebhookBody, verifyWebhook } from './index.js';

// The client's runtime against a scripted HTTP server: retries, Idempotency-Key, typed errors, and
// the webhook verifier agreeing with the bus's own signer.

type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

async function serve(replies: Reply[], seen: IncomingMessage[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    seen.push(req);
    req.resume();
    req.on('end', () => {
      const reply = replies.shift() ?? { status: 500 };
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const opened: OpenedHandoffs = { requestId: 'r', caseRef: '晋检救〔2026〕1号', handoffs: [] };
const referral = {
  caseRef: '晋检救〔2026〕1号',
  recipients: ['education' as const],
  person: { name: '林某某', idNumber: '11010519491231002X' },
  situation: 'serious-injury-victim' as const,
  investigationEndedOn: '2026-11-20',
  findings: '被害人受犯罪侵害致重伤。',
  suggestion: '建议给予临时救助。',
};

describe('BusAdapterClient', () => {
  let server: Server | undefined;
  afterEach(() => new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined))));

  it('retries 503 and 429 after Retry-After with one Idempotency-Key, then returns the typed body', async () => {
    const seen: IncomingMessage[] = [];
    const started = await serve([{ status: 503, headers: { 'retry-after': '0' } }, { status: 429, body: { statusCode: 429, error: 'TOO_MANY_REQUESTS', message: 'slow down' } }, { status: 201, body: opened }], seen);
    server = started.server;
    const client = new BusAdapterClient({ baseUrl: started.url, apiKey: 'k', retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    await expect(client.openJudicialReferral(referral)).resolves.toEqual(opened);
    expect(seen).toHaveLength(3);
    const keys = seen.map((req) => req.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[0].headers.authorization).toBe('Bearer k');
  });

  it('uses a caller’s Idempotency-Key, and a new one per call otherwise', async () => {
    const seen: IncomingMessage[] = [];
    const started = await serve([{ status: 201, body: opened }, { status: 201, body: opened }, { status: 201, body: opened }], seen);
    server = started.server;
    const client = new BusAdapterClient({ baseUrl: started.url, apiKey: 'k' });
    await client.openJudicialReferral(referral, { idempotencyKey: '2026-jj-0001' });
    await client.openJudicialReferral(referral);
    await client.openJudicialReferral(referral);
    expect(seen[0].headers['idempotency-key']).toBe('2026-jj-0001');
    expect(seen[1].headers['idempotency-key']).not.toBe(seen[2].headers['idempotency-key']);
  });

  it('throws BusApiError with the status and the problem, without retrying a 4xx', async () => {
    const seen: IncomingMessage[] = [];
    const problem = { statusCode: 400, error: 'BAD_REQUEST', message: 'the request is not valid', problems: [{ field: 'reason', message: 'reason is required' }] };
    const started = await serve([{ status: 400, body: problem }], seen);
    server = started.server;
    const client = new BusAdapterClient({ baseUrl: started.url, apiKey: 'k' });
    const error = await client.openJudicialReferral(referral).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BusApiError);
    expect(error).toMatchObject({ status: 400, problem, fields: ['reason'] });
    expect(seen).toHaveLength(1);
  });

  it('gives up after the attempts with the last answer', async () => {
    const seen: IncomingMessage[] = [];
    const started = await serve([{ status: 503 }, { status: 503 }], seen);
    server = started.server;
    const client = new BusAdapterClient({ baseUrl: started.url, apiKey: 'k', retry: { attempts: 2, baseDelayMs: 1 } });
    await expect(client.getHandoff('x')).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(2);
  });
});

describe('verifyWebhook', () => {
  const secret = 'secret-of-civil-affairs-0123456789';
  const raw = JSON.stringify({ ywlx: 'handoff.judicial-referral', xm: '林某某' });
  const now = 1_795_666_500;

  it('accepts what the bus signs, and yields id, type and body', () => {
    const headers = { 'x-bus-signature': signWebhook(secret, raw, now), 'x-bus-message-id': 'm-1', 'x-bus-message-type': 'handoff.judicial-referral' };
    expect(verifyWebhook(raw, headers, secret, { nowSeconds: now + 10 })).toEqual({
      valid: true,
      messageId: 'm-1',
      type: 'handoff.judicial-referral',
      timestamp: now,
      body: { ywlx: 'handoff.judicial-referral', xm: '林某某' },
    });
    expect(signWebhookBody(secret, Buffer.from(raw), now)).toBe(signWebhook(secret, raw, now));
  });

  it('accepts the national suite\'s HMAC-SM3 signature as the bus makes it, and refuses it when told to accept only HMAC-SHA-256', () => {
    const header = signWebhook(secret, raw, now, 'hmac-sm3');
    expect(header).toMatch(/^t=\d+,hmac-sm3=[0-9a-f]{64}$/);
    expect(signWebhookBody(secret, Buffer.from(raw), now, 'hmac-sm3')).toBe(header);
    expect(verifyWebhook(raw, { 'x-bus-signature': header }, secret, { nowSeconds: now })).toMatchObject({ valid: true, timestamp: now });
    expect(verifyWebhook(raw + ' ', { 'x-bus-signature': header }, secret, { nowSeconds: now }).valid).toBe(false);
    expect(verifyWebhook(raw, { 'x-bus-signature': header }, secret, { nowSeconds: now, accept: ['hmac-sha256'] })).toMatchObject({ valid: false });
    expect(verifyWebhook(raw, { 'x-bus-signature': signWebhook(secret, raw, now) }, secret, { nowSeconds: now, accept: ['hmac-sm3'] })).toMatchObject({ valid: false });
  });

  it('refuses another body, another secret, an old timestamp and a missing header', () => {
    const signature = signWebhook(secret, raw, now);
    expect(verifyWebhook(raw + ' ', { 'x-bus-signature': signature }, secret, { nowSeconds: now }).valid).toBe(false);
    expect(verifyWebhook(raw, { 'x-bus-signature': signature }, 'another-secret-0123456789', { nowSeconds: now }).valid).toBe(false);
    expect(verifyWebhook(raw, { 'x-bus-signature': signature }, secret, { nowSeconds: now + 301 }).valid).toBe(false);
    expect(verifyWebhook(raw, {}, secret, { nowSeconds: now }).valid).toBe(false);
  });

  it('as middleware: 401 for a bad signature, next() with the delivery for a good one', async () => {
    const delivered: unknown[] = [];
    const middleware = busWebhookMiddleware(secret);
    const started = createServer((req, res) =>
      middleware(req, res, () => {
        delivered.push((req as { busWebhook?: unknown }).busWebhook);
        res.writeHead(204).end();
      }),
    );
    await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(started.address() as AddressInfo).port}/`;
    try {
      const bad = await fetch(url, { method: 'POST', body: 'not json', headers: { 'x-bus-signature': 't=1,v1=' + '0'.repeat(64) } });
      expect(bad.status).toBe(401);
      const good = await fetch(url, { method: 'POST', body: raw, headers: { 'x-bus-signature': signWebhook(secret, raw, Math.floor(Date.now() / 1000)), 'x-bus-message-id': 'm-2' } });
      expect(good.status).toBe(204);
      expect(delivered).toEqual([{ messageId: 'm-2', type: '', body: JSON.parse(raw) }]);
    } finally {
      await new Promise((resolve) => started.close(resolve));
    }
  });

  it('as a NestJS guard: needs the raw body, refuses a bad signature, leaves the delivery on the request', () => {
    const guard = new BusWebhookGuard(secret, { nowSeconds: now });
    const contextOf = (req: object) => ({ switchToHttp: () => ({ getRequest: () => req }) }) as never;
    const good = { rawBody: Buffer.from(raw), headers: { 'x-bus-signature': signWebhook(secret, raw, now), 'x-bus-message-id': 'm-3', 'x-bus-message-type': 'handoff.feedback' } };
    expect(guard.canActivate(contextOf(good))).toBe(true);
    expect(good).toMatchObject({ busWebhook: { messageId: 'm-3', type: 'handoff.feedback' } });
    expect(() => guard.canActivate(contextOf({ headers: good.headers }))).toThrow(UnauthorizedException);
    expect(() => guard.canActivate(contextOf({ ...good, rawBody: Buffer.from(raw + ' ') }))).toThrow(UnauthorizedException);
  });
});
