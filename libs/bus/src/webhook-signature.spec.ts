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
});
