import { type CallHandler, Controller, type ExecutionContext, type INestApplication, Injectable, type NestInterceptor, type Type } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { Observable } from 'rxjs';
import { type BusJobData, type DeadLetterRecord, MessageType, OFFICE_ALERTS_QUEUE, type OfficeAlertJobData, SCHEDULER_QUEUE, SEND_OFFICE_ALERT } from '#contracts';
import { type ConsumeOutcome, PermanentMessageError } from '../consumer-outcome.js';
import { InProcessQueueDriver } from '../in-process.driver.js';
import { MissingHandlerError } from '../queue-driver.js';
import { OnQueueJob, OnQueueJobs } from './on-queue-job.decorator.js';
import { QueueClient } from './queue-client.js';
import { QueueJobContext } from './queue-job.context.js';
import { DuplicateHandlerError, type QueueSubscription, QueueTransport } from './queue-transport.js';
import { startQueueTransport } from './start-queue-transport.js';

// 1 s between attempts; a 2.5 s window holds three attempts.
const three = { windowMs: 2_500, backoffMs: 1_000, maxBackoffMs: 1_000 };
const step: BusJobData = { messageId: 'm1', type: MessageType.StepRecorded, schemaVersion: 1, handoffId: 'h1', from: 'education', to: 'education' };

/** What the handlers below saw; each test starts with it empty. */
const seen: { attempts: [number, boolean][]; intercepted: string[]; failUntil: number; failure: () => Error } = { attempts: [], intercepted: [], failUntil: 0, failure: () => new Error('down') };

@Controller()
class StepEvents {
  @OnQueueJob(MessageType.StepRecorded)
  async stepRecorded(@Payload() job: BusJobData, @Ctx() context: QueueJobContext): Promise<ConsumeOutcome> {
    seen.attempts.push([context.attempt, context.isLastAttempt]);
    if (context.attempt <= seen.failUntil) throw seen.failure();
    return job.messageId === 'again' ? 'duplicate' : 'processed';
  }
}

@Controller()
class OfficeAlerts {
  @OnQueueJob(SEND_OFFICE_ALERT)
  async send(@Payload() job: OfficeAlertJobData): Promise<ConsumeOutcome> {
    if (job.alertId === 'poison') throw new PermanentMessageError(`alert ${job.alertId} is not in the database`);
    return 'processed';
  }
}

@Controller()
class OfficeAlertsAgain {
  @OnQueueJob(SEND_OFFICE_ALERT)
  async sendAgain(): Promise<ConsumeOutcome> {
    return 'processed';
  }
}

/** One method for the jobs of both queues: its parameter is the union of their data. */
@Controller()
class EitherJob {
  @OnQueueJobs([MessageType.StepRecorded, SEND_OFFICE_ALERT])
  async either(@Payload() job: BusJobData | OfficeAlertJobData, @Ctx() context: QueueJobContext): Promise<ConsumeOutcome> {
    seen.intercepted.push(`either ${context.arrival.name} ${'alertId' in job ? job.alertId : job.messageId}`);
    return 'processed';
  }
}

@Controller()
class WronglyTyped {
  // @ts-expect-error — an office alert carries OfficeAlertJobData: a handler taking a step event's data does not compile
  @OnQueueJob(SEND_OFFICE_ALERT) async send(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return job.messageId ? 'processed' : 'duplicate';
  }

  // @ts-expect-error — nor does one taking anything at all (unknown): it could read fields the job never carries
  @OnQueueJob(MessageType.StepRecorded) async anything(@Payload() job: unknown): Promise<ConsumeOutcome> {
    return job ? 'processed' : 'duplicate';
  }

  // @ts-expect-error — a handler of several jobs takes the union of their data: one job's data alone does not compile
  @OnQueueJobs([MessageType.StepRecorded, SEND_OFFICE_ALERT]) async some(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return job.messageId ? 'processed' : 'duplicate';
  }

  // @ts-expect-error — nor does a name that is no job of the bus
  @OnQueueJobs([MessageType.StepRecorded, 'handoff.no-such-type']) async unknownName(@Payload() job: BusJobData): Promise<ConsumeOutcome> {
    return job.messageId ? 'processed' : 'duplicate';
  }
}

// Never booted: `npm run typecheck` fails if any handler above ever compiles (its @ts-expect-error goes unused).
void WronglyTyped;

/** A job interceptor, as the apps register theirs (logging, metrics): it sees each job's context. */
@Injectable()
class Recording implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const job = context.switchToRpc().getContext<QueueJobContext>();
    seen.intercepted.push(`${job.arrival.name} ${job.arrival.subject} attempt ${job.attempt}`);
    return next.handle();
  }
}

const both: QueueSubscription[] = [
  { queue: SCHEDULER_QUEUE, kind: 'scheduler' },
  { queue: OFFICE_ALERTS_QUEUE, kind: 'alerts' },
];

