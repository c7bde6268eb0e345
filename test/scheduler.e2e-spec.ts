import { readFileSync } from 'node:fs';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { beijingToday, judicialReferral } from './support/factories.js';
import { afterSweeps } from './support/quiescence.js';
import { SchedulerProcess, TestClock } from './support/scheduler-process.js';

// The scheduler as its own process, over real Redis and PostgreSQL, with a clock the test moves
// (CLOCK_FILE): a handoff passes due and the office hears exactly once per level; a step done late
// stops the escalation; a scheduler killed mid-run, or two at once, neither miss nor double.

interface ObligationView {
  id: string;
  rule: string;
  status: string;
  dueAt: string;
  late: boolean | null;
  provisional: boolean;
  missingYears: number[];
  nextLevel: string | null;
  nextActionAt: string | null;
}
interface AlertView {
  id: string;
  dedupeKey: string;
  level: string;
  kind: string;
  handoffId: string | null;
  summary: string;
  acknowledgedAt: string | null;
}

const RULE = 'procedure-started-after-receipt';
/** `ms` past an instant the API gave; none (an obligation with no alert left) fails the test. */
function after(iso: string | null, ms: number): Date {
  if (iso === null) throw new Error('expected an instant, got null');
  return new Date(new Date(iso).getTime() + ms);
}

