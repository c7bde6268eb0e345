import { InMemoryCalendarSource } from './in-memory.source.js';
import { LayeredCalendar } from './layered-calendar.js';
import { InvalidArrangementError, validateArrangement, type YearArrangement } from './year-arrangement.js';

// 2027-01-01 is a Friday: 01-02 Sat, 01-03 Sun, 01-06 Wed, 01-09 Sat.
const valid: YearArrangement = {
  year: 2027,
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
  makeupWorkdays: ['2027-01-09'],
};
const range = { minYear: 2004, maxYear: 2035 };

describe('validateArrangement', () => {
  it('accepts a well-formed year', () => {
    expect(validateArrangement(valid, range)).toEqual([]);
  });

  it.each<[string, YearArrangement, string[]]>([
    ['year after the range', { year: 2040, holidays: ['2040-01-01'], makeupWorkdays: [] }, ['year-out-of-range']],
    ['year before the range', { year: 2003, holidays: ['2003-01-01'], makeupWorkdays: [] }, ['year-out-of-range']],
    ['30 February', { ...valid, holidays: ['2027-02-30'] }, ['bad-date']],
    ['slashes', { ...valid, holidays: ['2027/01/01'] }, ['bad-date']],
    ['no leading zeros', { ...valid, makeupWorkdays: ['2027-1-9'] }, ['bad-date']],
    ['a date of the year before', { ...valid, holidays: ['2026-12-31', '2027-01-01'] }, ['wrong-year']],
    ['holiday listed twice', { ...valid, holidays: ['2027-01-01', '2027-01-01'] }, ['duplicate-holiday']],
    ['make-up day listed twice', { ...valid, makeupWorkdays: ['2027-01-09', '2027-01-09'] }, ['duplicate-makeup-workday']],
    ['make-up day on a Wednesday', { ...valid, makeupWorkdays: ['2027-01-06'] }, ['makeup-workday-not-weekend']],
    ['Saturday both off and on', { ...valid, makeupWorkdays: ['2027-01-02'] }, ['holiday-and-makeup-workday']],
    ['no holidays at all', { ...valid, holidays: [] }, ['no-holidays']],
  ])('refuses %s', (_, arrangement, codes) => {
    expect(validateArrangement(arrangement, range).map((problem) => problem.code)).toEqual(codes);
  });

  it('reports every problem of an upload at once', () => {
    const problems = validateArrangement(
      { year: 2099, holidays: ['2099-13-01', '2027-01-01'], makeupWorkdays: ['2099-01-01'] },
      range,
    );
    // 2099-01-01 is a Thursday.
    expect(problems.map((problem) => problem.code)).toEqual([
      'year-out-of-range',
      'bad-date',
      'wrong-year',
      'makeup-workday-not-weekend',
    ]);
  });
});

describe('InMemoryCalendarSource', () => {
  it('covers the uploaded years and marks their days', () => {
    const source = new InMemoryCalendarSource([valid]);
    expect([...source.coveredYears()]).toEqual([2027]);
    expect(source.dayKind('2027-01-01')).toBe('holiday');
    expect(source.dayKind('2027-01-09')).toBe('makeup-workday');
    expect(source.dayKind('2027-01-04')).toBeUndefined();
  });

  it('refuses a malformed arrangement', () => {
    const wednesdayMakeup = { ...valid, makeupWorkdays: ['2027-01-06'] };
    expect(() => new InMemoryCalendarSource([wednesdayMakeup])).toThrow(InvalidArrangementError);
  });

  it('refuses two arrangements for one year', () => {
    expect(() => new InMemoryCalendarSource([valid, valid])).toThrow(/2027 is arranged twice/);
  });
});

describe('LayeredCalendar', () => {
  const base = new InMemoryCalendarSource([{ year: 2026, holidays: ['2026-10-01'], makeupWorkdays: ['2026-10-10'] }]);
  const correction = new InMemoryCalendarSource([{ year: 2026, holidays: ['2026-10-02'], makeupWorkdays: [] }]);

  it('lets the top layer answer for the years it covers', () => {
    const calendar = new LayeredCalendar([base, correction]);
    expect(calendar.dayKind('2026-10-01')).toBeUndefined(); // dropped by the correction
    expect(calendar.dayKind('2026-10-02')).toBe('holiday');
    expect(calendar.dayKind('2026-10-10')).toBeUndefined();
  });

  it('covers the union of its layers, and withLayer leaves the original alone', () => {
    const calendar = new LayeredCalendar([base]);
    const extended = calendar.withLayer(new InMemoryCalendarSource([valid]));
    expect([...extended.coveredYears()].sort()).toEqual([2026, 2027]);
    expect([...calendar.coveredYears()]).toEqual([2026]);
    expect(extended.dayKind('2026-10-01')).toBe('holiday');
  });
});
