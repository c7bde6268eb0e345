import type { CalendarSource } from '#calendar';
import { alertSchedule, computeDue, type DeadlineRule, type DeadlineComputation, type ScheduledAlert } from '#deadlines';
import type { Handoff, HandoffStep } from '#persistence';

export interface ObligationPlan extends DeadlineComputation {
  rule: DeadlineRule;
  startAt: Date;
  responsibleAgency: string;
  greenChannel: boolean;
  schedule: ScheduledAlert[];
  fulfilledAt: Date | null;
}

/**
 * A date the opening message states (investigation ended, lead discovered) starts its clock at
 * noon Beijing time of that day: the day itself is not counted, whatever the hour.
 */
function startOf(rule: DeadlineRule, handoff: Handoff, steps: readonly HandoffStep[]): Date | null {
  if ('step' in rule.start) {
    const { step } = rule.start;
    return steps.find((recorded) => recorded.step === step)?.occurredAt ?? null;
  }
  const date = (handoff.details as Record<string, unknown>)[rule.start.detailsDate];
  return typeof date === 'string' ? new Date(`${date}T12:00:00+08:00`) : null;
}

/** What each rule asks of this handoff, given the steps recorded so far. */
export function planObligations(
  rules: readonly DeadlineRule[],
  handoff: Handoff,
  steps: readonly HandoffStep[],
  calendar: CalendarSource,
  leaderAfterWorkingDays: number,
): ObligationPlan[] {
  const plans: ObligationPlan[] = [];
  for (const rule of rules) {
    if (!rule.kinds.includes(handoff.kind)) continue;
    const startAt = startOf(rule, handoff, steps);
    if (!startAt) continue;
    const due = computeDue(rule, startAt, calendar);
    // 第五条: priority groups get the green channel, and urgent notices are at least as pressing.
    const greenChannel = handoff.priority !== 'normal';
    plans.push({
      ...due,
      rule,
      startAt,
      responsibleAgency: rule.responsible === 'sender' ? handoff.fromAgency : handoff.toAgency,
      greenChannel,
      schedule: alertSchedule(rule, startAt, due.dueAt, calendar, { greenChannel, leaderAfterWorkingDays }),
      fulfilledAt: steps.find((recorded) => recorded.step === rule.fulfilledBy)?.occurredAt ?? null,
    });
  }
  return plans;
}
