import { Redis } from 'ioredis';

/** The Redis setting would let Redis drop keys: BullMQ's jobs, locks and ids with them. */
export class EvictingRedisError extends Error {
  override readonly name = 'EvictingRedisError';
}

/**
 * Refuses a Redis whose `maxmemory-policy` is anything but `noeviction` (BullMQ's requirement: an
 * evicted job is a lost message, an evicted lock a doubled one). With several URLs (a cluster's
 * seed nodes) every master reachable from them is checked. A Redis that does not answer is left to
 * the connections' own retries: readiness reports it, and the bus waits for it.
 */
export async function assertRedisKeepsKeys(redisUrl: string, timeoutMs = 3_000): Promise<void> {
  const evicting = await findEvictingRedis(redisUrl, timeoutMs);
  if (evicting) throw new EvictingRedisError(evicting);
}

/**
 * The check of assertRedisKeepsKeys as a value: what is wrong with the first Redis (or master) whose
 * maxmemory-policy is not noeviction, or null. Run at boot, and while the bus runs (RedisPolicyWatch):
 * the policy can be changed with CONFIG SET at any time.
 */
export async function findEvictingRedis(redisUrl: string, timeoutMs = 3_000): Promise<string | null> {
  const urls = redisUrl.split(',').map((url) => url.trim()).filter(Boolean);
  const seen = new Set<string>();
  const queue = [...urls];
  for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
    const address = new URL(url);
    const key = `${address.hostname}:${address.port || 6379}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch {
      client.disconnect();
      continue;
    }
    try {
      const [, policy] = (await client.config('GET', 'maxmemory-policy')) as [string, string];
      if (policy && policy !== 'noeviction') {
        return `Redis at ${key} has maxmemory-policy ${policy}: set maxmemory-policy noeviction (BullMQ loses jobs when Redis evicts keys)`;
      }
      if (urls.length > 1) {
        // A cluster: check the masters the seeds did not name, too.
        const nodes = String(await client.call('CLUSTER', 'NODES').catch(() => ''));
        for (const line of nodes.split('\n')) {
          const [, hostPort, flags] = line.split(' ');
          if (!hostPort || !flags?.includes('master') || flags.includes('fail')) continue;
          const [host, port] = hostPort.split('@')[0].split(':');
          const other = new URL(url);
          other.hostname = host || address.hostname;
          other.port = port;
          queue.push(other.toString());
        }
      }
    } catch {
      // CONFIG may be renamed or refused by a managed Redis: nothing to check then.
    } finally {
      client.disconnect();
    }
  }
  return null;
}
