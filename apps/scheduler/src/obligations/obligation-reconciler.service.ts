import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock, schedulerConfig, type SchedulerSettings } from '#config';
import { calendarMissingAlert, dutyDoneLateAlert, type PlannedHandoff, planObligations, REGISTRATION_KINDS, type RecordedStep, type RegistrationKind } from '#deadlines';
import { type DutyRegistration, type HandoffWithSteps, OfficeScope, type OfficeStore } from '#persistence';
import { type ConsumeOutcome, GroupCommit, PermanentMessageError } from '#bus';
import type { BusJobData } from '#contracts';
import { CalendarService } from '../calendar/calendar.service.js';
import { DeadlineRuleBook } from './deadline-rules.provider.js';

/** Step events per transaction at most (the worker takes up to this many at once: STEP_EVENT_CONCURRENCY). */
export const STEP_EVENT_BATCH = 16;
/** The step-event worker's concurrency: jobs waiting on one batch's commit, and those forming the next. */
export const STEP_EVENT_CONCURRENCY = 2 * STEP_EVENT_BATCH;

/**
 * Brings a handoff's obligations in line with its recorded steps. It re-reads the handoff from
 * PostgreSQL rather than trusting the event, so events replayed, doubled or out of order (BullMQ
 * priorities can reorder them) all end in the same state.
 */
@Injectable()
export class ObligationReconciler {
  private readonly logger = new Logger(ObligationReconciler.name);

