import { plainToInstance } from 'class-transformer';
import { HandoffNotFoundError } from '#handoffs';
import { UNIT_CODES } from '#contracts';
import { verifyEvidence } from '#persistence';
import { parseSigningRegistry } from '#security';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import type { OpenedHandoffs } from '../../apps/adapter/src/handoffs/handoff-opening.service.js';
import type { StepRecorded } from '../../apps/adapter/src/handoffs/lifecycle.service.js';
import { judicialReferral } from '../support/factories.js';
import { testPublicKeys } from '../support/security-env.js';
import { TestDatabase } from '../support/test-database.js';
import { type MediumBus, startMediumBus } from './support/medium-bus.js';
import { inProcessDriver, ManualClock, type MediumAdapter, settle } from './support/medium-adapter.js';

/**
 * The units' API commits the writes that arrive while a transaction runs in the next
 * transaction together (group commit). Requests made in one tick without an Idempotency-Key reach
 * the writer in order: the first starts a transaction alone, the rest wait for it and form the next
 * batch — so the counts of transactions below are exact, not timing-dependent.
 */
describe('API group commit (medium: real PostgreSQL)', () => {
  let bus: MediumBus;
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  const registry = parseSigningRegistry(testPublicKeys(), UNIT_CODES);
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;

  beforeAll(async () => {
    bus = await startMediumBus('medium_api_batch', { units: ['procuratorate', 'civil-affairs'], driver, clock });
    ({ db } = bus);
    [procuratorate, civilAffairs] = bus.adapters;
  });

  afterAll(async () => {
    await bus?.close();
  });

  function open(idempotencyKey?: string, body = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']))) {
    return procuratorate.writes.run({ idempotencyKey, method: 'POST', path: '/handoffs/judicial-referrals', body }, async () => ({
      status: 201,
      body: await procuratorate.opening.open('judicial-referral', body),
    }));
  }

  const handoffIdOf = (answer: { body: unknown }) => (answer.body as OpenedHandoffs).handoffs[0].id;

  /** How many transactions wrote these handoffs (rows written by one transaction share its xmin). */
  async function transactionsOf(handoffIds: readonly string[]): Promise<number> {
    const [row] = await db.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM "Handoff" WHERE id = ANY($1::uuid[])`, [handoffIds]);
    return row.n;
  }

  it('commits requests that arrive during a transaction together: 5 referrals in 2 transactions, each its own answer, the evidence chain unbroken', async () => {
    const answers = await Promise.all([open(), open(), open(), open(), open()]);
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201]);
    const handoffIds = answers.map(handoffIdOf);
    expect(new Set(handoffIds).size).toBe(5);
    expect(await transactionsOf(handoffIds)).toBe(2); // the first alone, the four that waited for it in one
    expect(await transactionsOf(handoffIds.slice(1))).toBe(1);
    // Every referral has its outbox row to civil-affairs (beside its step event to the scheduler) and its evidence, and the chain verifies across the batch.
    const [outbox] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "OutboxEntry" o JOIN "Message" m ON m.id = o."messageId" WHERE m."handoffId" = ANY($1::uuid[]) AND m."toAgency" = 'civil-affairs'`, [handoffIds]);
    expect(outbox.n).toBe(5);
    const [evidence] = await db.query<{ n: number }>(`SELECT count(DISTINCT "handoffId")::int AS n FROM "AuditRecord" WHERE chain = 'procuratorate' AND "handoffId" = ANY($1::uuid[])`, [handoffIds]);
    expect(evidence.n).toBe(5);
    expect((await verifyEvidence(db.url, registry)).problem).toBeNull();
  });

  it('a request that fails in a batch fails alone: the others are written, each in its own transaction, and the failure writes nothing', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const [first, good1, bad, good2] = await Promise.allSettled([
      open(),
      open(),
      procuratorate.writes.run({ method: 'POST', path: `/handoffs/${unknown}/procedure-started`, body: {} }, async () => ({ status: 201, body: await procuratorate.lifecycle.report(unknown, 'procedure-started', {}) })),
      open(),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: expect.any(HandoffNotFoundError) });
    for (const settled of [first, good1, good2]) expect(settled).toMatchObject({ status: 'fulfilled', value: { status: 201 } });
    const ids = [good1, good2].map((settled) => handoffIdOf((settled as PromiseFulfilledResult<{ body: unknown }>).value));
    expect(await transactionsOf(ids)).toBe(2); // the batch [good1, bad, good2] rolled back and was written one by one
    expect((await verifyEvidence(db.url, registry)).problem).toBeNull();
  });

  it('twins with one Idempotency-Key, whether or not they meet in a batch: one write, the other answered as a replay of it', async () => {
    const body = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']));
    const key = crypto.randomUUID();
    const answers = await Promise.all([open(key, body), open(key, body), open(key, body)]);
    expect(answers.map((answer) => answer.replayed).sort()).toEqual([false, true, true]);
    expect(new Set(answers.map(handoffIdOf)).size).toBe(1);
    const [handoffs] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Handoff" WHERE "caseRef" = $1`, [body.caseRef]);
    expect(handoffs.n).toBe(1);
  });

  it('twenty concurrent retries of one step with one Idempotency-Key and body: one write, every answer the first one (201), nineteen replayed', async () => {
    const handoffId = handoffIdOf(await open());
    await settle(driver, [procuratorate, civilAffairs]);
    const key = crypto.randomUUID();
    const body = { startedOn: '2026-11-23' };
    const report = () =>
      civilAffairs.writes.run({ idempotencyKey: key, method: 'POST', path: `/handoffs/${handoffId}/procedure-started`, body }, async () => ({
        status: 201,
        body: await civilAffairs.lifecycle.report(handoffId, 'procedure-started', body),
      }));
    const answers = await Promise.allSettled(Array.from({ length: 20 }, report));
    const statuses = answers.map((settled) => (settled.status === 'fulfilled' ? settled.value.status : (settled.reason as Error).name));
    expect(statuses).toEqual(Array<number>(20).fill(201));
    const fulfilled = answers.flatMap((settled) => (settled.status === 'fulfilled' ? [settled.value] : []));
    expect(fulfilled.filter((answer) => !answer.replayed)).toHaveLength(1);
    expect(new Set(fulfilled.map((answer) => (answer.body as StepRecorded).messageId)).size).toBe(1);
    const [steps] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "HandoffStep" WHERE "handoffId" = $1 AND step = 'procedure-started'`, [handoffId]);
    expect(steps.n).toBe(1);
    // A retry after the fact is the same replay; the same key with another body is still refused.
    expect(await report()).toMatchObject({ status: 201, replayed: true, body: fulfilled[0].body });
    await expect(
      civilAffairs.writes.run({ idempotencyKey: key, method: 'POST', path: `/handoffs/${handoffId}/procedure-started`, body: { startedOn: '2026-11-22' } }, async () => ({
        status: 201,
        body: await civilAffairs.lifecycle.report(handoffId, 'procedure-started', { startedOn: '2026-11-22' }),
      })),
    ).rejects.toMatchObject({ name: 'IdempotencyConflictError' });
  });
});
