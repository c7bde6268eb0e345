import { plainToInstance } from 'class-transformer';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { NotTheReceiverError, StepOutOfOrderError } from '#handoffs';
import { judicialReferral } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { inProcessDriver, ManualClock, type MediumAdapter, mediumAdapter, settle } from './support/medium-adapter.js';
import { besidesUndeliverableAlerts, type MediumScheduler, mediumScheduler } from './support/medium-scheduler.js';

/**
 * Issue 12 part 2, 第二十五条 跟踪回访: a handoff concluded with help given gives its receiver two visit
 * duties, 3 and 6 calendar months after the stated concludedOn (1 and 3 on the green channel, 第五条);
 * the scheduler reminds the liaison and escalates a missed visit like any overdue duty; the visit,
 * recorded through the adapter, fulfils it (late when after its due day).
 */
describe('follow-up visits (medium: real PostgreSQL, in-process queues, manual clock)', () => {
  let db: TestDatabase;
  const driver = inProcessDriver();
  // Monday 2026-11-23, 10:00 Beijing time
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let scheduler: MediumScheduler;
  const all = () => [procuratorate, civilAffairs];

  beforeAll(async () => {
    db = await TestDatabase.create('medium_visits');
    procuratorate = await mediumAdapter('procuratorate', { databaseUrl: db.url, driver, clock });
    civilAffairs = await mediumAdapter('civil-affairs', { databaseUrl: db.url, driver, clock });
    scheduler = await mediumScheduler({ databaseUrl: db.url, driver, clock });
  });

  afterAll(async () => {
    await scheduler?.close();
    await procuratorate?.close();
    await civilAffairs?.close();
    await db?.drop();
  });

  async function concludedWithHelp(priorityGroups: string[], outcome = 'assisted'): Promise<string> {
    clock.set(new Date('2026-11-23T02:00:00Z'));
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs'], { priorityGroups }));
    const opened = await procuratorate.writes.run({ method: 'POST', path: '/p', body: request }, (store) => procuratorate.opening.open(store, 'judicial-referral', request));
    const [{ id }] = opened.body.handoffs as { id: string }[];
    await settle(driver, all());
    clock.set(new Date('2026-11-25T02:00:00Z'));
    await civilAffairs.writes.run({ method: 'POST', path: '/s', body: { id } }, (store) => civilAffairs.lifecycle.report(store, id, 'procedure-started', { startedOn: '2026-11-24' }));
    const concluded = outcome === 'assisted' ? { concludedOn: '2026-11-25', outcome, measures: '纳入临时救助' } : { concludedOn: '2026-11-25', outcome, declineReason: 'not-eligible', declineDetails: '收入高于标准' };
    await civilAffairs.writes.run({ method: 'POST', path: '/c', body: { id } }, (store) => civilAffairs.lifecycle.report(store, id, 'concluded', concluded));
    await settle(driver, all());
    return id;
  }

  const visitDuties = (handoffId: string) =>
    db.query<{ rule: string; responsibleAgency: string; dueAt: Date; status: string; late: boolean | null }>(
      `SELECT rule, "responsibleAgency", "dueAt", status, late FROM "Obligation" WHERE "handoffId" = $1 AND rule LIKE 'follow-up-visit-%' ORDER BY rule`,
      [handoffId],
    );

  async function sweepAt(iso: string, handoffId: string): Promise<string[]> {
    clock.set(new Date(iso));
    while ((await scheduler.sweeper.sweepOnce()) > 0);
    await scheduler.alertRelay.publishBatch(100);
    await driver.runUntilIdle();
    const rows = await db.query<{ dedupeKey: string }>(`SELECT "dedupeKey" FROM "Alert" WHERE "handoffId" = $1 AND "dedupeKey" LIKE '%follow-up-visit-%' ORDER BY "createdAt", "dedupeKey"`, [handoffId]);
    return rows.map((row) => row.dedupeKey.split('.').slice(1).join('.'));
  }

  const visit = (handoffId: string, by: MediumAdapter, visitedOn: string, furtherNeeds?: string[]) =>
    by.writes.run({ method: 'POST', path: `/v/${visitedOn}`, body: { handoffId, visitedOn } }, (store) =>
      by.lifecycle.recordFollowUpVisit(store, handoffId, { visitedOn, visitedBy: '民政局王某', situationAfter: 'improved', furtherNeeds: furtherNeeds as never, note: '生活基本稳定' }),
    );

  it('gives the receiver two visits, 3 and 6 months after concludedOn; reminds, escalates a missed one, and the visit fulfils it', async () => {
    const id = await concludedWithHelp([]);
    expect(await visitDuties(id)).toEqual([
      // 2026-11-25 + 3 months: 2027-02-25, closing at 24:00 Beijing time; + 6 months: 2027-05-25.
      { rule: 'follow-up-visit-1', responsibleAgency: 'civil-affairs', dueAt: new Date('2027-02-25T16:00:00Z'), status: 'open', late: null },
      { rule: 'follow-up-visit-2', responsibleAgency: 'civil-affairs', dueAt: new Date('2027-05-25T16:00:00Z'), status: 'open', late: null },
    ]);
    // Half the allowed time: the liaison is reminded; past the due day: escalated to the office.
    expect(await sweepAt('2027-01-12T01:00:00Z', id)).toEqual(['follow-up-visit-1.reminder-1']);
    // (the second reminder, passed while the escalation is also due, is skipped; the second visit's first reminder is due)
    expect(await sweepAt('2027-02-26T01:00:00Z', id)).toEqual(['follow-up-visit-1.reminder-1', 'follow-up-visit-1.overdue', 'follow-up-visit-2.reminder-1']);

    // The visit, two days late, with a need left: recorded, fulfils the first duty (late), proposes the unit it points to.
    clock.set(new Date('2027-02-27T03:00:00Z'));
    const recorded = await visit(id, civilAffairs, '2027-02-27', ['vocational-training']);
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ step: 'follow-up-visit-1', proposedRecipients: [{ unit: 'hrss', articles: ['第十三条'], needs: ['vocational-training'] }] });
    await settle(driver, all());
    expect((await visitDuties(id)).map((duty) => [duty.rule, duty.status, duty.late])).toEqual([
      ['follow-up-visit-1', 'fulfilled', true],
      ['follow-up-visit-2', 'open', null],
    ]);
    // Nothing more for the first; the second comes on time.
    clock.set(new Date('2027-05-20T03:00:00Z'));
    expect((await visit(id, civilAffairs, '2027-05-20')).body.step).toBe('follow-up-visit-2');
    await settle(driver, all());
    expect((await visitDuties(id)).map((duty) => [duty.rule, duty.status, duty.late])).toEqual([
      ['follow-up-visit-1', 'fulfilled', true],
      ['follow-up-visit-2', 'fulfilled', false],
    ]);
    // A third visit is not a step of the policy; the sender does not visit.
    await expect(visit(id, civilAffairs, '2027-05-21')).rejects.toThrow(StepOutOfOrderError);
    await expect(visit(id, procuratorate, '2027-05-21')).rejects.toThrow(NotTheReceiverError);
    // The step is on the handoff's timeline, the visitor's name encrypted at rest.
    const [row] = await db.query<{ details: Record<string, unknown> }>(`SELECT details FROM "HandoffStep" WHERE "handoffId" = $1 AND step = 'follow-up-visit-1'`, [id]);
    expect(row.details).toMatchObject({ visitedOn: '2027-02-27', situationAfter: 'improved' });
    expect(JSON.stringify(row.details)).not.toContain('王某');
    expect(besidesUndeliverableAlerts(driver.deadLetters)).toEqual([]);
  });

  it('visits sooner on the green channel (第五条), and gives no visit to a case concluded without help', async () => {
    const green = await concludedWithHelp(['minor']);
    expect((await visitDuties(green)).map((duty) => [duty.rule, duty.dueAt.toISOString()])).toEqual([
      ['follow-up-visit-1', '2026-12-25T16:00:00.000Z'],
      ['follow-up-visit-2', '2027-02-25T16:00:00.000Z'],
    ]);
    const refused = await concludedWithHelp([], 'refused');
    expect(await visitDuties(refused)).toEqual([]);
  });
});
