import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { CLOCK, type Clock } from '#config';
import { OBSERVABILITY_REDIS } from '#observability';
import { noRedis } from './no-redis.js';
import { type InProcessQueueDriver, type OutboxRelay, QUEUE_DRIVER } from '#bus';
import { type DeadLetterRecord, OFFICE_ALERTS_QUEUE } from '#contracts';
import { OfficeScope } from '#persistence';
import { ALERT_RELAY } from '../../../apps/scheduler/src/alerts/alert-relay.provider.js';
import { SchedulerModule } from '../../../apps/scheduler/src/scheduler.module.js';
import { startSchedulerQueues } from '../../../apps/scheduler/src/scheduler-queues.js';
import { DeadlineSweeper } from '../../../apps/scheduler/src/sweep/deadline-sweeper.service.js';

export interface MediumScheduler {
  app: INestApplication;
  office: OfficeScope;
  sweeper: DeadlineSweeper;
  alertRelay: OutboxRelay;
  close(): Promise<void>;
}

/**
 * The medium scheduler has no channel (no office webhook, no SMTP), so every alert it fires is a dead
 * letter of its own ("nowhere to go", alert-channels.medium-spec): the dead letters a test must not
 * find are the others.
 */
export function besidesUndeliverableAlerts(deadLetters: readonly DeadLetterRecord[]): DeadLetterRecord[] {
  return deadLetters.filter((record) => !(record.queue === OFFICE_ALERTS_QUEUE && /has nowhere to go/.test(record.reason)));
}

/** The scheduler as a TestingModule: real services and database, in-process queues, manual clock. */
export async function mediumScheduler(options: { databaseUrl: string; driver: InProcessQueueDriver; clock: Clock; env?: Record<string, string> }): Promise<MediumScheduler> {
  Object.assign(process.env, {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: 'redis://127.0.0.1:1', // never connected: the in-process driver replaces BullMQ
    OFFICE_API_KEY_SHA256: 'b'.repeat(64),
    SWEEP_INTERVAL_MS: '3600000', // the test sweeps by hand
    LOG_LEVEL: 'warn',
    ...options.env,
  });
  const moduleRef = await Test.createTestingModule({ imports: [SchedulerModule] })
    .overrideProvider(QUEUE_DRIVER)
    .useValue(options.driver)
    .overrideProvider(CLOCK)
    .useValue(options.clock)
    // No Redis in this layer: the metrics' connection is made but never opened.
    .overrideProvider(OBSERVABILITY_REDIS)
    .useValue(noRedis)
    .compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  // The queue transport on the in-process driver, as bootstrap starts it on BullMQ.
  await startSchedulerQueues(app);
  return {
    app,
    office: app.get(OfficeScope),
    sweeper: app.get(DeadlineSweeper),
    alertRelay: app.get<OutboxRelay>(ALERT_RELAY),
    close: () => app.close(),
  };
}
