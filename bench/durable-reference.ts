// The durable reference: the least a pipeline with the bus's guarantees must do per message, written
// directly on `pg` and BullMQ, so the benchmark can say how close the bus is to what its guarantees cost.
//
//   load generator ──POST──▶ sender process: verify the JSON, sign it (Ed25519), INSERT + COMMIT, queue a job
//   (ids only), answer 201 ──queue──▶ receiver process: read the sender's row, verify the signature,
//   INSERT … ON CONFLICT DO NOTHING + COMMIT (the inbox: a redelivered job is not a second message),
//   POST the webhook to the unit's system, then stamp the delivery (a third COMMIT).
//
// Three processes as in the bus (sender, receiver, the load generator with the unit's system), fsync on
// (the benchmark's PostgreSQL), one job per message, no batching. What it leaves out, and the bus does not:
// the outbox relay (a job lost between the COMMIT and the queue is not recovered here), field encryption,
// row-level security, the handoff's domain rules, evidence and deadlines.
//
// The same file is the two child processes (`node durable-reference.js sender|receiver`).
import { fork, type ChildProcess } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createPostgresBackend, Queue, setDefaultBackendFactory, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';

export type ReferenceBackend = 'redis' | 'postgres';

interface ReferenceEnv {
  REF_DATABASE_URL: string;
  REF_REDIS_URL: string;
  REF_BACKEND: ReferenceBackend;
  REF_QUEUE: string;
  REF_CONCURRENCY: string;
  /** the receiver's: where the unit's system listens */
  REF_WEBHOOK_URL?: string;
  /** the sender's signing key and the receiver's verifying key, PEM */
  REF_PRIVATE_KEY?: string;
  REF_PUBLIC_KEY?: string;
}

const PREFIX = 'bench-ref';

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The queue connection of a child process: BullMQ on Redis, or on its PostgreSQL backend in BullMQ's schema. */
function queueConnection(env: ReferenceEnv): { connection: ConnectionOptions; close: () => Promise<unknown> } {
  if (env.REF_BACKEND === 'redis') {
    const redis = new Redis(env.REF_REDIS_URL, { maxRetriesPerRequest: null });
    return { connection: redis, close: () => redis.quit() };
  }
  setDefaultBackendFactory(createPostgresBackend as Parameters<typeof setDefaultBackendFactory>[0]);
  const pool = new pg.Pool({ connectionString: env.REF_DATABASE_URL, max: 8, options: '-c search_path="bullmq"' });
  return { connection: pool, close: () => pool.end() };
}

async function sender(env: ReferenceEnv): Promise<void> {
  const db = new pg.Pool({ connectionString: env.REF_DATABASE_URL, max: Number(env.REF_CONCURRENCY) });
  const { connection } = queueConnection(env);
  const queue = new Queue(env.REF_QUEUE, { connection, prefix: PREFIX });
  const key = createPrivateKey(env.REF_PRIVATE_KEY ?? '');
  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const message = JSON.parse(body.toString('utf8')) as { id?: unknown };
      if (typeof message.id !== 'string') {
        response.writeHead(400).end();
        return;
      }
      const signature = sign(null, body, key).toString('base64');
      await db.query('INSERT INTO reference_sent (id, body, signature) VALUES ($1, $2, $3)', [message.id, body.toString('utf8'), signature]);
      await queue.add('message', { id: message.id }, { jobId: message.id, removeOnComplete: true, attempts: 5 });
      response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: message.id }));
    })().catch((error: unknown) => {
      response.writeHead(500).end(String(error));
    });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
}

async function receiver(env: ReferenceEnv): Promise<void> {
  const db = new pg.Pool({ connectionString: env.REF_DATABASE_URL, max: Number(env.REF_CONCURRENCY) });
  const { connection } = queueConnection(env);
  const key = createPublicKey(env.REF_PUBLIC_KEY ?? '');
  const webhook = new URL(env.REF_WEBHOOK_URL ?? '');
  const worker = new Worker<{ id: string }>(
    env.REF_QUEUE,
    async (job) => {
      const { rows } = await db.query<{ body: string; signature: string }>('SELECT body, signature FROM reference_sent WHERE id = $1', [job.data.id]);
      const row = rows[0];
      if (!row || !verify(null, Buffer.from(row.body), key, Buffer.from(row.signature, 'base64'))) throw new Error(`message ${job.data.id} missing or not authentic`);
      // One statement: the insert, and whether a redelivered job's message was delivered already (the
      // subquery reads the snapshot before the insert, which is all a redelivery needs).
      const { rows: state } = await db.query<{ inserted: boolean; delivered: boolean }>(
        `WITH inserted AS (INSERT INTO reference_received (id, body) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id)
         SELECT EXISTS (SELECT 1 FROM inserted) AS inserted,
                COALESCE((SELECT delivered_at IS NOT NULL FROM reference_received WHERE id = $1), false) AS delivered`,
        [job.data.id, row.body],
      );
      if (!state[0]?.inserted && state[0]?.delivered) return;
      const answer = await fetch(webhook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: row.body });
      if (!answer.ok) throw new Error(`webhook answered ${answer.status}`);
      await db.query('UPDATE reference_received SET delivered_at = now() WHERE id = $1', [job.data.id]);
    },
    { connection, prefix: PREFIX, concurrency: Number(env.REF_CONCURRENCY) },
  );
  await worker.waitUntilReady();
  process.send?.({ ready: true });
}

