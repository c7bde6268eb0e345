import { spawn } from 'node:child_process';
import { projectPayload } from '#units';
import { inboxQueueName } from '#contracts';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { eventually } from './support/eventually.js';
import { advanceReferral } from './support/factories.js';
import { QUEUE_BACKEND, REDIS_URL } from './support/queue-mode.js';
import { signedBy } from './support/security-env.js';

// The operator's tools exist and do what the README says. A poison message (its payload
// fails its schema, as if a sender's bug wrote it) is dead-lettered; `npm run ops` lists it, shows
// its history, replays it with --dry-run (nothing changes) and, after the fix, for real (delivered
// once); reconcile and stuck answer.

function ops(bus: BusFixture, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/apps/ops/src/main.js', ...args], {
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', DATABASE_URL: bus.db.url, REDIS_URL, QUEUE_BACKEND, QUEUE_PREFIX: bus.queuePrefix },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

describe('npm run ops: dead letters, replay, history, reconcile', () => {
  let bus: BusFixture;
  const education = () => bus.adapter('education');

  beforeAll(async () => {
    bus = await startBus('ops-cli', { procuratorate: 'pull', education: 'pull' });
  });

  afterAll(async () => {
    await bus?.stop();
  });

  it('dead-letters a poison message, replays it after the fix, and tells its whole story', async () => {
    // The message's payload as the sender writes it (no caseRef or recipients), but without the reason 第十九条 ¶2 requires.
    const { reason: _omitted, caseRef, recipients: _recipients, ...details } = advanceReferral(['education']);
    // The sender's handoff row keeps the whole; the message carries education's projection (第二十四条).
    const payload = projectPayload('education', 'advance-referral', details);
    const handoffId = crypto.randomUUID();
    const messageId = crypto.randomUUID();
    const now = new Date();
    const correlationId = crypto.randomUUID();
    // Signed by the procuratorate's key, as its adapter signs what it writes: the receiver refuses anything else.
    const signature = (body: object) =>
      signedBy('procuratorate', {
        id: messageId, type: 'handoff.advance-referral', schemaVersion: 1, from: 'procuratorate', to: 'education', handoffId, caseRef,
        correlationId, causationId: null, occurredAt: now.toISOString(), priority: 'normal', payload: body,
      });
    await bus.db.query(
      `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
       VALUES ($1, 'advance-referral', 'procuratorate', 'education', $2, 'sent', 'normal', $3, $4, $5, $5)`,
      [handoffId, caseRef, crypto.randomUUID(), JSON.stringify(details), now],
    );
    await bus.db.query(
      `INSERT INTO "HandoffStep" (id, "handoffId", step, "actorAgency", "messageId", "occurredAt", details) VALUES ($1, $2, 'sent', 'procuratorate', $3, $4, '{}')`,
      [crypto.randomUUID(), handoffId, messageId, now],
    );
    await bus.db.query(
      `INSERT INTO "Message" (id, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "occurredAt", priority, payload, signature)
       VALUES ($1, 'handoff.advance-referral', 1, 'procuratorate', 'education', $2, $3, $4, $5, 'normal', $6, $7)`,
      [messageId, handoffId, caseRef, correlationId, now, JSON.stringify(payload), signature(payload)],
    );
    // Into the procuratorate's outbox, as its API would have written it: its relay publishes it.
    await bus.db.query(`INSERT INTO "OutboxEntry" ("messageId", "fromAgency", queue) VALUES ($1, 'procuratorate', $2)`, [messageId, inboxQueueName('education')]);

    const [dead] = await eventually(async () => {
      const rows = await bus.db.query<{ id: string; reason: string }>(`SELECT id, reason FROM "DeadLetter" WHERE "messageId" = $1`, [messageId]);
      expect(rows).toHaveLength(1);
      return rows;
    }, 30_000);
    // The message's own state says failed, with the reason: the reconciler leaves it alone. The
    // consumer writes it right after the dead letter (a crash between the two leaves the message
    // unfailed, so the reconciler publishes it again and the consumer fails it again): wait for it.
    await eventually(async () => {
      const [state] = await bus.db.query<{ failedAt: Date | null; failureReason: string | null }>(`SELECT "failedAt", "failureReason" FROM "OutboxEntry" WHERE "messageId" = $1`, [messageId]);
      expect(state.failedAt).not.toBeNull();
      expect(state.failureReason).toMatch(/reason/);
    }, 10_000);

    const listed = await ops(bus, 'dead-letters', '--unit', 'education', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.out).map((row: { id: string }) => row.id)).toEqual([dead.id]);

    const stuck = await ops(bus, 'stuck', '--older-than', '0s');
    expect(stuck.code).toBe(0);

    // A dry run changes nothing.
    const dry = await ops(bus, 'replay', dead.id, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toContain(`would replay handoff.advance-referral message ${messageId}`);
    const [still] = await bus.db.query<{ replayedAt: Date | null }>(`SELECT "replayedAt" FROM "DeadLetter" WHERE id = $1`, [dead.id]);
    expect(still.replayedAt).toBeNull();

    // The fix (the sender's bug corrected in the stored message), then the replay.
    const fixed = { ...payload, reason: '当事人急需救助，来不及书面移送' };
    await bus.db.query(`UPDATE "Message" SET payload = $2, signature = $3 WHERE id = $1`, [messageId, JSON.stringify(fixed), signature(fixed)]);
    const replayed = await ops(bus, 'replay', dead.id);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toContain('1 of 1 dead letters replayed');

    await eventually(async () => {
      const inbox = await education().get('/inbox');
      expect(inbox.body.items.map((item: { messageId: string }) => item.messageId)).toEqual([messageId]);
    }, 30_000);
    const [done] = await bus.db.query<{ replayedAt: Date | null; replays: number }>(`SELECT "replayedAt", replays FROM "DeadLetter" WHERE id = $1`, [dead.id]);
    expect(done).toMatchObject({ replays: 1 });
    expect(done.replayedAt).not.toBeNull();
    expect((await ops(bus, 'dead-letters', '--json')).out).toBe('[]\n');

    const history = await ops(bus, 'history', messageId);
    expect(history.code).toBe(0);
    for (const line of ['written: handoff.advance-referral to education', 'published to', `dead letter ${dead.id}`, 'replayed (1)', 'consumed', 'in the inbox']) {
      expect(history.out).toContain(line);
    }

    const reconcile = await ops(bus, 'reconcile', '--dry-run', '--json');
    expect(reconcile.code).toBe(0);
    const owners = JSON.parse(reconcile.out) as { owner: string; reports: { orphaned: string[] }[] }[];
    expect(owners.map((owner) => owner.owner)).toContain('scheduler');
    expect(owners.flatMap((owner) => owner.reports.flatMap((report) => report.orphaned))).toEqual([]);

    const bad = await ops(bus, 'replay');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('replay needs a dead letter id');
  });
});
