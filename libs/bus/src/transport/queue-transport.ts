import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { JOBS_BY_QUEUE_KIND, type QueueKind } from '#contracts';
import type { ConsumeOutcome } from '../consumer-outcome.js';
import { type ConsumeOptions, type HandlerMap, type JobHandler, MissingHandlerError, type QueueDriver } from '../queue-driver.js';
import { QUEUE_TRANSPORT } from './on-queue-job.decorator.js';
import { QueueJobContext, subjectOf } from './queue-job.context.js';

/** The job names each kind of queue carries: JOBS_BY_QUEUE_KIND, or those derived from another message registry. */
export type JobsByQueueKind = { readonly [K in QueueKind]: readonly string[] };

/** A queue this process consumes, and how many of its jobs run at once. */
export interface QueueSubscription {
  queue: string;
  kind: QueueKind;
  concurrency?: number;
}

/** Two handlers for one job name: Nest would run both for every job; the bus refuses to start. */
export class DuplicateHandlerError extends Error {
  override readonly name = 'DuplicateHandlerError';
  constructor(readonly duplicated: readonly string[]) {
    super(`more than one handler for ${duplicated.join(', ')}: refusing to consume`);
  }
}

/** A `@MessagePattern` (request-response) on the queues: a job has no one waiting for a reply. */
export class NotAnEventHandlerError extends Error {
  override readonly name = 'NotAnEventHandlerError';
  constructor(readonly patterns: readonly string[]) {
    super(`${patterns.join(', ')}: queue jobs are events, handled with @OnQueueJob, not @MessagePattern`);
  }
}

/**
 * The bus's queues as a Nest transport (`app.connectMicroservice({ strategy })`): the handlers
 * Nest found (`@OnQueueJob`, an `@EventPattern` per job name) are handed to the QueueDriver, so
 * every driver — BullMQ on Redis, on a Redis Cluster or on PostgreSQL, the in-process one of the
 * medium tests — runs them with its own retries and dead letters. Boot stops when a queue's job name
 * (JOBS_BY_QUEUE_KIND's, unless given another registry's) has no handler or more than one.
 */
export class QueueTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = QUEUE_TRANSPORT;
  /** Job names given more than one handler (Nest chains them: both would run). */
  private readonly duplicates = new Set<string>();
  private readonly requestHandlers = new Set<string>();

  constructor(
    private readonly driver: QueueDriver,
    private readonly subscriptions: readonly QueueSubscription[],
    private readonly options: Omit<ConsumeOptions, 'concurrency'>,
    private readonly jobs: JobsByQueueKind = JOBS_BY_QUEUE_KIND,
  ) {
    super();
  }

  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    const route = this.normalizePattern(pattern as string);
    if (this.messageHandlers.has(route)) this.duplicates.add(route);
    if (!isEventHandler) this.requestHandlers.add(route);
    super.addHandler(pattern, callback, isEventHandler, extras);
  }

  listen(callback: (error?: unknown) => void): void {
    this.consumeAll().then(() => callback(), (error: unknown) => callback(error));
  }

  /** The workers stop with the driver, which the app's module closes before the database. */
  close(): void {}

  on(): never {
    throw new Error('the queue transport emits no events of its own');
  }

  unwrap<T>(): T {
    return this.driver as T;
  }

  private async consumeAll(): Promise<void> {
    if (this.requestHandlers.size > 0) throw new NotAnEventHandlerError([...this.requestHandlers]);
    const served = this.subscriptions.flatMap((subscription) => this.jobs[subscription.kind]);
    const duplicated = served.filter((name) => this.duplicates.has(name));
    if (duplicated.length > 0) throw new DuplicateHandlerError([...new Set(duplicated)]);
    // Every handler map is checked before any queue is consumed: a refused boot takes no job.
    const maps = this.subscriptions.map((subscription) => ({ subscription, handlers: this.handlersOf(subscription) }));
    for (const { subscription, handlers } of maps) {
      await this.driver.consume(subscription.queue, subscription.kind, handlers, { ...this.options, concurrency: subscription.concurrency });
    }
  }

  private handlersOf<K extends QueueKind>({ queue, kind }: QueueSubscription & { kind: K }): HandlerMap<K> {
    const found = this.jobs[kind].map((name) => [name, this.messageHandlers.get(name)] as const);
    const missing = found.filter(([, handler]) => !handler).map(([name]) => name);
    if (missing.length > 0) throw new MissingHandlerError(queue, missing);
    const handlers: Partial<Record<string, JobHandler<never>>> = {};
    for (const [name, handler] of found) {
      if (!handler) continue;
      handlers[name] = async (data, job) => {
        const context = new QueueJobContext([{ ...job, queue, kind, name, subject: subjectOf(data) }]);
        // Nest's handler (guards, interceptors, the filter that rethrows) resolves to the outcome, or to a stream of it.
        const result: unknown = await handler(data, context);
        return (isObservable(result) ? await lastValueFrom(result, { defaultValue: undefined }) : result) as ConsumeOutcome;
      };
    }
    return handlers as HandlerMap<K>;
  }
}
