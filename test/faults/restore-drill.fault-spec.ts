import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { unitDatabaseLogin, databaseUrlWithLogin } from '#persistence';
import { ContinuousArchive } from './support/continuous-archive.js';
import { type AcceptedHandoff, type LoadGenerator } from './support/load.js';
import { FaultBus, type Outcome, PULL_UNIT, recordFailure, recordVerdict, SENDER } from './support/fault-bus.js';
import { hold, waitFor } from './support/scenario.js';

// The backup-and-restore drill of docs/operations.md ("Backup and restore"): a populated bus under
// load is backed up with pgBackRest (full, then incremental; WAL archived, and streamed to a
// synchronous pg_receivewal), more messages flow, then the primary is lost — its data directory
// destroyed mid-burst.
// (a) Restored to the latest point: the bus goes on on it, and nothing answered 201 is lost or doubled.
// (b) Restored to an operator's point in time before the last messages: `npm run ops -- orphans`
//     lists what the queues still know of what was accepted after it, the reconcilers bring the
//     database and the queues into agreement, nothing is doubled, and the sender, resending with
//     its Idempotency-Keys, finds the keys the database forgot answered as new (no
//     Idempotent-Replayed) and the others replayed.

const LATEST = 'restore (a) to the latest point';
const POINT_IN_TIME = 'restore (b) to a point before the last messages';
/** requests per burst (each a referral to two units) */
const REQUESTS = Number(process.env.FAULT_RESTORE_REQUESTS || 30);
const SETTLE_MS = 90_000;

interface SecuritySnapshot {
  roles: string;
  rlsTables: string;
  policies: number;
}

