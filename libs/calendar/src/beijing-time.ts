// Asia/Shanghai has kept UTC+8 without daylight saving since 1991, so a fixed offset yields the
// Beijing date of every instant this system handles, whatever the host's TZ or ICU data.
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A calendar date written YYYY-MM-DD, as the State Council's annual notices list them. */
export type IsoDate = string;

/**
 * A date written YYYY-MM-DD that exists in the calendar (deadlines count whole days). The one
 * definition: #contracts' @IsCalendarDate() decorator uses it, so this library stays free of
 * class-validator and Nest.
 */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const [year, month, day] = value.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function beijingDateOf(instant: Date): IsoDate {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 Beijing time of `date`, i.e. 16:00 UTC the day before: where the date begins (inclusive). */
export function startOfBeijingDay(date: IsoDate): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - BEIJING_OFFSET_MS);
}

/**
 * 24:00 Beijing time of `date`, i.e. 16:00 UTC that same date: a deadline closes with its last day.
 * It is the first instant no longer in `date`, so a range of dates ends before it (`<`), never at it.
 */
export function endOfBeijingDay(date: IsoDate): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS - BEIJING_OFFSET_MS);
}

/** Beijing wall-clock time to the minute, 'YYYY-MM-DD HH:mm', as the office and the units read it. */
export function beijingTime(instant: Date): string {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A deadline as the office and the units read it: the day it closes on. A deadline of working days
 * ends at the close of its last day (第十九条–第二十一条), stored as the first instant after it —
 * 00:00 Beijing of the next date — so it is written "YYYY-MM-DD 24:00" of its own day, never as
 * the next day's 00:00 (one day late to a reader). A deadline counted in hours ends at its minute
 * and is written as such. Every page, the PDF, the ledger exports and the alerts write deadlines
 * through this function.
 */
export function beijingDeadline(dueAt: Date): string {
  const wall = new Date(dueAt.getTime() + BEIJING_OFFSET_MS);
  if (wall.getTime() % DAY_MS === 0) return `${previousDate(wall.toISOString().slice(0, 10))} 24:00`;
  return beijingTime(dueAt);
}

/** The Beijing date a deadline closes on: the last day still inside it (24:00 belongs to the day it ends). */
export function beijingDeadlineDate(dueAt: Date): IsoDate {
  return beijingDateOf(new Date(dueAt.getTime() - 1));
}

export function previousDate(date: IsoDate): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

export function nextDate(date: IsoDate): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

export function yearOf(date: IsoDate): number {
  return Number(date.slice(0, 4));
}

export function isWeekend(date: IsoDate): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}
