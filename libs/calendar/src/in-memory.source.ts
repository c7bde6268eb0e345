import type { IsoDate } from './beijing-time.js';
import type { CalendarSource, DayKind } from './calendar-source.js';
import {
  arrangementContentProblems,
  InvalidArrangementError,
  type ArrangementProblem,
  type YearArrangement,
} from './year-arrangement.js';

/** Arrangements the office uploaded, held in memory; the caller loads them from wherever they are stored. */
export class InMemoryCalendarSource implements CalendarSource {
  private readonly years = new Set<number>();
  private readonly kinds = new Map<IsoDate, DayKind>();

  /** @throws InvalidArrangementError when any arrangement is malformed or two share a year. */
  constructor(arrangements: readonly YearArrangement[]) {
    const problems: ArrangementProblem[] = [];
    for (const arrangement of arrangements) {
      if (this.years.has(arrangement.year)) {
        problems.push({ code: 'duplicate-year', message: `${arrangement.year} is arranged twice` });
      }
      this.years.add(arrangement.year);
      problems.push(...arrangementContentProblems(arrangement));
      for (const date of arrangement.holidays) this.kinds.set(date, 'holiday');
      for (const date of arrangement.makeupWorkdays) this.kinds.set(date, 'makeup-workday');
    }
    if (problems.length > 0) throw new InvalidArrangementError(problems);
  }

  coveredYears(): ReadonlySet<number> {
    return this.years;
  }

  dayKind(date: IsoDate): DayKind | undefined {
    return this.kinds.get(date);
  }
}
