import { statutoryCalendar, type CalendarSource, type YearArrangement } from '#calendar';
import { addCalendarMonths, computeDue } from './alert-schedule.js';
import { deadlineRules, type DeadlineRule } from './deadline-rules.js';

/** An instant written as Beijing wall-clock time, 'YYYY-MM-DD HH:mm'. */
function bj(local: string): Date {
  return new Date(`${local.replace(' ', 'T')}:00+08:00`);
}

/** The scheduler starts a date-started rule (investigationEndedOn, discoveredOn) at the start of that Beijing day. */
function startOfStatedDay(date: string): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

/** A deadline closes at 24:00 Beijing time, which is 16:00 UTC of the same date. */
function closeOf(date: string): string {
  return `${date}T16:00:00.000Z`;
}

const rules = deadlineRules({ urgentNoticeHours: 2, urgentAcknowledgementHours: 0, paperworkWorkingDays: 5 });

/** With the office's optional acknowledgement rule switched on (24 clock hours), for its clock-hour cases. */
const withOfficeRule = deadlineRules({ urgentNoticeHours: 2, urgentAcknowledgementHours: 24, paperworkWorkingDays: 5 });

function rule(id: string): DeadlineRule {
  const found = rules.find((candidate) => candidate.id === id) ?? withOfficeRule.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
}

// Weekdays used below (checked by hand):
//   2026-02-11 Wed, 02-12 Thu, 02-13 Fri, 02-14 Sat, 02-18 Wed, 02-23 Mon, 02-24 Tue, 02-28 Sat;
//   2026-03-05 Thu, 03-06 Fri, 03-08 Sun, 03-09 Mon; 2026-09-18 Fri, 09-20 Sun, 09-24 Thu, 09-29 Tue,
//   09-30 Wed, 10-01 Thu, 10-08 Thu, 10-09 Fri, 10-10 Sat, 10-12 Mon; 2026-12-30 Wed, 12-31 Thu;
//   2027-01-01 Fri, 01-04 Mon, 02-05 Fri, 02-08 Mon, 02-15 Mon, 02-20 Sat.
// Package data for 2026 (node_modules/chinese-days/dist/chinese-days.json): off 01-01..03, 02-15..23
// (Spring Festival), 04-04..06, 05-01..05, 06-19..21, 09-25..27 (Mid-Autumn), 10-01..07 (National Day);
// make-up working days 01-04 Sun, 02-14 Sat, 02-28 Sat, 05-09 Sat, 09-20 Sun, 10-10 Sat. Nothing for 2027.

