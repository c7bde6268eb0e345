import { type CallHandler, type ExecutionContext, Injectable, Logger, type NestInterceptor } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import { QueueJobContext } from '#bus';
import { BusMetrics, type JobOutcome } from './bus-metrics.service.js';

/**
 * Around every queue job (a global interceptor of the queue transport): a log line naming the job,
 * its message and its attempt, and the attempt's duration by queue kind and outcome
 * (bus_job_duration_seconds). A failure is logged by the driver, which knows whether it retries it
 * or dead-letters it.
 */
@Injectable()
export class QueueJobInterceptor implements NestInterceptor {
  private readonly logger = new Logger('QueueJob');

  constructor(private readonly metrics: BusMetrics) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const job = context.switchToRpc().getContext<unknown>();
    if (!(job instanceof QueueJobContext)) return next.handle();
    const { kind, name, jobId, attempt, subject } = job.arrival;
    const started = performance.now();
    const observe = (outcome: JobOutcome) => this.metrics.jobAttempt(kind, outcome, (performance.now() - started) / 1_000);
    return next.handle().pipe(
      tap({
        next: (outcome) => {
          const ended: JobOutcome = outcome === 'duplicate' ? 'duplicate' : 'processed';
          observe(ended);
          this.logger.debug(`${ended} ${name} job=${jobId} message=${subject ?? '-'} attempt=${attempt}`);
        },
        error: () => observe('failed'),
      }),
    );
  }
}
