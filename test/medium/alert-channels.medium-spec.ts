import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import { operationsAlert } from '#deadlines';
import { type NewAlert, OperationsQueries } from '#persistence';
import { AlertChannels } from '../../apps/scheduler/src/alerts/alert-channels.service.js';
import { OperationsAlarms } from '../../apps/scheduler/src/alerts/operations-alarms.service.js';
import { TestDatabase } from '../support/test-database.js';
import { inProcessDriver, ManualClock } from './support/medium-adapter.js';
import { type MediumScheduler, mediumScheduler } from './support/medium-scheduler.js';

/**
 * An alert that no channel reaches is not delivered: with neither the office's webhook nor SMTP set,
 * or with SMTP but no address among its recipients (a unit's liaison without e-mail), it stays
 * undelivered, becomes a dead letter the operator CLI lists, and the dead-letter alarm counts it. An
 * office notice is the exception: the unit holds its copy (第二十二条), the e-mail is a courtesy.
 */
describe('alerts with nowhere to go (medium: real PostgreSQL, in-process queues)', () => {
  let db: TestDatabase;
  const clock = new ManualClock(new Date('2026-11-23T02:00:00Z'));

  beforeAll(async () => {
    db = await TestDatabase.create('medium_alert_channels');
  });

  afterAll(async () => {
    await db?.drop();
  });

  const reminderWithoutEmail = (key: string): NewAlert => ({
    ...operationsAlert('stuck-messages', 'scheduler', 'x', clock.now()),
    dedupeKey: key,
    kind: 'reminder',
    level: 'reminder-1',
    agency: 'education',
    // A unit's liaison the roster has no e-mail address for.
    recipients: [{ role: 'liaison', name: null, phone: null, email: null }],
    summary: '【提醒】测试',
  });

  async function send(scheduler: MediumScheduler, driver: ReturnType<typeof inProcessDriver>, alerts: NewAlert[]): Promise<void> {
    await scheduler.office.alerts.createMany(alerts);
    await scheduler.alertRelay.publishBatch(100);
    await driver.runUntilIdle();
  }

  const state = (key: string) =>
    db.query<{ deliveredAt: Date | null; failedAt: Date | null; failureReason: string | null }>(
      `SELECT "deliveredAt", "failedAt", "failureReason" FROM "Alert" WHERE "dedupeKey" = $1`,
      [key],
    );

  it('with no channel set: undelivered, a dead letter listed for the scheduler, the dead-letter alarm raised; a notice is still delivered', async () => {
    const driver = inProcessDriver();
    const scheduler = await mediumScheduler({ databaseUrl: db.url, driver, clock });
    try {
      const officeAlert = operationsAlert('queue-refusing', 'scheduler', '测试', clock.now());
      const notice: NewAlert = { ...reminderWithoutEmail('notice.n1.education'), kind: 'office-notice', level: 'notice' };
      await send(scheduler, driver, [officeAlert, reminderWithoutEmail('reminder.none.1'), notice]);

      for (const key of [officeAlert.dedupeKey, 'reminder.none.1']) {
        const [row] = await state(key);
        expect(row.deliveredAt).toBeNull();
        expect(row.failedAt).not.toBeNull();
        expect(row.failureReason).toMatch(/nowhere to go: neither OFFICE_WEBHOOK_URL nor SMTP_URL is set/);
      }
      expect((await state('notice.n1.education'))[0].deliveredAt).not.toBeNull();

      // What `npm run ops -- dead-letters --unit scheduler` lists.
      const listed = await scheduler.app.get(OperationsQueries).deadLetters({ agency: 'scheduler', limit: 100 });
      expect(listed.map((row) => row.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/nowhere to go/), expect.stringMatching(/nowhere to go/)]));
      expect(listed).toHaveLength(2);

      // The operations alarm: the dead letters are counted and the office is alerted (once per hour).
      expect(await scheduler.app.get(OperationsAlarms).check()).toBeGreaterThan(0);
      expect(await db.query(`SELECT 1 FROM "Alert" WHERE "dedupeKey" LIKE 'ops.dead-letters.scheduler.%'`)).toHaveLength(1);
    } finally {
      await scheduler.close();
    }
  }, 120_000);

  it('with SMTP set: an alert whose recipients have no address and which is not the office’s is not delivered either', async () => {
    const driver = inProcessDriver();
    // Never connected: no recipient has an address, so nothing is mailed.
    const scheduler = await mediumScheduler({ databaseUrl: db.url, driver, clock, env: { SMTP_URL: 'smtp://127.0.0.1:1' } });
    try {
      await send(scheduler, driver, [reminderWithoutEmail('reminder.none.2')]);
      const [row] = await state('reminder.none.2');
      expect(row.deliveredAt).toBeNull();
      expect(row.failureReason).toMatch(/nowhere to go: it has no office recipient and no recipient has an e-mail address/);
    } finally {
      await scheduler.close();
      delete process.env.SMTP_URL;
    }
  }, 120_000);

  it('with the office webhook set: alerts sent together are stamped together — each once, in fewer statements than alerts; one the office refuses keeps no stamp and fails alone', async () => {
    const received: string[] = [];
    const refusedKey = 'ops.batch.refused';
    const office = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { key } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key: string };
        received.push(key);
        response.writeHead(key === refusedKey ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => office.listen(0, '127.0.0.1', resolve));
    const driver = inProcessDriver();
    const url = `http://127.0.0.1:${(office.address() as AddressInfo).port}/alerts`;
    const scheduler = await mediumScheduler({ databaseUrl: db.url, driver, clock, env: { OFFICE_WEBHOOK_URL: url, OFFICE_WEBHOOK_SECRET: 'office-secret-0123456789' } });
    try {
      const alerts = Array.from({ length: 24 }, (_, i) => ({ ...operationsAlert('queue-refusing', 'scheduler', `批量 ${i}`, clock.now()), dedupeKey: i === 0 ? refusedKey : `ops.batch.${i}` }));
      await scheduler.office.alerts.createMany(alerts);
      const ids = await db.query<{ id: string; dedupeKey: string }>(`SELECT id, "dedupeKey" FROM "Alert" WHERE "dedupeKey" LIKE 'ops.batch.%'`);
      const statements = jest.spyOn(scheduler.office.alerts, 'recordSending');
      const channels = scheduler.app.get(AlertChannels);
      // As the office-alerts queue's worker runs them: several at once.
      const outcomes = await Promise.allSettled(ids.map((row) => channels.send(row.id)));

      expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toHaveLength(1);
      const rows = await db.query<{ dedupeKey: string; webhookDeliveredAt: Date | null; deliveredAt: Date | null }>(
        `SELECT "dedupeKey", "webhookDeliveredAt", "deliveredAt" FROM "Alert" WHERE "dedupeKey" LIKE 'ops.batch.%'`,
      );
      for (const row of rows) {
        const done = row.dedupeKey !== refusedKey;
        expect({ key: row.dedupeKey, webhook: row.webhookDeliveredAt !== null, delivered: row.deliveredAt !== null }).toEqual({ key: row.dedupeKey, webhook: done, delivered: done });
      }
      expect(received.sort()).toEqual(alerts.map((alert) => alert.dedupeKey).sort());
      const written = statements.mock.calls.flatMap(([batch]) => batch.map((outcome) => outcome.id));
      expect(new Set(written).size).toBe(written.length);
      expect(written).toHaveLength(alerts.length - 1);
      expect(statements.mock.calls.length).toBeLessThan(alerts.length - 1);
    } finally {
      await scheduler.close();
      office.close();
      delete process.env.OFFICE_WEBHOOK_URL;
      delete process.env.OFFICE_WEBHOOK_SECRET;
    }
  }, 120_000);
});
