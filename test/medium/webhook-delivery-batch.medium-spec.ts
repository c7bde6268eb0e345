import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { plainToInstance } from 'class-transformer';
import { UNIT_CODES, type BusJobData, MessageType } from '#contracts';
import { verifyEvidence } from '#persistence';
import { parseSigningRegistry } from '#security';
import { OpenJudicialReferralRequest } from '../../apps/adapter/src/api/open-handoff.dto.js';
import { InboxConsumerService } from '../../apps/adapter/src/consumer/inbox-consumer.service.js';
import { DELIVERY_GROUP_COMMIT, WebhookDeliveryService } from '../../apps/adapter/src/delivery/webhook-delivery.service.js';
import { judicialReferral } from '../support/factories.js';
import { testPublicKeys } from '../support/security-env.js';
import { TestDatabase } from '../support/test-database.js';
import { inProcessDriver, ManualClock, type MediumAdapter, mediumAdapter } from './support/medium-adapter.js';

/**
 * Webhook deliveries accepted concurrently are recorded in one transaction, each with its
 * evidence record in the same transaction as its `delivered` status. The window is widened to a
 * second so that deliveries finishing together form one batch whatever the machine's load.
 */
describe('webhook delivery recorded by group commit (medium: real PostgreSQL)', () => {
  let db: TestDatabase;
  const driver = inProcessDriver();
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));
  const registry = parseSigningRegistry(testPublicKeys(), UNIT_CODES);
  let procuratorate: MediumAdapter;
  let civilAffairs: MediumAdapter;
  let server: Server;
  const received: string[] = [];
  const refused = new Set<string>();

  beforeAll(async () => {
    server = createServer((req, res) => {
      const id = String(req.headers['x-bus-message-id']);
      req.resume().on('end', () => {
        received.push(id);
        res.writeHead(refused.has(id) ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    db = await TestDatabase.create('medium_webhook_batch');
    procuratorate = await mediumAdapter('procuratorate', { databaseUrl: db.url, driver, clock });
    civilAffairs = await mediumAdapter('civil-affairs', {
      databaseUrl: db.url,
      driver,
      clock,
      env: { DELIVERY_MODE: 'webhook', WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bus`, WEBHOOK_SECRET: 's'.repeat(32) },
      override: (builder) => builder.overrideProvider(DELIVERY_GROUP_COMMIT).useValue({ maxBatch: 8, windowMs: 1_000 }),
    });
  });

  afterAll(async () => {
    await procuratorate?.close();
    await civilAffairs?.close();
    await db?.drop();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A referral opened at the procuratorate and received by civil-affairs, its delivery pending. */
  async function receivedReferral(): Promise<BusJobData> {
    const request = plainToInstance(OpenJudicialReferralRequest, judicialReferral(['civil-affairs']));
    const opened = await procuratorate.unitOfWork.run(() =>
      procuratorate.opening.open('judicial-referral', request),
    );
    const [{ id: handoffId, messageId }] = opened.handoffs as { id: string; messageId: string }[];
    const job = { messageId, type: MessageType.JudicialReferral, schemaVersion: 1, handoffId, from: 'procuratorate', to: 'civil-affairs' } as const;
    expect(await civilAffairs.app.get(InboxConsumerService).consume(job)).toBe('processed');
    return job;
  }

  it('records deliveries accepted together in one transaction with their evidence; a refused one fails alone', async () => {
    const delivery = civilAffairs.app.get(WebhookDeliveryService);
    const jobs = [await receivedReferral(), await receivedReferral(), await receivedReferral(), await receivedReferral()];
    refused.add(jobs[3].messageId);
    const outcomes = await Promise.allSettled(
      jobs.map((job) => delivery.deliver({ agency: 'civil-affairs', messageId: job.messageId }, { jobId: job.messageId, attempt: 1, isLastAttempt: false })),
    );
    expect(outcomes.slice(0, 3)).toEqual([0, 1, 2].map(() => ({ status: 'fulfilled', value: 'processed' })));
    expect(outcomes[3].status).toBe('rejected');
    expect([...received].sort()).toEqual(jobs.map((job) => job.messageId).sort());

    const accepted = jobs.slice(0, 3);
    const entries = await db.query<{ messageId: string; deliveryStatus: string; deliveryAttempts: number; tx: string }>(
      `SELECT "messageId", "deliveryStatus"::text, "deliveryAttempts", xmin::text AS tx FROM "InboxEntry" WHERE "messageId" = ANY($1::uuid[]) ORDER BY "messageId"`,
      [jobs.map((job) => job.messageId)],
    );
    const byId = new Map(entries.map((entry) => [entry.messageId, entry]));
    for (const job of accepted) expect(byId.get(job.messageId)).toMatchObject({ deliveryStatus: 'delivered', deliveryAttempts: 1 });
    expect(byId.get(jobs[3].messageId)).toMatchObject({ deliveryStatus: 'pending', deliveryAttempts: 1 });
    const transactions = new Set(accepted.map((job) => byId.get(job.messageId)?.tx));
    expect(transactions.size).toBe(1);
    const evidence = await db.query<{ handoffId: string; tx: string }>(
      `SELECT "handoffId", xmin::text AS tx FROM "AuditRecord" WHERE action = 'person-data.delivered' AND "handoffId" = ANY($1::uuid[])`,
      [jobs.map((job) => job.handoffId)],
    );
    expect(evidence.map((record) => record.handoffId).sort()).toEqual(accepted.map((job) => job.handoffId).sort());
    expect(new Set(evidence.map((record) => record.tx))).toEqual(transactions);
    expect((await verifyEvidence(db.url, registry)).problem).toBeNull();

    // A delivery job run again after its success changes nothing.
    expect(await delivery.deliver({ agency: 'civil-affairs', messageId: accepted[0].messageId }, { jobId: 'again', attempt: 1, isLastAttempt: false })).toBe('duplicate');
  });
});
