import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { yearOf, type IsoDate } from './beijing-time.js';
import type { CalendarSource, DayKind } from './calendar-source.js';

// The package's raw data, not its isWorkday()/getDayDetail(): those read dates in the host's local
// time zone and answer for the wrong day on a server west of UTC. Its `workdays` are the make-up
// working days (补班); its `inLieuDays` are holidays that a make-up day pays back, already in `holidays`.
const holidays: Readonly<Record<IsoDate, string>> = data.holidays;
const makeupWorkdays: Readonly<Record<IsoDate, string>> = data.workdays;

// The package has no list of its years. Every notice gives New Year's Day off, so the years that have
// a holiday listed are the years it has published.
const coveredYears: ReadonlySet<number> = new Set(Object.keys(holidays).map(yearOf));

/** The statutory arrangements shipped in the npm package `chinese-days` (2004 onwards). */
export class ChineseDaysSource implements CalendarSource {
  coveredYears(): ReadonlySet<number> {
    return coveredYears;
  }

  dayKind(date: IsoDate): DayKind | undefined {
    if (Object.hasOwn(makeupWorkdays, date)) return 'makeup-workday';
    if (Object.hasOwn(holidays, date)) return 'holiday';
    return undefined;
  }
}
