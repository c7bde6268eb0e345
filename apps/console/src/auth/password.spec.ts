import { hashPassword, verifyPassword } from './password.js';

describe('console passwords', () => {
  it('stores a salted scrypt hash, never the password, and verifies it', async () => {
    const stored = await hashPassword('正确的密码-2026');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(stored).not.toContain('正确的密码');
    expect(await verifyPassword('正确的密码-2026', stored)).toBe(true);
    expect(await verifyPassword('wrong', stored)).toBe(false);
  });

  it('salts each hash differently', async () => {
    expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
  });

  it('refuses a stored value it does not understand', async () => {
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });
});
