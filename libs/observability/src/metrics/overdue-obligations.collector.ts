import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CLOCK, type Clock } from '#config';
import { UNIT_CODES } from '#contracts';
import { ObservationSource } from '../observation-source.js';
import { BusMetrics, type ScrapeCollector } from './bus-metrics.service.js';

/**
 * Open obligations past their due time, by the unit that owes them (第十九条–第二十一条), as of the
 * scheduler's clock (CLOCK: the test clock in tests and drills). The scheduler lists this among its
 * own providers, where CLOCK is. Reads the (responsibleAgency, status, dueAt) index.
 */
@Injectable()
export class OverdueObligationsCollector implements ScrapeCollector, OnModuleInit {
  readonly name = 'obligations';
  private readonly overdue;

  constructor(
    private readonly metrics: BusMetrics,
    private readonly queries: ObservationSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.overdue = metrics.gauge({
      name: 'bus_obligations_overdue',
      help: 'Open obligations past their due time, by the unit responsible',
      labelNames: ['agency'],
    });
  }

  onModuleInit(): void {
    this.metrics.addCollector(this);
  }

  async collect(): Promise<void> {
    const now = this.clock.now();
    const rows = await this.queries.overdueByAgency(now);
    this.clear();
    for (const agency of UNIT_CODES) this.overdue.set({ agency }, 0);
    for (const row of rows) this.overdue.set({ agency: row.agency }, row.count);
  }

  clear(): void {
    this.overdue.reset();
  }
}