describe('deadlineRules', () => {
  it('holds the timed duties of the text, with the settings applied; the acknowledgement clock is off by default', () => {
    expect(rules.map(({ id, amount, unit, responsible }) => [id, amount, unit, responsible])).toEqual([
      ['referral-after-investigation', 5, 'working-days', 'sender'],
      ['lead-after-discovery', 5, 'working-days', 'sender'],
      ['urgent-notice-told-at-once', 2, 'clock-hours', 'sender'],
      ['paperwork-after-advance-payment', 5, 'working-days', 'receiver'],
      ['procedure-started-after-receipt', 5, 'working-days', 'receiver'],
      ['procedure-started-after-urgent-notice', 5, 'working-days', 'receiver'],
      ['feedback-after-conclusion', 5, 'working-days', 'receiver'],
      ['follow-up-visit-1', 3, 'calendar-months', 'receiver'],
      ['follow-up-visit-2', 6, 'calendar-months', 'receiver'],
    ]);
  });

  it('第二十五条: two follow-up visits after a case concluded with help, 3 and 6 months from concludedOn (1 and 3 on the green channel)', () => {
    expect(rule('follow-up-visit-1')).toMatchObject({
      start: { step: 'concluded', statedDate: 'concludedOn' },
      onlyWhen: { field: 'outcome', equals: 'assisted' },
      fulfilledBy: 'follow-up-visit-1',
      greenChannelAmount: 1,
      article: '第二十五条',
    });
    const calendar = statutoryCalendar();
    const concluded = new Date('2026-11-30T04:00:00Z'); // noon, 30 November, Beijing
    expect(computeDue(rule('follow-up-visit-1'), concluded, calendar).dueAt.toISOString()).toBe('2027-02-28T16:00:00.000Z'); // February has no 30th
    expect(computeDue(rule('follow-up-visit-1'), concluded, calendar, true).dueAt.toISOString()).toBe('2026-12-30T16:00:00.000Z');
    expect(computeDue(rule('follow-up-visit-2'), concluded, calendar).dueAt.toISOString()).toBe('2027-05-30T16:00:00.000Z');
    expect(addCalendarMonths(new Date('2027-01-31T04:00:00Z'), 1).toISOString()).toBe('2027-02-28T16:00:00.000Z');
    expect(addCalendarMonths(new Date('2027-12-15T04:00:00Z'), 3).toISOString()).toBe('2028-03-15T16:00:00.000Z');
  });

  it('第二十条 ¶2: 立即告知 is the department’s, from its noticedAt; the paperwork only when the procuratorate paid first, from decidedOn', () => {
    expect(rule('urgent-notice-told-at-once')).toMatchObject({ start: { detailsInstant: 'noticedAt' }, fulfilledBy: 'sent', responsible: 'sender' });
    expect(rule('paperwork-after-advance-payment')).toMatchObject({
      start: { step: 'advance-payment-decided', statedDate: 'decidedOn' },
      onlyWhen: { field: 'paidFirst', equals: true },
      fulfilledBy: 'concluded',
    });
  });

  it('第二十一条: an urgent medical notice is a lead — the procuratorate starts within 5 working days of receipt, and a decision to pay first is the start', () => {
    const onNotices = rules.filter((candidate) => candidate.kinds.includes('urgent-medical-notice') && candidate.fulfilledBy === 'procedure-started');
    expect(onNotices.map((candidate) => candidate.id)).toEqual(['procedure-started-after-urgent-notice']);
    expect(rule('procedure-started-after-urgent-notice')).toMatchObject({
      article: '第二十一条',
      kinds: ['urgent-medical-notice'],
      start: { step: 'received' },
      fulfilledBy: 'procedure-started',
      alsoFulfilledBy: { step: 'advance-payment-decided', onlyWhen: { field: 'paidFirst', equals: true } },
      amount: 5,
      unit: 'working-days',
      responsible: 'receiver',
    });
    // The alert names the duty as the procuratorate meets it: a notice, and paying first counts.
    expect(rule('procedure-started-after-urgent-notice').labelZh).toContain('先行救助');
    // Every kind of handoff has its start duty (第二十一条: 移送 and 线索 alike).
    for (const kind of ['judicial-referral', 'advance-referral', 'social-lead', 'urgent-medical-notice'] as const) {
      expect(rules.filter((candidate) => candidate.kinds.includes(kind) && candidate.article === '第二十一条' && candidate.fulfilledBy === 'procedure-started')).toHaveLength(1);
    }
    // The office's acknowledgement rule, where switched on, is met by a decision to pay first too.
    expect(rule('urgent-notice-acknowledged').alsoFulfilledBy).toEqual({ step: 'advance-payment-decided', onlyWhen: { field: 'paidFirst', equals: true } });
  });

  it('第二十一条: feedback counts from the stated concludedOn', () => {
    expect(rule('feedback-after-conclusion').start).toEqual({ step: 'concluded', statedDate: 'concludedOn' });
  });

  it('takes the notice hours, the paperwork days and the optional acknowledgement rule (an office rule, not the text’s) from the settings', () => {
    const other = deadlineRules({ urgentNoticeHours: 1, urgentAcknowledgementHours: 2, paperworkWorkingDays: 10 });
    expect(other.find((r) => r.id === 'urgent-notice-told-at-once')?.amount).toBe(1);
    expect(other.find((r) => r.id === 'urgent-notice-acknowledged')).toMatchObject({ amount: 2, responsible: 'receiver', article: '联席会议办公室规则' });
    expect(other.find((r) => r.id === 'paperwork-after-advance-payment')?.amount).toBe(10);
  });

  it('starts the two date-started rules from the stated date', () => {
    expect(rule('referral-after-investigation').start).toEqual({ detailsDate: 'investigationEndedOn' });
    expect(rule('lead-after-discovery').start).toEqual({ detailsDate: 'discoveredOn' });
  });
});

