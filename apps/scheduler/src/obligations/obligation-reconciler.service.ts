import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { calendarMissingAlert } from '#deadlines';
import { AlertRepository, ObligationRepository, OutboxRepository, PrismaService, type Tx } from '#persistence';
import { PermanentMessageError } from '#bus';
import { CalendarService } from '../calendar/calendar.service.js';
import { DeadlineRuleBook } from './deadline-rules.provider.js';
import { planObligations } from './obligation-plan.js';

/**
 * Brings a handoff's obligations in line with its recorded steps. It re-reads the handoff from
 * PostgreSQL rather than trusting the event, so events replayed, doubled or out of order (BullMQ
 * priorities can reorder them) all end in the same state.
 */
@Injectable()
export class ObligationReconciler {
  private readonly logger = new Logger(ObligationReconciler.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly obligations: ObligationRepository,
    private readonly alerts: AlertRepository,
    private readonly outbox: OutboxRepository,
    private readonly calendar: CalendarService,
    private readonly rules: DeadlineRuleBook,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async reconcile(handoffId: string, eventMessageId: string | null): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await this.reconcileIn(tx, handoffId);
      if (eventMessageId) await this.outbox.confirmStepEventConsumed(tx, eventMessageId, this.clock.now());
    });
  }

  private async reconcileIn(tx: Tx, handoffId: string): Promise<void> {
    const handoff = await tx.handoff.findUnique({ where: { id: handoffId }, include: { steps: true } });
    if (!handoff) throw new PermanentMessageError(`handoff ${handoffId} is not in the database`);
    const plans = planObligations(this.rules.all, handoff, handoff.steps, await this.calendar.current(), this.settings.leaderAfterWorkingDays);
    for (const plan of plans) {
      const [first] = plan.schedule;
      await this.obligations.ensure(tx, {
        id: crypto.randomUUID(),
        handoffId,
        rule: plan.rule.id,
        responsibleAgency: plan.responsibleAgency,
        startAt: plan.startAt,
        dueAt: plan.dueAt,
        provisional: plan.provisional,
        missingYears: plan.missingYears,
        greenChannel: plan.greenChannel,
        status: 'open',
        fulfilledAt: null,
        late: null,
        nextLevel: first.level,
        nextActionAt: first.at,
      });
      if (plan.fulfilledAt) await this.obligations.fulfil(tx, handoffId, plan.rule.id, plan.fulfilledAt);
      // A deadline counted into a year with no calendar: the office is told to load it, once per year.
      for (const year of plan.missingYears) {
        if (await this.alerts.create(tx, calendarMissingAlert(year))) {
          this.logger.warn(`calendar ${year} is not loaded; deadlines reaching into it are provisional`);
        }
      }
    }
  }
}
