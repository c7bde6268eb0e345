import { statutoryCalendar } from '#calendar';
import type { Obligation } from '#persistence';
import { periodStart, timelinessByUnit } from './timeliness.js';
import { timeLeft } from './board-rows.js';

const calendar = statutoryCalendar();
const duty = (agency: string, start: string, done: string, late: boolean) =>
  ({ responsibleAgency: agency, startAt: new Date(start), fulfilledAt: new Date(done), late }) as Obligation;

describe('timeliness', () => {
  it('gives each unit its on-time share and median working days', () => {
    const rows = timelinessByUnit(
      [
        // received Mon 11-02, done Wed 11-04: 2 working days, on time
        duty('civil-affairs', '2026-11-02T02:00:00Z', '2026-11-04T02:00:00Z', false),
        // received Mon 11-02, done Tue 11-10: 6 working days, late
        duty('civil-affairs', '2026-11-02T02:00:00Z', '2026-11-10T02:00:00Z', true),
        // received Fri 11-06, done Mon 11-09: 1 working day (the weekend does not count)
        duty('civil-affairs', '2026-11-06T02:00:00Z', '2026-11-09T02:00:00Z', false),
        duty('education', '2026-11-02T02:00:00Z', '2026-11-03T02:00:00Z', false),
      ],
      calendar,
    );
    expect(rows).toEqual([
      { agency: 'civil-affairs', done: 3, onTime: 2, onTimeShare: 2 / 3, medianWorkingDays: 2 },
      { agency: 'education', done: 1, onTime: 1, onTimeShare: 1, medianWorkingDays: 1 },
    ]);
  });

  it('counts a duty fulfilled before its recorded start as done the same day, on time, and never fails the page', () => {
    // Concluded 11-04 as stated; its feedback given 11-04 09:00 Beijing. A start stored at noon of the
    // stated date (as obligations were once planned) is later than the fulfilment.
    const rows = timelinessByUnit(
      [
        duty('civil-affairs', '2026-11-04T04:00:00Z', '2026-11-04T01:00:00Z', false),
        // the same duty planned from the start of the stated day
        duty('civil-affairs', '2026-11-03T16:00:00Z', '2026-11-04T01:00:00Z', false),
        // a fulfilment a working day after its stated date still counts 1
        duty('civil-affairs', '2026-11-03T16:00:00Z', '2026-11-05T01:00:00Z', false),
      ],
      calendar,
    );
    expect(rows).toEqual([{ agency: 'civil-affairs', done: 3, onTime: 3, onTimeShare: 1, medianWorkingDays: 0 }]);
  });

  it('starts this month and this year at 00:00 Beijing time', () => {
    // 2026-11-30 23:30 UTC is already 12-01 07:30 in Beijing
    expect(periodStart('month', new Date('2026-11-30T23:30:00Z')).toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(periodStart('year', new Date('2026-11-29T08:00:00Z')).toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it('says how much working time is left, or how late', () => {
    // due Fri 12-04 24:00 Beijing; now Mon 11-30 10:00 Beijing → Tue, Wed, Thu, Fri left
    expect(timeLeft(new Date('2026-12-04T16:00:00Z'), new Date('2026-11-30T02:00:00Z'), calendar)).toBe('剩余 4 个工作日');
    // due Mon 11-30 24:00; now Thu 12-03 10:00 → Tue, Wed, Thu have begun since
    expect(timeLeft(new Date('2026-11-30T16:00:00Z'), new Date('2026-12-03T02:00:00Z'), calendar)).toBe('逾期 3 个工作日');
    expect(timeLeft(new Date('2026-11-30T16:00:00Z'), new Date('2026-11-30T10:00:00Z'), calendar)).toBe('今日到期');
  });
});
