import { startOfBeijingDay } from '#calendar';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { ConsoleClient } from './support/console-client.js';
import { ConsoleProcess } from './support/console-process.js';
import { seedUser } from './support/console-seed.js';
import { eventually } from './support/eventually.js';
import { beijingToday, judicialReferral } from './support/factories.js';
import { REDIS_URL } from './support/queue-mode.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';

// 第二十一条 with real processes: a unit concludes a case and gives its feedback the same morning,
// through its adapter's API, and the office's timeliness page and the evaluation count the duties it
// kept. The adapters and the scheduler share a clock the test sets to a Beijing morning (CLOCK_FILE);
// the console reads the real clock, so the morning is in this month.

interface ObligationView {
  rule: string;
  status: string;
  responsibleAgency: string;
  startAt: string;
  dueAt: string;
  fulfilledAt: string | null;
  late: boolean | null;
}

describe('timeliness of a case concluded and fed back the same morning (第二十一条)', () => {
  let bus: BusFixture;
  let clock: TestClock;
  let scheduler: SchedulerProcess;
  let console_: ConsoleProcess;
  const today = beijingToday();
  // 09:00 Beijing today (or a minute ago, if the test runs before 09:00): before noon either way.
  const morning = new Date(Math.max(startOfBeijingDay(today).getTime() + 60_000, Math.min(startOfBeijingDay(today).getTime() + 9 * 3600_000, Date.now() - 60_000)));
  const at = (minutes: number) => new Date(morning.getTime() + minutes * 60_000);

  beforeAll(async () => {
    clock = new TestClock(at(0));
    bus = await startBus('timeliness', { procuratorate: 'pull', 'civil-affairs': 'pull' }, { extraEnv: { CLOCK_FILE: clock.path } });
    scheduler = new SchedulerProcess({ databaseUrl: bus.db.url, redisUrl: REDIS_URL, queuePrefix: bus.queuePrefix, clock });
    await seedUser(bus.db, 'office', 'office-password-1', 'office');
    console_ = new ConsoleProcess({ databaseUrl: bus.db.url, redisUrl: REDIS_URL, queuePrefix: bus.queuePrefix });
    await Promise.all([scheduler.start(), console_.start()]);
  }, 120_000);

  afterAll(async () => {
    await console_?.stop();
    await scheduler?.stop();
    await bus?.stop();
  });

  it('answers the page with every duty on time and 0 working days, as the evaluation counts them', async () => {
    const procuratorate = bus.adapter('procuratorate');
    const civil = bus.adapter('civil-affairs');
    const opened = await procuratorate.post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs'], { investigationEndedOn: today }));
    expect(opened.status).toBe(201);
    const [{ id }] = opened.body.handoffs as { id: string }[];
    await eventually(async () => expect((await civil.get(`/handoffs/${id}`)).body.currentStep).toBe('received'));
    clock.set(at(10));
    expect((await civil.post(`/handoffs/${id}/procedure-started`, { startedOn: today })).status).toBe(201);
    clock.set(at(20));
    expect((await civil.post(`/handoffs/${id}/concluded`, { concludedOn: today, outcome: 'assisted', measures: '纳入临时救助' })).status).toBe(201);
    clock.set(at(30));
    expect((await civil.post(`/handoffs/${id}/feedback`, { summary: '已纳入临时救助' })).status).toBe(201);

    const feedbackDuty = await eventually(async () => {
      const duty = ((await scheduler.get(`/obligations?handoffId=${id}`)).body as ObligationView[]).find((o) => o.rule === 'feedback-after-conclusion');
      expect(duty).toMatchObject({ status: 'fulfilled', late: false, responsibleAgency: 'civil-affairs' });
      return duty as ObligationView;
    });
    const office = await ConsoleClient.signIn(console_.baseUrl, 'office', 'office-password-1');
    const page = await office.fetch('/timeliness?period=month');
    expect(page.status).toBe(200);
    const html = await page.text();
    const row = /<tr><td>晋江市民政局<\/td>([\s\S]*?)<\/tr>/.exec(html)?.[1].replace(/\s+/g, '');
    // Started and fed back the same day as received and concluded: 2 duties, both on time, 0 working days.
    expect(row).toBe('<td>2</td><td>2</td><td>100%</td><td>0</td>');

    // The stated date's instant is the start of its Beijing day: the feedback given that morning is after it.
    expect(feedbackDuty.startAt).toBe(startOfBeijingDay(today).toISOString());
    expect(new Date(feedbackDuty.fulfilledAt ?? 0).getTime()).toBeGreaterThanOrEqual(new Date(feedbackDuty.startAt).getTime());
    expect(new Date(feedbackDuty.fulfilledAt ?? 0).getTime()).toBeLessThan(startOfBeijingDay(today).getTime() + 12 * 3600_000);

    // The evaluation counts the same stage the same way: feedback on the day of 办结 is 0 working days.
    const evaluation = await scheduler.get(`/evaluation?period=${today.slice(0, 7)}&unit=civil-affairs`);
    expect(evaluation.status).toBe(200);
    const [unit] = evaluation.body.units as { stages: { stage: string; medianWorkingDays: number }[]; timeliness: { rule: string; onTime: number; late: number }[] }[];
    expect(unit.stages.find((stage) => stage.stage === 'feedback')).toMatchObject({ medianWorkingDays: 0 });
    expect(unit.stages.find((stage) => stage.stage === 'start')).toMatchObject({ medianWorkingDays: 0 });
  });
});
