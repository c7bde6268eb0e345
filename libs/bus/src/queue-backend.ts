import {
  assertSchemaCompatibility,
  type ConnectionOptions,
  createPostgresBackend,
  DEFAULT_SCHEMA,
  LATEST_SCHEMA_VERSION,
  runMigrations,
  SchemaMigrationRequiredError,
  setDefaultBackendFactory,
} from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import pg from 'pg';
import type { QueueBackendKind, QueueSettings } from '#config';
import { logConnectionErrors } from './redis-connection.js';
import { assertRedisKeepsKeys, EvictingRedisError } from './redis-guard.js';

/**
 * What a Queue or Worker of the bus is given as `connection`: an ioredis client (one server or a
 * cluster) in redis mode, the process's one pg.Pool in postgres mode.
 */
export type QueueConnection = Redis | Cluster | pg.Pool;

type Selected = { kind: 'redis' } | { kind: 'postgres'; pool: pg.Pool; schema: string };
let selected: Selected = { kind: 'redis' };

/**
 * BullMQ's tables live in its default schema `bullmq`: with a pool it did not build, BullMQ reads
 * only that one. The PostgreSQL backend has no key prefix either, so one database carries one bus
 * (QUEUE_PREFIX separates buses only on Redis).
 */
export function postgresQueueSchema(): string {
  return DEFAULT_SCHEMA;
}

/**
 * The role the queue pool acts as (migration 20261130110000_database_logins_rls): it owns schema
 * `bullmq`, every app's login is a member, so what BullMQ creates there at run time (a queue's
 * sequence) belongs to no one unit and every process can use it. No handoff or citizen data lives
 * there, hence no row-level security.
 */
export const POSTGRES_QUEUE_ROLE = 'bus_queues';

/** Connections of the PostgreSQL backend's pool for one app (its workers' LISTEN clients and short queries). */
export const QUEUE_POOL_PER_APP = 8;

export interface QueueBackendOptions {
  /**
   * Size of the PostgreSQL backend's one pool: QUEUE_POOL_PER_APP for a process of one app, that
   * times the units in a shared adapter process (each unit's workers hold their LISTEN clients).
   */
  poolSize?: number;
}

/**
 * Chooses where this process's queues live; called once at boot, before any Queue or Worker is
 * made (BullMQ reads its default backend factory in their constructors).
 *
 * - redis: refuses a Redis (or any master of a cluster) that may evict keys — an evicted job or
 *   lock is a lost or doubled message.
 * - postgres: BullMQ's PostgreSQL backend on DATABASE_URL. One pool per process instead of one per
 *   queue (an adapter touches ~15 queues; 15 pools × 13 adapters would exhaust max_connections).
 *   BullMQ's tables are built by the migrations (scripts/migrate.mjs, as the owner): an app's own
 *   login may not create a schema, so it only checks they are up to date.
 */
export async function selectQueueBackend(settings: QueueSettings, applicationName = 'bus', options: QueueBackendOptions = {}): Promise<QueueBackendKind> {
  if (settings.queueBackend === 'redis') {
    await assertRedisKeepsKeys(settings.redisUrl);
    selected = { kind: 'redis' };
    setDefaultBackendFactory();
    return 'redis';
  }
  const schema = postgresQueueSchema();
  const pool = new pg.Pool({
    connectionString: settings.databaseUrl,
    // Workers each hold one client for LISTEN; the rest serve short queries.
    max: options.poolSize ?? QUEUE_POOL_PER_APP,
    application_name: `${applicationName}-queues`,
    options: `-c search_path="${schema}" -c role=${POSTGRES_QUEUE_ROLE}`,
    keepAlive: true,
    allowExitOnIdle: true,
  });
  pool.on('error', () => undefined); // a dropped idle client; BullMQ's own calls report their errors
  pool.setMaxListeners(0); // each Queue and Worker on the pool listens for its errors (the console has ~30)
  try {
    const client = await pool.connect();
    try {
      await ensureQueueSchema(client, schema);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined); // refused at boot: nothing keeps the pool
    throw error;
  }
  selected = { kind: 'postgres', pool, schema };
  setDefaultBackendFactory(createPostgresBackend as Parameters<typeof setDefaultBackendFactory>[0]);
  return 'postgres';
}

