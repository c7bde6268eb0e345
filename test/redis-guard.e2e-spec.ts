import { Redis } from 'ioredis';
import { type BusFixture, startBus } from './support/bus-fixture.js';
import { describeOnRedisServer, ON_REDIS } from './support/queue-mode.js';
import { RedisServer } from './support/redis-server.js';

// BullMQ needs every key it writes to stay: a Redis that may evict keys under memory pressure loses
// jobs (a lost message) or locks (a doubled one). The apps refuse it at boot, in one line.

describeOnRedisServer('an adapter on a Redis that may evict keys', () => {
  let redis: RedisServer;
  let bus: BusFixture;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const admin = new Redis(redis.url);
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    admin.disconnect();
    bus = await startBus('redis-guard', { justice: 'pull' }, { redisUrl: redis.url, extraEnv: { ...ON_REDIS }, start: false });
  });

  afterAll(async () => {
    await bus?.stop();
    await redis?.kill();
  });

  it('refuses to start, naming the setting', async () => {
    await expect(bus.adapter('justice').start()).rejects.toThrow(/maxmemory-policy allkeys-lru: set maxmemory-policy noeviction/);
  });
});
