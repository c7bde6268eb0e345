import type { Obligation, RosterEntry } from '#persistence';
import { alertRecipientsFor, calendarMissingAlert, obligationAlert, rosterChangedAlert } from './alert-composer.js';
import { deadlineRules } from './deadline-rules.js';

const rule = deadlineRules({ urgentNoticeHours: 2, urgentAcknowledgementHours: 24, paperworkWorkingDays: 5 })[0];
const roster = {
  agency: 'civil-affairs',
  leaderName: '王某',
  leaderPhone: '13800000001',
  leaderEmail: 'leader@example.org',
  liaisonName: '李某',
  liaisonPhone: '13800000002',
  liaisonEmail: 'liaison@example.org',
} as RosterEntry;
const obligation = {
  id: '00000000-0000-4000-8000-000000000002',
  handoffId: '00000000-0000-4000-8000-000000000001',
  rule: rule.id,
  responsibleAgency: 'civil-affairs',
  dueAt: new Date('2026-11-06T16:00:00Z'),
  provisional: false,
  missingYears: [],
} as unknown as Obligation;

describe('alert composer', () => {
  // The dedupe key is the BullMQ job id: no ':' (ARCHITECTURE §10).
  it('keys an obligation’s alert by handoff, rule and level, joined with dots', () => {
    const alert = obligationAlert(obligation, rule, { caseRef: 'JJ-1' }, 'overdue', roster);
    expect(alert.dedupeKey).toBe(`${obligation.handoffId}.${rule.id}.overdue`);
    expect(alert.summary).toContain('晋江市民政局');
    expect(alert.summary).toContain('2026-11-07 00:00');
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
