import chineseDays from 'chinese-days';
import { beijingDateOf } from './beijing-time.js';
import { ChineseDaysSource } from './chinese-days.source.js';
import { statutoryCalendar } from './statutory-calendar.js';
import { addWorkingDays } from './working-days.js';

describe('ChineseDaysSource', () => {
  const source = new ChineseDaysSource();

  it('covers the years the package has published', () => {
    // Package data runs from 2004-01-01 to 2026-10-10.
    const years = source.coveredYears();
    expect(years.has(2003)).toBe(false);
    expect(years.has(2004)).toBe(true);
    expect(years.has(2026)).toBe(true);
    expect(years.has(2027)).toBe(false);
  });

  // 国务院办公厅 2026 notice: Mid-Autumn 09-25..27 and National Day 10-01..07 are separate breaks,
  // with make-up days 09-20 Sun and 10-10 Sat.
  it.each([
    ['2026-01-03', 'holiday'], // a Saturday inside New Year's Day
    ['2026-01-04', 'makeup-workday'], // Sunday
    ['2026-02-14', 'makeup-workday'], // Saturday before Spring Festival
    ['2026-02-23', 'holiday'], // last day of Spring Festival, a Monday
    ['2026-02-28', 'makeup-workday'], // Saturday after it
    ['2026-09-20', 'makeup-workday'], // Sunday
    ['2026-09-26', 'holiday'], // Mid-Autumn
    ['2026-09-30', undefined], // the last working day before National Day, an ordinary Wednesday
    ['2026-10-01', 'holiday'],
    ['2026-10-07', 'holiday'],
    ['2026-10-08', undefined],
    ['2026-10-10', 'makeup-workday'], // Saturday
    ['2027-01-01', undefined], // not published
  ])('%s is %s', (date, kind) => {
    expect(source.dayKind(date)).toBe(kind);
  });
});

// The package's own findWorkday() reads dates in the host's time zone; it is right only where
// 'YYYY-MM-DD' parsed as UTC midnight is still that date locally (UTC and east of it).
const hostAtOrEastOfUtc = new Date('2026-01-01T00:00:00Z').getTimezoneOffset() <= 0;

(hostAtOrEastOfUtc ? it : it.skip)('agrees with the package’s findWorkday on every day of 2024–2026', () => {
  const calendar = statutoryCalendar();
  for (let day = Date.parse('2024-01-01T02:00:00Z'); day < Date.parse('2027-01-01T00:00:00Z'); day += 86_400_000) {
    const event = new Date(day);
    for (const n of [1, 2, 5, 10]) {
      const due = beijingDateOf(new Date(addWorkingDays(event, n, calendar).dueAt.getTime() - 1));
      expect(due).toBe(chineseDays.findWorkday(n, beijingDateOf(event)));
    }
  }
});
