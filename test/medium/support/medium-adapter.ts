import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import type { UnitCode } from '#contracts';
import { CLOCK, type Clock } from '#config';
import { OBSERVABILITY_REDIS } from '#observability';
import { noRedis } from './no-redis.js';
import { securityEnv } from '../../support/security-env.js';
import { InProcessQueueDriver, OutboxRelay, QUEUE_DRIVER, DEFAULT_INBOX_RETRY, DEFAULT_ALERT_RETRY } from '#bus';
import { AdapterModule } from '../../../apps/adapter/src/adapter.module.js';
import { HandoffOpeningService } from '../../../apps/adapter/src/handoffs/handoff-opening.service.js';
import { RegistrationService } from '../../../apps/adapter/src/handoffs/registration.service.js';
import { IdempotentWrites } from '../../../apps/adapter/src/unit-of-work/idempotent-writes.js';
import { UnitOfWork } from '../../../apps/adapter/src/unit-of-work/unit-of-work.js';
import { LifecycleService } from '../../../apps/adapter/src/handoffs/lifecycle.service.js';
import { UnitContext } from '../../../apps/adapter/src/api/unit.context.js';
import { startAdapterQueues } from '../../../apps/adapter/src/consumer/adapter-queues.js';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date): void {
    this.current = at;
  }
}

export function inProcessDriver(): InProcessQueueDriver {
  return new InProcessQueueDriver({ inbox: DEFAULT_INBOX_RETRY, scheduler: DEFAULT_INBOX_RETRY, delivery: { windowMs: 2_500, backoffMs: 1_000, maxBackoffMs: 1_000 } /* three attempts */, alerts: DEFAULT_ALERT_RETRY });
}

export interface MediumAdapter {
  app: INestApplication;
  agency: UnitContext;
  /** the unit of work of the API's writes (what @Idempotent opens for a route) */
  unitOfWork: UnitOfWork;
  /** an API write with its Idempotency-Key (what @Idempotent runs) */
  writes: IdempotentWrites;
  registrations: RegistrationService;
  opening: HandoffOpeningService;
  lifecycle: LifecycleService;
  relay: OutboxRelay;
  close(): Promise<void>;
}

/**
 * One unit's adapter as a Nest TestingModule: its real services and repositories against a real
 * PostgreSQL database, with the in-process queue driver (shared by the units of a test, so their
 * messages reach each other) and a manual clock. No HTTP server, no Redis.
 */
export async function mediumAdapter(
  agency: UnitCode,
  options: { databaseUrl: string; driver: InProcessQueueDriver; clock: Clock; env?: Record<string, string>; override?: (builder: ReturnType<typeof Test.createTestingModule>) => void },
): Promise<MediumAdapter> {
  // adapterConfig reads the environment when the module compiles: the one place it is read.
  Object.assign(process.env, {
    AGENCY: agency,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: 'redis://127.0.0.1:1', // never connected: the in-process driver replaces BullMQ
    API_KEY_SHA256: 'a'.repeat(64),
    DELIVERY_MODE: 'pull',
    OUTBOX_POLL_MS: '3600000',
    LOG_LEVEL: 'warn',
    ...securityEnv(agency),
    ...options.env,
  });
  const builder = Test.createTestingModule({ imports: [AdapterModule.forUnit()] })
    .overrideProvider(QUEUE_DRIVER)
    .useValue(options.driver)
    .overrideProvider(CLOCK)
    .useValue(options.clock)
    // No Redis in this layer: the metrics' connection is made but never opened.
    .overrideProvider(OBSERVABILITY_REDIS)
    .useValue(noRedis);
  options.override?.(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  try {
    await app.init();
    // The queue transport on the in-process driver, as bootstrap starts it on BullMQ.
    await startAdapterQueues(app);
  } catch (error) {
    // A module refused at boot still started what booted before it (the relay, the pool): stop those.
    await app.close().catch(() => undefined);
    throw error;
  } finally {
    for (const key of ['AGENCY', 'DELIVERY_MODE', 'WEBHOOK_URL', 'WEBHOOK_SECRET']) delete process.env[key];
  }
  // The relay's own loop (kicked after every write) would publish beside settle() and let it return
  // while a claimed batch is still on its way to the driver: here only settle() publishes.
  await app.get(OutboxRelay).stop();
  return {
    app,
    agency: app.get(UnitContext),
    unitOfWork: app.get(UnitOfWork),
    writes: app.get(IdempotentWrites),
    registrations: app.get(RegistrationService),
    opening: app.get(HandoffOpeningService),
    lifecycle: app.get(LifecycleService),
    relay: app.get(OutboxRelay),
    close: () => app.close(),
  };
}

/** Relays every unit's outbox and runs every job, until the bus is quiet. */
export async function settle(driver: InProcessQueueDriver, adapters: readonly MediumAdapter[]): Promise<void> {
  // Two quiet rounds in a row, apart: each adapter's own relay also runs (kicked after every commit),
  // and a batch it has claimed but not yet handed to the driver is invisible to one round.
  let quiet = 0;
  for (let round = 0; round < 100; round++) {
    let published = 0;
    for (const adapter of adapters) published += await adapter.relay.publishBatch(1000);
    const ran = await driver.runUntilIdle();
    quiet = published === 0 && ran === 0 ? quiet + 1 : 0;
    if (quiet === 2) return;
    if (quiet === 1) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the bus did not settle in 100 rounds');
}
