import { statutoryCalendar } from '#calendar';
import { type DeadlineRule, deadlineRules } from '../deadline-rules.js';
import { type PlannedHandoff, planObligations, type RecordedStep } from './obligation-plan.js';

// The how-to of docs/architecture.md, "Add a deadline rule": a rule is one row of data. Added to the
// rule book, the scheduler's planning gives it its obligation — start, due date on the statutory
// calendar, the party that owes it, its reminders and escalations, its fulfilment — with no other code.

const settings = { urgentNoticeHours: 2, urgentAcknowledgementHours: 0, paperworkWorkingDays: 5 };
const calendar = statutoryCalendar();

/** A rule of the kind a joint meeting could add: the sender confirms its referral within 3 working days of the receipt. */
const confirmationAfterReceipt: DeadlineRule = {
  id: 'sender-confirms-receipt',
  labelZh: '收到回执后3个工作日内确认',
  article: '联席会议决定（示例）',
  kinds: ['judicial-referral'],
  start: { step: 'received' },
  fulfilledBy: 'feedback-received',
  amount: 3,
  unit: 'working-days',
  responsible: 'sender',
};

const referral: PlannedHandoff = { kind: 'judicial-referral', fromAgency: 'procuratorate', toAgency: 'civil-affairs', priority: 'normal', details: { investigationEndedOn: '2026-11-20' } };
const step = (name: string, at: string): RecordedStep => ({ step: name, occurredAt: new Date(at), details: {} });
// Received Monday 2026-11-23 10:00 Beijing.
const received = step('received', '2026-11-23T02:00:00Z');

describe('add a deadline rule: one row of data, planned with nothing else written', () => {
  const rules = [...deadlineRules(settings), confirmationAfterReceipt];
  const planOf = (steps: RecordedStep[]) => planObligations(rules, referral, steps, calendar, 3).find((plan) => plan.rule.id === confirmationAfterReceipt.id);

  it('is not planned without the rule, nor before its starting step', () => {
    expect(planObligations(deadlineRules(settings), referral, [received], calendar, 3).some((plan) => plan.rule.id === confirmationAfterReceipt.id)).toBe(false);
    expect(planOf([step('sent', '2026-11-23T01:00:00Z')])).toBeUndefined();
  });

  it('once its step is recorded: owed by the party it names, due on the statutory calendar, with reminders and escalations', () => {
    const plan = planOf([received]);
    expect(plan).toMatchObject({ responsibleAgency: 'procuratorate', greenChannel: false, fulfilledAt: null });
    expect(plan?.startAt).toEqual(received.occurredAt);
    // Tue 24 (1), Wed 25 (2), Thu 26 (3): Thursday 2026-11-26, 24:00 Beijing.
    expect(plan?.dueAt.toISOString()).toBe('2026-11-26T16:00:00.000Z');
    expect(plan?.schedule.map((alert) => alert.level)).toEqual(expect.arrayContaining(['overdue']));
  });

  it('is fulfilled by the step it names', () => {
    const fulfilled = step('feedback-received', '2026-11-25T02:00:00Z');
    expect(planOf([received, fulfilled])?.fulfilledAt).toEqual(fulfilled.occurredAt);
  });

  it('every rule of the book names its article, a positive amount and handoff kinds: a row without them is caught here', () => {
    for (const rule of rules) {
      expect({ id: rule.id, article: rule.article.length > 0, amount: rule.amount > 0, kinds: rule.kinds.length > 0 }).toEqual({ id: rule.id, article: true, amount: true, kinds: true });
    }
    expect(new Set(rules.map((rule) => rule.id)).size).toBe(rules.length);
  });
});
