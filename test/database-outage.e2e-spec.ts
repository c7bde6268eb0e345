import type { AdapterProcess } from './support/adapter-process.js';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { judicialReferral } from './support/factories.js';
import { describeOnRedisServer, ON_REDIS, REDIS_URL } from './support/queue-mode.js';
import { TcpProxy } from './support/tcp-proxy.js';

// "refuse rather than pretend": while PostgreSQL is unreachable the units' API answers
// 503 with Retry-After (not 500), readiness says so, nothing accepted is lost, and the same
// request with its Idempotency-Key works once the database is back. PostgreSQL is taken away
// through a TCP proxy, so the machine's server is never touched. (On the Redis pass only: on the
// PostgreSQL queue backend the queues would go down with it, which the fault suite covers.)
describeOnRedisServer('PostgreSQL unreachable', () => {
  let bus: BusFixture;
  let proxy: TcpProxy;
  const env: Record<string, string> = { ...ON_REDIS };
  const procuratorate = (): AdapterProcess => bus.adapter('procuratorate');

  beforeAll(async () => {
    bus = await startBus('pg-outage', { procuratorate: 'pull', 'civil-affairs': 'webhook' }, { redisUrl: REDIS_URL, extraEnv: env, start: false });
    const database = new URL(bus.db.url);
    proxy = new TcpProxy(database.hostname, Number(database.port || 5432));
    await proxy.up();
    env.DATABASE_URL = proxy.through(bus.db.url);
    await Promise.all([procuratorate().start(), bus.adapter('civil-affairs').start()]);
  });

  afterAll(async () => {
    await proxy?.up().catch(() => undefined);
    await bus?.stop();
    await proxy?.down();
  });

  it('answers 503 with Retry-After, then takes the same request once the database is back, and loses nothing', async () => {
    const before = await procuratorate().post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
    expect(before.status).toBe(201);

    await proxy.down();
    const referral = judicialReferral(['civil-affairs']);
    const headers = { 'idempotency-key': `outage-${Date.now()}` };
    const refused = await eventually(async () => {
      const answer = await procuratorate().post('/handoffs/judicial-referrals', referral, headers);
      expect(answer.status).toBe(503);
      return answer;
    }, 30_000);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toMatchObject({ statusCode: 503, error: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(refused.body)).not.toMatch(/at \S+ \(|prisma|ECONNREFUSED/i);
    const ready = await fetch(`${procuratorate().baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(JSON.stringify(await ready.json())).toContain('postgres');

    await proxy.up();
    const accepted = await eventually(async () => {
      const answer = await procuratorate().post('/handoffs/judicial-referrals', referral, headers);
      expect(answer.status).toBe(201);
      return answer;
    }, 60_000);

    // Both referrals — the one accepted before the outage, the one accepted after — reach the unit's system once.
    const ids = [before.body.handoffs[0].messageId, accepted.body.handoffs[0].messageId];
    await eventually(() => {
      const hits = bus.systems.for('civil-affairs').map((hook) => hook.messageId);
      for (const id of ids) expect(hits.filter((hit) => hit === id)).toHaveLength(1);
    }, 60_000);
    const [{ n }] = await bus.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Handoff" WHERE "fromAgency" = 'procuratorate'`);
    expect(n).toBe(2);
  });
});
