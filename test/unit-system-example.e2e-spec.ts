import { BusAdapterClient } from '#client';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { advanceReferral, judicialReferral, socialLead, urgentMedicalNotice } from './support/factories.js';
import { freePort } from './support/free-port.js';
import { SampleUnitSystemProcess } from './support/unit-system-process.js';
import { present } from './support/present.js';

// The sample unit system (examples/unit-system) plays the units' own systems: procuratorate and
// civil-affairs by verified webhooks, education by pulling its inbox. Every handoff of the four flows
// reaches feedback-received with nothing but the sample systems answering, through the bus client.

const FULL_TIMELINE = ['sent', 'received', 'procedure-started', 'concluded', 'feedback-given', 'feedback-received'];
type Unit = 'procuratorate' | 'civil-affairs' | 'education';

describe('the sample unit system runs the flows of the policy', () => {
  let bus: BusFixture;
  const systems = new Map<Unit, SampleUnitSystemProcess>();
  const client = (unit: Unit) => new BusAdapterClient({ baseUrl: bus.adapter(unit).baseUrl, apiKey: bus.adapter(unit).apiKey, retry: { baseDelayMs: 50 } });

  beforeAll(async () => {
    const ports = { procuratorate: await freePort(), 'civil-affairs': await freePort(), education: await freePort() };
    bus = await startBus(
      'sample',
      { procuratorate: 'webhook', 'civil-affairs': 'webhook', education: 'pull' },
      { webhookUrls: { procuratorate: `http://127.0.0.1:${ports.procuratorate}/webhook`, 'civil-affairs': `http://127.0.0.1:${ports['civil-affairs']}/webhook` } },
    );
    for (const unit of ['procuratorate', 'civil-affairs', 'education'] as const) {
      const adapter = bus.adapter(unit);
      systems.set(unit, new SampleUnitSystemProcess({ unit, adapterUrl: adapter.baseUrl, apiKey: adapter.apiKey, port: ports[unit], webhookSecret: unit === 'education' ? undefined : bus.secrets[unit] }));
    }
    await Promise.all([...systems.values()].map((system) => system.start()));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...systems.values()].map((system) => system.stop()));
    await bus?.stop();
  });

  async function untilFedBack(reader: Unit, handoffId: string): Promise<void> {
    const view = await eventually(async () => {
      const read = await client(reader).getHandoff(handoffId);
      expect(read.currentStep).toBe('feedback-received');
      return read;
    }, 60_000);
    expect(view.timeline.map((entry) => entry.step)).toEqual(FULL_TIMELINE);
  }

  it('judicial referral to civil-affairs (webhook) and education (pull): both report every step back', async () => {
    const opened = await client('procuratorate').openJudicialReferral(judicialReferral(['civil-affairs', 'education']));
    for (const handoff of opened.handoffs) await untilFedBack('procuratorate', handoff.id);
    const log = present(systems.get('civil-affairs'), 'the civil-affairs system').log;
    expect(log).toMatch(/webhook handoff\.judicial-referral \S+ signature ok/);
    expect(present(systems.get('education'), 'the education system').log).toMatch(/reported feedback on handoff/);
  }, 90_000);

  it('advance referral', async () => {
    const opened = await client('procuratorate').openAdvanceReferral(advanceReferral(['education']));
    await untilFedBack('procuratorate', opened.handoffs[0].id);
  }, 90_000);

  it('lead from civil-affairs to the procuratorate, whose system reports back', async () => {
    const opened = await client('civil-affairs').openLead(socialLead());
    await untilFedBack('civil-affairs', opened.handoffs[0].id);
    expect(present(systems.get('procuratorate'), 'the procuratorate system').log).toMatch(/webhook handoff\.social-lead \S+ signature ok/);
  }, 90_000);

  it('urgent medical notice from education to the procuratorate', async () => {
    const opened = await client('education').openUrgentMedicalNotice(urgentMedicalNotice());
    expect(opened.handoffs[0].priority).toBe('urgent');
    await untilFedBack('education', opened.handoffs[0].id);
  }, 90_000);
});
