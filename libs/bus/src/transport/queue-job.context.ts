import { BaseRpcContext } from '@nestjs/microservices';
import type { QueueKind } from '#contracts';
import type { JobContext } from '../queue-driver.js';

/** Where a job was taken from and which attempt this is: what `@Ctx()` gives a queue handler. */
export interface QueueJobArrival extends JobContext {
  queue: string;
  kind: QueueKind;
  /** the job's name (a JobName of JOBS_BY_QUEUE_KIND) */
  name: string;
  /** the message (or alert) the job is about, for logs: its data's messageId or alertId */
  subject: string | null;
}

/** The RPC context of a queue job (`@Ctx() context: QueueJobContext`). */
export class QueueJobContext extends BaseRpcContext<[QueueJobArrival]> {
  get arrival(): QueueJobArrival {
    return this.args[0];
  }

  /** What the driver told of the attempt, as the services take it. */
  get job(): JobContext {
    const { jobId, attempt, isLastAttempt } = this.arrival;
    return { jobId, attempt, isLastAttempt };
  }

  get jobId(): string {
    return this.arrival.jobId;
  }

  /** 1 for the first attempt */
  get attempt(): number {
    return this.arrival.attempt;
  }

  get isLastAttempt(): boolean {
    return this.arrival.isLastAttempt;
  }
}

/** The message or alert a job's data names, if any. */
export function subjectOf(data: unknown): string | null {
  if (typeof data !== 'object' || data === null) return null;
  const { messageId, alertId } = data as { messageId?: unknown; alertId?: unknown };
  const subject = messageId ?? alertId;
  return typeof subject === 'string' ? subject : null;
}
