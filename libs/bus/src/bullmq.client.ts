import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { Queue } from 'bullmq';
import {
  type BusJobData,
  DELIVER_TO_UNIT_SYSTEM,
  type DeliveryJobData,
  deliveryQueueName,
  type Priority,
} from '#contracts';
import type { JobsOptions } from 'bullmq';
import { messageJobOptions, type RetryPolicy } from './job-options.js';

import { asBullMqConnection, closeQueueConnection, createQueueConnection, type QueueConnection } from './queue-backend.js';

export interface BusJob extends BusJobData {
  priority: Priority;
  /** a unit's inbox queue, or the scheduler's */
  queue: string;
}

/**
 * Client side of the BullMQ transport: `emit(type, job)` adds a job named after the message type
 * to the recipient's inbox queue. The bus carries events only; request-response is not offered
 * (a handoff's answer is itself a message, written to the outbox).
 */
export class BullMqClient extends ClientProxy {
  private connection?: QueueConnection;
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly options: { redisUrl: string; prefix: string; inboxRetry: RetryPolicy; deliveryRetry: RetryPolicy }) {
    super();
  }

  async connect(): Promise<QueueConnection> {
    this.connection ??= createQueueConnection(this.options.redisUrl, 'bus-client');
    return this.connection;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
    await closeQueueConnection(this.connection);
    this.connection = undefined;
  }

  unwrap<T>(): T {
    return this.queues as T;
  }

  /** Adds the job to its queue (job name = message type); resolves once Redis has it. */
  async publishMessage(job: BusJob): Promise<void> {
    await this.dispatchEvent({ pattern: job.type, data: job });
  }

  /** Queues a webhook delivery of an inbox entry to the unit's own system (job id = message id). */
  async enqueueDelivery(job: DeliveryJobData, priority: Priority): Promise<void> {
    await this.add(deliveryQueueName(job.agency), DELIVER_TO_UNIT_SYSTEM, job, messageJobOptions(job.messageId, priority, this.options.deliveryRetry));
  }

  protected async dispatchEvent<T = unknown>(packet: ReadPacket<BusJob>): Promise<T> {
    const job = packet.data;
    const data: BusJobData = {
      messageId: job.messageId,
      type: job.type,
      schemaVersion: job.schemaVersion,
      handoffId: job.handoffId,
      from: job.from,
      to: job.to,
    };
    await this.add(job.queue, job.type, data, messageJobOptions(job.messageId, job.priority, this.options.inboxRetry));
    return undefined as T;
  }

  private async add(queueName: string, jobName: string, data: object, options: JobsOptions): Promise<void> {
    await (await this.queue(queueName)).add(jobName, data, options);
  }

  protected publish(_packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    callback({ err: new Error('the bus carries events only; send() is not supported'), isDisposed: true });
    return () => undefined;
  }

  private async queue(name: string): Promise<Queue> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { prefix: this.options.prefix, connection: asBullMqConnection(await this.connect()) });
      this.queues.set(name, queue);
    }
    return queue;
  }
}