describe('the queue transport', () => {
  let app: INestApplication | undefined;
  let driver: InProcessQueueDriver;
  let deadLetters: DeadLetterRecord[];
  let retrying: number[];

  beforeEach(() => {
    driver = new InProcessQueueDriver({ inbox: three, delivery: three, scheduler: three, alerts: three });
    deadLetters = [];
    retrying = [];
    Object.assign(seen, { attempts: [], intercepted: [], failUntil: 0, failure: () => new Error('down') });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(controllers: Type[], subscriptions = both): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ controllers }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const transport = new QueueTransport(driver, subscriptions, {
      onDeadLetter: async (record) => void deadLetters.push(record),
      onRetry: async (record) => void retrying.push(record.attempts),
    });
    await startQueueTransport(app, transport, [new Recording()]);
    return app;
  }

  it('hands each job to its decorated handler, with its data and its attempt through @Ctx()', async () => {
    await boot([StepEvents, OfficeAlerts]);
    const queues = new QueueClient(driver);
    await queues.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'm1', data: step, priority: 'normal' });
    await queues.publish({ queue: OFFICE_ALERTS_QUEUE, name: SEND_OFFICE_ALERT, id: 'a1', data: { alertId: 'a1' }, priority: 'normal' });
    expect(await driver.runUntilIdle()).toBe(2);
    expect(seen.attempts).toEqual([[1, false]]);
    expect(seen.intercepted.sort()).toEqual(['handoff.step-recorded m1 attempt 1', 'office.alert a1 attempt 1']);
    expect(await driver.counts(SCHEDULER_QUEUE)).toMatchObject({ completed: 1, failed: 0 });
    expect(deadLetters).toEqual([]);
  });

  it('refuses to boot when a job name of a queue has no handler, naming it', async () => {
    const refused = await boot([StepEvents]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MissingHandlerError);
    expect((refused as Error).message).toBe(`no handler for ${SEND_OFFICE_ALERT} on queue ${OFFICE_ALERTS_QUEUE}: refusing to consume it`);
    // Nothing is consumed: a job published now waits for a process that starts.
    await driver.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'm1', data: step, priority: 'normal' });
    expect(await driver.runUntilIdle()).toBe(0);
  });

  it('refuses to boot when a job name has two handlers (Nest would run both), naming it', async () => {
    const refused = await boot([StepEvents, OfficeAlerts, OfficeAlertsAgain]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DuplicateHandlerError);
    expect((refused as Error).message).toBe(`more than one handler for ${SEND_OFFICE_ALERT}: refusing to consume`);
  });

  it('hands the jobs of every name in an @OnQueueJobs list to its one method', async () => {
    await boot([EitherJob]);
    const queues = new QueueClient(driver);
    await queues.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'm1', data: step, priority: 'normal' });
    await queues.publish({ queue: OFFICE_ALERTS_QUEUE, name: SEND_OFFICE_ALERT, id: 'a1', data: { alertId: 'a1' }, priority: 'normal' });
    expect(await driver.runUntilIdle()).toBe(2);
    expect(seen.intercepted.filter((line) => line.startsWith('either')).sort()).toEqual(['either handoff.step-recorded m1', 'either office.alert a1']);
  });

  it('counts each name of an @OnQueueJobs list as a handler: another handler of one of them is refused, naming it', async () => {
    const refused = await boot([EitherJob, StepEvents]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DuplicateHandlerError);
    expect((refused as Error).message).toBe(`more than one handler for ${MessageType.StepRecorded}: refusing to consume`);
  });

  it('dead-letters a poison message on its first attempt, with its own reason (not Nest\'s "Internal server error")', async () => {
    await boot([StepEvents, OfficeAlerts]);
    await driver.publish({ queue: OFFICE_ALERTS_QUEUE, name: SEND_OFFICE_ALERT, id: 'poison', data: { alertId: 'poison' }, priority: 'normal' });
    await driver.runUntilIdle();
    expect(deadLetters.map(({ jobId, attempts, reason }) => ({ jobId, attempts, reason }))).toEqual([
      { jobId: 'poison', attempts: 1, reason: 'PermanentMessageError: alert poison is not in the database' },
    ]);
    expect(retrying).toEqual([]);
  });

  it('retries a transient error, and the job succeeds when the error passes', async () => {
    await boot([StepEvents, OfficeAlerts]);
    seen.failUntil = 2;
    seen.failure = () => new Error('PostgreSQL is down');
    await driver.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'm1', data: step, priority: 'normal' });
    await driver.runUntilIdle();
    expect(seen.attempts).toEqual([[1, false], [2, false], [3, true]]);
    expect(retrying).toEqual([1, 2]);
    expect(deadLetters).toEqual([]);
    expect(await driver.counts(SCHEDULER_QUEUE)).toMatchObject({ completed: 1, failed: 0 });
  });

  it('dead-letters a transient error that lasts past its last attempt, with its reason', async () => {
    await boot([StepEvents, OfficeAlerts]);
    seen.failUntil = 99;
    await driver.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'm1', data: step, priority: 'normal' });
    await driver.runUntilIdle();
    expect(deadLetters.map(({ attempts, reason }) => [attempts, reason])).toEqual([[3, 'Error: down']]);
  });
});
