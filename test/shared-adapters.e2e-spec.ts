import type { UnitCode } from '#contracts';
import { eventually } from './support/eventually.js';
import { judicialReferral } from './support/factories.js';
import { SharedAdapterProcess } from './support/shared-adapter-process.js';
import { TestDatabase } from './support/test-database.js';
import { UnitSystems } from './support/unit-system.js';

// Several units' adapters in one process for a small site (ADAPTER_UNITS, multi-main.ts),
// each still its own API port, API key, signing key, queues and database login (第二十四条).
describe('several units’ adapters in one process', () => {
  let db: TestDatabase;
  let systems: UnitSystems;
  let shared: SharedAdapterProcess;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `t-shared-${process.pid}`;
  const secret = 'secret-of-civil-affairs-0123456789';

  // Three Nest applications start one after another in one process: on a loaded machine, beyond jest's 60 s.
  beforeAll(async () => {
    db = await TestDatabase.create('shared_adapters');
    systems = new UnitSystems({ 'civil-affairs': secret });
    await systems.start();
    shared = await SharedAdapterProcess.create({
      databaseUrl: db.url,
      redisUrl,
      queuePrefix,
      units: {
        procuratorate: { delivery: { mode: 'pull' } },
        'civil-affairs': { delivery: { mode: 'webhook', url: systems.url('civil-affairs'), secret } },
        education: { delivery: { mode: 'pull' } },
      },
    });
    await shared.start();
  }, 240_000);

  afterAll(async () => {
    await shared?.stop();
    await systems?.stop();
    await db?.drop();
  });

  const units = ['procuratorate', 'civil-affairs', 'education'] as const;

  it('answers each unit on its own port, to its own API key only', async () => {
    expect(new Set(units.map((code) => shared.unit(code).port)).size).toBe(3);
    for (const code of units) {
      const unit = shared.unit(code);
      expect((await unit.get('/handoffs?role=sent')).status).toBe(200);
      for (const other of units.filter((each) => each !== code)) {
        const status = (await unit.get('/handoffs?role=sent', shared.unit(other).apiKey)).status;
        expect({ port: code, key: other, status }).toEqual({ port: code, key: other, status: 401 });
      }
      // Each port serves its own unit's document (the unit's projection, x-projection).
      const document = await fetch(`${unit.baseUrl}/openapi.json`).then((response) => response.json() as Promise<{ info: { title: string } }>);
      expect(document.info.title).toContain(code);
    }
  });

  it('carries a referral from one unit of the process to the others through the queues, each delivering its own way', async () => {
    const opened = await shared.unit('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs', 'education']));
    expect(opened.status).toBe(201);
    const sent = opened.body.handoffs as { id: string; to: UnitCode; messageId: string }[];
    const toEducation = sent.find((handoff) => handoff.to === 'education');
    const toCivil = sent.find((handoff) => handoff.to === 'civil-affairs');
    // education pulls it on its port; civil-affairs gets its signed webhook.
    await eventually(async () => {
      const inbox = await shared.unit('education').get('/inbox');
      expect(inbox.body.items.map((item: { messageId: string }) => item.messageId)).toContain(toEducation?.messageId);
    });
    await eventually(() => {
      const hooks = systems.for('civil-affairs', 'handoff.judicial-referral').filter((hook) => hook.body.yjid === toCivil?.id);
      expect(hooks.map((hook) => hook.signatureValid)).toEqual([true]);
    });
    // The receipt travels back to the sender, in the same process, as a message of its own.
    await eventually(async () => {
      const handoff = await shared.unit('procuratorate').get(`/handoffs/${toEducation?.id}`);
      expect(handoff.body.timeline.map((step: { step: string }) => step.step)).toContain('received');
    });
  });

  it('connects each unit with its own database login, so a unit cannot read another unit’s handoff', async () => {
    const opened = await shared.unit('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs']));
    expect(opened.status).toBe(201);
    const [{ id }] = opened.body.handoffs as { id: string }[];
    await eventually(async () => expect((await shared.unit('civil-affairs').get(`/handoffs/${id}`)).status).toBe(200));
    // education shares the process, not the handoff: its login's row-level security hides the row.
    expect((await shared.unit('education').get(`/handoffs/${id}`)).status).toBe(404);
    const listed = await shared.unit('education').get('/handoffs?role=received');
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(id);
    const sessions = await db.query<{ usename: string }>(
      `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database() AND usename LIKE 'bus\\_%'`,
    );
    expect(sessions.map((row) => row.usename).sort()).toEqual(['bus_unit_civil_affairs', 'bus_unit_education', 'bus_unit_procuratorate']);
  });

  it('refuses to start when a unit is given another unit’s login, naming the unit', async () => {
    const shares = await SharedAdapterProcess.create({
      databaseUrl: db.url,
      redisUrl,
      queuePrefix,
      units: { justice: { delivery: { mode: 'pull' } }, hrss: { delivery: { mode: 'pull' }, databaseLogin: 'bus_unit_justice' } },
    });
    await expect(shares.start()).rejects.toThrow(/HRSS__DATABASE_URL: the same as justice's; each unit has its own login/);
    // A login of a unit outside the process: the unit's own boot check refuses it.
    const wrong = await SharedAdapterProcess.create({
      databaseUrl: db.url,
      redisUrl,
      queuePrefix,
      units: { justice: { delivery: { mode: 'pull' } }, hrss: { delivery: { mode: 'pull' }, databaseLogin: 'bus_unit_education' } },
    });
    await expect(wrong.start()).rejects.toThrow(/hrss: DATABASE_URL logs in as bus_unit_education, not as bus_unit_hrss/);
  }, 240_000); // two processes, the second boots one unit's app before it refuses the next: slow on a loaded 2-core machine

  it('refuses a login, port or key set once for all units instead of per unit', async () => {
    const common = await SharedAdapterProcess.create({
      databaseUrl: db.url,
      redisUrl,
      queuePrefix,
      units: { justice: { delivery: { mode: 'pull' } }, hrss: { delivery: { mode: 'pull' } } },
      extraEnv: { DATABASE_URL: db.url },
    });
    await expect(common.start()).rejects.toThrow(/DATABASE_URL: each unit of ADAPTER_UNITS has its own; set them per unit \(e\.g\. JUSTICE__DATABASE_URL\)/);
  }, 120_000);

  it('drains every unit’s app at SIGTERM and exits', async () => {
    await shared.stop();
    expect([0, 'SIGTERM']).toContain(shared.lastExit?.code ?? shared.lastExit?.signal);
    expect(shared.log).not.toMatch(/"level":(50|60)/);
  });
});
