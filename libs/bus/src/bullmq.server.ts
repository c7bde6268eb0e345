import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { lastValueFrom, type Observable, throwError } from 'rxjs';
import { BullMqContext } from './bullmq.context.js';
import { type DeadLetterRecorder, PermanentMessageError } from './consumer-outcome.js';
import { DEAD_LETTER_QUEUE } from '#contracts';
import { asBullMqConnection, closeQueueConnection, createQueueConnection, type QueueConnection } from './queue-backend.js';

export interface BullMqServerOptions {
  redisUrl: string;
  /** BullMQ key prefix, the same for every adapter of one bus */
  prefix: string;
  /** the one queue this microservice consumes (its unit's inbox) */
  queue: string;
  concurrency?: number;
  /** BullMQ lockDuration and stalledInterval: a dead worker's job is retaken after about this long */
  lockMs?: number;
  /** records a permanent failure in PostgreSQL before the job is dead-lettered */
  recordDeadLetter: DeadLetterRecorder;
}

/**
 * Nest's default RPC exception filter replaces whatever a handler throws with
 * `{ status: 'error', message: 'Internal server error' }`, so BullMqServer could neither tell a
 * PermanentMessageError from a retryable failure nor record why a job failed. Every consumer on
 * this transport takes `@UseFilters(PropagateToBullMq)` to hand the original error on.
 */
@Catch()
export class PropagateToBullMq implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * @nestjs/microservices transport over BullMQ: a job's name is the message type, so a consumer is
 * an `@EventPattern(MessageType.X)`. Handler failures reach BullMQ (unlike the base handleEvent,
 * which does not subscribe to the handler's stream), so BullMQ's retry with backoff applies;
 * the last failed attempt, or a PermanentMessageError, is recorded and dead-lettered.
 */
export class BullMqServer extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger(BullMqServer.name);
  private readonly connections: QueueConnection[] = [];
  private worker?: Worker;
  private deadLetterQueue?: Queue;

  constructor(private readonly options: BullMqServerOptions) {
    super();
  }

  async listen(callback: (...optionalParams: unknown[]) => unknown): Promise<void> {
    const { queue, redisUrl, prefix, concurrency = 4, lockMs = 30_000 } = this.options;
    this.deadLetterQueue = new Queue(DEAD_LETTER_QUEUE, { prefix, connection: this.connection(redisUrl, `${queue}:dlq`) });
    this.worker = new Worker(queue, (job) => this.process(job), {
      prefix,
      connection: this.connection(redisUrl, `${queue}:worker`),
      concurrency,
      lockDuration: lockMs,
      stalledInterval: lockMs,
    });
    this.worker.on('error', (error) => this.logger.error(`worker error on ${queue}: ${error.message}`));
    await this.worker.waitUntilReady();
    callback();
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.deadLetterQueue?.close();
    await Promise.all(this.connections.map((connection) => closeQueueConnection(connection)));
  }

  on<EventKey extends string = string, EventCallback extends Function = Function>(event: EventKey, callback: EventCallback): void {
    this.worker?.on(event as 'error', callback as unknown as (error: Error) => void);
  }

  unwrap<T>(): T {
    return this.worker as T;
  }

  private connection(url: string, name: string) {
    const connection = createQueueConnection(url, name);
    this.connections.push(connection);
    return asBullMqConnection(connection);
  }

  private async process(job: Job): Promise<unknown> {
    try {
      const handler = this.getHandlerByPattern(job.name);
      if (!handler) throw new PermanentMessageError(`no consumer for message type ${job.name}`);
      const result = await handler(job.data, new BullMqContext([job]));
      return await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      const permanent = failure instanceof PermanentMessageError;
      // attemptsMade counts the attempts that failed before this one.
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (!permanent && !lastAttempt) {
        this.logger.warn(`job ${job.id} (${job.name}) of ${this.options.queue} failed attempt ${job.attemptsMade + 1}, will retry: ${failure.message}`);
        throw failure;
      }
      await this.deadLetter(job, failure);
      throw new UnrecoverableError(failure.message);
    }
  }

  private async deadLetter(job: Job, failure: Error): Promise<void> {
    const data = job.data as { messageId?: string };
    const record = {
      queue: this.options.queue,
      jobId: String(job.id),
      messageId: data.messageId ?? null,
      type: job.name,
      reason: `${failure.name}: ${failure.message}`,
      attempts: job.attemptsMade + 1,
    };
    this.logger.error(`dead-lettering job ${record.jobId} (${record.type}) of ${record.queue}: ${record.reason}`);
    await this.options.recordDeadLetter(record);
    await this.deadLetterQueue?.add(job.name, { ...job.data, deadLetter: record }, { jobId: `${record.queue}.${record.jobId}` });
  }
}
