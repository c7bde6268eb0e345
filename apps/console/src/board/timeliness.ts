import { beijingDateOf, type CalendarSource, startOfBeijingDay, workingDaysBetween } from '#calendar';
import type { Obligation } from '#persistence';

export interface UnitTimeliness {
  agency: string;
  done: number;
  onTime: number;
  /** share of duties done on time, 0–1 */
  onTimeShare: number;
  /** median working days from a duty's start to its fulfilment */
  medianWorkingDays: number;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Working days from a duty's start to its fulfilment, counted by Beijing dates as the deadlines are:
 * the start's own day is not counted. A start is a stated date's first instant (00:00 Beijing), so
 * a fulfilment is never before it; one that is (a clock started by an instant a unit stated, or a
 * start stored at another hour of its day) was done before its clock ran: 0 days, as on the day itself.
 */
function workingDaysTaken(startAt: Date, fulfilledAt: Date, calendar: CalendarSource): number {
  return fulfilledAt < startAt ? 0 : workingDaysBetween(startAt, fulfilledAt, calendar).workingDays;
}

/** Per unit: how many duties it fulfilled, the share on time, and the median working days taken. */
export function timelinessByUnit(fulfilled: readonly Obligation[], calendar: CalendarSource): UnitTimeliness[] {
  const byUnit = new Map<string, Obligation[]>();
  for (const obligation of fulfilled) byUnit.set(obligation.responsibleAgency, [...(byUnit.get(obligation.responsibleAgency) ?? []), obligation]);
  return [...byUnit.entries()]
    .map(([agency, duties]) => {
      const onTime = duties.filter((duty) => duty.late === false).length;
      const days = duties.map((duty) => (duty.fulfilledAt ? workingDaysTaken(duty.startAt, duty.fulfilledAt, calendar) : 0));
      return { agency, done: duties.length, onTime, onTimeShare: onTime / duties.length, medianWorkingDays: median(days) };
    })
    .sort((a, b) => a.agency.localeCompare(b.agency));
}

/** Start of this month and of this year, Beijing time. */
export function periodStart(period: 'month' | 'year', now: Date): Date {
  const today = beijingDateOf(now);
  return startOfBeijingDay(period === 'month' ? `${today.slice(0, 7)}-01` : `${today.slice(0, 4)}-01-01`);
}
