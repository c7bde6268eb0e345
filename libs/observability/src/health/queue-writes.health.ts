import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { QUEUE_WRITE_MONITOR, type QueueWriteMonitor } from '#bus';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options.js';

/**
 * Down when the queue layer has refused this process's writes for longer than
 * QUEUE_REFUSAL_ALERT_MS (Redis at its memory limit with noeviction answers PING but refuses every
 * add): accepted messages wait safely in the outbox, but nothing moves, and readiness says so.
 */
@Injectable()
export class QueueWritesHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(QUEUE_WRITE_MONITOR) private readonly monitor: QueueWriteMonitor,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  isHealthy<const Key extends string>(key: Key) {
    const refusingForMs = this.monitor.refusingForMs();
    const indicator = this.health.check(key);
    // At once, not after QUEUE_REFUSAL_ALERT_MS: the process has stopped taking jobs.
    if (this.monitor.evicting) return indicator.down({ evicting: this.monitor.evicting });
    if (refusingForMs > this.options.queueRefusalAlertMs) {
      return indicator.down({ refusingForSeconds: Math.round(refusingForMs / 1000), lastError: this.monitor.lastError ?? '' });
    }
    return indicator.up();
  }
}
