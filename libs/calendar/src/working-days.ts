import { beijingDateOf, endOfBeijingDay, isWeekend, nextDate, yearOf, type IsoDate } from './beijing-time.js';
import type { CalendarSource } from './calendar-source.js';

const HOUR_MS = 60 * 60 * 1000;

/** Results that depend on a year no source covers are counted with weekends only and marked provisional. */
export interface Coverage {
  provisional: boolean;
  missingYears: number[];
}

export interface WorkingDayDeadline extends Coverage {
  dueAt: Date;
}

export interface WorkingDayCount extends Coverage {
  workingDays: number;
}

export function isWorkingDay(date: IsoDate, calendar: CalendarSource): boolean {
  const kind = calendar.dayKind(date);
  if (kind === 'makeup-workday') return true;
  return kind !== 'holiday' && !isWeekend(date);
}

/**
 * The close (24:00 Beijing time) of the nth working day after the Beijing date of `eventInstant`.
 * The event's own day is never counted, even when it is a working day (第十九条–第二十一条: "within
 * 5 working days" of sending, receiving or closing).
 */
export function addWorkingDays(eventInstant: Date, n: number, calendar: CalendarSource): WorkingDayDeadline {
  assertInstant(eventInstant, 'eventInstant');
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a whole number of working days ≥ 1, got ${n}`);
  const tally = new CoverageTally(calendar);
  let date = beijingDateOf(eventInstant);
  for (let counted = 0; counted < n; ) {
    date = nextDate(date);
    if (tally.isWorkingDay(date)) counted++;
  }
  return { dueAt: endOfBeijingDay(date), ...tally.coverage() };
}

/**
 * Working days after the Beijing date of `from` that have begun by `to`; a day beginning exactly at
 * `to` has not. So an action any time on the nth counted day scores n, and
 * workingDaysBetween(event, addWorkingDays(event, n).dueAt) is n.
 */
export function workingDaysBetween(from: Date, to: Date, calendar: CalendarSource): WorkingDayCount {
  assertInstant(from, 'from');
  assertInstant(to, 'to');
  if (to.getTime() < from.getTime()) throw new RangeError('to is before from');
  const tally = new CoverageTally(calendar);
  const lastBegun = beijingDateOf(new Date(to.getTime() - 1));
  let workingDays = 0;
  for (let date = nextDate(beijingDateOf(from)); date <= lastBegun; date = nextDate(date)) {
    if (tally.isWorkingDay(date)) workingDays++;
  }
  return { workingDays, ...tally.coverage() };
}

/**
 * Plain clock hours for the urgent-medical notice (第二十条 ¶2, "at once"): a life may be at risk,
 * so nights and holidays do not stop the clock.
 */
export function addClockHours(eventInstant: Date, hours: number): Date {
  assertInstant(eventInstant, 'eventInstant');
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`hours must be a finite number ≥ 0, got ${hours}`);
  return new Date(eventInstant.getTime() + hours * HOUR_MS);
}

class CoverageTally {
  private readonly covered: ReadonlySet<number>;
  private readonly missing = new Set<number>();

  constructor(private readonly calendar: CalendarSource) {
    this.covered = calendar.coveredYears();
  }

  isWorkingDay(date: IsoDate): boolean {
    const year = yearOf(date);
    if (!this.covered.has(year)) this.missing.add(year);
    return isWorkingDay(date, this.calendar);
  }

  coverage(): Coverage {
    const missingYears = [...this.missing].sort((a, b) => a - b);
    return { provisional: missingYears.length > 0, missingYears };
  }
}

function assertInstant(value: Date, name: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new RangeError(`${name} is not a valid instant`);
}
