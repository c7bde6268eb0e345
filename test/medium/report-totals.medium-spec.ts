import { Test, type TestingModule } from '@nestjs/testing';
import { OfficeScope, PersistenceModule } from '#persistence';
import { TestDatabase } from '../support/test-database.js';
import { ManualClock } from './support/medium-adapter.js';

/**
 * 第二十三条: the yearly report's totals for all units together. A case (one person's referral or
 * lead as sent, one opening request) sent to four units is one case and four handoffs; a child
 * helped by four units is one child, not four. Figures worked out by hand on seeded rows.
 */
describe('the period totals across units (medium: real PostgreSQL, seeded rows, hand-computed figures)', () => {
  let db: TestDatabase;
  // The office's queries alone: the figures are read, nothing is swept or sent, so no scheduler runs.
  let moduleRef: TestingModule;
  let office: OfficeScope;
  const clock = new ManualClock(new Date('2026-12-01T02:00:00Z'));
  const year = { from: '2026-01-01', to: '2027-01-01' };

  /** An instant at a Beijing wall-clock time. */
  const at = (beijing: string) => new Date(`${beijing}+08:00`);
  /** 24:00 Beijing time at the end of `day`, as the deadlines are stored. */
  const endOf = (day: string) => new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 24 * 3600_000);

  async function handoff(requestId: string, kind: string, from: string, to: string, openedAt: string, personIdHash: string, priorityGroups: string[]): Promise<string> {
    const id = crypto.randomUUID();
    await db.query(
      `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "personIdHash", "openedAt", "updatedAt")
       VALUES ($1, $2::"HandoffKind", $3, $4, $5, 'received', 'normal', $6, $7::jsonb, $8, $9, now())`,
      [id, kind, from, to, `晋检救〔2026〕${requestId.slice(-3)}号`, requestId, JSON.stringify({ priorityGroups, situation: 'serious-injury-victim' }), personIdHash, at(openedAt)],
    );
    return id;
  }
  async function measure(handoffId: string, agency: string, personIdHash: string, status: string, decidedOn: string) {
    await db.query(
      `INSERT INTO "AssistanceMeasure" (id, "handoffId", agency, "personIdHash", kind, status, "decidedOn", "amountFen", details, "recordedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, 'temporary-assistance', $4, $5, NULL, '{}'::jsonb, now())`,
      [handoffId, agency, personIdHash, status, decidedOn],
    );
  }
  async function obligation(handoffId: string, agency: string, rule: string, dueDay: string, state: 'on-time' | 'late' | 'open') {
    await db.query(
      `INSERT INTO "Obligation" (id, "handoffId", rule, "responsibleAgency", "startAt", "dueAt", "missingYears", status, late, "fulfilledAt", "updatedAt")
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, '{}', $6::"ObligationStatus", $7, $8, now())`,
      [handoffId, rule, agency, new Date(endOf(dueDay).getTime() - 7 * 24 * 3600_000), endOf(dueDay), state === 'open' ? 'open' : 'fulfilled', state === 'open' ? null : state === 'late', state === 'open' ? null : endOf(dueDay)],
    );
  }

  const R1 = '00000000-0000-4000-8000-000000000101';
  const R2 = '00000000-0000-4000-8000-000000000102';
  const R3 = '00000000-0000-4000-8000-000000000103';

  beforeAll(async () => {
    db = await TestDatabase.create('medium_report_totals');
    // R1: one referral of a child to four units (第十一条, 第十条, 第十七条), each of which helps.
    const r1 = await Promise.all(['civil-affairs', 'education', 'youth-league', 'womens-federation'].map((to) => handoff(R1, 'judicial-referral', 'procuratorate', to, '2026-11-02T10:00:00', 'child', ['minor'])));
    for (const [i, to] of ['civil-affairs', 'education', 'youth-league', 'womens-federation'].entries()) await measure(r1[i], to, 'child', 'granted', '2026-11-05');
    // R2: a woman referred to one unit, which refuses: a case, not helped, not counted in the groups.
    const [r2] = [await handoff(R2, 'judicial-referral', 'procuratorate', 'civil-affairs', '2026-11-03T10:00:00', 'woman', ['woman'])];
    await measure(r2, 'civil-affairs', 'woman', 'refused', '2026-11-06');
    // R3: the same child, a lead back to the procuratorate, which pays: still one child.
    const r3 = await handoff(R3, 'social-lead', 'civil-affairs', 'procuratorate', '2026-11-10T10:00:00', 'child', ['minor']);
    await measure(r3, 'procuratorate', 'child', 'completed', '2026-11-20');

    // Duties: R1 has one late among three; R2's one is on time (and one still pending); R3's is overdue on 1 December.
    await obligation(r1[0], 'civil-affairs', 'procedure-started-after-receipt', '2026-11-09', 'on-time');
    await obligation(r1[1], 'education', 'procedure-started-after-receipt', '2026-11-09', 'late');
    await obligation(r1[2], 'youth-league', 'procedure-started-after-receipt', '2026-11-09', 'on-time');
    await obligation(r2, 'civil-affairs', 'procedure-started-after-receipt', '2026-11-10', 'on-time');
    await obligation(r2, 'civil-affairs', 'feedback-after-conclusion', '2026-12-20', 'open');
    await obligation(r3, 'procuratorate', 'procedure-started-after-receipt', '2026-11-17', 'open');

    moduleRef = await Test.createTestingModule({ imports: [PersistenceModule.forRoot({ databaseUrl: () => db.url })] }).compile();
    await moduleRef.init();
    office = moduleRef.get(OfficeScope);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  it('counts cases once whatever units they went to, handoffs once per recipient, and people once across units', async () => {
    const totals = await office.evaluation.totals(year, clock.now());
    expect(totals).toEqual({
      cases: 3, // R1, R2, R3
      handoffs: 6, // R1 × 4, R2, R3
      casesHelped: 2, // R1 and R3 (R2 refused)
      handoffsHelped: 5,
      // Decided: R1 (one late), R2 (on time; its pending duty decides nothing), R3 (overdue).
      casesOnTime: { decided: 3, onTime: 1, share: 1 / 3 },
      // The child helped by five units in two cases is one minor; the refused woman is none.
      priorityGroupsHelped: { minor: 1 },
    });
  });

  it('keeps each unit’s own count of people, which the totals do not add up', async () => {
    const rows = await office.evaluation.byUnit(year, clock.now());
    const minors = rows.map((row) => [row.unit, row.priorityGroupsHelped.minor ?? 0]);
    expect(minors).toEqual([
      ['civil-affairs', 1],
      ['education', 1],
      ['procuratorate', 1],
      ['womens-federation', 1],
      ['youth-league', 1],
    ]);
    // The procuratorate sent two cases as five handoffs; civil-affairs one case, one handoff.
    expect(rows.map((row) => [row.unit, row.sentCases, row.sent, row.received])).toEqual([
      ['civil-affairs', 1, 1, 2],
      ['education', 0, 0, 1],
      ['procuratorate', 2, 5, 1],
      ['womens-federation', 0, 0, 1],
      ['youth-league', 0, 0, 1],
    ]);
  });
});