describe('computeDue: the rules × the 2026 package calendar', () => {
  const calendar = statutoryCalendar();

  it.each<[string, string, Date, string]>([
    // ── the last working day before National Day 2026 ──
    [
      // 09-30 (Wed) receipt, not counted; 10-01..07 off; 10-08 Thu 1, 10-09 Fri 2, 10-10 Sat make-up 3, 10-11 Sun off, 10-12 Mon 4, 10-13 Tue 5
      'receipt on 09-30, the last working day before National Day',
      'procedure-started-after-receipt',
      bj('2026-09-30 10:00'),
      closeOf('2026-10-13'),
    ],
    [
      // investigation ended 09-30 → clock starts 09-30 12:00 Beijing; same count as above → 10-13
      'investigation ended on 09-30',
      'referral-after-investigation',
      startOfStatedDay('2026-09-30'),
      closeOf('2026-10-13'),
    ],
    [
      // discovered 09-30 → 09-30 12:00 Beijing; same count → 10-13
      'lead discovered on 09-30',
      'lead-after-discovery',
      startOfStatedDay('2026-09-30'),
      closeOf('2026-10-13'),
    ],
    [
      // 09-29 (Tue) conclusion; 09-30 Wed 1; 10-01..07 off; 10-08 2, 10-09 3, 10-10 Sat make-up 4, 10-12 Mon 5
      'case concluded on 09-29, across National Day',
      'feedback-after-conclusion',
      bj('2026-09-29 15:00'),
      closeOf('2026-10-12'),
    ],
    [
      // 09-24 (Thu); 09-25..27 Mid-Autumn off; 09-28 Mon 1, 29 2, 30 3; 10-01..07 off; 10-08 4, 10-09 5
      'advance payment on 09-24, across Mid-Autumn and National Day',
      'paperwork-after-advance-payment',
      bj('2026-09-24 16:00'),
      closeOf('2026-10-09'),
    ],
    // ── make-up working days ──
    [
      // 10-09 (Fri) → 10-09 12:00; 10-10 Sat make-up 1; 10-11 Sun off; 10-12 Mon 2, 13 3, 14 4, 15 Thu 5
      'lead discovered the day before the make-up Saturday 10-10',
      'lead-after-discovery',
      startOfStatedDay('2026-10-09'),
      closeOf('2026-10-15'),
    ],
    [
      // received on the make-up Saturday itself: its day is not counted; 10-11 Sun off; 10-12 Mon 1 .. 10-16 Fri 5
      'receipt on the make-up Saturday 10-10',
      'procedure-started-after-receipt',
      bj('2026-10-10 09:00'),
      closeOf('2026-10-16'),
    ],
    [
      // 09-18 (Fri); 09-19 Sat off; 09-20 Sun make-up 1; 09-21 Mon 2, 22 3, 23 4, 24 Thu 5
      'case concluded on 09-18, before the make-up Sunday 09-20',
      'feedback-after-conclusion',
      bj('2026-09-18 17:00'),
      closeOf('2026-09-24'),
    ],
    // ── the Spring Festival 2026 week (02-15..23 off, make-up 02-14 Sat and 02-28 Sat) ──
    [
      // 02-13 (Fri); 02-14 Sat make-up 1; 02-15..23 off; 02-24 Tue 2, 25 3, 26 4, 27 Fri 5
      'receipt on 02-13, the Friday before Spring Festival',
      'procedure-started-after-receipt',
      bj('2026-02-13 10:00'),
      closeOf('2026-02-27'),
    ],
    [
      // 02-12 (Thu) → 02-12 12:00; 02-13 Fri 1, 02-14 Sat make-up 2; 02-15..23 off; 02-24 3, 25 4, 26 Thu 5
      'investigation ended on 02-12',
      'referral-after-investigation',
      startOfStatedDay('2026-02-12'),
      closeOf('2026-02-26'),
    ],
    [
      // 02-18 (Wed) is inside the holiday; 02-19..23 off; 02-24 1, 25 2, 26 3, 27 4, 02-28 Sat make-up 5
      'case concluded during Spring Festival (02-18)',
      'feedback-after-conclusion',
      bj('2026-02-18 11:00'),
      closeOf('2026-02-28'),
    ],
    [
      // 02-23 (Mon), the last holiday day → 02-23 12:00; 02-24 1, 25 2, 26 3, 27 4, 02-28 Sat make-up 5
      'lead discovered on 02-23, the last day of Spring Festival',
      'lead-after-discovery',
      startOfStatedDay('2026-02-23'),
      closeOf('2026-02-28'),
    ],
    [
      // 02-11 (Wed); 02-12 Thu 1, 02-13 Fri 2, 02-14 Sat make-up 3; 02-15..23 off; 02-24 4, 02-25 Wed 5
      'advance payment on 02-11',
      'paperwork-after-advance-payment',
      bj('2026-02-11 10:00'),
      closeOf('2026-02-25'),
    ],
    // ── Friday evening and Sunday ──
    [
      // 03-06 (Fri) 21:30; 03-07/08 weekend; 03-09 Mon 1 .. 03-13 Fri 5
      'receipt on a Friday evening (03-06 21:30)',
      'procedure-started-after-receipt',
      bj('2026-03-06 21:30'),
      closeOf('2026-03-13'),
    ],
    [
      // 03-08 (Sun); 03-09 Mon 1 .. 03-13 Fri 5 — the same due time as the Friday evening
      'receipt on a Sunday (03-08 15:00)',
      'procedure-started-after-receipt',
      bj('2026-03-08 15:00'),
      closeOf('2026-03-13'),
    ],
    [
      // 03-08 (Sun) → 03-08 12:00; 03-09 Mon 1 .. 03-13 Fri 5
      'investigation ended on a Sunday (03-08)',
      'referral-after-investigation',
      startOfStatedDay('2026-03-08'),
      closeOf('2026-03-13'),
    ],
    [
      // 03-06 (Fri) 18:30; weekend; 03-09 .. 03-13
      'case concluded on a Friday evening',
      'feedback-after-conclusion',
      bj('2026-03-06 18:30'),
      closeOf('2026-03-13'),
    ],
    // ── 23:59 and 00:01 Beijing time: the Beijing date decides, not the UTC date ──
    [
      // 03-05 (Thu) 23:59 Beijing = 03-05T15:59Z; Thu not counted; 03-06 Fri 1, 09 2, 10 3, 11 4, 12 Thu 5
      'receipt at 23:59 on Thursday 03-05',
      'procedure-started-after-receipt',
      bj('2026-03-05 23:59'),
      closeOf('2026-03-12'),
    ],
    [
      // 03-06 (Fri) 00:01 Beijing = 03-05T16:01Z (still Thursday in UTC); Fri not counted; 03-09 Mon 1 .. 03-13 Fri 5
      'receipt at 00:01 on Friday 03-06',
      'procedure-started-after-receipt',
      bj('2026-03-06 00:01'),
      closeOf('2026-03-13'),
    ],
    [
      // 10-09 (Fri) 23:59 = 10-09T15:59Z; 10-10 Sat make-up 1; 10-12 Mon 2, 13 3, 14 4, 15 Thu 5
      'receipt at 23:59 on Friday 10-09, before the make-up Saturday',
      'procedure-started-after-receipt',
      bj('2026-10-09 23:59'),
      closeOf('2026-10-15'),
    ],
    [
      // 10-10 (Sat make-up) 00:01 = 10-09T16:01Z; 10-10 not counted; 10-11 Sun off; 10-12 Mon 1 .. 10-16 Fri 5
      'receipt at 00:01 on the make-up Saturday 10-10',
      'procedure-started-after-receipt',
      bj('2026-10-10 00:01'),
      closeOf('2026-10-16'),
    ],
    // ── the urgent notice: plain clock hours, holidays and nights do not stop it ──
    [
      // 09-30 23:59 Beijing = 09-30T15:59Z; + 24 h = 10-01T15:59Z (10-01 23:59 Beijing, National Day)
      'urgent notice at 23:59 on 09-30',
      'urgent-notice-acknowledged',
      bj('2026-09-30 23:59'),
      '2026-10-01T15:59:00.000Z',
    ],
    [
      // 10-01 00:01 Beijing = 09-30T16:01Z; + 24 h = 10-01T16:01Z (10-02 00:01 Beijing)
      'urgent notice at 00:01 on 10-01',
      'urgent-notice-acknowledged',
      bj('2026-10-01 00:01'),
      '2026-10-01T16:01:00.000Z',
    ],
    [
      // Friday 03-06 21:30 Beijing = 13:30Z; + 24 h = Saturday 03-07T13:30Z (21:30 Beijing)
      'urgent notice on a Friday evening',
      'urgent-notice-acknowledged',
      bj('2026-03-06 21:30'),
      '2026-03-07T13:30:00.000Z',
    ],
    [
      // Sunday 03-08 15:00 Beijing = 07:00Z; + 24 h = Monday 03-09T07:00Z
      'urgent notice on a Sunday',
      'urgent-notice-acknowledged',
      bj('2026-03-08 15:00'),
      '2026-03-09T07:00:00.000Z',
    ],
  ])('%s (%s) → due %s', (_, id, startAt, due) => {
    expect(computeDue(rule(id), startAt, calendar)).toEqual({
      dueAt: new Date(due),
      provisional: false,
      missingYears: [],
    });
  });
});

