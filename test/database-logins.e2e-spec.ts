import { AdapterProcess } from './support/adapter-process.js';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { judicialReferral } from './support/factories.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';

// 第二十四条: every app connects with its own login, which row-level security binds;
// an app handed the owner's login (or another unit's) refuses to start, naming DATABASE_URL.
describe('database logins', () => {
  let bus: BusFixture;

  beforeAll(async () => {
    bus = await startBus('db-logins', { procuratorate: 'pull', education: 'pull' });
  });

  afterAll(async () => {
    await bus?.stop();
  });

  const processOptions = () => ({
    databaseUrl: bus.db.url,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    queuePrefix: bus.queuePrefix,
  });

  it('runs each adapter under its unit’s login, and a referral still travels', async () => {
    const opened = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['education']));
    expect(opened.status).toBe(201);
    const [{ messageId }] = opened.body.handoffs;
    await eventually(async () => {
      const inbox = await bus.adapter('education').get('/inbox');
      expect(inbox.body.items.map((item: { messageId: string }) => item.messageId)).toContain(messageId);
    });
    const sessions = await bus.db.query<{ usename: string }>(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND usename LIKE 'bus\\_%'`,
    );
    expect(sessions.map((row) => row.usename).sort()).toEqual(['bus_unit_education', 'bus_unit_procuratorate']);
  });

  it('refuses to start an adapter with the owner’s login, which bypasses row-level security', async () => {
    const adapter = new AdapterProcess({ agency: 'justice', ...processOptions(), delivery: { mode: 'pull' }, databaseLogin: 'postgres' });
    await expect(adapter.start()).rejects.toThrow(/DATABASE_URL logs in as postgres, not as bus_unit_justice/);
  });

  it('refuses to start an adapter with another unit’s login', async () => {
    const adapter = new AdapterProcess({ agency: 'justice', ...processOptions(), delivery: { mode: 'pull' }, databaseLogin: 'bus_unit_education' });
    await expect(adapter.start()).rejects.toThrow(/DATABASE_URL logs in as bus_unit_education, not as bus_unit_justice/);
  });

  it('refuses to start the scheduler with the owner’s login', async () => {
    const scheduler = new SchedulerProcess({ ...processOptions(), clock: new TestClock(new Date()), databaseLogin: 'postgres' });
    await expect(scheduler.start()).rejects.toThrow(/DATABASE_URL logs in as postgres, not as bus_scheduler/);
  });
});
