import { jest } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { API_KEY_CACHE_MS, ApiKeyGuard, type ApiKeyLookup, type ApiKeyRecord } from './api-key.guard.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const request = (key: string) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ headers: { authorization: `Bearer ${key}` } }) }) }) as unknown as ExecutionContext;

describe('ApiKeyGuard', () => {
  const rows = new Map<string, ApiKeyRecord>();
  let reads = 0;
  const repository: ApiKeyLookup = { findByHash: async (hash: string) => (reads++, rows.get(hash) ?? null) };
  const row = (key: string, agency: string, fields: Partial<ApiKeyRecord> = {}): ApiKeyRecord & { hash: string } => ({ id: crypto.randomUUID(), agency, hash: sha256(key), expiresAt: null, revokedAt: null, ...fields });
  let now = 1_000_000;

  beforeEach(() => {
    rows.clear();
    reads = 0;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => jest.restoreAllMocks());

  const allowed = (guard: ApiKeyGuard, key: string) => guard.canActivate(request(key)).then(() => true, () => false);

  it('accepts the boot-time keys when the table does not know them', async () => {
    const guard = new ApiKeyGuard([sha256('boot')], 'justice', repository);
    expect(await allowed(guard, 'boot')).toBe(true);
    expect(await allowed(guard, 'other')).toBe(false);
  });

  it('accepts a table key of its own unit until it expires or is revoked, and no other unit’s', async () => {
    const guard = new ApiKeyGuard([], 'justice', repository);
    rows.set(sha256('mine'), row('mine', 'justice', { expiresAt: new Date(now + 10_000) }));
    rows.set(sha256('theirs'), row('theirs', 'education'));
    expect(await allowed(guard, 'mine')).toBe(true);
    expect(await allowed(guard, 'theirs')).toBe(false);
    now += 10_000;
    expect(await allowed(guard, 'mine')).toBe(false); // overlap over
  });

  it('lets a row decide over the boot-time list, so a boot-time key can be revoked', async () => {
    const guard = new ApiKeyGuard([sha256('boot')], 'justice', repository);
    rows.set(sha256('boot'), row('boot', 'justice', { revokedAt: new Date(now) }));
    expect(await allowed(guard, 'boot')).toBe(false);
  });

  it('reads a key’s row again after API_KEY_CACHE_MS: a revocation bites within a second', async () => {
    const guard = new ApiKeyGuard([], 'justice', repository);
    rows.set(sha256('k'), row('k', 'justice'));
    expect(await allowed(guard, 'k')).toBe(true);
    rows.set(sha256('k'), { ...(rows.get(sha256('k')) as ApiKeyRecord), revokedAt: new Date(now) }); // `npm run keys -- revoke`
    now += API_KEY_CACHE_MS - 1;
    expect(await allowed(guard, 'k')).toBe(true); // still cached
    expect(reads).toBe(1);
    now += 1;
    expect(await allowed(guard, 'k')).toBe(false);
    expect(reads).toBe(2);
  });

  it('refuses a missing or malformed Authorization header without reading the table', async () => {
    const guard = new ApiKeyGuard([sha256('boot')], 'justice', repository);
    const bare = { switchToHttp: () => ({ getRequest: () => ({ headers: {} }) }) } as unknown as ExecutionContext;
    await expect(guard.canActivate(bare)).rejects.toThrow(/API key is required/);
    await expect(guard.canActivate(request(`${'k'.repeat(600)}`))).rejects.toThrow(/API key is required/);
    expect(reads).toBe(0);
  });
});
