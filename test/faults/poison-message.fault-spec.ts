import { randomUUID } from 'node:crypto';
import { expectClean, PULL_UNIT, SENDER } from './support/fault-bus.js';
import { projectPayload } from '#units';
import { inboxQueueName } from '#contracts';
import { judicialReferral } from '../support/factories.js';
import { present } from '../support/present.js';
import { signedBy } from '../support/security-env.js';
import type { AcceptedHandoff } from './support/load.js';
import { faultScenario, waitFor } from './support/scenario.js';

// A poison message in the middle of a burst: a referral whose stored message names a schema version
// no consumer knows (written around the API, which would never produce it). The receiver refuses it
// for good: it is dead-lettered (a DeadLetter row the operator CLI lists), the rest of the burst is
// not held up, and after the fix (the row corrected) `npm run ops -- replay <id>` delivers it, once
//. The relay's own redelivery is slowed down so that the replay is what delivers it.

faultScenario('poison message dead-lettered, replayed by the CLI', { adapterEnv: { RECONCILE_INTERVAL_MS: '600000' } }, async (bus) => {
  const load = bus().load();
  const burst = load.run();
  await waitFor('the burst under way', () => load.accepted.some((h) => h.to === PULL_UNIT), 120_000);
  const poison: AcceptedHandoff = { handoffId: randomUUID(), messageId: randomUUID(), to: PULL_UNIT };
  const requestId = randomUUID();
  // The message as a sender's bug could write it: a schema version no consumer knows, signed by the
  // sender (the receiver refuses an unsigned one before it looks at the version).
  const { caseRef, recipients: _recipients, ...details } = judicialReferral([PULL_UNIT]);
  // The sender's handoff row keeps the whole; the message carries the receiver's projection, as the sender writes it (第二十四条).
  const payload = projectPayload(PULL_UNIT, 'judicial-referral', details);
  const occurredAt = new Date();
  const signature = (schemaVersion: number) =>
    signedBy(SENDER, {
      id: poison.messageId, type: 'handoff.judicial-referral', schemaVersion, from: SENDER, to: PULL_UNIT, handoffId: poison.handoffId, caseRef,
      correlationId: requestId, causationId: null, occurredAt: occurredAt.toISOString(), priority: 'normal', payload,
    });
  await bus().query(
    `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
     VALUES ($1, 'judicial-referral', $2, $3, $4, 'sent', 'normal', $5, $6, $7, $7)`,
    [poison.handoffId, SENDER, PULL_UNIT, caseRef, requestId, JSON.stringify(details), occurredAt],
  );
  await bus().query(
    `INSERT INTO "HandoffStep" (id, "handoffId", step, "actorAgency", "messageId", "occurredAt", details) VALUES ($1, $2, 'sent', $3, $4, $5, '{}')`,
    [randomUUID(), poison.handoffId, SENDER, poison.messageId, occurredAt],
  );
  await bus().query(
    `INSERT INTO "Message" (id, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "causationId", "occurredAt", priority, payload, signature)
     VALUES ($1, 'handoff.judicial-referral', 99, $2, $3, $4, $5, $6, NULL, $7, 'normal', $8, $9)`,
    [poison.messageId, SENDER, PULL_UNIT, poison.handoffId, caseRef, requestId, occurredAt, JSON.stringify(payload), signature(99)],
  );
  await bus().query(`INSERT INTO "OutboxEntry" ("messageId", "fromAgency", queue) VALUES ($1, $2, $3)`, [poison.messageId, SENDER, inboxQueueName(PULL_UNIT)]);

  const deadLetterId = async (): Promise<string | undefined> =>
    (await bus().query<{ id: string }>(`SELECT id FROM "DeadLetter" WHERE "messageId" = $1 ORDER BY "failedAt" LIMIT 1`, [poison.messageId]))[0]?.id;
  await waitFor('the poison message dead-lettered', async () => (await deadLetterId()) !== undefined, 120_000, 200);
  const id = present(await deadLetterId(), 'the dead letter of the poison message');
  await burst;

  // The operator sees it, fixes it, replays it.
  const listed = await bus().ops(['dead-letters', '--unit', PULL_UNIT, '--json']);
  // The fix: the sender's bug corrected, the message written (and signed) again at version 1.
  await bus().query(`UPDATE "Message" SET "schemaVersion" = 1, signature = $2 WHERE id = $1`, [poison.messageId, signature(1)]);
  const dryRun = await bus().ops(['replay', id, '--dry-run']);
  const replayed = await bus().ops(['replay', id]);
  bus().faultEnded();
  const history = await bus().ops(['history', poison.messageId]);

  const outcome = await bus().settle(load, { extra: [poison] });
  const cli = { listed, dryRun, replayed, history };
  for (const [command, result] of Object.entries(cli)) {
    if (result.code !== 0) outcome.notes.push(`ops ${command} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
  }
  bus().record(outcome);
  expect(listed).toMatchObject({ code: 0 });
  expect(listed.stdout).toContain(poison.messageId);
  expect(dryRun.code).toBe(0);
  expect(replayed.code).toBe(0);
  expect(history.code).toBe(0);
  expect(history.stdout).toContain(poison.messageId);
  expectClean(outcome);
  // Delivered once: one inbox row for the poison message.
  expect(await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE "messageId" = $1`, [poison.messageId])).toBe(1);
});