  constructor(
    private readonly office: OfficeScope,
    private readonly calendar: CalendarService,
    private readonly rules: DeadlineRuleBook,
    @Inject(schedulerConfig.KEY) private readonly settings: SchedulerSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Step events taken concurrently are reconciled in one transaction (each event was its
   * own ~10-statement transaction, the most of a handoff's cost). A failed batch is retried one
   * event per transaction, so a bad event fails alone.
   */
  private readonly stepEvents = new GroupCommit<BusJobData>(
    (jobs) => this.reconcileBatch(jobs),
    (job) => this.reconcile(job.handoffId, job.messageId),
    { maxBatch: STEP_EVENT_BATCH, windowMs: 2 },
  );

  /** The scheduler's handler of step events (queue scheduler.events): done once its batch committed. */
  async stepRecorded(job: BusJobData): Promise<ConsumeOutcome> {
    await this.stepEvents.submit(job);
    return 'processed';
  }

  /** Several step events in one transaction: each handoff reconciled once (it is re-read anyway), every event confirmed. */
  private async reconcileBatch(jobs: readonly BusJobData[]): Promise<void> {
    await this.office.transaction(async (office) => {
      await this.reconcileIn(office, jobs.map((job) => job.handoffId));
      await office.handoffs.confirmStepEventsConsumed(
        jobs.map((job) => job.messageId),
        this.clock.now(),
      );
    });
  }

  async reconcile(handoffId: string, eventMessageId: string | null): Promise<void> {
    await this.office.transaction(async (office) => {
      await this.reconcileIn(office, [handoffId]);
      if (eventMessageId) await office.handoffs.confirmStepEventConsumed(eventMessageId, this.clock.now());
    });
  }

  /**
   * 第十九条 ¶1, 第二十条 ¶1: plans the obligations of duties registered before anything was sent
   * (investigation ended, lead discovered), so the sweep reminds and escalates them in time. The
   * obligation names the registration (its handoffId is the registration's id). A referral or lead
   * already sent with the same case number fulfils it at once. Returns how many it planned.
   */
  async planRegistrations(limit: number): Promise<number> {
    return this.office.transaction(async (office) => {
      const registrations = await office.registrations.claimUnplanned(limit);
      for (const registration of registrations) {
        await this.planRegistration(office, registration);
        await office.registrations.markPlanned(registration.id, this.clock.now());
      }
      return registrations.length;
    });
  }

  private async planRegistration(office: OfficeStore, registration: DutyRegistration): Promise<void> {
    const spec = REGISTRATION_KINDS[registration.kind as RegistrationKind];
    if (!spec) return;
    // The registration read as the handoff it announces: its kind and stated date pick the rule.
    const announced = {
      id: registration.id,
      kind: spec.handoffKind,
      fromAgency: registration.agency,
      toAgency: registration.agency,
      caseRef: registration.caseRef,
      priority: 'normal',
      details: { [spec.statedDate]: registration.statedOn },
    };
    await this.ensurePlans(office, [{ handoff: announced, steps: [] }]);
    const sent = await office.registrations.sentHandoffFor(registration);
    if (sent) await this.fulfilRegistration(office, registration, sent.sentAt, sent.handoffId);
  }

  private async fulfilRegistration(office: OfficeStore, registration: DutyRegistration, sentAt: Date, handoffId: string): Promise<void> {
    await office.registrations.markFulfilled(registration.id, sentAt, handoffId);
    for (const obligation of await office.obligations.forHandoff(registration.id)) {
      await office.obligations.fulfil(registration.id, obligation.rule, sentAt);
    }
  }

  /**
   * Set-based, whatever the number of handoffs: one read of the handoffs with their steps, one of
   * the registrations they fulfil, one insert of their obligations, one update of those their steps
   * fulfilled. A missing handoff fails the batch (each event is then retried alone, and that one
   * fails on its own).
   */
  private async reconcileIn(office: OfficeStore, ids: readonly string[]): Promise<void> {
    // A stable order of handoffs, so two schedulers' batches lock rows in the same order.
    const handoffIds = [...new Set(ids)].sort();
    const handoffs = await office.handoffs.withStepsAll(handoffIds);
    const missing = handoffIds.find((id) => !handoffs.has(id));
    if (missing) throw new PermanentMessageError(`handoff ${missing} is not in the database`);
    const ordered = handoffIds.map((id) => handoffs.get(id) as HandoffWithSteps);
    await this.ensurePlans(office, ordered.map((handoff) => ({ handoff, steps: handoff.steps })));
    // 第十九条 ¶1, 第二十条 ¶1: sending the referral or lead fulfils the duty its unit registered.
    const sent = new Map(ordered.flatMap((handoff) => handoff.steps.filter((step) => step.step === 'sent').map((step) => [handoff.id, step.occurredAt] as const)));
    if (sent.size === 0) return;
    const registrations = await office.registrations.forHandoffs(ordered.filter((handoff) => sent.has(handoff.id)));
    for (const [handoffId, registration] of registrations) {
      const sentAt = sent.get(handoffId);
      if (registration.plannedAt && sentAt) await this.fulfilRegistration(office, registration, sentAt, handoffId);
    }
  }

  private async ensurePlans(office: OfficeStore, handoffs: readonly { handoff: PlannedHandoff & { id: string; caseRef: string }; steps: readonly RecordedStep[] }[]): Promise<void> {
    const calendar = await this.calendar.current();
    const planned = handoffs.map(({ handoff, steps }) => ({ handoff, plans: planObligations(this.rules.all, handoff, steps, calendar, this.settings.leaderAfterWorkingDays) }));
    // Every plan's obligation in one insert (an existing one is kept), then what the steps fulfilled in one update.
    await office.obligations.ensure(
      planned.flatMap(({ handoff, plans }) =>
        plans.map((plan) => ({
          id: crypto.randomUUID(),
          handoffId: handoff.id,
          rule: plan.rule.id,
          responsibleAgency: plan.responsibleAgency,
          startAt: plan.startAt,
          dueAt: plan.dueAt,
          provisional: plan.provisional,
          missingYears: plan.missingYears,
          greenChannel: plan.greenChannel,
          status: 'open' as const,
          fulfilledAt: null,
          late: null,
          nextLevel: plan.schedule[0].level,
          nextActionAt: plan.schedule[0].at,
        })),
      ),
    );
    await office.obligations.fulfilAll(
      planned.flatMap(({ handoff, plans }) => plans.flatMap((plan) => (plan.fulfilledAt ? [{ handoffId: handoff.id, rule: plan.rule.id, at: plan.fulfilledAt }] : []))),
    );
    for (const { handoff, plans } of planned) {
      for (const plan of plans) {
        // 第二十条 ¶2 立即告知: done by the opening step itself, so never reminded; done late, the office is told once.
        if (plan.rule.tellOfficeWhenLate && plan.fulfilledAt && plan.fulfilledAt > plan.dueAt) {
          const [obligation] = (await office.obligations.forHandoff(handoff.id)).filter((o) => o.rule === plan.rule.id);
          if (obligation && (await office.alerts.create(dutyDoneLateAlert(obligation, plan.rule, handoff, plan.fulfilledAt)))) {
            this.logger.warn(`duty ${plan.rule.id} done late handoff=${handoff.id} by=${plan.responsibleAgency}`);
          }
        }
        // A deadline counted into a year with no calendar: the office is told to load it, once per year.
        for (const year of plan.missingYears) {
          if (await office.alerts.create(calendarMissingAlert(year))) {
            this.logger.warn(`calendar ${year} is not loaded; deadlines reaching into it are provisional`);
          }
        }
      }
    }
  }
}
