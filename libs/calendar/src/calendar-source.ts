import type { IsoDate } from './beijing-time.js';

/** How an annual arrangement marks a date; a date it does not mark follows the plain weekday/weekend rule. */
export type DayKind = 'holiday' | 'makeup-workday';

export interface CalendarSource {
  /** Years whose whole arrangement this source holds; about any other year it knows nothing. */
  coveredYears(): ReadonlySet<number>;
  dayKind(date: IsoDate): DayKind | undefined;
}
