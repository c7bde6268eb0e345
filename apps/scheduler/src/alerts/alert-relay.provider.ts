import { schedulerConfig, type SchedulerSettings } from '#config';
import { OutboxRelay, QUEUE_DRIVER, type QueueDriver } from '#bus';
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
