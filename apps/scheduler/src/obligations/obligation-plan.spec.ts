import { statutoryCalendar } from '#calendar';
import type { Step } from '#contracts';
import { deadlineRules } from '#deadlines';
import type { Handoff, HandoffStep } from '#persistence';
import { planObligations } from './obligation-plan.js';

// 第二十一条 with 第二十条 ¶2: an urgent medical notice is a lead, so the procuratorate starts its
// procedure within 5 working days of receiving it; a decision to pay first (先行救助) is that start.

const rules = deadlineRules({ urgentNoticeHours: 2, urgentAcknowledgementHours: 0, paperworkWorkingDays: 5 });
const calendar = statutoryCalendar();

/** An urgent medical notice from civil affairs, noticed Monday 2026-11-23 09:00 Beijing, sent at 09:30. */
function notice(): Handoff {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    kind: 'urgent-medical-notice',
    fromAgency: 'civil-affairs',
    toAgency: 'procuratorate',
    caseRef: '晋民急〔2026〕1号',
    currentStep: 'received',
    priority: 'urgent',
    requestId: '00000000-0000-4000-8000-000000000002',
    details: { noticedAt: '2026-11-23T09:00:00+08:00' },
    dataKeyId: null,
    personIdHash: null,
    openedAt: new Date('2026-11-23T01:30:00Z'),
    updatedAt: new Date('2026-11-23T01:30:00Z'),
    archivedAt: null,
  };
}

let seq = 10;
function step(name: Step, occurredAt: string, details: HandoffStep['details'] = {}): HandoffStep {
  seq += 1;
  return {
    id: `00000000-0000-4000-8000-0000000000${seq}`,
    handoffId: '00000000-0000-4000-8000-000000000001',
    step: name,
    actorAgency: name === 'sent' ? 'civil-affairs' : 'procuratorate',
    messageId: `00000000-0000-4000-8000-0000000001${seq}`,
    occurredAt: new Date(occurredAt),
    recordedAt: new Date(occurredAt),
    details,
    dataKeyId: null,
    keyWraps: null,
  };
}

const sent = step('sent', '2026-11-23T01:30:00Z');
// Received Monday 11-23 09:31 Beijing: 24 Tue 1, 25 2, 26 3, 27 4, 30 Mon 5 → 2026-11-30 24:00 Beijing.
const received = step('received', '2026-11-23T01:31:00Z');

const startDuty = (steps: HandoffStep[]) => planObligations(rules, notice(), steps, calendar, 3).find((plan) => plan.rule.id === 'procedure-started-after-urgent-notice');

describe('planObligations: the procuratorate’s start duty on an urgent medical notice (第二十一条)', () => {
  it('is planned from receipt, owed by the procuratorate, due 5 working days later, with its reminders and escalations', () => {
    const plan = startDuty([sent, received]);
    expect(plan).toMatchObject({ responsibleAgency: 'procuratorate', greenChannel: true, fulfilledAt: null });
    expect(plan?.startAt).toEqual(received.occurredAt);
    expect(plan?.dueAt.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(plan?.schedule.map((alert) => alert.level)).toEqual(['reminder-1', 'reminder-2', 'overdue', 'overdue-leader']);
    // Not before the notice is received.
    expect(startDuty([sent])).toBeUndefined();
  });

  it('is fulfilled by a decision to pay first, when it is recorded', () => {
    const decided = step('advance-payment-decided', '2026-11-24T02:00:00Z', { paidFirst: true, decidedOn: '2026-11-24', amountYuan: 20000 });
    expect(startDuty([sent, received, decided])?.fulfilledAt).toEqual(decided.occurredAt);
  });

  it('is not fulfilled by a decision not to pay first: the procedure must still start', () => {
    const declined = step('advance-payment-decided', '2026-11-24T02:00:00Z', { paidFirst: false, decidedOn: '2026-11-24' });
    expect(startDuty([sent, received, declined])?.fulfilledAt).toBeNull();
    const started = step('procedure-started', '2026-11-26T02:00:00Z', { startedOn: '2026-11-26' });
    expect(startDuty([sent, received, declined, started])?.fulfilledAt).toEqual(started.occurredAt);
  });

  it('counts the earlier of paying first and reporting the start', () => {
    const started = step('procedure-started', '2026-11-25T02:00:00Z', { startedOn: '2026-11-25' });
    const decided = step('advance-payment-decided', '2026-12-02T02:00:00Z', { paidFirst: true, decidedOn: '2026-12-02', amountYuan: 500 });
    expect(startDuty([sent, received, started, decided])?.fulfilledAt).toEqual(started.occurredAt);
  });
});
