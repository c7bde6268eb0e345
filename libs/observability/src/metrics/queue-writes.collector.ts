import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { QUEUE_WRITE_MONITOR, type QueueWriteMonitor } from '#bus';
import { BusMetrics, type ScrapeCollector } from './bus-metrics.service.js';

/** The queue layer refusing this process's writes, as metrics (the alarm's source besides health). */
@Injectable()
export class QueueWritesCollector implements ScrapeCollector, OnModuleInit {
  readonly name = 'queue-writes';
  private readonly refusing;
  private readonly failures;
  private readonly evicting;

  constructor(
    private readonly metrics: BusMetrics,
    @Inject(QUEUE_WRITE_MONITOR) private readonly monitor: QueueWriteMonitor,
  ) {
    this.refusing = metrics.gauge({ name: 'bus_queue_writes_refused_seconds', help: 'How long the queue layer has refused every write of this process (0 while writes succeed)' });
    this.failures = metrics.gauge({ name: 'bus_queue_write_failures', help: 'Writes to the queue layer refused since the process started' });
    this.evicting = metrics.gauge({ name: 'bus_redis_evicting', help: '1 while Redis may evict keys (maxmemory-policy not noeviction): the process refuses work' });
  }

  onModuleInit(): void {
    this.metrics.addCollector(this);
  }

  async collect(): Promise<void> {
    this.refusing.set(this.monitor.refusingForMs() / 1000);
    this.failures.set(this.monitor.failedWrites);
    this.evicting.set(this.monitor.evicting ? 1 : 0);
  }

  clear(): void {
    this.refusing.reset();
    this.failures.reset();
    this.evicting.reset();
  }
}
