import { beijingDateOf, endOfBeijingDay } from '#calendar';
import { auditHash, GENESIS_HASH } from '#security';
import { hashPassword } from '../../apps/console/src/auth/password.js';
import { residentId } from './factories.js';
import type { TestDatabase } from './test-database.js';

// Fixtures for the console: handoffs in the states the office watches, written straight to
// PostgreSQL as the adapters and the scheduler would have left them.

const DAY = 24 * 3600_000;

export interface SeededHandoff {
  id: string;
  caseRef: string;
  alertId?: string;
}

async function handoff(
  db: TestDatabase,
  row: { caseRef: string; kind: string; from: string; to: string; step: string; priority: string; openedAt: Date },
): Promise<string> {
  const id = crypto.randomUUID();
  await db.query(
    `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())`,
    [id, row.kind, row.from, row.to, row.caseRef, row.step, row.priority, crypto.randomUUID(),
      JSON.stringify({ person: { name: '林某某', idNumber: residentId() }, situation: 'serious-injury-victim' }), row.openedAt],
  );
  const steps = ['sent', 'received', 'procedure-started', 'concluded', 'feedback-given', 'feedback-received'];
  for (const [i, step] of steps.slice(0, steps.indexOf(row.step) + 1).entries()) {
    await db.query(
      `INSERT INTO "HandoffStep" (id, "handoffId", step, "actorAgency", "messageId", "occurredAt", details) VALUES ($1, $2, $3, $4, $5, $6, '{}')`,
      [crypto.randomUUID(), id, step, i === 0 || step === 'feedback-received' ? row.from : row.to, crypto.randomUUID(), new Date(row.openedAt.getTime() + i * 3600_000)],
    );
  }
  return id;
}

