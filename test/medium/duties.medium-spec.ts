import { plainToInstance } from 'class-transformer';
import { HandoffNotFoundError, MaterialsMissingError, RecipientNotRoutedError, RefusalReasonError, SenderNotAllowedError, StatedDateError } from '#handoffs';
import { AdvancePaymentDecisionPayloadV1 } from '#contracts';
import { OpenJudicialReferralRequest, OpenSocialLeadRequest, OpenUrgentMedicalNoticeRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { caseRef as newCaseRef, judicialReferral, socialLead, urgentMedicalNotice } from '../support/factories.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';
import type { MediumScheduler } from './support/medium-scheduler.js';
import { TEST_CIPHERTEXT_PREFIX } from '../support/security-env.js';

/**
 * The duties as the text writes them, through the adapters' and the scheduler's services
 * (real PostgreSQL, in-process queues, a manual clock):
 * - 第二十一条: the feedback clock counts from the stated concludedOn, a step reported after its
 *   deadline is recorded late, stated dates are checked;
 * - 第六条: only the procuratorate's refusals cite it;
 * - 第二十条 ¶2: 立即告知 is the department's duty from its noticedAt (late: recorded and told to the
 *   office); paying first is the procuratorate's own step; the paperwork duty starts only when it
 *   paid first and escalates; no acknowledgement clock on the procuratorate by default;
 * - 第二十一条: the notice is a lead, so the procuratorate starts within 5 working days of receipt — a
 *   decision to pay first is that start, a decision not to is not.
 */
describe('the policy’s duties as the text writes them (medium: real PostgreSQL, in-process queues, manual clock)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  // Monday 2026-11-23, 10:00 Beijing time
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let education: MediumAdapter;
  let scheduler: MediumScheduler;
  const all = () => [procuratorate, civilAffairs, education];

  /**
   * settle(), until no outbox row is left unpublished: a write kicks the unit's relay in the
   * background, which may hold a batch while settle() finds nothing to publish and nothing to run.
   */
  async function quiet(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      await settle(driver, all());
      const [{ n }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "OutboxEntry" WHERE "publishedAt" IS NULL`);
      if (n === 0 && (await driver.runUntilIdle()) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the bus did not go quiet');
  }

  beforeAll(async () => {
    // justice, a recipient a referral names without an adapter here: it has its key, as if its adapter had started once.
    bus = await startMediumBus('medium_duties', { units: ['procuratorate', 'civil-affairs', 'education'], scheduler: true, joined: ['justice'], driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs, education] = bus.adapters;
    scheduler = bus.scheduler();
  });

  afterAll(async () => {
    await bus?.close();
  });

  type ObligationRow = { rule: string; responsibleAgency: string; startAt: Date; dueAt: Date; status: string; late: boolean | null };
  const obligations = (handoffId: string) =>
    db.query<ObligationRow>(`SELECT rule, "responsibleAgency", "startAt", "dueAt", status, late FROM "Obligation" WHERE "handoffId" = $1 ORDER BY rule`, [handoffId]);
  const obligation = async (handoffId: string, rule: string) => (await obligations(handoffId)).find((o) => o.rule === rule);

  /** Sweeps at `iso` and returns the alert keys of `handoffId` as `<rule>.<level>`. */
  async function sweepAt(iso: string, handoffId: string): Promise<string[]> {
    clock.set(new Date(iso));
    while ((await scheduler.sweeper.sweepOnce()) > 0);
    await scheduler.alertRelay.publishBatch(100);
    await driver.runUntilIdle();
    return (await db.query<{ dedupeKey: string }>(`SELECT "dedupeKey" FROM "Alert" WHERE "handoffId" = $1 ORDER BY "createdAt", "dedupeKey"`, [handoffId])).map((row) =>
      row.dedupeKey.split('.').slice(1).join('.'),
    );
  }

  async function referral(): Promise<string> {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs'], { priorityGroups: [], investigationEndedOn: '2026-10-30' }));
    const opened = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    await quiet();
    return opened.handoffs[0].id;
  }

  async function notice(noticedAt: string): Promise<string> {
    const request = plainToInstance(OpenUrgentMedicalNoticeRequest, urgentMedicalNotice({ noticedAt }));
    const opened = await civilAffairs.unitOfWork.run(() => civilAffairs.opening.open('urgent-medical-notice', request));
    await quiet();
    return opened.handoffs[0].id;
  }

  const report = (unit: MediumAdapter, handoffId: string, step: 'procedure-started' | 'concluded' | 'feedback-given', payload: object) =>
    unit.unitOfWork.run(() => unit.lifecycle.report(handoffId, step, payload));

  it('第二十一条: concludedOn stated ten days before it is reported — the feedback deadline counts from concludedOn, and the late start is recorded late', async () => {
    clock.set(new Date('2026-11-02T02:00:00Z')); // Monday 2026-11-02, 10:00 Beijing: received
    const handoffId = await referral();

    // Started on Tuesday 11-03 as stated, but reported only on Wednesday 12-02: after its 5 working days (due 11-09 24:00).
    clock.set(new Date('2026-12-02T02:00:00Z'));
    await report(civilAffairs, handoffId, 'procedure-started', { startedOn: '2026-11-03' });
    // Concluded on Friday 11-20 as stated, reported on 12-02 — ten working days later.
    await report(civilAffairs, handoffId, 'concluded', { concludedOn: '2026-11-20', outcome: 'assisted', measures: '纳入临时救助' });
    await quiet();

    expect(await obligation(handoffId, 'procedure-started-after-receipt')).toMatchObject({ status: 'fulfilled', late: true });
    const feedback = await obligation(handoffId, 'feedback-after-conclusion');
    // From 11-20 (Fri), not counted: 11-23 Mon 1, 24 2, 25 3, 26 4, 27 Fri 5 → 2026-11-27 24:00 Beijing.
    // A stated date starts the clock at its first instant, 00:00 Beijing.
    expect(feedback?.startAt.toISOString()).toBe('2026-11-19T16:00:00.000Z');
    expect(feedback?.dueAt.toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(feedback).toMatchObject({ responsibleAgency: 'civil-affairs', status: 'open' });
    // Already past due when reported: the next sweep escalates it at once.
    expect((await sweepAt('2026-12-02T02:05:00Z', handoffId)).filter((key) => key.startsWith('feedback-after-conclusion'))).toContain('feedback-after-conclusion.overdue');
  });

  it('第二十一条: a stated date in the future, before receipt, or concludedOn before startedOn is refused and nothing is written', async () => {
    clock.set(new Date('2026-11-24T02:00:00Z')); // Tuesday 2026-11-24: received
    const handoffId = await referral();
    await expect(report(civilAffairs, handoffId, 'procedure-started', { startedOn: '2026-11-25' })).rejects.toThrow(StatedDateError);
    await expect(report(civilAffairs, handoffId, 'procedure-started', { startedOn: '2026-11-23' })).rejects.toThrow(/before the handoff was received/);
    clock.set(new Date('2026-11-26T02:00:00Z'));
    await report(civilAffairs, handoffId, 'procedure-started', { startedOn: '2026-11-25' });
    await expect(report(civilAffairs, handoffId, 'concluded', { concludedOn: '2026-11-24', outcome: 'assisted' })).rejects.toThrow(/before the procedure started/);
    const steps = await db.query<{ step: string }>(`SELECT step FROM "HandoffStep" WHERE "handoffId" = $1 ORDER BY "occurredAt"`, [handoffId]);
    expect(steps.map((s) => s.step)).toEqual(['sent', 'received', 'procedure-started']);
  });

  it('第六条: a social-assistance department may not cite 第六条 to decline; it gives its own reason and free text', async () => {
    clock.set(new Date('2026-11-24T02:00:00Z'));
    const handoffId = await referral();
    await report(civilAffairs, handoffId, 'procedure-started', { startedOn: '2026-11-24' });
    await expect(report(civilAffairs, handoffId, 'concluded', { concludedOn: '2026-11-24', outcome: 'refused', refusalReasons: ['already-compensated'] })).rejects.toThrow(
      RefusalReasonError,
    );
    await report(civilAffairs, handoffId, 'concluded', { concludedOn: '2026-11-24', outcome: 'refused', declineReason: 'not-eligible', declineDetails: '家庭人均收入高于低保标准' });
    const [concluded] = await db.query<{ details: Record<string, unknown> }>(`SELECT details FROM "HandoffStep" WHERE "handoffId" = $1 AND step = 'concluded'`, [handoffId]);
    // The reason code stays plain (the office counts it); the free text is a citizen's data, encrypted at rest (第二十四条)…
    expect(concluded.details).toMatchObject({ outcome: 'refused', declineReason: 'not-eligible' });
    expect(String(concluded.details.declineDetails).startsWith(TEST_CIPHERTEXT_PREFIX)).toBe(true);
    // …and the units read it as written.
    const read = await civilAffairs.agency.store.handoffs.findVisible(handoffId);
    expect(read.steps.find((step) => step.step === 'concluded')?.details).toMatchObject({ declineReason: 'not-eligible', declineDetails: '家庭人均收入高于低保标准' });
  });

  it('第二十条 ¶2: an urgent notice sent five hours after noticedAt is recorded late against the department and told to the office; none on the procuratorate to acknowledge', async () => {
    clock.set(new Date('2026-11-25T07:15:00Z')); // 15:15 Beijing; noticed at 10:15 Beijing
    const handoffId = await notice('2026-11-25T10:15:00+08:00');
    const rows = await obligations(handoffId);
    // No acknowledgement clock (an office rule, off by default); the start duty of 第二十一条 runs from receipt.
    expect(rows.map((o) => o.rule)).toEqual(['procedure-started-after-urgent-notice', 'urgent-notice-told-at-once']);
    const told = rows[1];
    expect(told).toMatchObject({ responsibleAgency: 'civil-affairs', status: 'fulfilled', late: true });
    expect(told.dueAt.toISOString()).toBe('2026-11-25T04:15:00.000Z'); // 2 clock hours (URGENT_NOTICE_HOURS) after noticedAt
    // The office sees it: in its API's obligations, and as a notice in its inbox.
    const view = await scheduler.office.obligations.forHandoff(handoffId);
    expect(view.find((o) => o.rule === 'urgent-notice-told-at-once')).toMatchObject({ late: true });
    const notices = await scheduler.office.alerts.list({ kinds: ['duty-done-late'], open: true, limit: 50 });
    const mine = notices.filter((a) => a.handoffId === handoffId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ agency: 'civil-affairs', level: 'office' });
    expect(mine[0].summary).toContain('第二十条第二款');
  });

  it('第二十条 ¶2: a notice sent at once is on time, and no notice reaches the office', async () => {
    clock.set(new Date('2026-11-25T02:30:00Z')); // 10:30 Beijing; noticed at 10:15
    const handoffId = await notice('2026-11-25T10:15:00+08:00');
    expect(await obligation(handoffId, 'urgent-notice-told-at-once')).toMatchObject({ status: 'fulfilled', late: false });
    expect((await scheduler.office.alerts.list({ kinds: ['duty-done-late'], open: true, limit: 50 })).filter((a) => a.handoffId === handoffId)).toEqual([]);
  });

  const decide = (handoffId: string, payload: object) => {
    const body = plainToInstance(AdvancePaymentDecisionPayloadV1, payload);
    return procuratorate.unitOfWork.run(() => procuratorate.lifecycle.decideAdvancePayment(handoffId, body));
  };

  it('第二十条 ¶2: paid first — the paperwork duty (补办手续) starts from decidedOn, is reminded, escalates, and stops at 办结', async () => {
    clock.set(new Date('2026-11-23T02:30:00Z')); // Monday 11-23, 10:30 Beijing
    const handoffId = await notice('2026-11-23T10:15:00+08:00');
    await decide(handoffId, { paidFirst: true, decidedOn: '2026-11-23', amountYuan: 20000 });
    await quiet();
    const [handoff] = await db.query<{ currentStep: string }>(`SELECT "currentStep" FROM "Handoff" WHERE id = $1`, [handoffId]);
    expect(handoff.currentStep).toBe('received'); // its own step, beside the chain
    const paperwork = await obligation(handoffId, 'paperwork-after-advance-payment');
    // From 11-23 (Mon), not counted: 24 1, 25 2, 26 3, 27 4, 30 Mon 5 → 2026-11-30 24:00 Beijing (PAPERWORK_WORKING_DAYS 5).
    expect(paperwork).toMatchObject({ responsibleAgency: 'procuratorate', status: 'open' });
    expect(paperwork?.dueAt.toISOString()).toBe('2026-11-30T16:00:00.000Z');

    const keys = (all: string[]) => all.filter((key) => key.startsWith('paperwork-after-advance-payment'));
    // Urgent notices are on the green channel: reminded at a quarter of the time and two working days before.
    expect(keys(await sweepAt('2026-11-25T01:00:00Z', handoffId))).toEqual(['paperwork-after-advance-payment.reminder-1']);
    // 00:00 Beijing of the last two working days (11-27, 11-30).
    expect(keys(await sweepAt('2026-11-27T01:00:00Z', handoffId))).toEqual(['paperwork-after-advance-payment.reminder-1', 'paperwork-after-advance-payment.reminder-2']);
    expect(keys(await sweepAt('2026-12-01T01:00:00Z', handoffId))).toEqual([
      'paperwork-after-advance-payment.reminder-1',
      'paperwork-after-advance-payment.reminder-2',
      'paperwork-after-advance-payment.overdue',
    ]);
    const [escalation] = await db.query<{ agency: string; recipients: { role: string }[] }>(
      `SELECT agency, recipients FROM "Alert" WHERE "dedupeKey" = $1`,
      [`${handoffId}.paperwork-after-advance-payment.overdue`],
    );
    expect(escalation.agency).toBe('procuratorate');
    expect(escalation.recipients.map((r) => r.role)).toContain('office');

    // 补办手续 done: the procuratorate concludes (late), and nothing more fires.
    clock.set(new Date('2026-12-01T02:00:00Z'));
    await report(procuratorate, handoffId, 'procedure-started', { startedOn: '2026-11-23' });
    await report(procuratorate, handoffId, 'concluded', { concludedOn: '2026-12-01', outcome: 'assisted', measures: '已补办司法救助手续' });
    await quiet();
    expect(await obligation(handoffId, 'paperwork-after-advance-payment')).toMatchObject({ status: 'fulfilled', late: true });
    const after = keys(await sweepAt('2026-12-10T01:00:00Z', handoffId));
    expect(after).not.toContain('paperwork-after-advance-payment.overdue-leader');
  });

  it('第二十条 ¶2: not paid first — no paperwork duty', async () => {
    clock.set(new Date('2026-11-23T02:30:00Z'));
    const handoffId = await notice('2026-11-23T10:15:00+08:00');
    await decide(handoffId, { paidFirst: false, decidedOn: '2026-11-23' });
    await quiet();
    expect((await obligations(handoffId)).map((o) => [o.rule, o.status])).toEqual([
      ['procedure-started-after-urgent-notice', 'open'],
      ['urgent-notice-told-at-once', 'fulfilled'],
    ]);
    await expect(decide(handoffId, { paidFirst: true, decidedOn: '2026-11-23', amountYuan: 1 })).rejects.toThrow(/cannot follow/);
  });

  it('第二十一条: an urgent medical notice is a lead — not paid first, the procuratorate’s start duty runs from receipt, is reminded and escalates', async () => {
    clock.set(new Date('2026-11-30T02:00:00Z')); // Monday 11-30, 10:00 Beijing; noticed at 09:50
    const handoffId = await notice('2026-11-30T09:50:00+08:00');
    const start = await obligation(handoffId, 'procedure-started-after-urgent-notice');
    // From receipt on 11-30 (Mon), not counted: 12-01 Tue 1, 02 2, 03 3, 04 4, 07 Mon 5 → 2026-12-07 24:00 Beijing.
    expect(start).toMatchObject({ responsibleAgency: 'procuratorate', status: 'open' });
    expect(start?.dueAt.toISOString()).toBe('2026-12-07T16:00:00.000Z');

    // Deciding not to pay first is no start: the clock keeps running.
    clock.set(new Date('2026-12-01T02:00:00Z'));
    await decide(handoffId, { paidFirst: false, decidedOn: '2026-12-01' });
    await quiet();
    expect(await obligation(handoffId, 'procedure-started-after-urgent-notice')).toMatchObject({ status: 'open' });

    const keys = (all: string[]) => all.filter((key) => key.startsWith('procedure-started-after-urgent-notice'));
    // Urgent notices are on the green channel: reminded at a quarter of the time and at 00:00 Beijing of the last two working days (12-04, 12-07).
    expect(keys(await sweepAt('2026-12-03T01:00:00Z', handoffId))).toEqual(['procedure-started-after-urgent-notice.reminder-1']);
    expect(keys(await sweepAt('2026-12-04T01:00:00Z', handoffId))).toEqual(['procedure-started-after-urgent-notice.reminder-1', 'procedure-started-after-urgent-notice.reminder-2']);
    expect(keys(await sweepAt('2026-12-08T01:00:00Z', handoffId))).toEqual([
      'procedure-started-after-urgent-notice.reminder-1',
      'procedure-started-after-urgent-notice.reminder-2',
      'procedure-started-after-urgent-notice.overdue',
    ]);
    const [reminder] = await db.query<{ summary: string }>(`SELECT summary FROM "Alert" WHERE "dedupeKey" = $1`, [`${handoffId}.procedure-started-after-urgent-notice.reminder-1`]);
    expect(reminder.summary).toContain('先行救助');
    const [escalation] = await db.query<{ agency: string; summary: string; recipients: { role: string }[] }>(
      `SELECT agency, summary, recipients FROM "Alert" WHERE "dedupeKey" = $1`,
      [`${handoffId}.procedure-started-after-urgent-notice.overdue`],
    );
    expect(escalation.agency).toBe('procuratorate');
    expect(escalation.recipients.map((r) => r.role)).toContain('office');
    expect(escalation.summary).toContain('第二十一条');
    expect(escalation.summary).toContain('紧急救治');

    // Started at last: fulfilled, late, and nothing more fires.
    clock.set(new Date('2026-12-08T02:00:00Z'));
    await report(procuratorate, handoffId, 'procedure-started', { startedOn: '2026-12-08' });
    await quiet();
    expect(await obligation(handoffId, 'procedure-started-after-urgent-notice')).toMatchObject({ status: 'fulfilled', late: true });
    expect(keys(await sweepAt('2026-12-20T01:00:00Z', handoffId))).not.toContain('procedure-started-after-urgent-notice.overdue-leader');
  });

  it('第二十一条 with 第二十条 ¶2: a decision to pay first is the start — the start duty is fulfilled on time, and no reminder follows', async () => {
    clock.set(new Date('2026-11-30T02:00:00Z'));
    const handoffId = await notice('2026-11-30T09:50:00+08:00');
    clock.set(new Date('2026-12-01T03:00:00Z')); // Tuesday 12-01, 11:00 Beijing
    await decide(handoffId, { paidFirst: true, decidedOn: '2026-12-01', amountYuan: 30000 });
    await quiet();
    expect(await obligation(handoffId, 'procedure-started-after-urgent-notice')).toMatchObject({ status: 'fulfilled', late: false });
    const [{ fulfilledAt }] = await db.query<{ fulfilledAt: Date }>(`SELECT "fulfilledAt" FROM "Obligation" WHERE "handoffId" = $1 AND rule = 'procedure-started-after-urgent-notice'`, [handoffId]);
    expect(fulfilledAt.toISOString()).toBe('2026-12-01T03:00:00.000Z');
    // The paperwork duty (补办手续) now runs instead; the start duty never reminds.
    expect(await obligation(handoffId, 'paperwork-after-advance-payment')).toMatchObject({ status: 'open' });
    expect((await sweepAt('2026-12-20T01:00:00Z', handoffId)).filter((key) => key.startsWith('procedure-started-after-urgent-notice'))).toEqual([]);
  });

  const register = (unit: MediumAdapter, kind: 'investigation-ended' | 'lead-discovered', caseRef: string, statedOn: string) =>
    unit.unitOfWork.run(() =>
      unit.registrations.register(kind, caseRef, statedOn),
    );

  it('第十九条 ¶1: a registered investigation is reminded and escalated before any referral is sent; sending the referral fulfils it', async () => {
    clock.set(new Date('2026-11-20T09:00:00Z')); // Friday 11-20, 17:00 Beijing
    const caseRef = newCaseRef();
    const registered = await register(procuratorate, 'investigation-ended', caseRef, '2026-11-20');
    expect(registered.created).toBe(true);
    const id = registered.registration.id;
    // Nothing sent yet; the scheduler plans the duty from the registration.
    const keys = (all: string[]) => all.filter((key) => key.startsWith('referral-after-investigation'));
    expect(keys(await sweepAt('2026-11-20T09:01:00Z', id))).toEqual([]);
    const duty = await obligation(id, 'referral-after-investigation');
    // From 11-20 (Fri), not counted: 23 Mon 1, 24 2, 25 3, 26 4, 27 Fri 5 → 2026-11-27 24:00 Beijing.
    expect(duty).toMatchObject({ responsibleAgency: 'procuratorate', status: 'open' });
    expect(duty?.dueAt.toISOString()).toBe('2026-11-27T16:00:00.000Z');
    expect(keys(await sweepAt('2026-11-24T12:00:00Z', id))).toEqual(['referral-after-investigation.reminder-1']);
    expect(keys(await sweepAt('2026-11-26T17:00:00Z', id))).toEqual(['referral-after-investigation.reminder-1', 'referral-after-investigation.reminder-2']);
    expect(keys(await sweepAt('2026-11-28T01:00:00Z', id))).toEqual([
      'referral-after-investigation.reminder-1',
      'referral-after-investigation.reminder-2',
      'referral-after-investigation.overdue',
    ]);
    const [escalation] = await db.query<{ summary: string; agency: string }>(`SELECT summary, agency FROM "Alert" WHERE "dedupeKey" = $1`, [
      `${id}.referral-after-investigation.overdue`,
    ]);
    expect(escalation.agency).toBe('procuratorate');
    expect(escalation.summary).toContain(caseRef);
    expect(escalation.summary).toContain('第十九条第一款');

    // The referral goes out (late) with the same case number: the registered duty is fulfilled, late, and stops.
    clock.set(new Date('2026-11-30T02:00:00Z'));
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs'], { caseRef, priorityGroups: [], investigationEndedOn: '2026-11-20' }));
    await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    await quiet();
    expect(await obligation(id, 'referral-after-investigation')).toMatchObject({ status: 'fulfilled', late: true });
    const [stored] = await db.query<{ fulfilledAt: Date | null }>(`SELECT "fulfilledAt" FROM "DutyRegistration" WHERE id = $1`, [id]);
    expect(stored.fulfilledAt).not.toBeNull();
    expect(keys(await sweepAt('2026-12-10T01:00:00Z', id))).not.toContain('referral-after-investigation.overdue-leader');
  });

  it('第二十条 ¶1: a department registers a discovered lead; the lead sent in time fulfils it on time; only the right unit registers, never for a future date', async () => {
    clock.set(new Date('2026-11-23T02:00:00Z'));
    const caseRef = `民政线索-${newCaseRef()}`.slice(0, 60);
    const registered = await register(civilAffairs, 'lead-discovered', caseRef, '2026-11-23');
    const id = registered.registration.id;
    expect((await register(civilAffairs, 'lead-discovered', caseRef, '2026-11-23')).registration.id).toBe(id); // once per case number
    await sweepAt('2026-11-23T02:01:00Z', id);
    expect(await obligation(id, 'lead-after-discovery')).toMatchObject({ responsibleAgency: 'civil-affairs', status: 'open' });

    clock.set(new Date('2026-11-24T02:00:00Z'));
    const lead = plainToInstance(OpenSocialLeadRequest, socialLead({ caseRef, discoveredOn: '2026-11-23' }));
    await civilAffairs.unitOfWork.run(() => civilAffairs.opening.open('social-lead', lead));
    await quiet();
    expect(await obligation(id, 'lead-after-discovery')).toMatchObject({ status: 'fulfilled', late: false });

    await expect(register(procuratorate, 'lead-discovered', 'x-1', '2026-11-23')).rejects.toThrow(SenderNotAllowedError);
    await expect(register(civilAffairs, 'investigation-ended', 'x-2', '2026-11-23')).rejects.toThrow(SenderNotAllowedError);
    await expect(register(procuratorate, 'investigation-ended', 'x-3', '2026-11-25')).rejects.toThrow(StatedDateError);
  });

  it('第九条: a written referral missing the applicant’s statement is refused with the list of what is missing, and nothing is written', async () => {
    clock.set(new Date('2026-11-24T02:00:00Z'));
    const before = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Handoff"`);
    const request = plainToInstance(
      OpenJudicialReferralRequest,
      judicialReferral(['civil-affairs'], { priorityGroups: [], investigationEndedOn: '2026-11-20', applicantStatement: undefined, caseMaterials: [] }),
    );
    const refusal = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request))
      .then(() => null, (error: unknown) => error);
    expect(refusal).toBeInstanceOf(MaterialsMissingError);
    expect((refusal as MaterialsMissingError).problems.map((p) => p.field)).toEqual(['applicantStatement', 'caseMaterials']);
    expect(await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Handoff"`)).toEqual(before);
  });

  it('第十条–第十八条: a referral records its needs and is refused for a recipient none points to, unless it says why', async () => {
    clock.set(new Date('2026-11-24T02:00:00Z'));
    const body = (extra: object) =>
      plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs', 'justice'], { priorityGroups: [], investigationEndedOn: '2026-11-20', needs: ['living-allowance'], ...extra }));
    const open = (request: OpenJudicialReferralRequest) =>
      procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    await expect(open(body({}))).rejects.toThrow(RecipientNotRoutedError);
    const opened = await open(body({ recipientReasons: [{ unit: 'justice', reason: '当事人另有民事纠纷需法律咨询' }] }));
    const ids = opened.handoffs.map((h) => h.id);
    const stored = await db.query<{ details: { needs: string[] } }>(`SELECT details FROM "Handoff" WHERE id = ANY($1::uuid[])`, [ids]);
    expect(stored.map((row) => row.details.needs)).toEqual([['living-allowance'], ['living-allowance']]);
  });

  it('第八条: units working one referral see who else works it and how far each got — steps and dates, not details', async () => {
    clock.set(new Date('2026-11-24T02:00:00Z'));
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs', 'education'], { priorityGroups: [], investigationEndedOn: '2026-11-20' }));
    const opened = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', request));
    await quiet();
    const [toCivil, toEducation] = opened.handoffs;
    await report(civilAffairs, toCivil.id, 'procedure-started', { startedOn: '2026-11-24' });
    await report(civilAffairs, toCivil.id, 'concluded', { concludedOn: '2026-11-24', outcome: 'assisted', measures: '纳入低保，每月发放800元' });
    await quiet();

    const seen = await education.agency.store.handoffs.caseProgress(toEducation.id);
    expect(seen.map((p) => [p.to, p.currentStep])).toEqual([
      ['civil-affairs', 'concluded'],
      ['education', 'received'],
    ]);
    const civil = seen.find((p) => p.to === 'civil-affairs');
    expect(civil?.steps.map((step) => [step.step, step.statedOn ?? null])).toEqual([
      ['sent', null],
      ['received', null],
      ['procedure-started', '2026-11-24'],
      ['concluded', '2026-11-24'],
    ]);
    // No details travel: neither the outcome's measures nor anything of the person.
    expect(JSON.stringify(seen)).not.toContain('800');
    expect(JSON.stringify(seen)).not.toContain('林某某');

    // A unit that is no party to the referral sees nothing of it.
    const other = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['education'], { priorityGroups: [], investigationEndedOn: '2026-11-20' }));
    const elsewhere = await procuratorate.unitOfWork.run(() => procuratorate.opening.open('judicial-referral', other));
    await expect(civilAffairs.agency.store.handoffs.caseProgress(elsewhere.handoffs[0].id)).rejects.toThrow(HandoffNotFoundError);
  });

  it('第二十四条: a handoff whose feedback was received is closed, and archived ARCHIVE_AFTER_DAYS (90) later — out of the working list, still readable and counted', async () => {
    clock.set(new Date('2026-11-24T02:00:00Z'));
    const handoffId = await referral();
    await report(civilAffairs, handoffId, 'procedure-started', { startedOn: '2026-11-24' });
    await report(civilAffairs, handoffId, 'concluded', { concludedOn: '2026-11-24', outcome: 'assisted' });
    await report(civilAffairs, handoffId, 'feedback-given', { summary: '已纳入临时救助' });
    await quiet();
    const working = () => civilAffairs.agency.store.handoffs.list({ limit: 200 });
    expect((await working()).find((h) => h.id === handoffId)).toMatchObject({ currentStep: 'feedback-received', archivedAt: null });

    await sweepAt('2027-02-20T02:00:00Z', handoffId); // 88 days later: not yet
    expect((await working()).map((h) => h.id)).toContain(handoffId);
    await sweepAt('2027-02-23T03:00:00Z', handoffId); // 91 days later, but its follow-up visits (第二十五条) are open: not yet
    expect((await working()).map((h) => h.id)).toContain(handoffId);
    clock.set(new Date('2027-02-24T03:00:00Z'));
    for (const visitedOn of ['2027-02-23', '2027-02-24']) {
      await civilAffairs.unitOfWork.run(() =>
        civilAffairs.lifecycle.recordFollowUpVisit(handoffId, { visitedOn, visitedBy: '民政局王某', situationAfter: 'improved' }),
      );
    }
    await quiet();
    await sweepAt('2027-02-24T03:00:00Z', handoffId); // both visits done: archived
    expect((await working()).map((h) => h.id)).not.toContain(handoffId);
    expect((await civilAffairs.agency.store.handoffs.list({ limit: 200, archived: true })).map((h) => h.id)).toContain(handoffId);
    // Still in the ledger (readable by its parties) and in the figures (its obligations stay).
    expect((await procuratorate.agency.store.handoffs.findVisible(handoffId)).archivedAt).not.toBeNull();
    expect((await obligations(handoffId)).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    // Read-only: no step follows a closed handoff.
    await expect(report(civilAffairs, handoffId, 'feedback-given', { summary: 'x' })).rejects.toThrow(/cannot follow/);
  });
});