export interface ReferenceResult {
  perSecond: number;
  messages: number;
  lost: number;
  doubled: number;
}

/** Children started for one trial, killed at its end. */
function child(role: 'sender' | 'receiver', env: ReferenceEnv): ChildProcess {
  return fork(fileURLToPath(import.meta.url), [role], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/**
 * One trial: `count` messages of `body(i)`, `concurrency` POSTs in flight, first POST → last webhook
 * arrival. The unit's system (an HTTP server in this process) counts arrivals and repeats.
 */
export async function durableReference(options: {
  databaseUrl: string;
  redisUrl: string;
  backend: ReferenceBackend;
  count: number;
  concurrency: number;
  body: (id: string) => unknown;
}): Promise<ReferenceResult> {
  const admin = new pg.Client({ connectionString: options.databaseUrl });
  await admin.connect();
  await admin.query('DROP TABLE IF EXISTS reference_sent, reference_received');
  await admin.query('CREATE TABLE reference_sent (id uuid PRIMARY KEY, body text NOT NULL, signature text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())');
  await admin.query('CREATE TABLE reference_received (id uuid PRIMARY KEY, body text NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), delivered_at timestamptz)');

  const arrived = new Map<string, number>();
  let last = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const system = createServer((request, response) => {
    void readBody(request).then((body) => {
      const { id } = JSON.parse(body.toString('utf8')) as { id: string };
      arrived.set(id, (arrived.get(id) ?? 0) + 1);
      last = performance.now();
      response.writeHead(204).end();
      if (arrived.size === options.count) resolveAll();
    });
  });
  system.listen(0, '127.0.0.1');
  await once(system, 'listening');

  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const pem = (k: KeyObject, type: 'pkcs8' | 'spki') => k.export({ format: 'pem', type }).toString();
  const env: ReferenceEnv = {
    REF_DATABASE_URL: options.databaseUrl,
    REF_REDIS_URL: options.redisUrl,
    REF_BACKEND: options.backend,
    REF_QUEUE: `reference-${Date.now()}`,
    REF_CONCURRENCY: String(options.concurrency),
    REF_WEBHOOK_URL: `http://127.0.0.1:${(system.address() as AddressInfo).port}/webhook`,
    REF_PRIVATE_KEY: pem(privateKey, 'pkcs8'),
    REF_PUBLIC_KEY: pem(publicKey, 'spki'),
  };
  const receiving = child('receiver', env);
  const sending = child('sender', env);
  try {
    await once(receiving, 'message');
    const [{ port }] = (await once(sending, 'message')) as [{ port: number }];
    const ids = Array.from({ length: options.count }, () => randomUUID());
    let next = 0;
    let refused = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < ids.length) {
          const id = ids[next++];
          const answer = await fetch(`http://127.0.0.1:${port}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, ...(options.body(id) as object) }) });
          if (answer.status !== 201) refused++;
          await answer.arrayBuffer();
        }
      }),
    );
    if (refused > 0) throw new Error(`the reference's sender refused ${refused} messages`);
    await Promise.race([all, new Promise((r) => setTimeout(r, 120_000))]);
    const lost = ids.filter((id) => !arrived.has(id)).length;
    const doubled = [...arrived.values()].filter((n) => n > 1).length;
    return { perSecond: (options.count - lost) / ((last - t0) / 1000), messages: options.count, lost, doubled };
  } finally {
    receiving.kill();
    sending.kill();
    system.close();
    await admin.query('DROP TABLE IF EXISTS reference_sent, reference_received');
    await admin.end();
  }
}

const role = process.argv[2];
if (role === 'sender' || role === 'receiver') {
  const required = (name: keyof ReferenceEnv): string => {
    const value = process.env[name];
    if (!value) throw new Error(`durable reference ${role}: ${name} is not set`);
    return value;
  };
  const env: ReferenceEnv = {
    REF_DATABASE_URL: required('REF_DATABASE_URL'),
    REF_REDIS_URL: process.env.REF_REDIS_URL ?? '',
    REF_BACKEND: required('REF_BACKEND') === 'postgres' ? 'postgres' : 'redis',
    REF_QUEUE: required('REF_QUEUE'),
    REF_CONCURRENCY: required('REF_CONCURRENCY'),
    REF_WEBHOOK_URL: process.env.REF_WEBHOOK_URL,
    REF_PRIVATE_KEY: process.env.REF_PRIVATE_KEY,
    REF_PUBLIC_KEY: process.env.REF_PUBLIC_KEY,
  };
  (role === 'sender' ? sender(env) : receiver(env)).catch((error: unknown) => {
    console.error(`durable reference ${role}:`, error);
    process.exit(1);
  });
}
