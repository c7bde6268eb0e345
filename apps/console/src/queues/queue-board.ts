import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { type BullBoardInstance, InjectBullBoard } from '@bull-board/nestjs';
import { Queue } from 'bullmq';
import { UNIT_CODES, allBusQueueNames } from '#contracts';
import { consoleConfig, type ConsoleSettings } from '#config';
import { asBullMqConnection, closeQueueConnection, createQueueConnection, logConnectionErrors, type QueueConnection } from '#bus';

/**
 * Every queue of the bus on Bull Board: each unit's inbox and delivery queue, the scheduler's,
 * the office alerts and the dead letters. Jobs carry ids only, so nothing shown names a citizen.
 */
@Injectable()
export class QueueBoard implements OnModuleInit, OnApplicationShutdown {
  private connection?: QueueConnection;
  private readonly queues: Queue[] = [];

  constructor(
    @InjectBullBoard() private readonly board: BullBoardInstance,
    @Inject(consoleConfig.KEY) private readonly settings: ConsoleSettings,
  ) {}

  onModuleInit(): void {
    this.connection = createQueueConnection(this.settings.redisUrl, 'console-queue-board');
    for (const name of allBusQueueNames(UNIT_CODES)) {
      const queue = logConnectionErrors(new Queue(name, { prefix: this.settings.queuePrefix, connection: asBullMqConnection(this.connection) }), `queue ${name}`);
      this.queues.push(queue);
      this.board.addQueue(new BullMQAdapter(queue));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close()));
    await closeQueueConnection(this.connection);
  }
}
