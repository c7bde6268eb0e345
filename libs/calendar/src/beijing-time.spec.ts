import { beijingDeadline, beijingDeadlineDate, beijingTime, endOfBeijingDay, isIsoDate, previousDate, startOfBeijingDay } from './beijing-time.js';

describe('Beijing time', () => {
  it('bounds a Beijing date from its 00:00 (inclusive) to its 24:00 (exclusive)', () => {
    expect(startOfBeijingDay('2026-11-06').toISOString()).toBe('2026-11-05T16:00:00.000Z');
    expect(endOfBeijingDay('2026-11-06').toISOString()).toBe('2026-11-06T16:00:00.000Z');
    expect(endOfBeijingDay('2026-12-31')).toEqual(startOfBeijingDay('2027-01-01'));
  });

  it('writes an instant as Beijing wall-clock time', () => {
    expect(beijingTime(new Date('2026-11-06T15:59:00Z'))).toBe('2026-11-06 23:59');
    expect(beijingTime(endOfBeijingDay('2026-11-06'))).toBe('2026-11-07 00:00');
  });

  it('writes a deadline of working days as 24:00 of its own last day, never as the next day', () => {
    // A visit due on 2027-01-07 closes at its end: stored as 2027-01-07T16:00Z (2027-01-08 00:00 Beijing).
    const due = endOfBeijingDay('2027-01-07');
    expect(beijingDeadline(due)).toBe('2027-01-07 24:00');
    expect(beijingDeadlineDate(due)).toBe('2027-01-07');
    // Across a month and a year.
    expect(beijingDeadline(endOfBeijingDay('2026-12-31'))).toBe('2026-12-31 24:00');
    expect(beijingDeadline(endOfBeijingDay('2028-02-29'))).toBe('2028-02-29 24:00');
    expect(beijingDeadline(endOfBeijingDay('2027-03-01'))).toBe('2027-03-01 24:00');
  });

  it('writes a deadline counted in hours at its own minute, whatever the host zone', () => {
    // 第二十条 ¶2's urgent notice: a few hours after the notice, anywhere in the day.
    expect(beijingDeadline(new Date('2027-01-07T04:30:00Z'))).toBe('2027-01-07 12:30');
    expect(beijingDeadlineDate(new Date('2027-01-07T04:30:00Z'))).toBe('2027-01-07');
    // One minute after midnight Beijing is the new day's.
    expect(beijingDeadline(new Date('2027-01-07T16:01:00Z'))).toBe('2027-01-08 00:01');
    // A millisecond before midnight is still the day's last minute.
    expect(beijingDeadline(new Date('2027-01-07T15:59:59.999Z'))).toBe('2027-01-07 23:59');
    expect(beijingDeadlineDate(new Date('2027-01-07T15:59:59.999Z'))).toBe('2027-01-07');
  });

  it('steps a date back by one day', () => {
    expect(previousDate('2027-01-01')).toBe('2026-12-31');
    expect(previousDate('2028-03-01')).toBe('2028-02-29');
  });

  it('accepts only dates that exist, written YYYY-MM-DD', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2027-2-1')).toBe(false);
    expect(isIsoDate(20270201)).toBe(false);
  });
});
