import pg from 'pg';
import { LoadGenerator } from '../faults/support/load.js';
import { ADAPTER_PORTS, describeProfile, receivedBySystem } from './support/profile-suite.js';

// docker-compose.yml's cluster topology (a Redis Cluster of three masters with a replica each, and a
// second replica of every adapter), in containers. Mid-burst, one Redis master and one replica of the
// receiving civil-affairs adapter are SIGKILLed: the replica of the master takes its slots over, the
// adapter's other replica goes on; every accepted handoff must reach its unit's system, none twice.
const BURST = Number(process.env.COMPOSE_BURST ?? 40);
const RECIPIENTS = ['civil-affairs', 'education'] as const;
const SETTLE_MS = 240_000;

describeProfile('cluster', ({ project, row }) => {
  it(
    'a Redis master and an adapter replica SIGKILLed mid-burst: nothing lost, nothing doubled',
    async () => {
      const compose = project();
      const load = new LoadGenerator(() => ({ baseUrl: `http://127.0.0.1:${ADAPTER_PORTS.procuratorate}`, apiKey: compose.apiKey('procuratorate') }), {
        requests: BURST,
        recipients: [...RECIPIENTS],
        concurrency: 4,
      });
      const burst = load.run();
      while (load.progress < BURST / 3 && !load.finished) await new Promise((resolve) => setTimeout(resolve, 200));

      let master = '';
      for (const node of ['redis-c1', 'redis-c2', 'redis-c3', 'redis-c4', 'redis-c5', 'redis-c6']) {
        if ((await compose.dockerExec(node, ['redis-cli', 'role'])).startsWith('master')) {
          master = node;
          break;
        }
      }
      expect(master).not.toBe('');
      await Promise.all([compose.kill(master), compose.kill('civil-affairs-2')]);
      row.notes.push(`SIGKILLed ${master} (a master) and civil-affairs-2 after ${load.progress} of ${BURST} requests`);
      await burst;

      // Every accepted handoff reaches its unit's system (the sample systems' containers log each one).
      const accepted = load.accepted;
      const reached = async () => {
        const seen = { 'civil-affairs': await receivedBySystem(compose, 'civil-affairs'), education: await receivedBySystem(compose, 'education') };
        return { seen, missing: accepted.filter((h) => !seen[h.to as (typeof RECIPIENTS)[number]].has(h.handoffId)) };
      };
      const deadline = Date.now() + SETTLE_MS;
      let { seen, missing } = await reached();
      while (missing.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        ({ seen, missing } = await reached());
      }

      // Doubles: a handoff taken into its receiver's inbox twice, or opened twice for one request.
      const db = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${compose.postgresPort}/bus` });
      await db.connect();
      try {
        const ids = accepted.map((h) => h.handoffId);
        const inboxDoubles = Number(
          (await db.query(`SELECT count(*) AS n FROM (SELECT agency, "handoffId" FROM "InboxEntry" WHERE "handoffId" = ANY($1::uuid[]) GROUP BY 1, 2 HAVING count(*) > 1) d`, [ids])).rows[0].n,
        );
        const burstHandoffs = Number(
          (await db.query(`SELECT count(*) AS n FROM "Handoff" WHERE "fromAgency" = 'procuratorate' AND kind = 'judicial-referral' AND "requestId" IN (SELECT "requestId" FROM "Handoff" WHERE id = ANY($1::uuid[]))`, [ids])).rows[0].n,
        );
        const unmatched = Number(
          (await db.query(`SELECT count(*) AS n FROM "Handoff" WHERE "fromAgency" = 'procuratorate' AND kind = 'judicial-referral' AND NOT (id = ANY($1::uuid[]))`, [ids])).rows[0].n,
        );
        Object.assign(row, {
          accepted: accepted.length,
          delivered: accepted.length - missing.length,
          lost: missing.length,
          // the flows' own judicial referral opened two handoffs; any other unmatched one is a double
          doubled: inboxDoubles + Math.max(0, burstHandoffs - accepted.length) + Math.max(0, unmatched - 2),
          webhookRepeats: [...seen['civil-affairs'].values(), ...seen.education.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
        });
      } finally {
        await db.end();
      }
      if (missing.length > 0) row.notes.push(`not reached: ${missing.slice(0, 5).map((h) => `${h.to}:${h.handoffId}`).join(', ')}`);
      if (load.abandoned > 0) row.notes.push(`${load.abandoned} requests given up`);
      expect(accepted.length).toBe(BURST * RECIPIENTS.length);
      expect(row.lost).toBe(0);
      expect(row.doubled).toBe(0);
    },
    600_000,
  );
});
