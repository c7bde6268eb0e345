// A burst through the bus on one topology, with two replicas of two units' adapters and the
// scheduler, optionally killing one adapter replica and (cluster) one Redis master mid-burst.
//   node bench/burst.mjs redis|postgres|cluster [count] [--faults]
// Needs `npm run build` and a migrated template database (TEMPLATE_DATABASE_URL, default the one
// `npm test` leaves: postgresql://postgres@127.0.0.1:5432/bus_test). Prints one JSON line:
// messages per second end to end (POST at the sender → recorded in the receiver's inbox), and the
// checks that nothing was lost or doubled.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { newSigningKeyPair } from '../scripts/lib/keys.mjs';

const mode = process.argv[2] ?? 'redis';
const count = Number(process.argv[3] ?? 200);
const faults = process.argv.includes('--faults');
const template = new URL(process.env.TEMPLATE_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/bus_test');
const key = 'bench-key-0123456789';
const sha = createHash('sha256').update(key).digest('hex');
const children = [];
const cleanups = [];

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(what, check, seconds = 180) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function startRedisCluster() {
  const dir = mkdtempSync(join(tmpdir(), 'bus-cluster-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return (async () => {
    const nodes = [];
    for (let i = 0; i < 6; i++) {
      const port = await freePort();
      const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
        '--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no', '--dir', dir, '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
      children.push(child);
      nodes.push({ port, child });
    }
    for (const node of nodes) await until(`redis ${node.port}`, async () => execFileSync('redis-cli', ['-p', String(node.port), 'ping']).toString().includes('PONG'), 20);
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'], { stdio: 'ignore' });
    await until('cluster ok', async () => execFileSync('redis-cli', ['-p', String(nodes[0].port), 'cluster', 'info']).toString().includes('cluster_state:ok'), 30);
    return nodes;
  })();
}

function masterOf(nodes, slotKey) {
  const slot = Number(execFileSync('redis-cli', ['-p', String(nodes[0].port), 'cluster', 'keyslot', slotKey]).toString());
  for (const line of execFileSync('redis-cli', ['-p', String(nodes[0].port), 'cluster', 'nodes']).toString().split('\n')) {
    const parts = line.split(' ');
    if (!parts[2]?.includes('master') || parts[2].includes('fail')) continue;
    for (const range of parts.slice(8)) {
      const [from, to = from] = range.split('-').map(Number);
      if (slot >= from && slot <= to) return nodes.find((n) => String(n.port) === parts[1].split('@')[0].split(':')[1]);
    }
  }
  return null;
}

function start(main, env, readyPath) {
  return (async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH, TZ: 'UTC', LOG_LEVEL: 'warn', PORT: String(port), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.stdout.on('data', (c) => (err = (err + c).slice(-20_000)));
    children.push(child);
    await until(`${main} on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`${main} exited: ${err}`);
      return (await fetch(`http://127.0.0.1:${port}${readyPath}`)).ok;
    }, 60);
    return { port, child, log: () => err };
  })();
}

const database = `bus_bench_${mode}_${process.pid}`;
const admin = new URL(template);
admin.pathname = '/postgres';
const adminClient = new pg.Client({ connectionString: admin.toString() });
await adminClient.connect();
await adminClient.query(`CREATE DATABASE "${database}" TEMPLATE "${template.pathname.slice(1)}"`);
cleanups.push(async () => {
  await adminClient.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await adminClient.end();
});
const dbUrl = new URL(template);
dbUrl.pathname = `/${database}`;
const db = new pg.Pool({ connectionString: dbUrl.toString(), max: 2 });

