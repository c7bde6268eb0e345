import { createHmac, timingSafeEqual } from 'node:crypto';

// Webhook deliveries carry `X-Bus-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
// Signing the timestamp with the body lets a receiver refuse replays older than its tolerance.

export const SIGNATURE_HEADER = 'x-bus-signature';

export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const digest = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${digest}`;
}

/** For the units' systems (and our tests): true when the header matches body and secret, within tolerance. */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, body, timestamp).split('v1=')[1], 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}
