import type { UnitEvaluation } from '#persistence';
import { TestDatabase } from '../support/test-database.js';
import { inProcessDriver, ManualClock } from './support/medium-adapter.js';
import { type MediumScheduler, mediumScheduler } from './support/medium-scheduler.js';

/**
 * (第二十三条, 第二十五条): the evaluation figures, computed in SQL, against figures
 * worked out by hand on a seeded quarter. The calendar of 2026 has the National Day holidays
 * (1–7 October) and two make-up working days (Sunday 27 September, Saturday 10 October); a stage's
 * working days are those after its first day up to and including its last (libs/calendar).
 */
describe('evaluation per unit and period (medium: real PostgreSQL, seeded rows, hand-computed figures)', () => {
  let db: TestDatabase;
  let scheduler: MediumScheduler;
  const clock = new ManualClock(new Date('2026-12-01T02:00:00Z'));

  /** An instant at a Beijing wall-clock time. */
  const at = (beijing: string) => new Date(`${beijing}+08:00`);
  /** 24:00 Beijing time at the end of `day`, as the deadlines are stored. */
  const endOf = (day: string) => new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 24 * 3600_000);

  async function handoff(id: string, openedAt: string, personIdHash: string, priorityGroups: string[], currentStep: string) {
    await db.query(
      `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "personIdHash", "openedAt", "updatedAt")
       VALUES ($1, 'judicial-referral', 'procuratorate', 'civil-affairs', $2, $3::"Step", 'normal', $1, $4::jsonb, $5, $6, now())`,
      [id, `晋检救〔2026〕${id.slice(-3)}号`, currentStep, JSON.stringify({ priorityGroups, situation: 'serious-injury-victim' }), personIdHash, at(openedAt)],
    );
    await step(id, 'sent', 'procuratorate', openedAt, {});
  }
  async function step(handoffId: string, name: string, actor: string, occurredAt: string, details: object) {
    await db.query(
      `INSERT INTO "HandoffStep" (id, "handoffId", step, "actorAgency", "messageId", "occurredAt", details) VALUES (gen_random_uuid(), $1, $2::"Step", $3, gen_random_uuid(), $4, $5::jsonb)`,
      [handoffId, name, actor, at(occurredAt), JSON.stringify(details)],
    );
  }
  async function obligation(handoffId: string, rule: string, agency: string, dueDay: string, status: 'open' | 'fulfilled', late: boolean | null) {
    await db.query(
      `INSERT INTO "Obligation" (id, "handoffId", rule, "responsibleAgency", "startAt", "dueAt", "missingYears", status, late, "fulfilledAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, '{}', $6::"ObligationStatus", $7, $8, now())`,
      [handoffId, rule, agency, new Date(endOf(dueDay).getTime() - 7 * 24 * 3600_000), endOf(dueDay), status, late, status === 'fulfilled' ? endOf(dueDay) : null],
    );
  }
  async function measure(handoffId: string, personIdHash: string, kind: string, status: string, decidedOn: string, amountFen: number | null) {
    await db.query(
      `INSERT INTO "AssistanceMeasure" (id, "handoffId", agency, "personIdHash", kind, status, "decidedOn", "amountFen", details, "recordedAt")
       VALUES (gen_random_uuid(), $1, 'civil-affairs', $2, $3, $4, $5, $6, '{}'::jsonb, now())`,
      [handoffId, personIdHash, kind, status, decidedOn, amountFen],
    );
  }

  const A = '00000000-0000-4000-8000-00000000000a';
  const B = '00000000-0000-4000-8000-00000000000b';
  const C = '00000000-0000-4000-8000-00000000000c';

  beforeAll(async () => {
    db = await TestDatabase.create('medium_evaluation');
    await db.query(`INSERT INTO "CalendarYear" (year, holidays, "makeupWorkdays", "loadedBy") VALUES (2026, $1, $2, 'test')`, [
      ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
      ['2026-09-27', '2026-10-10'],
    ]);
    // A: sent on the eve of the holidays (September: outside Q4's counts), its stages end in Q4.
    await handoff(A, '2026-09-30T10:00:00', 'person-1', ['minor'], 'feedback-given');
    await step(A, 'received', 'civil-affairs', '2026-10-08T09:00:00', {}); // (9-30, 10-08]: holidays, then Thu 8th → 1
    await step(A, 'procedure-started', 'civil-affairs', '2026-10-12T09:00:00', { startedOn: '2026-10-10' }); // stated: Fri 9th, make-up Sat 10th → 2
    await step(A, 'concluded', 'civil-affairs', '2026-10-16T17:00:00', { concludedOn: '2026-10-16', outcome: 'assisted' }); // 12th–16th → 5
    await step(A, 'feedback-given', 'civil-affairs', '2026-10-19T11:00:00', {}); // Mon 19th → 1
    // B: the same person, in November.
    await handoff(B, '2026-11-02T10:00:00', 'person-1', ['minor', 'woman'], 'concluded');
    await step(B, 'received', 'civil-affairs', '2026-11-02T15:00:00', {}); // same day → 0
    await step(B, 'procedure-started', 'civil-affairs', '2026-11-06T09:00:00', { startedOn: '2026-11-06' }); // 3rd–6th → 4
    await step(B, 'concluded', 'civil-affairs', '2026-11-23T09:00:00', { concludedOn: '2026-11-20', outcome: 'refused' }); // 9th–13th, 16th–20th → 10
    // C: another person.
    await handoff(C, '2026-11-16T10:00:00', 'person-2', ['disabled'], 'procedure-started');
    await step(C, 'received', 'civil-affairs', '2026-11-18T09:00:00', {}); // 17th, 18th → 2
    await step(C, 'procedure-started', 'civil-affairs', '2026-11-27T09:00:00', { startedOn: '2026-11-27' }); // 19, 20, 23–27 → 7
    // 第二十五条: A's first follow-up visit (stated in November), and one stated in the next year (not in Q4).
    await step(A, 'follow-up-visit-1', 'civil-affairs', '2026-11-30T09:00:00', { visitedOn: '2026-11-28', situationAfter: 'improved' });
    await step(A, 'follow-up-visit-2', 'civil-affairs', '2027-01-05T09:00:00', { visitedOn: '2027-01-05', situationAfter: 'worse' });

    await obligation(A, 'procedure-started-after-receipt', 'civil-affairs', '2026-10-15', 'fulfilled', false);
    await obligation(B, 'procedure-started-after-receipt', 'civil-affairs', '2026-11-09', 'fulfilled', false);
    await obligation(C, 'procedure-started-after-receipt', 'civil-affairs', '2026-11-25', 'fulfilled', true);
    await obligation(B, 'feedback-after-conclusion', 'civil-affairs', '2026-11-27', 'open', null); // past due on 1 December: overdue
    await obligation(C, 'feedback-after-conclusion', 'civil-affairs', '2026-12-20', 'open', null); // not yet due: pending
    await obligation(C, 'concluded-after-start', 'civil-affairs', '2027-01-05', 'open', null); // due next quarter: not counted
    await obligation(B, 'receipt-acknowledged', 'procuratorate', '2026-11-10', 'fulfilled', false); // another unit's

    await measure(A, 'person-1', 'living-allowance', 'granted', '2026-10-09', 50_000);
    await measure(B, 'person-1', 'living-allowance', 'granted', '2026-11-05', 98_000); // first help on B: 3rd–5th → 3
    await measure(B, 'person-1', 'temporary-assistance', 'completed', '2026-11-10', 200_000);
    await measure(C, 'person-2', 'temporary-assistance', 'refused', '2026-11-20', null);
    await measure(C, 'person-2', 'living-allowance', 'in-progress', '2026-11-23', null); // first help on C: 17–20, 23 → 5

    scheduler = await mediumScheduler({ databaseUrl: db.url, driver: inProcessDriver(), clock });
  });

  afterAll(async () => {
    await scheduler?.close();
    await db?.drop();
  });

  it('computes a quarter’s figures for a unit as worked out by hand', async () => {
    const [civil] = await scheduler.office.evaluation.byUnit({ from: '2026-10-01', to: '2027-01-01' }, clock.now(), 'civil-affairs');
    const expected: UnitEvaluation = {
      unit: 'civil-affairs',
      sentCases: 0,
      sent: 0,
      received: 2, // B and C; A was sent in September
      timeliness: [
        { rule: 'feedback-after-conclusion', due: 2, onTime: 0, late: 0, overdue: 1, pending: 1, onTimeShare: 0 },
        { rule: 'procedure-started-after-receipt', due: 3, onTime: 2, late: 1, overdue: 0, pending: 0, onTimeShare: 2 / 3 },
      ],
      stages: [
        // receipt [0, 1, 2]: median 1, p90 1 + 0.8 × (2 − 1)
        { stage: 'receipt', count: 3, medianWorkingDays: 1, p90WorkingDays: 1.8 },
        // start [2, 4, 7]: median 4, p90 4 + 0.8 × (7 − 4)
        { stage: 'start', count: 3, medianWorkingDays: 4, p90WorkingDays: 6.4 },
        // conclusion [5, 10]: median 7.5, p90 5 + 0.9 × 5
        { stage: 'conclusion', count: 2, medianWorkingDays: 7.5, p90WorkingDays: 9.5 },
        { stage: 'feedback', count: 1, medianWorkingDays: 1, p90WorkingDays: 1 },
      ],
      outcomes: { assisted: 1, refused: 1 },
      // B (3 working days) and C (5): median 4
      firstHelp: { helped: 2, medianWorkingDays: 4 },
      measures: { byStatus: { granted: 2, completed: 1, refused: 1, 'in-progress': 1 }, amountFen: 348_000 },
      // person-1 (A, B: minor; B: woman) once each; person-2 (C: disabled, helped in progress)
      priorityGroupsHelped: { minor: 1, woman: 1, disabled: 1 },
      situationAfterVisits: { improved: 1 },
    };
    expect(civil.timeliness[1].onTimeShare).toBeCloseTo(2 / 3, 10);
    expect({ ...civil, timeliness: civil.timeliness.map((t) => ({ ...t, onTimeShare: t.onTimeShare === null ? null : Number(t.onTimeShare.toFixed(6)) })) }).toEqual({
      ...expected,
      timeliness: expected.timeliness.map((t) => ({ ...t, onTimeShare: t.onTimeShare === null ? null : Number(t.onTimeShare.toFixed(6)) })),
    });
  });

  it('gives every unit its own row, by month and by quarter, and the trend over months', async () => {
    const all = await scheduler.office.evaluation.byUnit({ from: '2026-10-01', to: '2027-01-01' }, clock.now());
    expect(all.map((row) => [row.unit, row.sent, row.received])).toEqual([
      ['civil-affairs', 0, 2],
      ['procuratorate', 2, 0],
    ]);
    expect(all.find((row) => row.unit === 'procuratorate')?.timeliness).toEqual([{ rule: 'receipt-acknowledged', due: 1, onTime: 1, late: 0, overdue: 0, pending: 0, onTimeShare: 1 }]);
    // October alone: A's four stages end there; nothing was opened.
    const [october] = await scheduler.office.evaluation.byUnit({ from: '2026-10-01', to: '2026-11-01' }, clock.now(), 'civil-affairs');
    expect(october.received).toBe(0);
    expect(october.stages.map((s) => [s.stage, s.medianWorkingDays])).toEqual([
      ['receipt', 1],
      ['start', 2],
      ['conclusion', 5],
      ['feedback', 1],
    ]);
    expect(await scheduler.office.evaluation.monthlyTrend(2026, 'civil-affairs')).toEqual([
      { unit: 'civil-affairs', month: '2026-09', sent: 0, received: 1 },
      { unit: 'civil-affairs', month: '2026-11', sent: 0, received: 2 },
    ]);
  });
});