describe('computeDue into 2027: provisional without its calendar, exact once it is loaded', () => {
  // A made-up 2027 arrangement (the State Council had not published 2027 when this was written):
  // New Year's Day 2027-01-01 (Fri) off; Spring Festival 02-08..12 (Mon–Fri) off; 02-20 (Sat) a make-up day.
  const made2027: YearArrangement = {
    year: 2027,
    holidays: ['2027-01-01', '2027-02-08', '2027-02-09', '2027-02-10', '2027-02-11', '2027-02-12'],
    makeupWorkdays: ['2027-02-20'],
  };
  const packageOnly = statutoryCalendar();
  const with2027 = statutoryCalendar([made2027]);

  it.each<[string, string, Date, string, string]>([
    [
      // package only: 12-31 Thu 1; 2027 unknown → weekends only: 01-01 Fri 2, 01-04 Mon 3, 05 4, 01-06 Wed 5
      // 2027 loaded: 12-31 Thu 1; 01-01 Fri holiday; 01-02/03 weekend; 01-04 Mon 2, 05 3, 06 4, 01-07 Thu 5
      'receipt on 2026-12-30',
      'procedure-started-after-receipt',
      bj('2026-12-30 10:00'),
      closeOf('2027-01-06'),
      closeOf('2027-01-07'),
    ],
    [
      // investigation ended 12-30 → 12-30 12:00 Beijing; same counts as the receipt above
      'investigation ended on 2026-12-30',
      'referral-after-investigation',
      startOfStatedDay('2026-12-30'),
      closeOf('2027-01-06'),
      closeOf('2027-01-07'),
    ],
    [
      // package only: 01-01 Fri 1, 01-04 Mon 2, 05 3, 06 4, 01-07 Thu 5
      // 2027 loaded: 01-01 off; 01-04 Mon 1, 05 2, 06 3, 07 4, 01-08 Fri 5
      'advance payment on 2026-12-31 18:00',
      'paperwork-after-advance-payment',
      bj('2026-12-31 18:00'),
      closeOf('2027-01-07'),
      closeOf('2027-01-08'),
    ],
    [
      // package only: 02-08 Mon 1 .. 02-12 Fri 5
      // 2027 loaded: 02-06/07 weekend; 02-08..12 off; 02-13/14 weekend; 02-15 Mon 1 .. 02-19 Fri 5
      'case concluded on 2027-02-05, before the made-up Spring Festival',
      'feedback-after-conclusion',
      bj('2027-02-05 10:00'),
      closeOf('2027-02-12'),
      closeOf('2027-02-19'),
    ],
    [
      // package only: 02-16 Tue 1, 17 2, 18 3, 19 4; 02-20/21 weekend; 02-22 Mon 5
      // 2027 loaded: 02-16 1, 17 2, 18 3, 19 4, 02-20 Sat make-up 5
      'lead discovered on 2027-02-15',
      'lead-after-discovery',
      startOfStatedDay('2027-02-15'),
      closeOf('2027-02-22'),
      closeOf('2027-02-20'),
    ],
  ])('%s (%s): provisional %s, then %s', (_, id, startAt, provisionalDue, exactDue) => {
    expect(computeDue(rule(id), startAt, packageOnly)).toEqual({
      dueAt: new Date(provisionalDue),
      provisional: true,
      missingYears: [2027],
    });
    expect(computeDue(rule(id), startAt, with2027)).toEqual({
      dueAt: new Date(exactDue),
      provisional: false,
      missingYears: [],
    });
  });

  it('leaves 2026 to the package when only 2027 is uploaded', () => {
    // the National Day case again: 10-08, 10-09, 10-10 make-up, 10-12, 10-13
    expect(computeDue(rule('procedure-started-after-receipt'), bj('2026-09-30 10:00'), with2027)).toEqual({
      dueAt: new Date(closeOf('2026-10-13')),
      provisional: false,
      missingYears: [],
    });
  });

  it('never marks the clock-hours rule provisional: it needs no calendar', () => {
    // 2026-12-31 12:00 Beijing = 04:00Z; + 24 h = 2027-01-01T04:00Z, a holiday or not
    const calendars: CalendarSource[] = [packageOnly, with2027];
    for (const calendar of calendars) {
      expect(computeDue(rule('urgent-notice-acknowledged'), bj('2026-12-31 12:00'), calendar)).toEqual({
        dueAt: new Date('2027-01-01T04:00:00.000Z'),
        provisional: false,
        missingYears: [],
      });
    }
  });
});
