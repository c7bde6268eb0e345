import { expectClean } from './support/fault-bus.js';
import { faultScenario, hold, waitFor } from './support/scenario.js';

// SIGTERM to every app at once in the middle of a burst, while the unit's system answers slowly (so
// webhook POSTs are in flight): each app drains what it holds and exits 0, nothing it finished is
// done again after the restart — not one webhook repeated — and nothing is lost.

faultScenario('SIGTERM to every app under load', {}, async (bus) => {
  bus().systems.behave({ mode: 'slow', delayMs: 400 });
  const load = bus().load();
  const burst = load.run();
  await waitFor('webhooks in flight', async () => (await bus().count(`SELECT count(*) AS n FROM "InboxEntry" WHERE "deliveryStatus" = 'delivered'`)) >= 5, 120_000, 20);
  const stopping = Date.now();
  const drainLogs: string[] = [];
  // Each app gets 30 s to drain and exit; one still running then is killed and named.
  const exits = await Promise.all(
    bus().apps.map(async (app) => {
      const from = app.log.length;
      app.send('SIGTERM');
      const exit = await Promise.race([app.exited(), hold(30_000).then(() => null)]);
      drainLogs.push(...failuresWhileDraining(app.name, app.log.slice(from)));
      if (exit) return exit;
      await app.kill();
      return { code: null, signal: 'still running 30 s after SIGTERM' };
    }),
  );
  const drainSeconds = Math.round((Date.now() - stopping) / 100) / 10;
  bus().systems.behave({ mode: 'ok' });
  await bus().startAll();
  bus().faultEnded();
  await burst;

  const outcome = await bus().settle(load);
  outcome.notes.push(`apps after SIGTERM (${drainSeconds} s): ${bus().apps.map((app, i) => `${app.name} ${exits[i].code ?? exits[i].signal}`).join(', ')}`);
  if (drainLogs.length > 0) outcome.notes.push(`failed while draining: ${drainLogs.slice(0, 3).join(' | ')}`);
  bus().record(outcome);
  expectClean(outcome, { webhookRepeats: 'none' });
  // Nest's shutdown hooks close the app and then raise the signal again: exit 0, or "killed" by SIGTERM.
  for (const exit of exits) expect([0, 'SIGTERM']).toContain(exit.code ?? exit.signal);
  // A drain finishes what it holds: no job fails and no request is refused because the app closed
  // its database before its workers and its HTTP server (the order bug that made education outlive
  // its 30 s under CI's load).
  expect(drainLogs).toEqual([]);
});

/** Error lines, and jobs that failed an attempt, in what an app printed after its SIGTERM. */
function failuresWhileDraining(app: string, printed: string): string[] {
  return printed
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .filter((line) => {
      const record = JSON.parse(line) as { level?: number; msg?: string };
      return (record.level ?? 0) >= 50 || / failed attempt /.test(record.msg ?? '');
    })
    .map((line) => `${app}: ${line.slice(0, 200)}`);
}
