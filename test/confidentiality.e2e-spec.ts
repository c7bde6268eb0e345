import { Redis } from 'ioredis';
import { BusAdapterClient } from '#client';
import { UNIT_CODES } from '#contracts';
import { verifyEvidence } from '#persistence';
import { parseSigningRegistry } from '#security';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { dumpDatabase } from './support/db-dump.js';
import { eventually } from './support/eventually.js';
import { advanceReferral, judicialReferral, person, socialLead, urgentMedicalNotice } from './support/factories.js';
import { QUEUE_BACKEND, REDIS_URL } from './support/queue-mode.js';
import { testPublicKeys, TEST_CIPHERTEXT_PREFIX } from './support/security-env.js';

// (parts 2 and 5), end to end: the four flows with fixture people, then the database
// (pg_dump), every Redis key under the bus's prefix and the adapters' logs hold none of their names,
// ID numbers or phones in plain text; the evidence log has their reads and is whole.

async function dumpRedis(prefix: string): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        const value =
          type === 'string' ? await redis.get(key)
          : type === 'hash' ? JSON.stringify(await redis.hgetall(key))
          : type === 'list' ? JSON.stringify(await redis.lrange(key, 0, -1))
          : type === 'set' ? JSON.stringify(await redis.smembers(key))
          : type === 'zset' ? JSON.stringify(await redis.zrange(key, 0, -1))
          : type === 'stream' ? JSON.stringify(await redis.xrange(key, '-', '+'))
          : '';
        parts.push(`${key} ${value}`);
      }
    } while (cursor !== '0');
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

describe('confidentiality at rest, end to end', () => {
  let bus: BusFixture;
  const client = (code: 'procuratorate' | 'civil-affairs' | 'education') => {
    const adapter = bus.adapter(code);
    return new BusAdapterClient({ baseUrl: adapter.baseUrl, apiKey: adapter.apiKey, retry: { baseDelayMs: 50 } });
  };
  const people = [
    person({ name: '欧阳保密甲', phone: '13911112222' }),
    person({ name: '欧阳保密乙', phone: '13933334444' }),
    person({ name: '欧阳保密丙', phone: '0595-85551234' }),
    person({ name: '欧阳保密丁', phone: '13955556666' }),
  ];

  beforeAll(async () => {
    bus = await startBus('confidential', { procuratorate: 'webhook', 'civil-affairs': 'webhook', education: 'pull' });
  }, 120_000);

  afterAll(async () => {
    await bus?.stop();
  });

  it('after the four flows, no fixture’s name, ID number or phone is in the database, the queues or the logs in plain text', async () => {
    const referral = await client('procuratorate').openJudicialReferral(judicialReferral(['civil-affairs', 'education'], { person: people[0] }));
    const advance = await client('procuratorate').openAdvanceReferral(advanceReferral(['civil-affairs'], { person: people[1] }));
    const lead = await client('civil-affairs').openLead(socialLead({ person: people[2] }));
    const notice = await client('civil-affairs').openUrgentMedicalNotice(urgentMedicalNotice({ person: people[3] }));
    const received: [ 'procuratorate' | 'civil-affairs' | 'education', string][] = [
      ...referral.handoffs.map((h) => [h.to, h.id] as [ 'civil-affairs' | 'education', string]),
      ['civil-affairs', advance.handoffs[0].id],
      ['procuratorate', lead.handoffs[0].id],
      ['procuratorate', notice.handoffs[0].id],
    ];
    // Every receiver has it, and reads it (a read of a person's data, in the evidence log).
    for (const [unit, id] of received) {
      const view = await eventually(async () => {
        const read = await client(unit).getHandoff(id);
        expect(read.currentStep).toBe('received');
        return read;
      });
      expect(JSON.stringify(view.details)).toMatch(/欧阳保密/); // units read the plain values
    }
    await eventually(async () => expect((await client('education').listInbox()).items).toHaveLength(1));
    await eventually(() => expect(bus.systems.for('civil-affairs', 'handoff.judicial-referral').length + bus.systems.for('civil-affairs', 'handoff.advance-referral').length).toBe(2));

    const secrets = people.flatMap((p) => [p.name, p.idNumber, p.phone]);
    const { text: dump } = await dumpDatabase(bus.db);
    expect(dump).toContain(referral.handoffs[0].id);
    expect(dump).toContain(TEST_CIPHERTEXT_PREFIX); // the fields are there, encrypted
    const redis = QUEUE_BACKEND === 'redis' ? await dumpRedis(bus.queuePrefix) : '';
    const logs = (['procuratorate', 'civil-affairs', 'education'] as const).map((code) => bus.adapter(code).log).join('\n');
    for (const [where, text] of [['pg_dump', dump], ['redis', redis], ['logs', logs]] as const) {
      const found = secrets.filter((secret) => text.includes(secret));
      expect({ where, found }).toEqual({ where, found: [] });
    }

    // The evidence log has the reads and the steps, and is whole.
    const reads = await bus.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditRecord" WHERE action = 'person-data.read'`);
    expect(reads[0].n).toBeGreaterThanOrEqual(received.length + 1);
    const delivered = await bus.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditRecord" WHERE action = 'person-data.delivered'`);
    expect(delivered[0].n).toBeGreaterThanOrEqual(2);
    const report = await verifyEvidence(bus.db.url, parseSigningRegistry(testPublicKeys(), UNIT_CODES));
    expect(report.problem).toBeNull();
  });
});