describe('fault: backup and restore drill', () => {
  let started: FaultBus | undefined;
  let archived: ContinuousArchive | undefined;
  const bus = (): FaultBus => {
    if (!started) throw new Error('the bus did not start');
    return started;
  };
  const archive = (): ContinuousArchive => {
    if (!archived) throw new Error('continuous archiving was not set up');
    return archived;
  };
  let before: LoadGenerator;
  let after: LoadGenerator;
  let pointInTime: string | undefined;
  let security: SecuritySnapshot;
  const timings: string[] = [];

  const snapshot = async (): Promise<SecuritySnapshot> => {
    const [row] = await bus().query<{ roles: string; rls_tables: string; policies: string }>(
      `SELECT (SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles WHERE rolname LIKE 'bus\\_%') AS roles,
              (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relrowsecurity AND relkind = 'r') AS rls_tables,
              (SELECT count(*) FROM pg_policies) AS policies`,
    );
    return { roles: row.roles, rlsTables: row.rls_tables, policies: Number(row.policies) };
  };

  /** Row-level security at work after a restore: the pull unit's login sees its own handoffs, no other. */
  const unitSees = async (): Promise<{ visible: number; its: number; all: number }> => {
    const client = new pg.Client({ connectionString: databaseUrlWithLogin(bus().postgres.url, unitDatabaseLogin(PULL_UNIT)) });
    await client.connect();
    try {
      const [{ n }] = (await client.query<{ n: string }>(`SELECT count(*) AS n FROM "Handoff"`)).rows;
      const its = await bus().count(`SELECT count(*) AS n FROM "Handoff" WHERE "fromAgency" = $1 OR "toAgency" = $1`, [PULL_UNIT]);
      const all = await bus().count(`SELECT count(*) AS n FROM "Handoff"`);
      return { visible: Number(n), its, all };
    } finally {
      await client.end();
    }
  };

  const timed = async <T>(what: string, step: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await step();
    timings.push(`${what} ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  };

  const recorded = new Set<string>();
  const record = (outcome: Outcome) => {
    bus().record(outcome);
    recorded.add(outcome.scenario);
  };

  beforeAll(async () => {
    try {
      started = await FaultBus.start('restore drill', { start: false, postgres: { settings: { archive_mode: 'on' } } });
      archived = await ContinuousArchive.setUp(started.postgres);
      await started.startAll();
    } catch (error) {
      for (const name of [LATEST, POINT_IN_TIME]) {
        recordFailure(name, error);
        recordVerdict(name, error);
      }
      throw error;
    }
  }, 300_000);

  afterAll(async () => {
    const logDir = process.env.FAULT_LOG_DIR;
    if (logDir && archived) {
      const dir = join(logDir, 'restore-drill');
      mkdirSync(dir, { recursive: true });
      for (const log of archived.logs()) copyFileSync(log.path, join(dir, `pgbackrest-${log.name}`));
    }
    await archived?.stopStreaming();
    await started?.stop();
  }, 120_000);

  it(LATEST, async () => {
    try {
      const drill = bus();
      // A populated bus, backed up under load: a full backup while the first burst flows.
      before = drill.load({ requests: REQUESTS });
      const first = before.run();
      await waitFor('a third of the first burst accepted', () => before.progress >= REQUESTS / 3, 120_000, 20);
      await timed('full backup under load', () => archive().backup('full'));
      await first;
      await waitFor('the first burst delivered', () => before.accepted.every((handoff) => drill.reached(handoff)), SETTLE_MS, 100);
      await timed('incremental backup', () => archive().backup('incr'));
      security = await snapshot();

      // The operator's point for (b): after the first burst, before the second.
      await hold(1_000);
      [{ at: pointInTime }] = await drill.query<{ at: string }>(`SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00' AS at`);
      await hold(1_000);

      // More messages; the primary is lost in the middle of them.
      after = drill.load({ requests: REQUESTS });
      const second = after.run();
      await waitFor('half of the second burst accepted', () => after.progress >= REQUESTS / 2, 120_000, 10);
      const acceptedBeforeLoss = after.progress;
      await drill.postgres.loseData();
      await archive().stopStreaming();
      await timed('restore to the latest point', () => archive().restore());
      // Clients are refused until recovery is over and the server is a primary again.
      await drill.postgres.start({ hot_standby: 'off' });
      await archive().startStreaming();
      drill.faultEnded();
      await second;

      const outcome = await drill.settle({ accepted: [...before.accepted, ...after.accepted], abandoned: before.abandoned + after.abandoned }, { escalations: false, settleMs: SETTLE_MS });
      outcome.scenario = LATEST;
      const restoredSecurity = await snapshot();
      const sees = await unitSees();
      outcome.notes.push(`${acceptedBeforeLoss} of the second burst's ${REQUESTS} requests accepted before the loss; ${timings.join(', ')}`);
      outcome.notes.push(`after the restore: ${restoredSecurity.roles.split(',').length} bus_ roles, ${restoredSecurity.policies} policies; ${PULL_UNIT}'s login sees ${sees.visible} of ${sees.all} handoffs (its own: ${sees.its})`);
      const exited = drill.apps.filter((app) => !app.running).length;
      if (exited > 0) outcome.notes.push(`${exited} apps exited while the database was lost`);
      record(outcome);
      recordVerdict(LATEST, failureOf(outcome));
      expect({ lost: outcome.lost, doubled: outcome.doubled, untracked: outcome.untrackedDeadlines, exited }).toEqual({ lost: 0, doubled: 0, untracked: 0, exited: 0 });
      expect(restoredSecurity).toEqual(security);
      expect(sees.visible).toBe(sees.its);
      expect(sees.visible).toBeLessThan(sees.all);
    } catch (error) {
      if (!recorded.has(LATEST)) recordFailure(LATEST, error);
      recordVerdict(LATEST, error);
      throw error;
    }
  }, 420_000);

  it(POINT_IN_TIME, async () => {
    try {
      if (!pointInTime) throw new Error('(a) did not get as far as choosing the point in time');
      const drill = bus();
      // The operator stops the bus, restores to the chosen point, and looks before anything runs.
      await drill.stopPulling();
      await Promise.all(drill.apps.map((app) => app.stop()));
      await drill.postgres.loseData();
      await archive().stopStreaming();
      await timed('restore to the point in time', () => archive().restore({ time: pointInTime }));
      await drill.postgres.start({ hot_standby: 'off' });
      await archive().startStreaming();
      expect(await snapshot()).toEqual(security);
      const forgotten = new Set(after.accepted.map((handoff) => handoff.handoffId));
      const kept = await drill.count(`SELECT count(*) AS n FROM "Handoff" WHERE id = ANY($1::uuid[])`, [[...forgotten]]);
      const keptBefore = await drill.count(`SELECT count(*) AS n FROM "Handoff" WHERE id = ANY($1::uuid[])`, [before.accepted.map((handoff) => handoff.handoffId)]);

      const listing = await drill.ops(['orphans', '--json']);
      if (listing.code !== 0) throw new Error(`npm run ops -- orphans failed: ${listing.stderr}`);
      const report = JSON.parse(listing.stdout.trim().split('\n').pop() ?? '{}') as { orphans: { handoffId: string | null; reachedUnitSystem: boolean }[]; toResend: Record<string, string[]> };
      const listed = new Set(report.toResend[SENDER] ?? []);
      const listedAfter = [...listed].filter((id) => forgotten.has(id));
      const reachedBeforeLoss = new Set(report.orphans.filter((orphan) => orphan.reachedUnitSystem).map((orphan) => orphan.handoffId));

      // The bus again; its reconcilers run as it starts.
      await drill.startAll();
      drill.faultEnded();

      // The sender sends again everything it sent since the restore point (here: everything), each
      // request with its Idempotency-Key: a key the database still has is answered from its record.
      const resent = await resend(drill, [...before.requests, ...after.requests]);
      const answerTo = (key: string) => {
        const answer = resent.get(key);
        if (!answer) throw new Error(`no answer to the resend of ${key}`);
        return answer;
      };
      const unknownAfter = after.requests.filter((request) => !answerTo(request.idempotencyKey).replayed).length;
      const replayedBefore = before.requests.filter((request) => {
        const answer = answerTo(request.idempotencyKey);
        return answer.replayed && answer.handoffs.map((h) => h.handoffId).join() === request.handoffs.map((h) => h.handoffId).join();
      }).length;
      const reopened = after.requests.flatMap((request) => answerTo(request.idempotencyKey).handoffs);

      const settled = await drill.settle({ accepted: [...before.accepted, ...reopened], abandoned: 0 }, { escalations: false, settleMs: SETTLE_MS });
      const reconcile = await drill.ops(['reconcile', '--dry-run']);
      const sees = await unitSees();
      const undetected = forgotten.size - listedAfter.length;
      const outcome: Outcome = {
        ...settled,
        scenario: POINT_IN_TIME,
        // What the sender had answered 201 over the whole drill; what the restore forgot counts as
        // delivered once its resend arrived (every later request is resent: asserted below).
        accepted: before.accepted.length + after.accepted.length,
        listedForResend: listedAfter.length,
      };
      outcome.notes.unshift(
        `point in time ${pointInTime}: ${keptBefore} of the first burst's ${before.accepted.length} handoffs kept, ${kept} of the ${forgotten.size} after it`,
        `orphans listed ${listedAfter.length} of the ${forgotten.size} handoffs accepted after that point (${[...reachedBeforeLoss].filter((id) => id && forgotten.has(id)).length} had reached their unit's system: it gets them again under a new handoff id); ${undetected} not detectable`,
        `resend with the same Idempotency-Keys: ${unknownAfter} of ${after.requests.length} later requests answered as unknown (201, no Idempotent-Replayed: taken as new), ${replayedBefore} of ${before.requests.length} earlier ones replayed with their first answer`,
        `reconcile --dry-run afterwards: ${reconcile.stdout.trim().split('\n').pop()}; ${PULL_UNIT}'s login sees ${sees.visible} of ${sees.all} handoffs (its own: ${sees.its}); ${timings.join(', ')}`,
      );
      record(outcome);
      recordVerdict(POINT_IN_TIME, failureOf(outcome));

      expect({ keptBefore, kept }).toEqual({ keptBefore: before.accepted.length, kept: 0 });
      expect({ lost: outcome.lost, doubled: outcome.doubled, untracked: outcome.untrackedDeadlines }).toEqual({ lost: 0, doubled: 0, untracked: 0 });
      // Only what was accepted after the point is listed, never what the database kept.
      expect([...listed].filter((id) => !forgotten.has(id))).toEqual([]);
      expect(listedAfter.length).toBeGreaterThan(0);
      expect({ unknownAfter, replayedBefore }).toEqual({ unknownAfter: after.requests.length, replayedBefore: before.requests.length });
      expect(reconcile.stdout).toMatch(/dry run: 0 queued again/);
      expect(sees.visible).toBe(sees.its);
    } catch (error) {
      if (!recorded.has(POINT_IN_TIME)) recordFailure(POINT_IN_TIME, error);
      recordVerdict(POINT_IN_TIME, error);
      throw error;
    }
  }, 420_000);
});