describe('the scheduler keeps the clocks and escalates', () => {
  let bus: BusFixture;
  let clock: TestClock;
  let scheduler: SchedulerProcess;
  const schedulers: SchedulerProcess[] = [];

  const newScheduler = () => {
    const created = new SchedulerProcess({
      databaseUrl: bus.db.url,
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      queuePrefix: bus.queuePrefix,
      clock,
      officeWebhook: { url: bus.systems.url('office'), secret: 'office-secret-0123456789' },
      // Small batches, so a kill lands between two of them.
      extraEnv: { SWEEP_BATCH_SIZE: '2' },
    });
    schedulers.push(created);
    return created;
  };

  beforeAll(async () => {
    bus = await startBus('sched', { procuratorate: 'pull', 'civil-affairs': 'pull' });
    clock = new TestClock(new Date());
    bus.systems.trust('office', 'office-secret-0123456789');
    scheduler = newScheduler();
    await scheduler.start();
    const roster = await scheduler.put('/roster/civil-affairs', {
      leaderName: '王局长', leaderPhone: '13900000001', leaderEmail: 'leader@mz.example',
      liaisonName: '李联络', liaisonPhone: '13900000002', liaisonEmail: 'liaison@mz.example',
    });
    expect(roster.status).toBe(200);
  });

  afterAll(async () => {
    await Promise.all(schedulers.map((s) => s.stop()));
    await bus?.stop();
  });

  /** Refers a case to civil-affairs and waits until the scheduler holds its receipt obligation. */
  async function receivedHandoff(): Promise<{ handoffId: string; obligation: ObligationView }> {
    const opened = await bus.adapter('procuratorate').post('/handoffs/judicial-referrals', judicialReferral(['civil-affairs'], { priorityGroups: [] }));
    const handoffId: string = opened.body.handoffs[0].id;
    const obligation = await eventually(async () => {
      const found = (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: ObligationView) => o.rule === RULE);
      expect(found).toBeDefined();
      return found as ObligationView;
    });
    return { handoffId, obligation };
  }

  const alertsFor = async (handoffId: string): Promise<AlertView[]> =>
    (await bus.db.query<AlertView>(`SELECT * FROM "Alert" WHERE "handoffId" = $1 ORDER BY "createdAt"`, [handoffId]));
  const officeHooksFor = (handoffId: string) => bus.systems.for('office').filter((hook) => hook.body.handoffId === handoffId);

  it('serves the OpenAPI document committed as docs/openapi/scheduler.json', async () => {
    const served = await (await fetch(`${scheduler.baseUrl}/openapi.json`)).json();
    expect(served).toEqual(JSON.parse(readFileSync('docs/openapi/scheduler.json', 'utf8')));
  });

  it('reminds, then escalates once per level to the liaison, the office and then the leader', async () => {
    const { handoffId, obligation } = await receivedHandoff();
    expect(obligation).toMatchObject({ status: 'open', nextLevel: 'reminder-1', provisional: false });

    clock.set(after(obligation.nextActionAt, 1_000));
    await eventually(async () => expect((await alertsFor(handoffId)).map((a) => a.level)).toEqual(['reminder-1']));

    clock.set(after(obligation.dueAt, 60_000)); // past reminder-2 too: a reminder of a duty already overdue is skipped
    await eventually(async () => expect((await alertsFor(handoffId)).map((a) => a.level)).toEqual(['reminder-1', 'overdue']));
    const overdue = (await alertsFor(handoffId))[1];
    expect(overdue.summary).toContain('晋江市民政局');
    expect(overdue.summary).not.toContain('林某某'); // no citizen in an alert

    // The office's system gets exactly the escalation (reminders go to the liaison only), signed.
    await eventually(() => {
      const hooks = officeHooksFor(handoffId);
      expect(hooks.map((h) => h.body.level)).toEqual(['overdue']);
      expect(hooks[0].signatureValid).toBe(true);
    });
    const open = (await scheduler.get('/escalations?level=overdue')).body as AlertView[];
    expect(open.filter((a) => a.handoffId === handoffId)).toHaveLength(1);

    const leaderAt = (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: ObligationView) => o.rule === RULE).nextActionAt;
    clock.set(after(leaderAt, 60_000));
    await eventually(async () => expect((await alertsFor(handoffId)).map((a) => a.level)).toEqual(['reminder-1', 'overdue', 'overdue-leader']));
    const leader = (await alertsFor(handoffId))[2];
    expect(leader.summary).toContain('王局长');

    // Time goes on; nothing more fires for this obligation.
    clock.set(after(leaderAt, 30 * 24 * 3600_000));
    await afterSweeps(scheduler.baseUrl); // two full passes after the clock moved
    expect(await alertsFor(handoffId)).toHaveLength(3);
    await eventually(() => expect(officeHooksFor(handoffId).map((h) => h.body.level).sort()).toEqual(['overdue', 'overdue-leader']));

    // The office acknowledges and notes; the escalation leaves the open list.
    const ack = await scheduler.post(`/escalations/${overdue.id}/acknowledge`, { by: '办公室张某' });
    expect(ack.status).toBe(200);
    expect((await scheduler.post(`/escalations/${overdue.id}/notes`, { author: '办公室张某', text: '已电话督促民政局联络人' })).status).toBe(201);
    expect((await scheduler.get(`/escalations/${overdue.id}`)).body.notes).toHaveLength(1);
    expect(((await scheduler.get('/escalations?level=overdue')).body as AlertView[]).map((a) => a.id)).not.toContain(overdue.id);
    clock.set(new Date());
  });

  it('stops escalating once the step is done, and records it as late', async () => {
    const { handoffId, obligation } = await receivedHandoff();
    clock.set(after(obligation.dueAt, 60_000));
    await eventually(async () => expect((await alertsFor(handoffId)).map((a) => a.level)).toEqual(['overdue']));

    expect((await bus.adapter('civil-affairs').post(`/handoffs/${handoffId}/procedure-started`, { startedOn: beijingToday() })).status).toBe(201);
    const fulfilled = await eventually(async () => {
      const found = (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: ObligationView) => o.rule === RULE);
      expect(found.status).toBe('fulfilled');
      return found as ObligationView;
    });
    // The step was stamped by the adapter's (real) clock, before the due time the test's clock passed:
    // lateness is judged on when the step happened, so compare with that.
    const [step] = await bus.db.query<{ occurredAt: Date }>(`SELECT "occurredAt" FROM "HandoffStep" WHERE "handoffId" = $1 AND step = 'procedure-started'`, [handoffId]);
    expect(fulfilled.late).toBe(step.occurredAt > new Date(obligation.dueAt));
    expect(fulfilled.nextLevel).toBeNull();

    clock.set(after(obligation.dueAt, 30 * 24 * 3600_000));
    await afterSweeps(scheduler.baseUrl); // two full passes after the clock moved
    expect((await alertsFor(handoffId)).map((a) => a.level)).toEqual(['overdue']);
    clock.set(new Date());
  });

  it('is killed mid-run and restarted, then runs twice at once, and neither misses nor doubles', async () => {
    const handoffs = [];
    for (let i = 0; i < 30; i++) handoffs.push(await receivedHandoff());
    const ids = handoffs.map((h) => h.handoffId);
    const latestDue = handoffs.map((h) => new Date(h.obligation.dueAt).getTime()).reduce((a, b) => Math.max(a, b));
    const count = async (level: string) =>
      Number((await bus.db.query<{ n: string }>(`SELECT count(*) AS n FROM "Alert" WHERE level = $1 AND "handoffId" = ANY($2::uuid[])`, [level, ids]))[0].n);

    clock.set(new Date(latestDue + 60_000));
    await eventually(async () => expect(await count('overdue')).toBeGreaterThan(0), 20_000, 5);
    await scheduler.kill();
    expect(await count('overdue')).toBeLessThan(30); // killed with work left
    await scheduler.start();
    await eventually(async () => expect(await count('overdue')).toBe(30), 30_000);

    // A second scheduler beside the first: both sweep the leader escalations.
    const second = newScheduler();
    await second.start();
    const leaderTimes = await bus.db.query<{ t: Date }>(`SELECT max("nextActionAt") AS t FROM "Obligation" WHERE "handoffId" = ANY($1::uuid[]) AND rule = $2`, [ids, RULE]);
    clock.set(new Date(leaderTimes[0].t.getTime() + 60_000));
    await eventually(async () => expect(await count('overdue-leader')).toBe(30), 30_000);
    await afterSweeps(scheduler.baseUrl); // two full passes after the clock moved

    const perLevel = await bus.db.query<{ handoffId: string; level: string; n: string }>(
      `SELECT "handoffId", level, count(*) AS n FROM "Alert" WHERE "handoffId" = ANY($1::uuid[]) GROUP BY 1, 2`,
      [ids],
    );
    expect(perLevel.filter((row) => row.level === 'overdue')).toHaveLength(30);
    expect(perLevel.filter((row) => row.level === 'overdue-leader')).toHaveLength(30);
    expect(perLevel.every((row) => Number(row.n) === 1)).toBe(true);
    // Every escalation reached the office; a kill between its POST and the stamp may repeat one, never lose one.
    await eventually(() => {
      const keys = new Set(bus.systems.for('office').filter((h) => ids.includes(h.body.handoffId as string)).map((h) => h.body.key));
      expect(keys.size).toBe(60);
    }, 30_000);
    await second.stop();
    clock.set(new Date());
  });

  it('hears of a unit’s new liaison from the unit’s own adapter (第二十二条)', async () => {
    const people = {
      leaderName: '陈局长', leaderPhone: '13900000011', leaderEmail: 'chen@mz.example',
      liaisonName: '周联络', liaisonPhone: '0595-85600000', liaisonEmail: 'zhou@mz.example',
    };
    expect((await bus.adapter('civil-affairs').request('PUT', '/roster', people)).status).toBe(200);
    expect((await bus.adapter('civil-affairs').request('PUT', '/roster', { ...people, liaisonPhone: '123' })).status).toBe(400);
    const notices = await eventually(async () => {
      const found = ((await scheduler.get('/escalations?kind=roster-changed')).body as (AlertView & { agency: string })[]).filter((a) =>
        a.summary.includes('周联络'),
      );
      expect(found).toHaveLength(1);
      return found;
    });
    expect(notices[0].agency).toBe('civil-affairs');
    await eventually(() => expect(bus.systems.for('office').filter((h) => h.body.kind === 'roster-changed' && String(h.body.summary).includes('周联络'))).toHaveLength(1));
    expect((await scheduler.get('/roster')).body.find((r: { agency: string }) => r.agency === 'civil-affairs').liaisonName).toBe('周联络');
  });

  it('counts a deadline into 2027 provisionally, alerts the office, and recomputes when 2027 is loaded', async () => {
    // A lead discovered on Mon 2026-12-28: 5 working days run into 2027, which no package year covers.
    // The adapters refuse a discoveredOn in the future (第二十条 ¶1) and run on the real clock,
    // so the discovery is registered in the database as the adapter would (第二十条 ¶1 registration);
    // the scheduler plans its obligation like any other.
    const handoffId = crypto.randomUUID();
    await bus.db.query(
      `INSERT INTO "DutyRegistration" (id, agency, kind, "caseRef", "statedOn", "registeredAt") VALUES ($1, 'civil-affairs', 'lead-discovered', $2, '2026-12-28', now())`,
      [handoffId, `民政线索-2027-${handoffId.slice(0, 8)}`],
    );
    const provisional = await eventually(async () => {
      const found = (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: ObligationView) => o.rule === 'lead-after-discovery');
      expect(found).toBeDefined();
      return found as ObligationView;
    });
    // 12-29 Tue, 30 Wed, 31 Thu, then weekends only: 01-01 Fri, 01-04 Mon → due 2027-01-04 24:00 Beijing
    expect(provisional).toMatchObject({ provisional: true, missingYears: [2027], dueAt: '2027-01-04T16:00:00.000Z' });
    const calendarAlerts = (await scheduler.get('/escalations?kind=calendar-missing')).body as AlertView[];
    expect(calendarAlerts.map((a) => a.dedupeKey)).toContain('calendar.2027.missing');

    const refused = await scheduler.put('/calendar/years/2027', { holidays: ['2027-01-01', '2027-13-01'], makeupWorkdays: ['2027-01-01'] });
    expect(refused.status).toBe(400);
    expect(refused.body.problems.length).toBeGreaterThanOrEqual(2);
    expect((await scheduler.get('/calendar/years')).body).toEqual([]);

    // 2027 as the office loads it: New Year's Day off (and, say, 01-04 as a bridge day).
    const loaded = await scheduler.put('/calendar/years/2027', { holidays: ['2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04'], makeupWorkdays: ['2027-01-09'] });
    expect(loaded.status).toBe(200);
    expect(loaded.body.recomputed).toBeGreaterThanOrEqual(1);
    const recomputed = (await scheduler.get(`/obligations?handoffId=${handoffId}`)).body.find((o: ObligationView) => o.rule === 'lead-after-discovery');
    // 12-29, 30, 31, then 01-01..04 off → 01-05 Tue, 01-06 Wed → due 2027-01-06 24:00 Beijing
    expect(recomputed).toMatchObject({ provisional: false, missingYears: [], dueAt: '2027-01-06T16:00:00.000Z' });
    expect(((await scheduler.get('/escalations?kind=calendar-missing')).body as AlertView[]).map((a) => a.dedupeKey)).not.toContain('calendar.2027.missing');
  });
});