async function obligation(
  db: TestDatabase,
  row: { handoffId: string; rule: string; agency: string; startAt: Date; dueAt: Date; status: string; fulfilledAt?: Date; late?: boolean; nextLevel?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO "Obligation" (id, "handoffId", rule, "responsibleAgency", "startAt", "dueAt", provisional, "missingYears", "greenChannel", status, "fulfilledAt", late, "nextLevel", "nextActionAt", "updatedAt")
     VALUES ($1, $2, $3, $4, $5, $6, false, '{}', false, $7, $8, $9, $10, $11, now())`,
    [crypto.randomUUID(), row.handoffId, row.rule, row.agency, row.startAt, row.dueAt, row.status, row.fulfilledAt ?? null, row.late ?? null,
      row.status === 'open' ? (row.nextLevel ?? 'overdue') : null, row.status === 'open' ? row.dueAt : null],
  );
}

export async function seedConsole(db: TestDatabase, now: Date) {
  // An overdue handoff the office has been alerted to: civil-affairs never started its procedure.
  const overdueRef = '晋检救〔2026〕101号';
  const overdueId = await handoff(db, { caseRef: overdueRef, kind: 'judicial-referral', from: 'procuratorate', to: 'civil-affairs', step: 'received', priority: 'normal', openedAt: new Date(now.getTime() - 14 * DAY) });
  await obligation(db, { handoffId: overdueId, rule: 'procedure-started-after-receipt', agency: 'civil-affairs', startAt: new Date(now.getTime() - 14 * DAY), dueAt: new Date(now.getTime() - 6 * DAY), status: 'open', nextLevel: 'overdue-leader' });
  const alertId = crypto.randomUUID();
  await db.query(
    `INSERT INTO "Alert" (id, "dedupeKey", kind, level, "obligationId", "handoffId", agency, recipients, summary, "publishedAt")
     VALUES ($1, $2, 'escalation', 'overdue', NULL, $3, 'civil-affairs', '[]', $4, now())`,
    [alertId, `${overdueId}.procedure-started-after-receipt.overdue`, overdueId, `【逾期】晋江市民政局未在期限前完成「收到移送后5个工作日内启动程序」（第二十一条），案件${overdueRef}，已报联席会议办公室（第八检察部）。`],
  );

  // Its evidence log: civil-affairs's system read the person's data.
  const evidence = { chain: 'civil-affairs', seq: 1, at: new Date(now.getTime() - 13 * DAY).toISOString(), actor: 'civil-affairs system (API key 1234abcd)', agency: 'civil-affairs', handoffId: overdueId, action: 'person-data.read', reason: 'GET /handoffs/:id — 核实救助申请', prevHash: GENESIS_HASH };
  await db.query(
    `INSERT INTO "AuditRecord" (chain, seq, at, actor, agency, "handoffId", action, reason, "prevHash", hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [evidence.chain, evidence.seq, evidence.at, evidence.actor, evidence.agency, evidence.handoffId, evidence.action, evidence.reason, evidence.prevHash, auditHash(evidence)],
  );

  // A green-channel referral to education, in time.
  const greenRef = '晋检救〔2026〕102号';
  const greenId = await handoff(db, { caseRef: greenRef, kind: 'judicial-referral', from: 'procuratorate', to: 'education', step: 'received', priority: 'green-channel', openedAt: new Date(now.getTime() - DAY) });
  await obligation(db, { handoffId: greenId, rule: 'procedure-started-after-receipt', agency: 'education', startAt: new Date(now.getTime() - DAY), dueAt: new Date(now.getTime() + 5 * DAY), status: 'open', nextLevel: 'reminder-2' });

  // An urgent medical notice to the procuratorate.
  const urgentId = await handoff(db, { caseRef: '民政急救-7', kind: 'urgent-medical-notice', from: 'civil-affairs', to: 'procuratorate', step: 'received', priority: 'urgent', openedAt: new Date(now.getTime() - 3600_000) });
  await obligation(db, { handoffId: urgentId, rule: 'urgent-notice-acknowledged', agency: 'procuratorate', startAt: new Date(now.getTime() - 3600_000), dueAt: new Date(now.getTime() + 23 * 3600_000), status: 'open', nextLevel: 'reminder-1' });

  // Duties done this month, some late, for the timeliness table and chart.
  const units = ['civil-affairs', 'education', 'justice', 'hrss', 'procuratorate'];
  const closed: { id: string; agency: string }[] = [];
  for (const [u, agency] of units.entries()) {
    for (let i = 0; i < 4; i++) {
      // Done minutes ago, so it falls in "this month" whatever day the test runs.
      const done = new Date(now.getTime() - (1 + i) * 60_000);
      const start = new Date(done.getTime() - (2 + ((u + i) % 5)) * DAY);
      const id = await handoff(db, { caseRef: `晋检救〔2026〕${200 + u * 10 + i}号`, kind: 'judicial-referral', from: agency === 'procuratorate' ? 'civil-affairs' : 'procuratorate', to: agency, step: 'feedback-received', priority: 'normal', openedAt: start });
      await obligation(db, { handoffId: id, rule: 'procedure-started-after-receipt', agency, startAt: start, dueAt: new Date(start.getTime() + 7 * DAY), status: 'fulfilled', fulfilledAt: done, late: i < u % 4 });
      closed.push({ id, agency });
    }
  }
  // 第二十五条: follow-up visits of closed cases — one done, one overdue, one due — and measures of the ledger.
  const [visited, missed, coming] = closed;
  await obligation(db, { handoffId: visited.id, rule: 'follow-up-visit-1', agency: visited.agency, startAt: new Date(now.getTime() - 100 * DAY), dueAt: new Date(now.getTime() - 8 * DAY), status: 'fulfilled', fulfilledAt: new Date(now.getTime() - 10 * DAY), late: false });
  // Due at the close of a Beijing day, as the scheduler stores a deadline of days: 00:00 of the next.
  const missedDueOn = beijingDateOf(new Date(now.getTime() - 3 * DAY));
  await obligation(db, { handoffId: missed.id, rule: 'follow-up-visit-1', agency: missed.agency, startAt: new Date(now.getTime() - 95 * DAY), dueAt: endOfBeijingDay(missedDueOn), status: 'open', nextLevel: 'overdue-leader' });
  await obligation(db, { handoffId: coming.id, rule: 'follow-up-visit-2', agency: coming.agency, startAt: new Date(now.getTime() - 90 * DAY), dueAt: new Date(now.getTime() + 90 * DAY), status: 'open', nextLevel: 'reminder-1' });
  for (const [kind, status, amountFen] of [['living-allowance', 'granted', 98_000], ['temporary-assistance', 'completed', 200_000]] as const) {
    await db.query(
      `INSERT INTO "AssistanceMeasure" (id, "handoffId", agency, kind, status, "decidedOn", "amountFen", details, "recordedAt") VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, '{}'::jsonb, now())`,
      [visited.id, visited.agency, kind, status, new Date(now.getTime() - 20 * DAY + 8 * 3600_000).toISOString().slice(0, 10), amountFen],
    );
  }
  return { overdue: { id: overdueId, caseRef: overdueRef, alertId }, green: { id: greenId, caseRef: greenRef }, visited, missed: { ...missed, dueOn: missedDueOn } };
}

export async function seedUser(db: TestDatabase, username: string, password: string, role: 'operator' | 'office' | 'unit', agency: string | null = null) {
  await db.query(`INSERT INTO "ConsoleUser" (id, username, "passwordHash", role, agency) VALUES ($1, $2, $3, $4, $5)`, [
    crypto.randomUUID(), username, await hashPassword(password), role, agency,
  ]);
}
