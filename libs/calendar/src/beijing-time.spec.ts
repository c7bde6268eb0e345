import { beijingTime, endOfBeijingDay, isIsoDate, startOfBeijingDay } from './beijing-time.js';

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

  it('accepts only dates that exist, written YYYY-MM-DD', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2027-02-29')).toBe(false);
    expect(isIsoDate('2027-2-1')).toBe(false);
    expect(isIsoDate(20270201)).toBe(false);
  });
});
