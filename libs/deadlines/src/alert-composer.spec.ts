import { alertRecipientsFor, type DutyDeadline, type RosterContacts, calendarMissingAlert, dutyDoneLateAlert, obligationAlert, rosterChangedAlert } from './alert-composer.js';
import { deadlineRules } from './deadline-rules.js';

const rule = deadlineRules({ urgentNoticeHours: 2, urgentAcknowledgementHours: 24, paperworkWorkingDays: 5 })[0];
const roster: RosterContacts = {
  leaderName: '王某',
  leaderPhone: '13800000001',
  leaderEmail: 'leader@example.org',
  liaisonName: '李某',
  liaisonPhone: '13800000002',
  liaisonEmail: 'liaison@example.org',
};
const obligation: DutyDeadline = {
  id: '00000000-0000-4000-8000-000000000002',
  handoffId: '00000000-0000-4000-8000-000000000001',
  rule: rule.id,
  responsibleAgency: 'civil-affairs',
  startAt: new Date('2026-10-30T02:00:00Z'),
  dueAt: new Date('2026-11-06T16:00:00Z'),
  provisional: false,
  missingYears: [],
};

describe('alert composer', () => {
  // The dedupe key is the BullMQ job id: no ':'.
  it('keys an obligation’s alert by handoff, rule and level, joined with dots', () => {
    const alert = obligationAlert(obligation, rule, { caseRef: 'JJ-1' }, 'overdue', roster);
    expect(alert.dedupeKey).toBe(`${obligation.handoffId}.${rule.id}.overdue`);
    expect(alert.summary).toContain('晋江市民政局');
    // Due at the close of 2026-11-06 (stored as 2026-11-07 00:00 Beijing): written as that day's 24:00.
    expect(alert.summary).toContain('未在2026-11-06 24:00前完成');
    expect(alert.summary).not.toContain('2026-11-07');
  });

  it('writes every level’s deadline, and a duty done late, on the deadline’s own day', () => {
    for (const level of ['reminder-1', 'reminder-2', 'overdue'] as const) expect(obligationAlert(obligation, rule, { caseRef: 'JJ-1' }, level, roster).summary).toContain('2026-11-06 24:00');
    const late = dutyDoneLateAlert({ ...obligation, startAt: new Date('2026-10-30T02:00:00Z') }, rule, { caseRef: 'JJ-1' }, new Date('2026-11-07T01:30:00Z'));
    expect(late.summary).toContain('于2026-11-07 09:30才完成');
    expect(late.summary).toContain('应于2026-11-06 24:00前完成');
  });

  it('keys the calendar and roster alerts with dots too', () => {
    expect(calendarMissingAlert(2027).dedupeKey).toBe('calendar.2027.missing');
    expect(rosterChangedAlert('civil-affairs', roster, new Date(0)).dedupeKey).toMatch(/^roster\.civil-affairs\.0-[0-9a-f-]{36}$/);
  });

  it('tells the liaison first, then the office, then the leader as well', () => {
    expect(alertRecipientsFor('reminder-1', roster).map((r) => r.role)).toEqual(['liaison']);
    expect(alertRecipientsFor('overdue', roster).map((r) => r.role)).toEqual(['liaison', 'office']);
    expect(alertRecipientsFor('overdue-leader', roster).map((r) => r.role)).toEqual(['liaison', 'leader', 'office']);
  });
});
