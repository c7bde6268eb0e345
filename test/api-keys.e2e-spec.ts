import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';

// (第二十四条), credentials: each unit's keys rotate with an overlap and are revoked at once
// with `npm run keys`; the boot-time API_KEY_SHA256 stays as a fallback and can be ended the same way.

const run = promisify(execFile);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('API keys: rotate, revoke, list', () => {
  let bus: BusFixture;
  let scheduler: SchedulerProcess;

  async function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['scripts/keys.mjs', ...args], { env: { ...process.env, DATABASE_URL: bus.db.url } });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const failed = err as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  async function rotate(owner: string, ...options: string[]): Promise<{ key: string; id: string }> {
    const { code, stdout, stderr } = await keys('rotate', owner, ...options);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [, key, idLine] = stdout.trim().split('\n');
    const id = /^id (\S+);/.exec(idLine)?.[1];
    if (!id) throw new Error(`no key id in: ${idLine}`);
    return { key, id };
  }

  const status = async (port: { baseUrl: string }, key: string, path = '/inbox') =>
    (await fetch(`${port.baseUrl}${path}`, { headers: { authorization: `Bearer ${key}` } })).status;

  beforeAll(async () => {
    bus = await startBus('apikeys', { justice: 'pull', education: 'pull' });
    scheduler = new SchedulerProcess({ databaseUrl: bus.db.url, redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', queuePrefix: bus.queuePrefix, clock: new TestClock(new Date()) });
    await scheduler.start();
  });

  afterAll(async () => {
    await scheduler?.stop();
    await bus?.stop();
  });

  it('rotates with an overlap: the new key works at once, the old one until the overlap ends', async () => {
    const justice = bus.adapter('justice');
    const boot = justice.apiKey;
    expect(await status(justice, boot)).toBe(200);
    const first = await rotate('justice', '--boot-key-sha256', sha256(boot));
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    expect(await status(justice, first.key)).toBe(200);
    expect(await status(justice, boot)).toBe(200); // still inside the 7-day overlap
    expect(await status(bus.adapter('education'), first.key)).toBe(401); // a unit's key is its own

    const second = await rotate('justice');
    expect(await status(justice, second.key)).toBe(200);
    expect(await status(justice, first.key)).toBe(200);
    const { stdout } = await keys('list', 'justice');
    expect(stdout).toContain(`${first.id}  overlap`);
    expect(stdout).toContain(`${second.id}  current`);
    expect(stdout).not.toContain(first.key); // keys are printed once, when made, never listed
    const [stored] = await bus.db.query<{ hash: string }>(`SELECT hash FROM "ApiKey" WHERE id = $1`, [second.id]);
    expect(stored.hash).toBe(sha256(second.key));
  });

  it('ends the old keys at once with no overlap', async () => {
    const education = bus.adapter('education');
    const boot = education.apiKey;
    const fresh = await rotate('education', '--overlap-days', '0', '--boot-key-sha256', sha256(boot));
    await eventually(async () => expect(await status(education, boot)).toBe(401), 3_000);
    expect(await status(education, fresh.key)).toBe(200);
  });

  it('revokes a key at once: refused from the next request after the guard’s one-second cache', async () => {
    const justice = bus.adapter('justice');
    const { key, id } = await rotate('justice');
    for (let i = 0; i < 3; i++) expect(await status(justice, key)).toBe(200); // cached as valid
    const revoked = await keys('revoke', 'justice', id.slice(0, 8));
    expect(revoked.stdout).toContain(`revoked 1 key(s) of justice: ${id}`);
    const since = Date.now();
    await eventually(async () => expect(await status(justice, key)).toBe(401), 3_000, 50);
    expect(Date.now() - since).toBeLessThan(2_000); // the cache holds a row at most API_KEY_CACHE_MS (1 s)
    for (let i = 0; i < 5; i++) expect(await status(justice, key)).toBe(401);

    // A boot-time key, by its SHA-256.
    const boot = justice.apiKey;
    expect(await status(justice, boot)).toBe(200);
    expect((await keys('revoke', 'justice', sha256(boot))).code).toBe(0);
    await eventually(async () => expect(await status(justice, boot)).toBe(401), 3_000, 50);
  });

  it('does the same for the office’s key on the scheduler', async () => {
    const boot = scheduler.apiKey;
    expect(await status(scheduler, boot, '/escalations')).toBe(200);
    const { key } = await rotate('office');
    expect(await status(scheduler, key, '/escalations')).toBe(200);
    expect(await status(bus.adapter('justice'), key)).toBe(401);
    expect((await keys('revoke', 'office', '--all')).code).toBe(0);
    await eventually(async () => expect(await status(scheduler, key, '/escalations')).toBe(401), 3_000, 50);
    expect(await status(scheduler, boot, '/escalations')).toBe(200); // the boot-time key was not in the table
  });

  it('refuses bad usage with a message', async () => {
    expect(await keys('rotate', 'police')).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown unit "police"') });
    expect(await keys('revoke', 'justice')).toMatchObject({ code: 2, stderr: expect.stringContaining('revoke needs one key id') });
    expect(await keys('revoke', 'justice', '00000000')).toMatchObject({ code: 1, stderr: expect.stringContaining('no such key') });
    expect(await keys('rotate', 'justice', '--overlap-days', 'soon')).toMatchObject({ code: 2 });
  });
});