/** BullMQ's schema is at this BullMQ's version; migrated here only by a login allowed to (the owner's CLIs). */
async function ensureQueueSchema(client: pg.PoolClient, schema: string): Promise<void> {
  const version = await assertSchemaCompatibility(client, schema).catch((error: unknown) => {
    if (error instanceof SchemaMigrationRequiredError) return 0;
    throw error;
  });
  if (version >= LATEST_SCHEMA_VERSION) return;
  try {
    await runMigrations(client, schema);
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    throw new Error(
      `BullMQ's tables in schema "${schema}" are missing or older than this BullMQ (version ${version} < ${LATEST_SCHEMA_VERSION}) and this login may not build them: run node scripts/migrate.mjs deploy with the owner's DATABASE_URL`,
      { cause: error },
    );
  }
}

export function queueBackendKind(): QueueBackendKind {
  return selected.kind;
}

/** The pool of the PostgreSQL backend (search_path = the bus's BullMQ schema); null in redis mode. */
export function postgresQueuePool(): pg.Pool | null {
  return selected.kind === 'postgres' ? selected.pool : null;
}

/** Every node URL of REDIS_URL: one for a single server, several for a cluster's seed nodes. */
export function redisNodes(redisUrl: string): URL[] {
  return redisUrl
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean)
    .map((url) => new URL(url));
}

/**
 * The cluster client's "lookup" of its seed nodes' names: none, each name is kept as it is and
 * resolved by its own connection. ioredis otherwise resolves every seed's name before each
 * (re)connect and fails the whole attempt when one name fails (a dead seed's, which Docker's DNS
 * drops with its container, or answers only after the resolver's timeout), and a disconnect that
 * arrives while it waits on a slow lookup leaves the client closed for good ("Connection is
 * aborted", no retry): a worker's blocking connection then never takes a job again. Kept names make
 * the start of a (re)connect immediate, and a dead seed fails alone while the others answer.
 */
export function keepSeedNodeName(hostname: string, callback: (error: null, address: string) => void): void {
  callback(null, hostname);
}

/**
 * A connection for BullMQ in the selected mode. Redis: a new client per caller (BullMQ's workers
 * block on theirs); a comma-separated REDIS_URL makes an ioredis Cluster (queue names carry a hash
 * tag, so each queue's keys share one slot). PostgreSQL: the process's pool.
 */
export function createQueueConnection(redisUrl: string, name: string): QueueConnection {
  if (selected.kind === 'postgres') return selected.pool;
  const nodes = redisNodes(redisUrl);
  if (nodes.length <= 1) return logConnectionErrors(new Redis(redisUrl, { maxRetriesPerRequest: null, connectionName: name, lazyConnect: false }), name);
  const first = nodes[0];
  const cluster = new Cluster(
    nodes.map((node) => ({ host: node.hostname, port: Number(node.port || 6379) })),
    {
      redisOptions: {
        maxRetriesPerRequest: null,
        connectionName: name,
        ...(first.password ? { password: decodeURIComponent(first.password) } : {}),
        ...(first.username ? { username: decodeURIComponent(first.username) } : {}),
        ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
      },
      // A master's death: keep commands queued until its replica is promoted and slots are refreshed.
      clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 300,
      retryDelayOnTryAgain: 200,
      slotsRefreshTimeout: 2_000,
      dnsLookup: keepSeedNodeName,
    },
  );
  return logConnectionErrors(cluster, name);
}

/** BullMQ's `connection` option for a connection made by createQueueConnection. */
export function asBullMqConnection(connection: QueueConnection): ConnectionOptions {
  return connection;
}

/** Closes a Redis connection; the PostgreSQL pool is the process's and outlives each queue. */
export async function closeQueueConnection(connection: QueueConnection | undefined): Promise<void> {
  if (!connection || connection instanceof pg.Pool) return;
  await connection.quit().catch(() => undefined);
}

/** At shutdown, after every queue and worker closed. */
export async function closeQueueBackend(): Promise<void> {
  if (selected.kind === 'postgres') await selected.pool.end().catch(() => undefined);
}

/**
 * An app's first step: reads its settings (the same registerAs factory Nest loads), runs
 * `beforeConnecting` on them and selects the queue backend. A bad setting is left for Nest's own boot to report as it always has; a Redis
 * that evicts keys stops the process with one line naming the setting.
 */
export async function bootQueueBackend<S extends QueueSettings>(
  settings: () => S,
  applicationName: string,
  beforeConnecting?: (loaded: S) => void,
): Promise<void> {
  let loaded: S;
  try {
    loaded = settings();
  } catch {
    return;
  }
  // The queue backend is the first to connect (with DATABASE_URL on PostgreSQL): what must refuse a
  // setting without connecting with it (the app's database login) runs before.
  beforeConnecting?.(loaded);
  try {
    await selectQueueBackend(loaded, applicationName);
  } catch (error) {
    if (!(error instanceof EvictingRedisError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
