import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { deliverySource, OutboxRelay, QUEUE_DRIVER, type QueueDriver, ReconcileLoop, Reconciler, type ReconcileSource, outboxSource } from '#bus';
import { operationsAlert } from '#deadlines';
import { BusMetrics } from '#observability';
import { UnitContext } from '../api/unit.context.js';

/**
 * The adapter's reconciler: its outbox (messages to other units, step events
 * to the scheduler) and, for a webhook unit, its deliveries, compared with the queues at boot and
 * every RECONCILE_INTERVAL_MS. What it finds is counted, and the office hears of it (at most once
 * an hour per unit).
 */
export const adapterReconcilerProvider = {
  provide: ReconcileLoop,
  inject: [UnitContext, OutboxRelay, QUEUE_DRIVER, adapterConfig.KEY, CLOCK, BusMetrics],
  useFactory: (agency: UnitContext, relay: OutboxRelay, driver: QueueDriver, settings: AdapterSettings, clock: Clock, metrics: BusMetrics) => {
    const sources: ReconcileSource[] = [outboxSource(agency.store.outbox, () => relay.kick())];
    if (settings.delivery.mode === 'webhook') sources.push(deliverySource(agency.code, agency.store.inbox, driver));
    // The reconciler's grace is in real time: it compares with jobs BullMQ timestamps on the wall clock.
    const reconciler = new Reconciler(driver, sources, { graceMs: settings.reconcileGraceMs });
    return new ReconcileLoop(reconciler, settings.reconcileIntervalMs, agency.code, async (reports) => {
      metrics.reconcilerPass(reports.map((report) => ({ source: report.source, count: report.orphaned.length })));
      const found = reports.filter((report) => report.orphaned.length > 0);
      if (found.length === 0) return;
      const detail = found.map((report) => `${report.source} ${report.orphaned.length}`).join('，');
      await agency.store.officeNotices.notify(
        operationsAlert('reconciler-repaired', agency.code, `${agency.code} 对账发现队列中缺失的任务并已重新入队：${detail}。请检查 Redis 是否重启、驱逐或丢失数据。`, clock.now()),
      );
    });
  },
};
