import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { operationsAlert } from '#deadlines';
import { BusMetrics } from '#observability';
import { OfficeScope, OperationsQueries } from '#persistence';
import { ALERT_RELAY } from './alert-relay.provider.js';
import { OutboxRelay, PollingRelay, QUEUE_WRITE_MONITOR, type QueueWriteMonitor } from '#bus';

/**
 * The bus watching itself: every pass, messages not taken up or deliveries not done
 * after STUCK_MESSAGE_ALERT_SECONDS, dead letters nobody replayed, and the queue layer refusing
 * writes become metrics and an operations alert to the office — at most one per condition, scope
 * and hour (the dedupe key), so a standing condition is not repeated every pass.
 */
@Injectable()
export class OperationsAlarms extends PollingRelay implements OnApplicationBootstrap {
  private readonly logger = new Logger(OperationsAlarms.name);
  private readonly stuckGauge;
  private readonly deadLetterGauge;

  constructor(
    private readonly office: OfficeScope,
    private readonly operations: OperationsQueries,
    @Inject(ALERT_RELAY) private readonly relay: OutboxRelay,
    @Inject(QUEUE_WRITE_MONITOR) private readonly writes: QueueWriteMonitor,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: BusMetrics,
  ) {
    super(Math.max(settings.reconcileIntervalMs, 1_000));
    this.stuckGauge = metrics.gauge({
      name: 'bus_messages_stuck',
      help: 'Messages not taken up, deliveries not done and alerts not sent after STUCK_MESSAGE_ALERT_SECONDS, by kind and the unit whose turn it is',
      labelNames: ['kind', 'owner'],
    });
    this.deadLetterGauge = metrics.gauge({ name: 'bus_dead_letters_open', help: 'Dead letters not replayed, by the consumer that gave up', labelNames: ['owner'] });
  }

  onApplicationBootstrap(): void {
    this.startPolling();
  }

  protected async drain(): Promise<void> {
    try {
      await this.check();
    } catch (error) {
      this.logger.error(`operations alarm pass failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** One pass; returns the alerts it raised (new ones only). */
  async check(): Promise<number> {
    const now = this.clock.now();
    const stuck = await this.operations.stuckSummary(new Date(now.getTime() - this.settings.stuckMessageAlertMs));
    const dead = await this.operations.openDeadLetters();
    this.stuckGauge.reset();
    for (const row of stuck) this.stuckGauge.set({ kind: row.kind, owner: row.owner }, row.count);
    this.deadLetterGauge.reset();
    for (const row of dead) this.deadLetterGauge.set({ owner: row.agency }, row.count);

    const alerts = [];
    for (const row of stuck) {
      const minutes = Math.round((now.getTime() - row.oldest.getTime()) / 60_000);
      alerts.push(operationsAlert('stuck-messages', `${row.owner}.${row.kind}`, `${row.owner} 有 ${row.count} 条${KIND_NAMES[row.kind]}超过 ${minutes} 分钟未处理完毕（npm run ops -- stuck）。`, now));
    }
    for (const row of dead) {
      alerts.push(operationsAlert('dead-letters', row.agency, `${row.agency} 有 ${row.count} 条死信待处理，最近一条在 ${row.newest.toISOString()}（npm run ops -- dead-letters）。`, now));
    }
    // At once: while Redis may evict keys the bus has stopped (sent when the alert relay may publish again).
    if (this.writes.evicting) {
      alerts.push(operationsAlert('redis-evicting', 'scheduler', `${this.writes.evicting}。各应用已暂停处理，已受理的消息保存在数据库中，改回 noeviction 后自动恢复。`, now));
    }
    const refusingMs = this.writes.refusingForMs();
    if (refusingMs > this.settings.queueRefusalAlertMs) {
      alerts.push(operationsAlert('queue-refusing', 'scheduler', `队列已拒绝写入 ${Math.round(refusingMs / 1000)} 秒：${this.writes.lastError ?? ''}。已受理的消息保存在数据库中，恢复后将自动发出。`, now));
    }
    const created = await this.office.alerts.createMany(alerts);
    if (created > 0) {
      this.logger.warn(`${created} operations alerts raised`);
      this.relay.kick();
    }
    return created;
  }
}

const KIND_NAMES = { message: '消息', 'step-event': '期限事件', delivery: '推送', alert: '告警' } as const;
