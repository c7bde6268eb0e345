import { EventPattern } from '@nestjs/microservices';
import type { JobDataByName, JobName } from '#contracts';
import type { ConsumeOutcome } from '../consumer-outcome.js';
import type { QueueJobContext } from './queue-job.context.js';

/** The transport id the queue handlers are bound to: no other transport of the app takes them. */
export const QUEUE_TRANSPORT = Symbol('bus-queues');

/** What a handler of job `N` (or of each of the jobs `N`) may be: its data first, the job's context (`@Ctx()`) optionally second. */
export type QueueJobHandler<N extends JobName> = (data: JobDataByName[N], context: QueueJobContext) => Promise<ConsumeOutcome>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type DataOf<M> = M extends (data: infer D, ...rest: never[]) => unknown ? D : never;
/**
 * A wider parameter (`unknown`, a union of job data) passes the handler's own type check but lets
 * the handler read fields its job never carries: only the job's exact data type is accepted.
 */
type ExactData<M, N extends JobName> = M extends () => unknown
  ? unknown // a handler that reads no data
  : Same<DataOf<M>, JobDataByName[N]> extends true
    ? unknown
    : { 'the first parameter must be the data of': N; is: JobDataByName[N] };

/**
 * Makes a controller method the handler of job `name` on the bus's queues (an `@EventPattern` of
 * the queue transport). Its first parameter must be that job's data type, or it does not compile;
 * its outcome is processed or duplicate, and it throws to be retried (a plain error) or
 * dead-lettered at once (PermanentMessageError).
 */
export function OnQueueJob<N extends JobName>(name: N) {
  return OnQueueJobs<N>([name]);
}

/**
 * Makes one controller method the handler of every job in `names` (Nest's `@EventPattern` takes a
 * list of patterns and registers the method once per pattern): for a queue whose jobs are all
 * received the same way, such as a unit's inbox (`JOBS_BY_QUEUE_KIND.inbox`, derived from the
 * message registry). Its first parameter must be exactly the union of those jobs' data types.
 */
export function OnQueueJobs<const N extends JobName>(names: readonly N[]) {
  const pattern: MethodDecorator = EventPattern<readonly JobName[]>(names, QUEUE_TRANSPORT);
  return <M extends QueueJobHandler<N>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M> & ExactData<M, N>): void => {
    pattern(target, key, descriptor);
  };
}
