import { endOfBeijingDay } from '#calendar';
import { openedBetween } from './opened-between.js';

/** The repository's test on openedAt: `gte openedFrom` and `lte openedTo`. */
function selects(range: ReturnType<typeof openedBetween>, openedAt: string): boolean {
  const at = new Date(openedAt);
  return (!range.openedFrom || at >= range.openedFrom) && (!range.openedTo || at <= range.openedTo);
}

describe('the board’s opened-date range', () => {
  const range = openedBetween('2026-11-02', '2026-11-06');

  it('starts at 00:00 Beijing time of the first date, inclusive', () => {
    expect(selects(range, '2026-11-02T00:00:00.000+08:00')).toBe(true);
    expect(selects(range, '2026-11-01T23:59:59.999+08:00')).toBe(false);
  });

  it('ends before 24:00 Beijing time of the last date, the calendar’s endOfBeijingDay, exclusive', () => {
    expect(endOfBeijingDay('2026-11-06').toISOString()).toBe('2026-11-06T16:00:00.000Z');
    expect(selects(range, '2026-11-06T23:59:59.999+08:00')).toBe(true);
    expect(selects(range, '2026-11-07T00:00:00.000+08:00')).toBe(false);
  });

  it('puts an instant on a shared midnight in exactly one of two adjoining ranges', () => {
    const week1 = openedBetween('2026-11-02', '2026-11-08');
    const week2 = openedBetween('2026-11-09', '2026-11-15');
    for (const instant of ['2026-11-08T23:59:59.999+08:00', '2026-11-09T00:00:00.000+08:00']) {
      expect([selects(week1, instant), selects(week2, instant)].filter(Boolean)).toHaveLength(1);
    }
  });

  it('leaves a side open when its date is not given', () => {
    expect(openedBetween(undefined, undefined)).toEqual({ openedFrom: undefined, openedTo: undefined });
  });
});
