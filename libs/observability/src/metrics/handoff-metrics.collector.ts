import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { STEP_ORDER } from '#contracts';
import { ObservationSource } from '../observation-source.js';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability.options.js';
import { BusMetrics, type ScrapeCollector } from './bus-metrics.service.js';

/**
 * Handoffs by the step they reached, read from PostgreSQL at scrape time: an adapter counts its
 * unit's (sent or received, as the unit sees them through its API), the scheduler every handoff.
 * One GROUP BY over the table (a city's handoffs are thousands a year; the read is time-bounded);
 * every step is reported, at 0 when no handoff is there.
 */
@Injectable()
export class HandoffMetricsCollector implements ScrapeCollector, OnModuleInit {
  readonly name = 'handoffs';
  private readonly byStep;

  constructor(
    private readonly metrics: BusMetrics,
    private readonly queries: ObservationSource,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {
    this.byStep = metrics.gauge({ name: 'bus_handoffs', help: 'Handoffs by the step they reached last', labelNames: ['step'] });
  }

  onModuleInit(): void {
    if (this.options.handoffs) this.metrics.addCollector(this);
  }

  async collect(): Promise<void> {
    const scope = this.options.handoffs;
    if (!scope) return;
    const rows = await this.queries.handoffsByStep(scope);
    this.clear();
    for (const step of STEP_ORDER) this.byStep.set({ step }, 0);
    for (const row of rows) this.byStep.set({ step: row.step }, row.count);
  }

  clear(): void {
    this.byStep.reset();
  }
}
