import { isIsoDate, isWeekend, yearOf, type IsoDate } from './beijing-time.js';

/**
 * One year's holidays and make-up working days (调休上班) as the State Council notice sets them.
 * A day the notice moves into a neighbouring year (the 2008 notice made 2007-12-29 a working day)
 * belongs to the arrangement of the year it falls in.
 */
export interface YearArrangement {
  year: number;
  holidays: readonly IsoDate[];
  makeupWorkdays: readonly IsoDate[];
}

export type ArrangementProblemCode =
  | 'year-out-of-range'
  | 'duplicate-year'
  | 'bad-date'
  | 'wrong-year'
  | 'duplicate-holiday'
  | 'duplicate-makeup-workday'
  | 'holiday-and-makeup-workday'
  | 'makeup-workday-not-weekend'
  | 'no-holidays';

export interface ArrangementProblem {
  code: ArrangementProblemCode;
  date?: string;
  message: string;
}

export interface YearRange {
  minYear: number;
  maxYear: number;
}

/** Everything wrong with an uploaded arrangement; the upload is refused whole unless this is empty. */
export function validateArrangement(arrangement: YearArrangement, range: YearRange): ArrangementProblem[] {
  const { year } = arrangement;
  const yearProblems: ArrangementProblem[] =
    Number.isInteger(year) && year >= range.minYear && year <= range.maxYear
      ? []
      : [
          {
            code: 'year-out-of-range',
            message: `year ${year} is not a whole year from ${range.minYear} to ${range.maxYear}`,
          },
        ];
  return [...yearProblems, ...arrangementContentProblems(arrangement)];
}

/** The checks that hold for any arrangement, wherever it came from. */
export function arrangementContentProblems({ year, holidays, makeupWorkdays }: YearArrangement): ArrangementProblem[] {
  const problems: ArrangementProblem[] = [];
  // Every year has New Year's Day off, so an empty list is a failed upload, not a year without holidays.
  if (holidays.length === 0) problems.push({ code: 'no-holidays', message: `no holidays listed for ${year}` });

  const checkDates = (dates: readonly string[], list: 'holiday' | 'makeup-workday'): Set<string> => {
    const seen = new Set<string>();
    for (const date of dates) {
      if (!isIsoDate(date)) {
        problems.push({ code: 'bad-date', date, message: `${JSON.stringify(date)} is not a date written YYYY-MM-DD` });
        continue;
      }
      if (yearOf(date) !== year) {
        problems.push({ code: 'wrong-year', date, message: `${date} is not in ${year}` });
      }
      if (seen.has(date)) {
        problems.push({ code: `duplicate-${list}`, date, message: `${date} is listed twice as a ${list}` });
      }
      // A weekday is a working day already; listing one as make-up means the notice was misread.
      if (list === 'makeup-workday' && !isWeekend(date)) {
        problems.push({ code: 'makeup-workday-not-weekend', date, message: `${date} is not a Saturday or Sunday` });
      }
      seen.add(date);
    }
    return seen;
  };

  const holidaySet = checkDates(holidays, 'holiday');
  for (const date of checkDates(makeupWorkdays, 'makeup-workday')) {
    if (holidaySet.has(date)) {
      problems.push({
        code: 'holiday-and-makeup-workday',
        date,
        message: `${date} is listed both as a holiday and as a make-up working day`,
      });
    }
  }
  return problems;
}

export class InvalidArrangementError extends Error {
  constructor(readonly problems: readonly ArrangementProblem[]) {
    super(`invalid calendar arrangement: ${problems.map((problem) => problem.message).join('; ')}`);
    this.name = 'InvalidArrangementError';
  }
}
