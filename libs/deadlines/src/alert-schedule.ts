import { addClockHours, addWorkingDays, beijingDateOf, type CalendarSource, endOfBeijingDay } from '#calendar';
import type { DeadlineRule } from './deadline-rules.js';

/**
 * The alerts of one obligation, in the order they fire: reminders to the responsible unit's
 * liaison before the due time, an escalation to the liaison and the joint-meeting office at the
 * due time, and one naming the unit's leader if it is still open some working days later.
 */
export const ALERT_LEVELS = ['reminder-1', 'reminder-2', 'overdue', 'overdue-leader'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

const DAY_MS = 24 * 3600_000;

export interface ScheduledAlert {
  level: AlertLevel;
  at: Date;
}

export interface DeadlineComputation {
  dueAt: Date;
  provisional: boolean;
  missingYears: number[];
}

/** The close (24:00 Beijing) of the day `months` calendar months after the Beijing date of `startAt`, or of that month's last day. */
export function addCalendarMonths(startAt: Date, months: number): Date {
  const [year, month, day] = beijingDateOf(startAt).split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return endOfBeijingDay(target.toISOString().slice(0, 10));
}

/**
 * The due time of a rule started at `startAt`; provisional where a year has no loaded calendar. A
 * green-channel handoff (第五条) takes the rule's green-channel amount where it has one.
 */
export function computeDue(rule: DeadlineRule, startAt: Date, calendar: CalendarSource, greenChannel = false): DeadlineComputation {
  const amount = greenChannel && rule.greenChannelAmount !== undefined ? rule.greenChannelAmount : rule.amount;
  if (rule.unit === 'clock-hours') return { dueAt: addClockHours(startAt, amount), provisional: false, missingYears: [] };
  if (rule.unit === 'calendar-months') return { dueAt: addCalendarMonths(startAt, amount), provisional: false, missingYears: [] };
  const { dueAt, provisional, missingYears } = addWorkingDays(startAt, amount, calendar);
  return { dueAt, provisional, missingYears: [...missingYears] };
}

export interface ScheduleOptions {
  /** 第五条 green channel: reminders come earlier */
  greenChannel: boolean;
  /** working days after the due day at which the leader is named (default 3) */
  leaderAfterWorkingDays: number;
}

export function alertSchedule(
  rule: DeadlineRule,
  startAt: Date,
  dueAt: Date,
  calendar: CalendarSource,
  options: ScheduleOptions,
): ScheduledAlert[] {
  const allowed = dueAt.getTime() - startAt.getTime();
  // Half of the allowed time; a quarter for the green channel.
  const first = new Date(startAt.getTime() + allowed * (options.greenChannel ? 0.25 : 0.5));
  // One working day before the due time (two for the green channel): 00:00 of the last working
  // day (of the last two), i.e. 24 hours before the close of that day — never a day off between.
  const daysBefore = options.greenChannel ? 2 : 1;
  const second =
    rule.unit === 'working-days'
      ? rule.amount > daysBefore
        ? new Date(addWorkingDays(startAt, rule.amount - daysBefore + 1, calendar).dueAt.getTime() - DAY_MS)
        : null
      : new Date(dueAt.getTime() - allowed * (options.greenChannel ? 0.25 : 0.1));
  // The leader is named if the duty is still open N working days after its due day.
  const leader = addWorkingDays(new Date(dueAt.getTime() - 1), options.leaderAfterWorkingDays, calendar).dueAt;
  const schedule: ScheduledAlert[] = [{ level: 'reminder-1', at: first }];
  if (second && second > first && second < dueAt) schedule.push({ level: 'reminder-2', at: second });
  schedule.push({ level: 'overdue', at: dueAt }, { level: 'overdue-leader', at: leader });
  return schedule;
}

/**
 * Which alerts to send now, and what comes next. A reminder whose moment has passed while a
 * later alert is also due is skipped: reminding of a duty already overdue helps nobody.
 * Escalations are never skipped.
 */
export function dueAlerts(
  schedule: readonly ScheduledAlert[],
  nextLevel: AlertLevel,
  now: Date,
): { fire: AlertLevel[]; next: ScheduledAlert | null } {
  // By level order, not by position: a level the schedule no longer has (a reminder dropped after
  // a calendar change) must not make later escalations disappear.
  const from = ALERT_LEVELS.indexOf(nextLevel);
  const pending = schedule.filter((alert) => ALERT_LEVELS.indexOf(alert.level) >= from);
  const due = pending.filter((alert) => alert.at <= now);
  const latestDue = due.at(-1);
  const fire = due
    .filter((alert) => !alert.level.startsWith('reminder') || alert === latestDue)
    .map((alert) => alert.level);
  return { fire, next: pending.find((alert) => alert.at > now) ?? null };
}
