import { statutoryCalendar } from './statutory-calendar.js';
import { addClockHours, addWorkingDays, workingDaysBetween } from './working-days.js';
import type { YearArrangement } from './year-arrangement.js';

/** An instant written as Beijing wall-clock time, 'YYYY-MM-DD HH:mm'. */
function bj(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`);
}

/** A deadline closes at 24:00 Beijing time, which is 16:00 UTC of the same date. */
function closeOf(date: string): string {
  return `${date}T16:00:00.000Z`;
}

// Weekdays used below: 2025-12-31 Wed; 2026-02-13 Fri; 2026-03-06 Fri; 2026-04-03 Fri; 2026-04-30 Thu;
// 2026-09-18 Fri; 2026-09-30 Wed; 2026-10-10 Sat; 2026-12-28 Mon; 2027-01-01 Fri; 2028-01-01 Sat.
// Package data for 2026 (checked in chinese-days.source.spec.ts): off 01-01..03, 02-15..23, 04-04..06,
// 05-01..05, 06-19..21, 09-25..27 (Mid-Autumn), 10-01..07 (National Day); make-up 01-04 Sun, 02-14 Sat,
// 02-28 Sat, 05-09 Sat, 09-20 Sun, 10-10 Sat.
const made2027: YearArrangement = {
  year: 2027,
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
  makeupWorkdays: ['2027-01-09'],
};

describe('addWorkingDays with the package calendar', () => {
  const calendar = statutoryCalendar();

  it.each([
    // National Day 2026: 09-30 Wed is the last working day before it
    ['2026-09-30 10:00', 5, '2026-10-13'], // 10-01..07 off; 10-08 Thu 1, 10-09 Fri 2, 10-10 Sat make-up 3, 10-12 Mon 4, 10-13 Tue 5
    ['2026-09-30 10:00', 1, '2026-10-08'], // 10-01..07 off
    ['2026-09-24 16:00', 5, '2026-10-09'], // 09-25..27 Mid-Autumn off; 09-28/29/30 1–3; 10-01..07 off; 10-08 4, 10-09 5
    // make-up weekend days count
    ['2026-09-18 17:00', 1, '2026-09-20'], // 09-19 Sat off; 09-20 Sun make-up
    ['2026-10-09 10:00', 1, '2026-10-10'], // 10-10 Sat make-up
    ['2026-04-30 10:00', 4, '2026-05-09'], // 05-01..05 off; 05-06/07/08 1–3; 05-09 Sat make-up 4
    // Spring Festival 2026
    ['2026-02-13 10:00', 5, '2026-02-27'], // 02-14 Sat make-up 1; 02-15..23 off; 02-24..27 2–5
    ['2026-02-13 10:00', 6, '2026-02-28'], // as above, then 02-28 Sat make-up 6
    ['2026-02-18 11:00', 1, '2026-02-24'], // event inside the holiday; 02-19..23 off
    ['2026-02-14 09:00', 1, '2026-02-24'], // event on a make-up Saturday: its day is not counted; 02-15..23 off
    // ordinary weeks
    ['2026-03-06 21:30', 5, '2026-03-13'], // Friday evening: 03-07/08 weekend; Mon 09 .. Fri 13
    ['2026-03-08 15:00', 5, '2026-03-13'], // Sunday: Mon 09 .. Fri 13, same as the Friday evening
    ['2026-03-09 09:00', 1, '2026-03-10'], // event on a working day: that day is still not counted
    ['2026-04-03 18:00', 1, '2026-04-07'], // 04-04..06 Qingming off, Monday included
    ['2025-12-31 10:00', 1, '2026-01-04'], // 2026-01-01..03 off; 01-04 Sun make-up
    ['2026-12-24 10:00', 5, '2026-12-31'], // 12-25 Fri 1, 12-28..31 2–5; never leaves 2026
  ])('%s + %i working days → close of %s', (event, n, due) => {
    expect(addWorkingDays(bj(event), n, calendar)).toEqual({
      dueAt: new Date(closeOf(due)),
      provisional: false,
      missingYears: [],
    });
  });

  it('counts from the Beijing date, not the UTC date', () => {
    const lateThursday = bj('2026-03-05 23:59');
    const earlyFriday = bj('2026-03-06 00:01');
    // Both instants fall on 03-05 in UTC.
    expect(lateThursday.toISOString()).toBe('2026-03-05T15:59:00.000Z');
    expect(earlyFriday.toISOString()).toBe('2026-03-05T16:01:00.000Z');
    // Thursday's event: Fri 03-06 is day 1.
    expect(addWorkingDays(lateThursday, 1, calendar).dueAt.toISOString()).toBe(closeOf('2026-03-06'));
    // Friday's event: Friday is not counted, 03-07/08 weekend, Mon 03-09 is day 1.
    expect(addWorkingDays(earlyFriday, 1, calendar).dueAt.toISOString()).toBe(closeOf('2026-03-09'));
  });

  it.each([
    // 12-29/30/31 1–3; 2027 unknown so weekends only: 01-01 Fri 4, 01-04 Mon 5
    ['2026-12-28 10:00', 5, '2027-01-04', [2027]],
    ['2026-12-31 10:00', 1, '2027-01-01', [2027]], // 2027-01-01 Fri, weekends only
    ['2027-01-07 10:00', 2, '2027-01-11', [2027]], // 01-08 Fri 1, 01-11 Mon 2
    // 2027 has 261 weekdays (365 days from a Friday = 52 weeks + 1 Friday); 2028-01-01/02 weekend, 01-03 Mon is 262
    ['2026-12-31 10:00', 262, '2028-01-03', [2027, 2028]],
  ])('%s + %i into an unpublished year → %s, provisional', (event, n, due, missingYears) => {
    expect(addWorkingDays(bj(event), n, calendar)).toEqual({
      dueAt: new Date(closeOf(due)),
      provisional: true,
      missingYears,
    });
  });

  it.each([
    [0, 'none to count'],
    [-1, 'negative'],
    [1.5, 'not whole'],
    [Number.NaN, 'not a number'],
  ])('refuses n = %s (%s)', (n) => {
    expect(() => addWorkingDays(bj('2026-03-09 09:00'), n, calendar)).toThrow(RangeError);
  });

  it('refuses an invalid instant', () => {
    expect(() => addWorkingDays(new Date('not a date'), 1, calendar)).toThrow(RangeError);
  });
});

describe('addWorkingDays with an uploaded arrangement on top', () => {
  it.each([
    ['2026-12-28 10:00', 5, '2027-01-05'], // 12-29/30/31 1–3; 2027-01-01..03 off as uploaded; 01-04 Mon 4, 01-05 Tue 5
    ['2026-12-31 10:00', 1, '2027-01-04'], // uploaded New Year's Day 2027-01-01 Fri off; 01-02/03 off
    ['2027-01-07 10:00', 2, '2027-01-09'], // 01-08 Fri 1; 01-09 Sat uploaded as make-up 2
  ])('2027 uploaded: %s + %i → %s, not provisional', (event, n, due) => {
    expect(addWorkingDays(bj(event), n, statutoryCalendar([made2027]))).toEqual({
      dueAt: new Date(closeOf(due)),
      provisional: false,
      missingYears: [],
    });
  });

  it('replaces the package for the whole year it covers', () => {
    // A correction for 2026 that keeps only New Year's Day: National Day and 01-02 become working days.
    const corrected = statutoryCalendar([{ year: 2026, holidays: ['2026-01-01'], makeupWorkdays: [] }]);
    expect(addWorkingDays(bj('2026-09-30 10:00'), 1, corrected).dueAt.toISOString()).toBe(closeOf('2026-10-01'));
    expect(addWorkingDays(bj('2025-12-31 10:00'), 1, corrected).dueAt.toISOString()).toBe(closeOf('2026-01-02'));
  });
});

describe('workingDaysBetween', () => {
  const calendar = statutoryCalendar();

  it.each([
    ['2026-09-30 10:00', '2026-10-13 10:00', 5], // 10-08, 10-09, 10-10 make-up, 10-12, 10-13
    ['2026-09-30 10:00', '2026-10-12 23:59', 4], // 10-13 not begun
    ['2026-09-30 10:00', '2026-10-14 00:01', 6], // 10-14 Wed has begun
    ['2026-09-30 10:00', '2026-10-07 12:00', 0], // 10-01..07 all off
    ['2026-09-30 10:00', '2026-09-30 18:00', 0], // same day: the event's day is not counted
    ['2026-03-06 21:30', '2026-03-09 09:00', 1], // Friday evening to Monday morning: Monday
    ['2026-03-05 23:59', '2026-03-06 00:01', 1], // two minutes apart, but Friday has begun
    ['2026-02-13 10:00', '2026-02-24 10:00', 2], // 02-14 Sat make-up, 02-24; 02-15..23 off
  ])('%s → %s: %i working days', (from, to, expected) => {
    expect(workingDaysBetween(bj(from), bj(to), calendar)).toEqual({
      workingDays: expected,
      provisional: false,
      missingYears: [],
    });
  });

  it('does not count the day that begins exactly at `to`', () => {
    // 10-13 closes at 10-14 00:00 Beijing; 10-14 has not begun at that instant.
    expect(workingDaysBetween(bj('2026-09-30 10:00'), new Date(closeOf('2026-10-13')), calendar).workingDays).toBe(5);
  });

  it('marks a count through an unpublished year provisional', () => {
    // 12-29/30/31, then 2027 weekends only: 01-01 Fri, 01-04 Mon
    expect(workingDaysBetween(bj('2026-12-28 10:00'), bj('2027-01-04 10:00'), calendar)).toEqual({
      workingDays: 5,
      provisional: true,
      missingYears: [2027],
    });
  });

  it('refuses `to` before `from`', () => {
    expect(() => workingDaysBetween(bj('2026-03-09 10:00'), bj('2026-03-09 09:59'), calendar)).toThrow(RangeError);
  });

  it('gives back n for every deadline addWorkingDays computes in 2026', () => {
    for (let day = 0; day < 365; day++) {
      const event = new Date(bj('2026-01-01 10:00').getTime() + day * 86_400_000);
      for (const n of [1, 5]) {
        const { dueAt } = addWorkingDays(event, n, calendar);
        expect(workingDaysBetween(event, dueAt, calendar).workingDays).toBe(n);
        expect(workingDaysBetween(event, new Date(dueAt.getTime() - 1), calendar).workingDays).toBe(n);
      }
    }
  });
});

describe('addClockHours', () => {
  it.each([
    ['2026-10-01 22:00', 24, '2026-10-02T14:00:00.000Z'], // National Day does not stop the clock: 10-02 22:00 Beijing
    ['2026-03-06 21:30', 2, '2026-03-06T15:30:00.000Z'], // Friday 23:30 Beijing
    ['2026-03-06 21:30', 0, '2026-03-06T13:30:00.000Z'],
    ['2026-03-06 21:30', 0.5, '2026-03-06T14:00:00.000Z'],
  ])('%s + %s h → %s', (event, hours, expected) => {
    expect(addClockHours(bj(event), hours).toISOString()).toBe(expected);
  });

  it.each([-1, Number.POSITIVE_INFINITY, Number.NaN])('refuses %s hours', (hours) => {
    expect(() => addClockHours(bj('2026-03-06 21:30'), hours)).toThrow(RangeError);
  });
});
