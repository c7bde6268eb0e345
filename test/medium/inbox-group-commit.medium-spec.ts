import { plainToInstance } from 'class-transformer';
import { UNIT_CODES, type BusJobData, MessageType } from '#contracts';
import { PermanentMessageError } from '#bus';
import { verifyEvidence } from '#persistence';
import { parseSigningRegistry } from '#security';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { INBOX_GROUP_COMMIT, InboxConsumerService } from '../../apps/adapter/src/consumer/inbox-consumer.service.js';
import { judicialReferral } from '../support/factories.js';
import { testPublicKeys } from '../support/security-env.js';
import { TestDatabase } from '../support/test-database.js';
import { inProcessDriver, ManualClock, type MediumAdapter, mediumAdapter } from './support/medium-adapter.js';

/**
 * The inbox consumer writes the jobs it takes concurrently in one transaction (group
 * commit). The receiver's window is widened to a second here so that jobs handed to it together
 * form one batch whatever the machine's load; in production it is 2 ms.
 */
describe('inbox group commit (medium: real PostgreSQL)', () => {
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  const registry = parseSigningRegistry(testPublicKeys(), UNIT_CODES);
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let consumer: InboxConsumerService;

  beforeAll(async () => {
    db = await TestDatabase.create('medium_inbox_batch');
    procuratorate = await mediumAdapter('procuratorate', { databaseUrl: db.url, driver, clock });
    civilAffairs = await mediumAdapter('civil-affairs', {
      databaseUrl: db.url,
      driver,
      clock,
      override: (builder) => builder.overrideProvider(INBOX_GROUP_COMMIT).useValue({ maxBatch: 16, windowMs: 1_000 }),
    });
    consumer = civilAffairs.app.get(InboxConsumerService);
  });

  afterAll(async () => {
    await procuratorate?.close();
    await civilAffairs?.close();
    await db?.drop();
  });

  /** A referral opened at the procuratorate, as the job its relay would put in civil-affairs' inbox. */
  async function referral(): Promise<BusJobData> {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']));
    const opened = await procuratorate.unitOfWork.run(() =>
      procuratorate.opening.open('judicial-referral', request),
    );
    const [{ id: handoffId, messageId }] = opened.handoffs as { id: string; messageId: string }[];
    return { messageId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId, from: 'procuratorate', to: 'civil-affairs' };
  }

  /** How many transactions wrote these rows (rows written by one transaction share its xmin). */
  async function transactionsOf(table: 'InboxEntry' | 'HandoffStep', column: string, ids: readonly string[]): Promise<number> {
    const [row] = await db.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM "${table}" WHERE "${column}" = ANY($1::uuid[])`, [ids]);
    return row.n;
  }

  it('writes messages taken together in one transaction: each received once, a copy in the same batch a duplicate, the evidence chain unbroken', async () => {
    const jobs = [await referral(), await referral(), await referral(), await referral()];
    const outcomes = await Promise.all([...jobs, { ...jobs[1] }].map((job) => consumer.consume(job)));
    // The three others processed; of jobs[1] and its copy, exactly one (whichever its authenticity
    // check let into the batch first) processed and the other a duplicate.
    expect([outcomes[0], outcomes[2], outcomes[3]]).toEqual(['processed', 'processed', 'processed']);
    expect([outcomes[1], outcomes[4]].sort()).toEqual(['duplicate', 'processed']);

    const messageIds = jobs.map((job) => job.messageId);
    const handoffIds = jobs.map((job) => job.handoffId);
    expect(await transactionsOf('InboxEntry', 'messageId', messageIds)).toBe(1);
    const steps = await db.query<{ handoffId: string; step: string; tx: string }>(
      `SELECT "handoffId", step::text, xmin::text AS tx FROM "HandoffStep" WHERE "handoffId" = ANY($1::uuid[]) AND step = 'received'`,
      [handoffIds],
    );
    expect(steps.map((step) => step.handoffId).sort()).toEqual([...handoffIds].sort()); // one `received` each, the copy none
    const [inboxTx] = await db.query<{ tx: string }>(`SELECT xmin::text AS tx FROM "InboxEntry" WHERE "messageId" = $1`, [messageIds[0]]);
    expect(new Set(steps.map((step) => step.tx))).toEqual(new Set([inboxTx.tx]));
    // The evidence of the batch: one record per message, consecutive in civil-affairs' chain, in the same transaction.
    const evidence = await db.query<{ seq: number; tx: string }>(
      `SELECT seq, xmin::text AS tx FROM "AuditRecord" WHERE chain = 'civil-affairs' AND action = 'step.received' AND "handoffId" = ANY($1::uuid[]) ORDER BY seq`,
      [handoffIds],
    );
    expect(evidence).toHaveLength(4);
    expect(evidence.map((record) => record.seq - evidence[0].seq)).toEqual([0, 1, 2, 3]);
    expect(new Set(evidence.map((record) => record.tx))).toEqual(new Set([inboxTx.tx]));
    // Each referral answered with one receipt, and its sender's outbox row confirmed.
    const [receipts] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Message" WHERE type = $1 AND "handoffId" = ANY($2::uuid[])`, [MessageType.Receipt, handoffIds]);
    expect(receipts.n).toBe(4);
    const [unconfirmed] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "OutboxEntry" WHERE "messageId" = ANY($1::uuid[]) AND "consumedAt" IS NULL`, [messageIds]);
    expect(unconfirmed.n).toBe(0);
    expect((await verifyEvidence(db.url, registry)).problem).toBeNull();

    // Redelivered later, together: all duplicates, nothing written twice.
    expect(await Promise.all(jobs.map((job) => consumer.consume(job)))).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const [received] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "HandoffStep" WHERE "handoffId" = ANY($1::uuid[]) AND step = 'received'`, [handoffIds]);
    expect(received.n).toBe(4);
  });

  it('a poison message in a batch fails only its own job: the others are written, each in a transaction of its own', async () => {
    const good = [await referral(), await referral()];
    const poison: BusJobData = { ...good[0], messageId: crypto.randomUUID() }; // a job whose message is not in the database
    const outcomes = await Promise.allSettled([good[0], poison, good[1]].map((job) => consumer.consume(job)));
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: 'processed' });
    expect(outcomes[2]).toEqual({ status: 'fulfilled', value: 'processed' });
    expect(outcomes[1].status).toBe('rejected');
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(PermanentMessageError);
    // The batch rolled back and was written again one message per transaction.
    expect(await transactionsOf('InboxEntry', 'messageId', good.map((job) => job.messageId))).toBe(2);
    const [poisoned] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "InboxEntry" WHERE "messageId" = $1`, [poison.messageId]);
    expect(poisoned.n).toBe(0);
    expect((await verifyEvidence(db.url, registry)).problem).toBeNull();
  });
});
