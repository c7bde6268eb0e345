import { type CalendarSource, isIsoDate, startOfBeijingDay } from '#calendar';
import { type UnitCode, type HandoffKind, isUnitCode } from '#contracts';
import { alertSchedule, computeDue, type DeadlineComputation, type ScheduledAlert } from '../alert-schedule.js';
import type { DeadlineRule } from '../deadline-rules.js';

/** What planning reads of a handoff: its kind, parties, priority and the details that state dates. */
export type PlannedHandoff = {
  kind: HandoffKind;
  fromAgency: string;
  toAgency: string;
  priority: string;
  /** the opening message's details, as stored (a JSON object) */
  details: unknown;
};

/** What planning reads of a recorded step. */
export type RecordedStep = {
  step: string;
  occurredAt: Date;
  details: unknown;
};

export interface ObligationPlan extends DeadlineComputation {
  rule: DeadlineRule;
  startAt: Date;
  responsibleAgency: UnitCode;
  greenChannel: boolean;
  schedule: ScheduledAlert[];
  fulfilledAt: Date | null;
}

/**
 * A stated date (YYYY-MM-DD) is a whole Beijing day; as an instant it is that day's beginning, 00:00
 * Beijing time. The day itself is never counted (第十九条–第二十一条), so the hour does not move a
 * deadline; taking the day's first instant means that whatever the unit did on that day — a feedback
 * given the morning it concluded — is never earlier than the start, and a duty's working days (start
 * to fulfilment) are the stated dates' working days, as the evaluation counts them.
 */
function startOfStatedDay(date: unknown): Date | null {
  return isIsoDate(date) ? startOfBeijingDay(date) : null;
}

/**
 * Where a rule's clock starts: the dates the text names — a date the opening message states
 * (investigation ended 第十九条 ¶1, lead discovered 第二十条 ¶1), the instant the department learned of
 * an emergency (第二十条 ¶2 noticedAt), or the date stated for a step (第二十一条 办结: concludedOn) — and
 * the recorded moment of a step only where the text counts from it (receipt).
 */
/** Stored details are a JSON object; anything else states no date. */
function fieldsOf(details: unknown): Readonly<Record<string, unknown>> {
  return details !== null && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : {};
}

function startOf(rule: DeadlineRule, handoff: PlannedHandoff, steps: readonly RecordedStep[]): Date | null {
  const details = fieldsOf(handoff.details);
  if ('detailsDate' in rule.start) return startOfStatedDay(details[rule.start.detailsDate]);
  if ('detailsInstant' in rule.start) {
    const instant = details[rule.start.detailsInstant];
    const at = typeof instant === 'string' ? new Date(instant) : null;
    return at && !Number.isNaN(at.getTime()) ? at : null;
  }
  const { step, statedDate } = rule.start;
  const recorded = steps.find((candidate) => candidate.step === step);
  if (!recorded) return null;
  const stepDetails = fieldsOf(recorded.details);
  if (rule.onlyWhen && stepDetails[rule.onlyWhen.field] !== rule.onlyWhen.equals) return null;
  return (statedDate && startOfStatedDay(stepDetails[statedDate])) || recorded.occurredAt;
}

/**
 * When the duty was done: the recorded moment of its step, or of the other step that fulfils it when
 * that step's details say so (a decision to pay first, not a decision not to) — the earlier of them.
 */
function fulfilmentOf(rule: DeadlineRule, steps: readonly RecordedStep[]): Date | null {
  const also = rule.alsoFulfilledBy;
  const times = steps
    .filter(
      (recorded) =>
        recorded.step === rule.fulfilledBy ||
        (also !== undefined && recorded.step === also.step && fieldsOf(recorded.details)[also.onlyWhen.field] === also.onlyWhen.equals),
    )
    .map((recorded) => recorded.occurredAt.getTime());
  return times.length > 0 ? new Date(Math.min(...times)) : null;
}

/** What each rule asks of this handoff, given the steps recorded so far. */
export function planObligations(
  rules: readonly DeadlineRule[],
  handoff: PlannedHandoff,
  steps: readonly RecordedStep[],
  calendar: CalendarSource,
  leaderAfterWorkingDays: number,
): ObligationPlan[] {
  const plans: ObligationPlan[] = [];
  for (const rule of rules) {
    if (!rule.kinds.includes(handoff.kind)) continue;
    const startAt = startOf(rule, handoff, steps);
    if (!startAt) continue;
    // 第五条: priority groups get the green channel, and urgent notices are at least as pressing.
    const greenChannel = handoff.priority !== 'normal';
    const due = computeDue(rule, startAt, calendar, greenChannel);
    const responsibleAgency = rule.responsible === 'sender' ? handoff.fromAgency : handoff.toAgency;
    // A duty is always one of the thirteen member units' (第十条–第十八条 and the procuratorate); a party that is none is a broken record, refused loudly.
    if (!isUnitCode(responsibleAgency)) throw new Error(`handoff names no member unit as its ${rule.responsible}: ${responsibleAgency}`);
    plans.push({
      ...due,
      rule,
      startAt,
      responsibleAgency,
      greenChannel,
      schedule: alertSchedule(rule, startAt, due.dueAt, calendar, { greenChannel, leaderAfterWorkingDays }),
      fulfilledAt: fulfilmentOf(rule, steps),
    });
  }
  return plans;
}
