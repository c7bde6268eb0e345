import { createHmac, timingSafeEqual } from 'node:crypto';

// Webhook deliveries carry `X-Bus-Signature: t=<unix seconds>,<mac>=<hex MAC(secret, "<t>.<body>")>`,
// the MAC named by the deployment's cryptography suite: `v1` is HMAC-SHA-256 (international),
// `hmac-sm3` is HMAC-SM3 (national). Signing the timestamp with the body lets a receiver refuse
// replays older than its tolerance.

export const SIGNATURE_HEADER = 'x-bus-signature';

export type WebhookMac = 'hmac-sha256' | 'hmac-sm3';

/** The header's name of each MAC; `v1` stays HMAC-SHA-256's, as the units' receivers know it. */
const FIELD: Record<WebhookMac, string> = { 'hmac-sha256': 'v1', 'hmac-sm3': 'hmac-sm3' };
const HASH: Record<WebhookMac, 'sha256' | 'sm3'> = { 'hmac-sha256': 'sha256', 'hmac-sm3': 'sm3' };

function digest(mac: WebhookMac, secret: string, body: string, timestampSeconds: number): string {
  return createHmac(HASH[mac], secret).update(`${timestampSeconds}.${body}`).digest('hex');
}

export function signWebhook(secret: string, body: string, timestampSeconds: number, mac: WebhookMac = 'hmac-sha256'): string {
  return `t=${timestampSeconds},${FIELD[mac]}=${digest(mac, secret, body, timestampSeconds)}`;
}

/** For the units' systems (and our tests): true when the header (either MAC) matches body and secret, within tolerance. */
export function verifyWebhook(
  secret: string,
  body: string,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const match = /^t=(\d+),(v1|hmac-sm3)=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const mac: WebhookMac = match[2] === 'v1' ? 'hmac-sha256' : 'hmac-sm3';
  return timingSafeEqual(Buffer.from(digest(mac, secret, body, timestamp), 'hex'), Buffer.from(match[3], 'hex'));
}
