import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { type AlertLevel, alertSchedule, dueAlerts, obligationAlert } from '#deadlines';
import { BusMetrics } from '#observability';
import { OfficeScope } from '#persistence';
import { OutboxRelay } from '#bus';
import { CalendarService } from '../calendar/calendar.service.js';
import { DeadlineRuleBook } from '../obligations/deadline-rules.provider.js';
import { ObligationReconciler } from '../obligations/obligation-reconciler.service.js';
import { ALERT_RELAY } from '../alerts/alert-relay.provider.js';

/**
 * Fires what has come due. PostgreSQL is the source of truth: each pass claims a batch of open
 * obligations whose next alert is due (partial index, FOR UPDATE SKIP LOCKED), writes their
 * alerts — unique per obligation and level — and moves them to their next level, all in one
 * transaction. A scheduler killed mid-pass loses its transaction and nothing else; two schedulers
 * never claim the same row. A backlog drains batch by batch, yielding between batches.
 */
@Injectable()
export class DeadlineSweeper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadlineSweeper.name);
  private stopped = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(
    private readonly office: OfficeScope,
    private readonly calendar: CalendarService,
    @Inject(ALERT_RELAY) private readonly relay: OutboxRelay,
    private readonly rules: DeadlineRuleBook,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: BusMetrics,
    private readonly reconciler: ObligationReconciler,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  /** Before the database closes: the batch under way finishes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  /** One batch; returns how many obligations it handled. */
  async sweepOnce(): Promise<number> {
    // 第十九条 ¶1, 第二十条 ¶1: duties registered before anything was sent get their obligations first.
    const planned = await this.reconciler.planRegistrations(this.settings.sweepBatchSize);
    return planned + (await this.sweepDue()) + (await this.archiveClosed());
  }

  /** 第二十四条 归档: closed handoffs (feedback received) are archived ARCHIVE_AFTER_DAYS later. */
  private async archiveClosed(): Promise<number> {
    const now = this.clock.now();
    const closedBefore = new Date(now.getTime() - this.settings.archiveAfterDays * 24 * 3600_000);
    const archived = await this.office.handoffs.archiveClosed(closedBefore, now, this.settings.sweepBatchSize);
    if (archived > 0) this.logger.log(`${archived} closed handoffs archived (第二十四条)`);
    return archived;
  }

  private async sweepDue(): Promise<number> {
    const now = this.clock.now();
    const calendar = await this.calendar.current();
    const { handled, fired } = await this.office.transaction(
      async (office) => {
        const due = await office.obligations.claimDue(now, this.settings.sweepBatchSize);
        if (due.length === 0) return { handled: 0, fired: 0 };
        const handoffs = await office.handoffs.caseRefs(due.map((o) => o.handoffId));
        // One query each for the rosters, the alerts and the moves of the whole batch: the claim is
        // cheap, per-row round trips were what made a backlog drain slowly.
        const rosters = await office.roster.forUnits([...new Set(due.map((o) => o.responsibleAgency))]);
        const alerts = [];
        const moves = [];
        for (const obligation of due) {
          const rule = this.rules.get(obligation.rule);
          if (!rule || !obligation.nextLevel) {
            moves.push({ id: obligation.id, nextLevel: null, nextActionAt: null });
            continue;
          }
          const schedule = alertSchedule(rule, obligation.startAt, obligation.dueAt, calendar, {
            greenChannel: obligation.greenChannel,
            leaderAfterWorkingDays: this.settings.leaderAfterWorkingDays,
          });
          const { fire, next } = dueAlerts(schedule, obligation.nextLevel as AlertLevel, now);
          const roster = rosters.get(obligation.responsibleAgency) ?? null;
          for (const level of fire) {
            alerts.push(obligationAlert(obligation, rule, handoffs.get(obligation.handoffId) ?? { caseRef: '' }, level, roster));
          }
          moves.push({ id: obligation.id, nextLevel: next?.level ?? null, nextActionAt: next?.at ?? null });
        }
        const fired = await office.alerts.createMany(alerts);
        await office.obligations.advanceMany(moves);
        return { handled: due.length, fired };
      },
      { timeoutMs: 60_000 },
    );
    if (fired > 0) {
      this.logger.log(`${fired} alerts due at ${now.toISOString()}`);
      this.relay.kick();
    }
    return handled;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let handled = 0;
      try {
        handled = await this.sweepOnce();
        this.metrics.sweepPass();
      } catch (error) {
        this.logger.error(`sweep failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      // A full batch means more is due: go on, but yield so message traffic is served in between.
      const pause = handled === this.settings.sweepBatchSize ? 5 : this.settings.sweepIntervalMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }
}
