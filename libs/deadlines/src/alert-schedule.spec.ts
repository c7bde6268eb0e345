import { statutoryCalendar } from '#calendar';
import { alertSchedule, computeDue, dueAlerts, type AlertLevel, type ScheduledAlert } from './alert-schedule.js';
import { deadlineRules, type DeadlineRule, type DeadlineSettings } from './deadline-rules.js';

/** An instant written as Beijing wall-clock time, 'YYYY-MM-DD HH:mm'. */
function bj(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`);
}

const DEFAULTS: DeadlineSettings = { urgentNoticeHours: 2, urgentAcknowledgementHours: 24, paperworkWorkingDays: 5 };

function rule(id: string, settings: DeadlineSettings = DEFAULTS): DeadlineRule {
  const found = deadlineRules(settings).find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

/** A schedule written as [level, UTC instant] pairs. */
function schedule(...alerts: [AlertLevel, string][]): ScheduledAlert[] {
  return alerts.map(([level, at]) => ({ level, at: new Date(at) }));
}

const calendar = statutoryCalendar();

// Weekdays used below: 2026-02-06 Fri, 02-13 Fri, 02-14 Sat (make-up); 2026-03-05 Thu, 03-06 Fri, 03-09 Mon,
// 03-13 Fri, 03-16 Mon; 2026-09-29 Tue, 09-30 Wed, 10-08 Thu, 10-10 Sat (make-up), 10-12 Mon, 10-13 Tue.
// Package calendar 2026: off 02-15..23, 09-25..27, 10-01..07; make-up 02-14 Sat, 02-28 Sat, 09-20 Sun, 10-10 Sat.
// A deadline closes at 24:00 Beijing = 16:00Z; a day starts at 00:00 Beijing = 16:00Z of the day before.

/**
 * The normal schedule of a 5-working-day duty received Thu 2026-03-05 10:00 Beijing (02:00Z):
 * due: 03-06 Fri 1, 03-09 Mon 2, 10 3, 11 4, 03-12 Thu 5 → 03-12T16:00Z; allowed 7 d 14 h = 182 h.
 * reminder-1: half, 91 h = 3 d 19 h after 03-05T02:00Z → 03-08T21:00Z.
 * reminder-2: start of the last working day 03-12 = 03-12 00:00 Beijing = 03-11T16:00Z.
 * overdue-leader: 3 working days after 03-12: 03-13 Fri 1, 03-16 Mon 2, 03-17 Tue 3 → 03-17T16:00Z.
 */
const MARCH_NORMAL = schedule(
  ['reminder-1', '2026-03-08T21:00:00.000Z'],
  ['reminder-2', '2026-03-11T16:00:00.000Z'],
  ['overdue', '2026-03-12T16:00:00.000Z'],
  ['overdue-leader', '2026-03-17T16:00:00.000Z'],
);

describe('alertSchedule', () => {
  it.each<[string, DeadlineRule, Date, boolean, number, ScheduledAlert[]]>([
    ['normal 5-working-day duty (received Thu 03-05 10:00)', rule('procedure-started-after-receipt'), bj('2026-03-05 10:00'), false, 3, MARCH_NORMAL],
    [
      // same duty, green channel: allowed 182 h; a quarter is 45.5 h → 03-06T23:30Z;
      // two working days before the due time: the start of working day 4 (03-11 Wed) = 03-10T16:00Z
      'green channel 5-working-day duty (received Thu 03-05 10:00)',
      rule('procedure-started-after-receipt'),
      bj('2026-03-05 10:00'),
      true,
      3,
      schedule(
        ['reminder-1', '2026-03-06T23:30:00.000Z'],
        ['reminder-2', '2026-03-10T16:00:00.000Z'],
        ['overdue', '2026-03-12T16:00:00.000Z'],
        ['overdue-leader', '2026-03-17T16:00:00.000Z'],
      ),
    ],
    [
      // received Wed 09-30 10:00 (02:00Z); due 10-08 1, 09 2, 10 Sat make-up 3, 12 Mon 4, 13 Tue 5 → 10-13T16:00Z.
      // allowed 13 d 14 h = 326 h; half 163 h = 6 d 19 h → 10-06T21:00Z (still National Day: clock time).
      // reminder-2: start of 10-13 = 10-12T16:00Z. Leader: 10-14 1, 15 2, 16 Fri 3 → 10-16T16:00Z.
      'normal duty received on 09-30, across National Day',
      rule('procedure-started-after-receipt'),
      bj('2026-09-30 10:00'),
      false,
      3,
      schedule(
        ['reminder-1', '2026-10-06T21:00:00.000Z'],
        ['reminder-2', '2026-10-12T16:00:00.000Z'],
        ['overdue', '2026-10-13T16:00:00.000Z'],
        ['overdue-leader', '2026-10-16T16:00:00.000Z'],
      ),
    ],
    [
      // as above with leaderAfterWorkingDays 1: 10-14 Wed → 10-14T16:00Z
      'normal duty received on 09-30, leader after 1 working day',
      rule('procedure-started-after-receipt'),
      bj('2026-09-30 10:00'),
      false,
      1,
      schedule(
        ['reminder-1', '2026-10-06T21:00:00.000Z'],
        ['reminder-2', '2026-10-12T16:00:00.000Z'],
        ['overdue', '2026-10-13T16:00:00.000Z'],
        ['overdue-leader', '2026-10-14T16:00:00.000Z'],
      ),
    ],
    [
      // concluded Fri 02-06 10:00 (02:00Z); due 02-09 Mon 1 .. 02-13 Fri 5 → 02-13T16:00Z; allowed 182 h,
      // half 91 h → 02-09T21:00Z; reminder-2 start of 02-13 = 02-12T16:00Z.
      // Leader: 02-14 Sat make-up 1; 02-15..23 Spring Festival off; 02-24 Tue 2, 02-25 Wed 3 → 02-25T16:00Z.
      'normal duty due on the Friday before Spring Festival: the leader waits out the holiday',
      rule('feedback-after-conclusion'),
      bj('2026-02-06 10:00'),
      false,
      3,
      schedule(
        ['reminder-1', '2026-02-09T21:00:00.000Z'],
        ['reminder-2', '2026-02-12T16:00:00.000Z'],
        ['overdue', '2026-02-13T16:00:00.000Z'],
        ['overdue-leader', '2026-02-25T16:00:00.000Z'],
      ),
    ],
    [
      // paperwork set to 1 working day; started Thu 03-05 10:00 (02:00Z); due 03-06 Fri → 03-06T16:00Z;
      // allowed 38 h, half 19 h → 03-05T21:00Z; no reminder-2 (the last day is the only day);
      // leader: 03-09 Mon 1, 10 2, 11 Wed 3 → 03-11T16:00Z
      'a 1-working-day duty has no reminder-2',
      rule('paperwork-after-advance-payment', { ...DEFAULTS, paperworkWorkingDays: 1 }),
      bj('2026-03-05 10:00'),
      false,
      3,
      schedule(
        ['reminder-1', '2026-03-05T21:00:00.000Z'],
        ['overdue', '2026-03-06T16:00:00.000Z'],
        ['overdue-leader', '2026-03-11T16:00:00.000Z'],
      ),
    ],
    [
      // as above, green channel: a quarter of 38 h = 9.5 h → 03-05T11:30Z; no reminder-2
      'a 1-working-day duty, green channel, has no reminder-2',
      rule('paperwork-after-advance-payment', { ...DEFAULTS, paperworkWorkingDays: 1 }),
      bj('2026-03-05 10:00'),
      true,
      3,
      schedule(
        ['reminder-1', '2026-03-05T11:30:00.000Z'],
        ['overdue', '2026-03-06T16:00:00.000Z'],
        ['overdue-leader', '2026-03-11T16:00:00.000Z'],
      ),
    ],
    [
      // urgent notice sent 09-30 22:00 Beijing (14:00Z); + 24 h → 10-01T14:00Z.
      // reminder-1 at 12 h → 10-01T02:00Z; reminder-2 at 90 % = 21.6 h = 21 h 36 min → 10-01T11:36Z.
      // Due on 10-01 (Beijing): leader 3 working days later: 10-02..07 off; 10-08 1, 10-09 2, 10-10 Sat make-up 3
      'clock-hours duty (24 h), normal, across National Day',
      rule('urgent-notice-acknowledged'),
      bj('2026-09-30 22:00'),
      false,
      3,
      schedule(
        ['reminder-1', '2026-10-01T02:00:00.000Z'],
        ['reminder-2', '2026-10-01T11:36:00.000Z'],
        ['overdue', '2026-10-01T14:00:00.000Z'],
        ['overdue-leader', '2026-10-10T16:00:00.000Z'],
      ),
    ],
    [
      // green channel: reminder-1 at a quarter, 6 h → 09-30T20:00Z; reminder-2 at three quarters (the
      // implementation's rule for clock hours; the brief sets none), 18 h → 10-01T08:00Z
      'clock-hours duty (24 h), green channel',
      rule('urgent-notice-acknowledged'),
      bj('2026-09-30 22:00'),
      true,
      3,
      schedule(
        ['reminder-1', '2026-09-30T20:00:00.000Z'],
        ['reminder-2', '2026-10-01T08:00:00.000Z'],
        ['overdue', '2026-10-01T14:00:00.000Z'],
        ['overdue-leader', '2026-10-10T16:00:00.000Z'],
      ),
    ],
    [
      // sent Fri 03-06 00:00 Beijing (03-05T16:00Z); due 03-06T16:00Z = 24:00 of Friday 03-06 (not a Saturday
      // duty); 12 h → 03-06T04:00Z; 21.6 h → 03-06T13:36Z; leader 03-09 Mon 1, 10 2, 11 Wed 3 → 03-11T16:00Z
      'clock-hours duty due exactly at 24:00: the due day is the day that closes',
      rule('urgent-notice-acknowledged'),
      bj('2026-03-06 00:00'),
      false,
      3,
      schedule(
        ['reminder-1', '2026-03-06T04:00:00.000Z'],
        ['reminder-2', '2026-03-06T13:36:00.000Z'],
        ['overdue', '2026-03-06T16:00:00.000Z'],
        ['overdue-leader', '2026-03-11T16:00:00.000Z'],
      ),
    ],
  ])('%s', (_, dutyRule, startAt, greenChannel, leaderAfterWorkingDays, expected) => {
    const { dueAt } = computeDue(dutyRule, startAt, calendar);
    expect(alertSchedule(dutyRule, startAt, dueAt, calendar, { greenChannel, leaderAfterWorkingDays })).toEqual(expected);
  });

  // Where non-working days come between the last working days, "the start of the last working day"
  // (two working days before, for the green channel) is no longer the close of the working day before it.
  describe('reminder-2 when non-working days precede the last working day(s)', () => {
    const cases: [string, string, boolean, string, string, string, string][] = [
      [
        // received Mon 03-09 10:00 (02:00Z); 03-10 1, 11 2, 12 3, 13 Fri 4, 03-16 Mon 5 → 03-16T16:00Z;
        // 182 h, half 91 h → 03-12T21:00Z; last working day Mon 03-16 starts 03-15T16:00Z (not Sat 00:00);
        // leader 03-17 1, 18 2, 19 3 → 03-19T16:00Z
        'normal, due on a Monday',
        '2026-03-09 10:00',
        false,
        '2026-03-12T21:00:00.000Z',
        '2026-03-15T16:00:00.000Z',
        '2026-03-16T16:00:00.000Z',
        '2026-03-19T16:00:00.000Z',
      ],
      [
        // received Tue 09-29 10:00 (02:00Z); 09-30 1; 10-01..07 off; 10-08 2, 09 3, 10 Sat make-up 4, 10-12 Mon 5;
        // 13 d 14 h = 326 h, half 163 h → 10-05T21:00Z; last working day Mon 10-12 starts 10-11T16:00Z (not Sun 00:00);
        // leader 10-13 1, 14 2, 15 3 → 10-15T16:00Z
        'normal, due on the Monday after the make-up Saturday 10-10',
        '2026-09-29 10:00',
        false,
        '2026-10-05T21:00:00.000Z',
        '2026-10-11T16:00:00.000Z',
        '2026-10-12T16:00:00.000Z',
        '2026-10-15T16:00:00.000Z',
      ],
      [
        // received Wed 09-23 10:00 (02:00Z); 09-24 Thu 1; 09-25..27 off; 09-28 2, 29 3, 30 4; 10-01..07 off; 10-08 Thu 5
        // → 10-08T16:00Z; 15 d 14 h = 374 h, half 187 h = 7 d 19 h → 09-30T21:00Z; last working day Thu 10-08
        // starts 10-07T16:00Z. (The close of working day 4, 09-30T16:00Z, falls before reminder-1, so the
        // implementation drops reminder-2 altogether.) Leader: 10-09 1, 10-10 Sat make-up 2, 10-12 Mon 3
        'normal, received before Mid-Autumn and due after National Day',
        '2026-09-23 10:00',
        false,
        '2026-09-30T21:00:00.000Z',
        '2026-10-07T16:00:00.000Z',
        '2026-10-08T16:00:00.000Z',
        '2026-10-12T16:00:00.000Z',
      ],
      [
        // received Wed 09-30 10:00; due 10-13T16:00Z (as above); a quarter of 326 h = 81.5 h → 10-03T11:30Z;
        // two working days before: start of working day 4, Mon 10-12 = 10-11T16:00Z (not Sun 10-11 00:00)
        'green channel, received on 09-30',
        '2026-09-30 10:00',
        true,
        '2026-10-03T11:30:00.000Z',
        '2026-10-11T16:00:00.000Z',
        '2026-10-13T16:00:00.000Z',
        '2026-10-16T16:00:00.000Z',
      ],
    ];

    it.each(cases)('%s: reminder-1, overdue and overdue-leader', (_, start, greenChannel, first, __, due, leader) => {
      const dutyRule = rule('procedure-started-after-receipt');
      const { dueAt } = computeDue(dutyRule, bj(start), calendar);
      const alerts = alertSchedule(dutyRule, bj(start), dueAt, calendar, { greenChannel, leaderAfterWorkingDays: 3 });
      expect(alerts.filter((alert) => alert.level !== 'reminder-2')).toEqual(
        schedule(['reminder-1', first], ['overdue', due], ['overdue-leader', leader]),
      );
    });

    // reminder-2 is 00:00 Beijing of the last working day (of working day N-1 for the green channel),
    // never a day off in between, and it is never dropped because a weekend or holiday intervenes.
    it.each(cases)('%s: reminder-2 at the start of the working day', (_, start, greenChannel, __, second) => {
      const dutyRule = rule('procedure-started-after-receipt');
      const { dueAt } = computeDue(dutyRule, bj(start), calendar);
      const alerts = alertSchedule(dutyRule, bj(start), dueAt, calendar, { greenChannel, leaderAfterWorkingDays: 3 });
      expect(alerts.map((alert) => alert.level)).toEqual(['reminder-1', 'reminder-2', 'overdue', 'overdue-leader']);
      expect(alerts.find((alert) => alert.level === 'reminder-2')?.at).toEqual(new Date(second));
    });
  });

  it('keeps the escalations when the stored next level is a reminder the schedule no longer has', () => {
    // a 1-day duty has no reminder-2; an obligation stored with nextLevel reminder-2 (its schedule
    // before a calendar change) must still get its overdue escalation
    const oneDay = [
      { level: 'reminder-1' as const, at: new Date('2026-03-06T04:00:00Z') },
      { level: 'overdue' as const, at: new Date('2026-03-06T16:00:00Z') },
      { level: 'overdue-leader' as const, at: new Date('2026-03-11T16:00:00Z') },
    ];
    expect(dueAlerts(oneDay, 'reminder-2', new Date('2026-03-07T00:00:00Z'))).toEqual({
      fire: ['overdue'],
      next: oneDay[2],
    });
  });
});

describe('dueAlerts', () => {
  // MARCH_NORMAL: reminder-1 03-08T21:00Z, reminder-2 03-11T16:00Z, overdue 03-12T16:00Z, leader 03-17T16:00Z
  const alertAt = (level: AlertLevel): ScheduledAlert => {
    const found = MARCH_NORMAL.find((alert) => alert.level === level);
    if (!found) throw new Error(`MARCH_NORMAL has no ${level}`);
    return found;
  };

  it.each<[string, AlertLevel, string, AlertLevel[], AlertLevel | null]>([
    ['nothing due yet (just after receipt)', 'reminder-1', '2026-03-05T03:00:00.000Z', [], 'reminder-1'],
    ['exactly at reminder-1', 'reminder-1', '2026-03-08T21:00:00.000Z', ['reminder-1'], 'reminder-2'],
    ['one ms before reminder-1', 'reminder-1', '2026-03-08T20:59:59.999Z', [], 'reminder-1'],
    // 03-12 16:00 Beijing: past both reminders, due at 24:00 → only the later reminder is sent
    ['past reminder-1 and reminder-2, before due', 'reminder-1', '2026-03-12T08:00:00.000Z', ['reminder-2'], 'overdue'],
    ['past reminder-2, reminder-1 already sent', 'reminder-2', '2026-03-12T08:00:00.000Z', ['reminder-2'], 'overdue'],
    ['one ms before the due time', 'reminder-1', '2026-03-12T15:59:59.999Z', ['reminder-2'], 'overdue'],
    // the close of 03-12 and after: both reminders skipped
    ['exactly at the due time', 'reminder-1', '2026-03-12T16:00:00.000Z', ['overdue'], 'overdue-leader'],
    ['past due, no reminder sent yet', 'reminder-1', '2026-03-13T02:00:00.000Z', ['overdue'], 'overdue-leader'],
    ['past due, reminder-2 pending', 'reminder-2', '2026-03-13T02:00:00.000Z', ['overdue'], 'overdue-leader'],
    ['past due, overdue pending', 'overdue', '2026-03-13T02:00:00.000Z', ['overdue'], 'overdue-leader'],
    ['overdue sent, leader not yet', 'overdue-leader', '2026-03-16T02:00:00.000Z', [], 'overdue-leader'],
    // 03-18 08:00 Beijing: past 24:00 of 03-17 → both escalations, neither skipped
    ['past the leader time with overdue pending', 'overdue', '2026-03-18T00:00:00.000Z', ['overdue', 'overdue-leader'], null],
    ['past the leader time with nothing sent', 'reminder-1', '2026-03-18T00:00:00.000Z', ['overdue', 'overdue-leader'], null],
    ['exactly at the leader time', 'overdue-leader', '2026-03-17T16:00:00.000Z', ['overdue-leader'], null],
  ])('%s (next %s, now %s) → fire %j', (_, nextLevel, now, fire, next) => {
    expect(dueAlerts(MARCH_NORMAL, nextLevel, new Date(now))).toEqual({
      fire,
      next: next === null ? null : alertAt(next),
    });
  });

  it('works through a schedule without reminder-2', () => {
    // 1-working-day duty: reminder-1 03-05T21:00Z, overdue 03-06T16:00Z, leader 03-11T16:00Z
    const oneDay = schedule(
      ['reminder-1', '2026-03-05T21:00:00.000Z'],
      ['overdue', '2026-03-06T16:00:00.000Z'],
      ['overdue-leader', '2026-03-11T16:00:00.000Z'],
    );
    expect(dueAlerts(oneDay, 'reminder-1', new Date('2026-03-06T01:00:00.000Z'))).toEqual({
      fire: ['reminder-1'],
      next: oneDay[1],
    });
    expect(dueAlerts(oneDay, 'overdue', new Date('2026-03-06T16:00:00.000Z'))).toEqual({
      fire: ['overdue'],
      next: oneDay[2],
    });
  });
});
