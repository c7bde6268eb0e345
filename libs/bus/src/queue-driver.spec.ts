import { DEAD_LETTER_QUEUE, DELIVER_TO_UNIT_SYSTEM, MessageType, OFFICE_ALERTS_QUEUE, SCHEDULER_QUEUE, SEND_OFFICE_ALERT } from '#contracts';
import { PermanentMessageError } from './consumer-outcome.js';
import { InProcessQueueDriver } from './in-process.driver.js';
import { assertJobId, deadLetterRecord, type HandlerMap, MissingHandlerError, UNKNOWN_JOB_TYPE } from './queue-driver.js';
import { isLastAttempt, queueKindOf, retryDelayMs } from './queue-policy.js';

// 1 s between attempts; a 2.5 s window holds three attempts, a 1.5 s one two.
const three = { windowMs: 2_500, backoffMs: 1_000, maxBackoffMs: 1_000 };
const retry = { inbox: three, delivery: { windowMs: 1_500, backoffMs: 1_000, maxBackoffMs: 1_000 }, scheduler: three, alerts: three };
const job = { messageId: 'm1', type: MessageType.StepRecorded, schemaVersion: 1, handoffId: 'h1', from: 'education', to: 'education' } as const;

describe('the queue port', () => {
  it('does not compile a handler map that forgets a job name of its queue', () => {
    // @ts-expect-error — the feedback handler is missing: a new message type without a handler fails the type check
    const incomplete: HandlerMap<'inbox'> = {
      [MessageType.JudicialReferral]: async () => 'processed' as const,
      [MessageType.AdvanceReferral]: async () => 'processed' as const,
      [MessageType.SocialLead]: async () => 'processed' as const,
      [MessageType.UrgentMedicalNotice]: async () => 'processed' as const,
      [MessageType.Receipt]: async () => 'processed' as const,
      [MessageType.ProcedureStarted]: async () => 'processed' as const,
      [MessageType.Concluded]: async () => 'processed' as const,
    };
    expect(Object.keys(incomplete)).toHaveLength(7);
  });

  it('refuses, at boot, to consume a queue with a handler missing', async () => {
    const driver = new InProcessQueueDriver(retry);
    const handlers = { [MessageType.JudicialReferral]: async () => 'processed' as const } as unknown as HandlerMap<'inbox'>;
    await expect(driver.consume('inbox.education', 'inbox', handlers, { onDeadLetter: async () => undefined })).rejects.toBeInstanceOf(MissingHandlerError);
  });

  it('retries a failing job until its last attempt, then records and dead-letters it', async () => {
    const driver = new InProcessQueueDriver(retry);
    const recorded: string[] = [];
    const attempts: [number, boolean][] = [];
    await driver.consume(SCHEDULER_QUEUE, 'scheduler', {
      [MessageType.StepRecorded]: async (_data, context) => {
        attempts.push([context.attempt, context.isLastAttempt]);
        throw new Error('down');
      },
    }, { onDeadLetter: async (record) => void recorded.push(`${record.jobId} ${record.attempts} ${record.reason}`) });
    await driver.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'm1', data: job, priority: 'normal' });
    await driver.runUntilIdle();
    expect(attempts).toEqual([[1, false], [2, false], [3, true]]);
    expect(recorded).toEqual(['m1 3 Error: down']);
  });

  it('dead-letters a permanent failure at once, and adds a job id once', async () => {
    const driver = new InProcessQueueDriver(retry);
    let runs = 0;
    await driver.consume(OFFICE_ALERTS_QUEUE, 'alerts', {
      [SEND_OFFICE_ALERT]: async () => {
        runs++;
        throw new PermanentMessageError('no such alert');
      },
    }, { onDeadLetter: async () => undefined });
    const alert = { queue: OFFICE_ALERTS_QUEUE, name: SEND_OFFICE_ALERT, id: 'h.rule.overdue', data: { alertId: 'a' }, priority: 'normal' } as const;
    await driver.publishBulk([alert, alert]);
    await driver.runUntilIdle();
    expect(runs).toBe(1);
    expect(driver.deadLetters.map((d) => d.attempts)).toEqual([1]);
  });

  it('serves urgent jobs first (第二十条 ¶2)', async () => {
    const driver = new InProcessQueueDriver(retry);
    const order: string[] = [];
    await driver.consume('delivery.education', 'delivery', {
      [DELIVER_TO_UNIT_SYSTEM]: async (data) => {
        order.push(data.messageId);
        return 'processed';
      },
    }, { onDeadLetter: async () => undefined });
    await driver.publish({ queue: 'delivery.education', name: DELIVER_TO_UNIT_SYSTEM, id: 'n', data: { agency: 'education', messageId: 'normal' }, priority: 'normal' });
    await driver.publish({ queue: 'delivery.education', name: DELIVER_TO_UNIT_SYSTEM, id: 'u', data: { agency: 'education', messageId: 'urgent' }, priority: 'urgent' });
    await driver.runUntilIdle();
    expect(order).toEqual(['urgent', 'normal']);
  });

  it('retries by time: backoff doubles up to its cap, and the last attempt is the one whose next would start past the window', () => {
    const policy = { windowMs: 24 * 3600_000, backoffMs: 1_000, maxBackoffMs: 300_000 };
    expect([1, 2, 3, 4, 9, 10, 50].map((failed) => retryDelayMs(policy, failed))).toEqual([1_000, 2_000, 4_000, 8_000, 256_000, 300_000, 300_000]);
    const start = Date.parse('2026-11-30T00:00:00Z');
    // A 140 s PostgreSQL outage spends 8 attempts; with a count of 8 that was the end, with a window it is nothing.
    expect(isLastAttempt(policy, 8, start, start + 140_000)).toBe(false);
    expect(isLastAttempt(policy, 300, start, start + 23 * 3600_000)).toBe(false);
    expect(isLastAttempt(policy, 300, start, start + 24 * 3600_000 - 299_000)).toBe(true);
  });

  it('records each failed attempt as retrying with its next attempt, until the window closes', async () => {
    const driver = new InProcessQueueDriver(retry);
    const retrying: number[] = [];
    await driver.consume(SCHEDULER_QUEUE, 'scheduler', {
      [MessageType.StepRecorded]: async () => {
        throw new Error('PostgreSQL is down');
      },
    }, { onDeadLetter: async () => undefined, onRetry: async (record) => void retrying.push(record.attempts) });
    await driver.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'm1', data: job, priority: 'normal' });
    await driver.runUntilIdle();
    expect(retrying).toEqual([1, 2]);
    expect(driver.deadLetters.map((dead) => [dead.attempts, dead.data])).toEqual([[3, job]]);
  });

  it('tells the reconciler which jobs are live, finished or missing', async () => {
    const driver = new InProcessQueueDriver(retry);
    await driver.consume(SCHEDULER_QUEUE, 'scheduler', { [MessageType.StepRecorded]: async () => 'processed' }, { onDeadLetter: async () => undefined });
    await driver.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'done', data: job, priority: 'normal' });
    await driver.runUntilIdle();
    await driver.publish({ queue: SCHEDULER_QUEUE, name: MessageType.StepRecorded, id: 'waiting', data: job, priority: 'normal' });
    expect(await driver.presence(SCHEDULER_QUEUE, 'waiting')).toBe('live');
    expect(await driver.presence(SCHEDULER_QUEUE, 'done')).toBe('finished');
    expect(await driver.presence(SCHEDULER_QUEUE, 'never')).toBe('missing');
    driver.lose(SCHEDULER_QUEUE);
    expect(await driver.presence(SCHEDULER_QUEUE, 'waiting')).toBe('missing');
  });

  it('never builds a job id with ":" and knows each queue kind, hash-tagged or not', () => {
    expect(() => assertJobId('h:rule:overdue')).toThrow(/':'/);
    expect(queueKindOf('inbox.education')).toBe('inbox');
    expect(queueKindOf('{inbox.education}')).toBe('inbox');
    expect(queueKindOf('delivery.civil-affairs')).toBe('delivery');
    expect(queueKindOf(SCHEDULER_QUEUE)).toBe('scheduler');
    expect(() => queueKindOf(DEAD_LETTER_QUEUE)).toThrow(/written by consumers only/);
  });
});

describe('deadLetterRecord', () => {
  it('records a job whose data is gone (no name, no data) with what is known: its id and queue', () => {
    // What BullMQ hands a worker for a job whose hash was evicted from Redis.
    const gone = { id: 'a1b2', name: undefined, data: undefined };
    expect(deadLetterRecord('{inbox.education}', gone, new PermanentMessageError('lost'), 1)).toEqual({
      queue: '{inbox.education}',
      jobId: 'a1b2',
      messageId: null,
      type: UNKNOWN_JOB_TYPE,
      reason: 'PermanentMessageError: lost',
      attempts: 1,
      data: {},
    });
  });
});
