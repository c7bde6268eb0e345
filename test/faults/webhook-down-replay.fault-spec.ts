import { deliveryQueueName, DELIVER_TO_UNIT_SYSTEM } from '#contracts';
import { expectClean, WEBHOOK_UNIT } from './support/fault-bus.js';
import { faultScenario, waitFor } from './support/scenario.js';

// A unit's system down past the delivery retry window (answers 503 throughout): every delivery to it
// is marked failed and dead-lettered, as the window says. The operator lists the dead letters, sees
// what a dry run would do, and replays them all with one command once the system is back:
// `npm run ops -- replay --unit civil-affairs --type unit-system.deliver`. The CLI runs with the
// owner's DATABASE_URL and the queue settings only (no field-encryption key): a replay reads nothing
// encrypted. Each delivery then reaches the system exactly once.
// The window is 10 s here (24 h by default) so that the outage outlasts it in real time.

faultScenario(
  'webhook down past the retry window, replayed by the CLI',
  { adapterEnv: { DELIVERY_RETRY_WINDOW_SECONDS: '10', DELIVERY_BACKOFF_MS: '50', RETRY_MAX_BACKOFF_MS: '2000' } },
  async (bus) => {
    bus().systems.behave({ mode: 'fail', status: 503 });
    // 30 requests (30 deliveries to the webhook unit): the CLI's work does not depend on how many.
    const load = bus().load({ requests: 30 });
    await load.run();
    const toWebhook = load.accepted.filter((h) => h.to === WEBHOOK_UNIT);
    const deadLettered = () =>
      bus().count(`SELECT count(DISTINCT "messageId") AS n FROM "DeadLetter" WHERE agency = $1 AND queue = $2 AND type = $3 AND "replayedAt" IS NULL`, [
        WEBHOOK_UNIT,
        deliveryQueueName(WEBHOOK_UNIT),
        DELIVER_TO_UNIT_SYSTEM,
      ]);
    await waitFor(`all ${toWebhook.length} deliveries dead-lettered after the window`, async () => (await deadLettered()) >= toWebhook.length, 120_000, 500);
    const failed = await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE agency = $1 AND "deliveryStatus" = 'failed'`, [WEBHOOK_UNIT]);
    const attemptsWhileDown = toWebhook.reduce((sum, h) => sum + (bus().systems.of(WEBHOOK_UNIT).attempts.get(h.messageId) ?? 0), 0);

    bus().systems.behave({ mode: 'ok' });
    bus().faultEnded();
    const filter = ['--unit', WEBHOOK_UNIT, '--type', DELIVER_TO_UNIT_SYSTEM];
    const listed = await bus().ops(['dead-letters', ...filter, '--json']);
    const dryRun = await bus().ops(['replay', ...filter, '--dry-run']);
    const replayed = await bus().ops(['replay', ...filter]);

    const outcome = await bus().settle(load);
    const cli = { listed, dryRun, replayed };
    for (const [command, result] of Object.entries(cli)) {
      if (result.code !== 0) outcome.notes.push(`ops ${command} exited ${result.code}: ${result.stderr.trim().split('\n').slice(-1)[0] ?? ''}`);
    }
    outcome.notes.push(`${failed} deliveries failed for good and dead-lettered (${attemptsWhileDown} attempts while down), then replayed by the CLI`);
    bus().record(outcome);

    expect(failed).toBe(toWebhook.length);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(toWebhook.length);
    expect(dryRun).toMatchObject({ code: 0 });
    expect(dryRun.stdout).toContain(`dry run: ${toWebhook.length} dead letters would be replayed`);
    expect(replayed).toMatchObject({ code: 0, stderr: '' });
    expect(replayed.stdout).toContain(`${toWebhook.length} of ${toWebhook.length} dead letters replayed`);
    expectClean(outcome, { webhookRepeats: 'none' });
    // Exactly once each: the system answered 2xx once per message after the replay.
    const accepted = bus().systems.of(WEBHOOK_UNIT).accepted;
    expect(toWebhook.filter((h) => accepted.get(h.messageId) !== 1)).toEqual([]);
    expect(await bus().count(`SELECT count(*) AS n FROM "DeadLetter" WHERE agency = $1 AND "replayedAt" IS NULL`, [WEBHOOK_UNIT])).toBe(0);
  },
);
