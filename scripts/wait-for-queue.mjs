// docker-compose.yml's `queue-ready` service: exits 0 once the queues' Redis answers (one Redis: PING;
// several seed nodes: the Redis Cluster reports cluster_state:ok), at once with QUEUE_BACKEND=postgres.
// The apps wait for it, whichever profile runs: a Redis-free bus has no Redis service to wait for, and a
// dependency on a service of an inactive profile is refused by both `docker compose` and docker-compose 1.29.
//   REDIS_URL=redis://a:6379[,redis://b:6379,...] QUEUE_BACKEND=redis node scripts/wait-for-queue.mjs [seconds]
import { Cluster, Redis } from 'ioredis';

const seconds = Number(process.argv[2] ?? 180);
if (process.env.QUEUE_BACKEND === 'postgres') {
  console.log('queues on PostgreSQL: no Redis to wait for');
  process.exit(0);
}
const urls = (process.env.REDIS_URL ?? '').split(',').map((url) => url.trim()).filter(Boolean);
if (urls.length === 0) {
  console.error('REDIS_URL is required unless QUEUE_BACKEND=postgres');
  process.exit(1);
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One connection to one Redis node, no retries, closed after `ask`. */
async function withNode(url, ask) {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await ask(redis);
  } finally {
    redis.disconnect();
  }
}

async function ready() {
  if (urls.length === 1) return withNode(urls[0], async (redis) => (await redis.ping()) === 'PONG');
  // A node of the cluster answers once `redis-cluster-init` has made it; any seed node's view will do.
  for (const url of urls) {
    if (!(await withNode(url, async (redis) => String(await redis.cluster('INFO')).includes('cluster_state:ok')))) return false;
  }
  // And the cluster client the apps use reaches every slot.
  const cluster = new Cluster(urls.map((url) => ({ host: new URL(url).hostname, port: Number(new URL(url).port || 6379) })), { lazyConnect: true });
  cluster.on('error', () => {});
  try {
    await cluster.connect();
    return (await cluster.ping()) === 'PONG';
  } finally {
    cluster.disconnect();
  }
}

const deadline = Date.now() + seconds * 1000;
let lastError = 'not ready';
while (Date.now() < deadline) {
  try {
    if (await ready()) {
      console.log(`queues' Redis ready: ${urls.join(', ')}`);
      process.exit(0);
    }
  } catch (error) {
    lastError = error instanceof Error ? error.message : String(error);
  }
  await sleep(1000);
}
console.error(`queues' Redis not ready after ${seconds} s: ${lastError}`);
process.exit(1);