let redisUrl = '';
let cluster = null;
if (mode === 'redis') redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
if (mode === 'cluster') {
  cluster = await startRedisCluster();
  redisUrl = cluster.slice(0, 3).map((n) => `redis://127.0.0.1:${n.port}`).join(',');
}
const common = {
  DATABASE_URL: dbUrl.toString(),
  QUEUE_BACKEND: mode === 'postgres' ? 'postgres' : 'redis',
  ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  QUEUE_PREFIX: `bench${process.pid}`,
  WORKER_LOCK_MS: '3000',
  RECONCILE_GRACE_MS: '10000',
  // Field encryption's keys, the same for every adapter, and the units' public signing keys.
  DATA_MASTER_KEY: randomBytes(32).toString('base64'),
  PERSON_ID_HMAC_KEY: randomBytes(32).toString('base64'),
};
const signing = { procuratorate: newSigningKeyPair(), education: newSigningKeyPair() };
const { UNIT_CODES: allUnits } = await import('../dist/libs/contracts/src/index.js');
// Each app under its own login: row-level security applies as deployed.
const { SCHEDULER_DATABASE_LOGIN, databaseUrlWithLogin, unitDatabaseLogin } = await import('../dist/libs/persistence/src/index.js');
const loginUrl = (login) => databaseUrlWithLogin(dbUrl.toString(), login);
const otherKey = newSigningKeyPair();
common.UNIT_PUBLIC_KEYS = JSON.stringify(Object.fromEntries(allUnits.map((code) => [code, [{ key: (signing[code] ?? otherKey).publicKey }]])));
try {
  const adapter = (agency) => start('dist/apps/adapter/src/main.js', { ...common, DATABASE_URL: loginUrl(unitDatabaseLogin(agency)), AGENCY: agency, DELIVERY_MODE: 'pull', API_KEY_SHA256: sha, SIGNING_PRIVATE_KEY: signing[agency].privateKey }, '/openapi.json');
  const senders = [await adapter('procuratorate'), await adapter('procuratorate')];
  const receivers = [await adapter('education'), await adapter('education')];
  await start('dist/apps/scheduler/src/main.js', { ...common, DATABASE_URL: loginUrl(SCHEDULER_DATABASE_LOGIN), OFFICE_API_KEY_SHA256: sha }, '/health/live');

  const referral = (i) => ({
    caseRef: `晋检救〔2026〕${i + 1}号`, recipients: ['education'],
    person: { name: '林某某', idNumber: '11010519491231002X', phone: '13800000000' },
    situation: 'serious-injury-victim', priorityGroups: ['minor'], needs: ['student-aid'], investigationEndedOn: '2026-11-20',
    findings: '被害人受犯罪侵害致重伤。', suggestion: '建议给予临时救助。',
    applicantStatement: '因案致伤，生活困难。', caseMaterials: [{ title: '国家司法救助审批表' }],
  });
  const started = Date.now();
  let next = 0;
  let killed = [];
  const post = async () => {
    while (next < count) {
      const i = next++;
      const sender = senders[i % 2];
      const response = await fetch(`http://127.0.0.1:${sender.port}/handoffs/judicial-referrals`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `bench-${i}` },
        body: JSON.stringify(referral(i)),
      });
      if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${await response.text()}\n${sender.log().split('\n').filter((l) => /"level":(40|50)/.test(l)).slice(-5).join('\n')}`);
      if (faults && i === Math.floor(count / 3)) {
        receivers[1].child.kill('SIGKILL');
        killed.push('one education adapter replica (SIGKILL)');
        if (cluster) {
          const master = masterOf(cluster, '{inbox.education}');
          master.child.kill('SIGKILL');
          killed.push(`the Redis master holding {inbox.education} (port ${master.port})`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, post));
  const posted = Date.now();
  const received = async () => Number((await db.query(`SELECT count(*) FROM "InboxEntry" WHERE agency = 'education'`)).rows[0].count);
  await until(`${count} messages in education's inbox`, async () => (await received()) >= count, 300);
  const done = Date.now();
  // Nothing lost or doubled: one inbox row and one `received` step per handoff, one receipt each back.
  const [{ handoffs }] = (await db.query(`SELECT count(*)::int AS handoffs FROM "Handoff"`)).rows;
  const [{ inbox, distinct }] = (await db.query(`SELECT count(*)::int AS inbox, count(DISTINCT "messageId")::int AS distinct FROM "InboxEntry" WHERE agency = 'education'`)).rows;
  const [{ receivedSteps }] = (await db.query(`SELECT count(*)::int AS "receivedSteps" FROM "HandoffStep" WHERE step = 'received'`)).rows;
  await until('receipts back at the procuratorate', async () =>
    Number((await db.query(`SELECT count(*) FROM "InboxEntry" WHERE agency = 'procuratorate' AND type = 'handoff.receipt'`)).rows[0].count) >= count, 120).catch(() => undefined);
  const [{ receipts }] = (await db.query(`SELECT count(*)::int AS receipts FROM "InboxEntry" WHERE agency = 'procuratorate' AND type = 'handoff.receipt'`)).rows;
  const result = {
    mode, count, faults: killed,
    postSeconds: (posted - started) / 1000,
    endToEndSeconds: (done - started) / 1000,
    messagesPerSecond: Math.round((count / ((done - started) / 1000)) * 10) / 10,
    handoffs, inboxRows: inbox, distinctInboxMessages: distinct, receivedSteps, receiptsBack: receipts,
    ok: handoffs === count && inbox === count && distinct === count && receivedSteps === count && receipts === count,
  };
  console.log(JSON.stringify(result));
  process.exitCode = result.ok ? 0 : 1;
} finally {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await db.end();
  await sleep(500);
  for (const cleanup of cleanups.reverse()) await cleanup();
}
