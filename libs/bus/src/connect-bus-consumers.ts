import type { INestApplication } from '@nestjs/common';
import type { AgencyCode } from '#contracts';
import { DeadLetterRepository } from '#persistence';
import { BullMqServer } from './bullmq.server.js';

export interface BusConsumerSettings {
  redisUrl: string;
  queuePrefix: string;
  workerLockMs: number;
}

/**
 * Makes `app` a consumer of each queue: one BullMQ microservice per queue, whose permanent
 * failures are recorded as dead letters of `owner` (a unit, or the scheduler).
 */
export function connectBusConsumers(
  app: INestApplication,
  settings: BusConsumerSettings,
  owner: AgencyCode | 'scheduler',
  queues: readonly string[],
): void {
  const deadLetters = app.get(DeadLetterRepository);
  for (const queue of queues) {
    app.connectMicroservice({
      strategy: new BullMqServer({
        redisUrl: settings.redisUrl,
        prefix: settings.queuePrefix,
        queue,
        lockMs: settings.workerLockMs,
        recordDeadLetter: (record) => deadLetters.record(owner, record),
      }),
    });
  }
}
