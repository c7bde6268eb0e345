import { plainToInstance } from 'class-transformer';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { judicialReferral } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';
import { besidesUndeliverableAlerts, type MediumScheduler } from './support/medium-scheduler.js';

/**
 * 第二十一条 through the scheduler's services: a receipt starts the 5-working-day clock on the
 * receiver, the sweep reminds and escalates once per level as the manual clock passes each time,
 * and the step that fulfils the duty stops it.
 */
describe('deadlines and escalation (medium: real PostgreSQL, in-process queues, manual clock)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  // Monday 2026-11-23, 10:00 Beijing time
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let scheduler: MediumScheduler;
  const all = () => [procuratorate, civilAffairs];

  beforeAll(async () => {
    bus = await startMediumBus('medium_deadlines', { units: ['procuratorate', 'civil-affairs'], scheduler: true, driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs] = bus.adapters;
    scheduler = bus.scheduler();
  });

  afterAll(async () => {
    await bus?.close();
  });

  async function sweepAt(iso: string): Promise<string[]> {
    clock.set(new Date(iso));
    while ((await scheduler.sweeper.sweepOnce()) > 0);
    await scheduler.alertRelay.publishBatch(100);
    await driver.runUntilIdle();
    return (await db.query<{ dedupeKey: string }>(`SELECT "dedupeKey" FROM "Alert" WHERE kind IN ('reminder', 'escalation') ORDER BY "createdAt", "dedupeKey"`)).map(
      (row) => row.dedupeKey.split('.').slice(1).join('.'),
    );
  }

  it('reminds, escalates once per level, and stops when the procedure starts', async () => {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs'], { priorityGroups: [] }));
    const opened = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    const [{ id: handoffId }] = opened.handoffs;
    await settle(driver, all());

    const obligations = await db.query<{ rule: string; responsibleAgency: string; dueAt: Date; status: string }>(
      `SELECT rule, "responsibleAgency", "dueAt", status FROM "Obligation" WHERE "handoffId" = $1 ORDER BY rule`,
      [handoffId],
    );
    const started = obligations.find((o) => o.rule === 'procedure-started-after-receipt');
    // Received Monday 2026-11-23: 5 working days after it end on Monday 2026-11-30, 24:00 Beijing time.
    expect(started).toMatchObject({ responsibleAgency: 'civil-affairs', status: 'open' });
    expect(started?.dueAt.toISOString()).toBe('2026-11-30T16:00:00.000Z');

    const procedure = (keys: string[]) => keys.filter((key) => key.startsWith('procedure-started-after-receipt'));
    expect(procedure(await sweepAt('2026-11-23T03:00:00Z'))).toEqual([]);
    // Reminded at half the time, then on the last working day (Monday 30th), then escalated after it.
    expect(procedure(await sweepAt('2026-11-27T01:00:00Z'))).toEqual(['procedure-started-after-receipt.reminder-1']);
    expect(procedure(await sweepAt('2026-11-30T01:00:00Z'))).toEqual(['procedure-started-after-receipt.reminder-1', 'procedure-started-after-receipt.reminder-2']);
    const afterDue = await sweepAt('2026-12-01T01:00:00Z');
    expect(procedure(afterDue)).toEqual([
      'procedure-started-after-receipt.reminder-1',
      'procedure-started-after-receipt.reminder-2',
      'procedure-started-after-receipt.overdue',
    ]);
    // Sweeping again at the same time fires nothing twice.
    expect(await sweepAt('2026-12-01T01:00:00Z')).toEqual(afterDue);

    clock.set(new Date('2026-12-01T02:00:00Z'));
    await civilAffairs.unitOfWork.run(() =>
      civilAffairs.lifecycle.report(handoffId, 'procedure-started', { startedOn: '2026-12-01' }),
    );
    await settle(driver, all());
    const [fulfilled] = await db.query<{ status: string; late: boolean }>(
      `SELECT status, late FROM "Obligation" WHERE "handoffId" = $1 AND rule = 'procedure-started-after-receipt'`,
      [handoffId],
    );
    expect(fulfilled).toEqual({ status: 'fulfilled', late: true });
    // Past the leader's level: nothing more for the fulfilled duty.
    const later = await sweepAt('2026-12-10T01:00:00Z');
    expect(procedure(later)).toEqual(procedure(afterDue));
    expect(besidesUndeliverableAlerts(driver.deadLetters)).toEqual([]);
  });
});
