import { signWebhook, verifyWebhook } from './webhook-signature.js';

describe('webhook signature', () => {
  const secret = 'unit-secret-0123456789';
  const body = JSON.stringify({ id: 'm1' });

  it('verifies what it signed', () => {
    expect(verifyWebhook(secret, body, signWebhook(secret, body, 1000), 1010)).toBe(true);
  });

  it('refuses another body, another secret, a replay past tolerance, no header', () => {
    const header = signWebhook(secret, body, 1000);
    expect(verifyWebhook(secret, '{}', header, 1000)).toBe(false);
    expect(verifyWebhook('other-secret-0123456789', body, header, 1000)).toBe(false);
    expect(verifyWebhook(secret, body, header, 1000 + 301)).toBe(false);
    expect(verifyWebhook(secret, body, undefined, 1000)).toBe(false);
  });

  it('signs with HMAC-SM3 in the national suite, names it, and verifies either MAC', () => {
    const national = signWebhook(secret, body, 1000, 'hmac-sm3');
    expect(national).toMatch(/^t=1000,hmac-sm3=[0-9a-f]{64}$/);
    expect(signWebhook(secret, body, 1000)).toMatch(/^t=1000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(secret, body, national, 1000)).toBe(true);
    expect(verifyWebhook(secret, '{}', national, 1000)).toBe(false);
    // the MAC is the header's: an HMAC-SM3 value under the v1 name does not verify
    expect(verifyWebhook(secret, body, national.replace('hmac-sm3=', 'v1='), 1000)).toBe(false);
  });
});
