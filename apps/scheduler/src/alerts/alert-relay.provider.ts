import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { alertSource, OutboxRelay, QUEUE_DRIVER, type QueueDriver, ReconcileLoop, Reconciler } from '#bus';
import { operationsAlert } from '#deadlines';
import { BusMetrics } from '#observability';
import { OfficeScope } from '#persistence';

/**
 * The alert relay: the Alert table is the office's outbox. Each alert is published under its
 * dedupe key (<handoff>.<rule>.<level>) as job id, so a republish after a crash adds no second
 * job while the first exists, and the channels skip what they already sent.
 */
export const ALERT_RELAY = Symbol('ALERT_RELAY');

export const alertRelayProvider = {
  provide: ALERT_RELAY,
  inject: [OfficeScope, QUEUE_DRIVER, schedulerConfig.KEY],
  useFactory: (office: OfficeScope, driver: QueueDriver, settings: SchedulerSettings) =>
    new OutboxRelay({ claim: (limit, leaseMs) => office.alerts.claim(limit, leaseMs), markPublished: (ids) => office.alerts.markPublished(ids), release: (ids) => office.alerts.release(ids) }, driver, {
      owner: 'office alerts',
      pollMs: settings.sweepIntervalMs,
    }),
};

/**
 * The scheduler's reconciler: alerts published but never sent, compared with
 * the office-alerts queue at boot and every RECONCILE_INTERVAL_MS; orphans go back to the alert
 * relay under a new job id. (Step events are the sending adapters' outbox rows: their reconcilers.)
 */
export const schedulerReconcilerProvider = {
  provide: ReconcileLoop,
  inject: [OfficeScope, ALERT_RELAY, QUEUE_DRIVER, schedulerConfig.KEY, CLOCK, BusMetrics],
  useFactory: (office: OfficeScope, relay: OutboxRelay, driver: QueueDriver, settings: SchedulerSettings, clock: Clock, metrics: BusMetrics) => {
    const reconciler = new Reconciler(driver, [alertSource(office.alerts, () => relay.kick())], { graceMs: settings.reconcileGraceMs });
    return new ReconcileLoop(reconciler, settings.reconcileIntervalMs, 'scheduler', async (reports) => {
      metrics.reconcilerPass(reports.map((report) => ({ source: report.source, count: report.orphaned.length })));
      const found = reports.reduce((sum, report) => sum + report.orphaned.length, 0);
      if (found > 0) await office.alerts.create(operationsAlert('reconciler-repaired', 'scheduler', `调度服务对账发现 ${found} 条告警在队列中缺失，已重新入队。`, clock.now()));
    });
  },
};