/** A row's own findings as a failure for its verdict (the test's expectations then say the same). */
function failureOf(outcome: Outcome): Error | undefined {
  return outcome.lost > 0 || outcome.doubled > 0 ? new Error(`${outcome.lost} lost, ${outcome.doubled} doubled`) : undefined;
}

/** The sender's requests sent again with their Idempotency-Keys: the answer to each, by key. */
async function resend(
  bus: FaultBus,
  requests: readonly { idempotencyKey: string; body: unknown }[],
): Promise<Map<string, { replayed: boolean; handoffs: AcceptedHandoff[] }>> {
  const answers = new Map<string, { replayed: boolean; handoffs: AcceptedHandoff[] }>();
  const queue = [...requests];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let request = queue.shift(); request; request = queue.shift()) {
        const response = await bus.adapter(SENDER).post('/handoffs/judicial-referrals', request.body, { 'idempotency-key': request.idempotencyKey });
        if (response.status !== 201 && response.status !== 200) throw new Error(`resend answered ${response.status}: ${JSON.stringify(response.body)}`);
        const opened = response.body as { handoffs: { id: string; messageId: string; to: string }[] };
        answers.set(request.idempotencyKey, {
          replayed: response.headers.get('idempotent-replayed') === 'true',
          handoffs: opened.handoffs.map((handoff) => ({ handoffId: handoff.id, messageId: handoff.messageId, to: handoff.to })),
        });
      }
    }),
  );
  return answers;
}
