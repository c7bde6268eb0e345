import { randomUUID } from 'node:crypto';
import { expectClean, PULL_UNIT, SENDER } from './support/fault-bus.js';
import { present } from '../support/present.js';
import type { AcceptedHandoff } from './support/load.js';
import { faultScenario, waitFor } from './support/scenario.js';

// A poison message in the middle of a burst: a referral whose stored message names a schema version
// no consumer knows (written around the API, which would never produce it). The receiver refuses it
// for good: it is dead-lettered (a DeadLetter row the operator CLI lists), the rest of the burst is
// not held up, and after the fix (the row corrected) `npm run ops -- replay <id>` delivers it, once
// (issue 8 point 6). The relay's own redelivery is slowed down so that the replay is what delivers it.

faultScenario('poison message dead-lettered, replayed by the CLI', { adapterEnv: { OUTBOX_REDELIVER_AFTER_MS: '600000' } }, async (bus) => {
  const load = bus().load();
  const burst = load.run();
  await waitFor('a referral to copy', () => load.accepted.some((h) => h.to === PULL_UNIT), 120_000);
  const template = load.accepted.find((h) => h.to === PULL_UNIT) as AcceptedHandoff;
  const poison: AcceptedHandoff = { handoffId: randomUUID(), messageId: randomUUID(), to: PULL_UNIT };
  const requestId = randomUUID();
  await bus().query(
    `INSERT INTO "Handoff" (id, kind, "fromAgency", "toAgency", "caseRef", "currentStep", priority, "requestId", details, "openedAt", "updatedAt")
     SELECT $1, kind, "fromAgency", "toAgency", "caseRef" || '-毒', 'sent', priority, $2, details, now(), now() FROM "Handoff" WHERE id = $3`,
    [poison.handoffId, requestId, template.handoffId],
  );
  await bus().query(
    `INSERT INTO "HandoffStep" (id, "handoffId", step, "actorAgency", "messageId", "occurredAt", details) VALUES ($1, $2, 'sent', $3, $4, now(), '{}')`,
    [randomUUID(), poison.handoffId, SENDER, poison.messageId],
  );
  await bus().query(
    `INSERT INTO "Message" (id, type, "schemaVersion", "fromAgency", "toAgency", "handoffId", "caseRef", "correlationId", "causationId", "occurredAt", priority, payload)
     SELECT $1, type, 99, "fromAgency", "toAgency", $2, "caseRef" || '-毒', $3, NULL, now(), priority, payload FROM "Message" WHERE id = $4`,
    [poison.messageId, poison.handoffId, requestId, template.messageId],
  );
  await bus().query(
    `INSERT INTO "OutboxEntry" ("messageId", "fromAgency", queue) SELECT $1, "fromAgency", queue FROM "OutboxEntry" WHERE "messageId" = $2`,
    [poison.messageId, template.messageId],
  );

  const deadLetterId = async (): Promise<string | undefined> =>
    (await bus().query<{ id: string }>(`SELECT id FROM "DeadLetter" WHERE "messageId" = $1 ORDER BY "failedAt" LIMIT 1`, [poison.messageId]))[0]?.id;
  await waitFor('the poison message dead-lettered', async () => (await deadLetterId()) !== undefined, 120_000, 200);
  const id = present(await deadLetterId(), 'the dead letter of the poison message');
  await burst;

  // The operator sees it, fixes it, replays it.
  const listed = await bus().ops(['dead-letters', '--unit', PULL_UNIT, '--json']);
  await bus().query(`UPDATE "Message" SET "schemaVersion" = 1 WHERE id = $1`, [poison.messageId]);
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
