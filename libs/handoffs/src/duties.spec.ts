import { RefusalReasonError, StatedDateError, StepNotApplicableError, StepOutOfOrderError } from './handoff.errors.js';
import { decideAdvancePayment, type HandoffState, openHandoffs, reportStep, stepAfter, type TransitionContext } from './handoff.js';

// The duties as the text writes them — stated dates (第二十一条), refusal reasons (第六条),
// paying first on an urgent medical notice (第二十条 ¶2).

/** 2026-11-27 10:00 Beijing time. */
const NOW = new Date('2026-11-27T02:00:00Z');

function context(now = NOW): TransitionContext {
  let n = 0;
  return { now, newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}

/** A handoff received on 2026-11-20 (Beijing) by `to`, at `currentStep`. */
function handoff(overrides: Partial<HandoffState> = {}): HandoffState {
  return {
    id: 'h1',
    kind: 'judicial-referral',
    from: 'procuratorate',
    to: 'civil-affairs',
    caseRef: '晋检救〔2026〕1号',
    currentStep: 'received',
    priority: 'normal',
    requestId: 'r1',
    stepMessages: { sent: 'm0', received: 'm1' },
    stepDates: { sent: { occurredAt: new Date('2026-11-20T01:00:00Z') }, received: { occurredAt: new Date('2026-11-20T02:00:00Z') } },
    ...overrides,
  };
}

describe('第二十一条: the dates a unit states for its steps are checked', () => {
  it('accepts startedOn between receipt and today', () => {
    expect(reportStep(handoff(), 'civil-affairs', 'procedure-started', { startedOn: '2026-11-20' }, context()).steps).toHaveLength(1);
    expect(reportStep(handoff(), 'civil-affairs', 'procedure-started', { startedOn: '2026-11-27' }, context()).steps).toHaveLength(1);
  });

  it('refuses a startedOn in the future (Beijing’s today) and one before the handoff was received', () => {
    expect(() => reportStep(handoff(), 'civil-affairs', 'procedure-started', { startedOn: '2026-11-28' }, context())).toThrow(StatedDateError);
    expect(() => reportStep(handoff(), 'civil-affairs', 'procedure-started', { startedOn: '2026-11-19' }, context())).toThrow(/before the handoff was received/);
  });

  it('judges "today" in Beijing: at 23:30 UTC on the 27th it is already the 28th there', () => {
    const late = new Date('2026-11-27T23:30:00Z');
    expect(reportStep(handoff(), 'civil-affairs', 'procedure-started', { startedOn: '2026-11-28' }, context(late)).steps).toHaveLength(1);
  });

  it('refuses a concludedOn before the stated startedOn', () => {
    const started = handoff({
      currentStep: 'procedure-started',
      stepMessages: { sent: 'm0', received: 'm1', 'procedure-started': 'm2' },
      stepDates: { ...handoff().stepDates, 'procedure-started': { occurredAt: new Date('2026-11-25T02:00:00Z'), statedOn: '2026-11-23' } },
    });
    const concluded = (concludedOn: string) =>
      reportStep(started, 'civil-affairs', 'concluded', { concludedOn, outcome: 'assisted' }, context());
    expect(() => concluded('2026-11-22')).toThrow(/before the procedure started/);
    // A concluded date days before the report is fine (the feedback clock counts from it: the scheduler's part).
    expect(concluded('2026-11-23').steps[0].details).toMatchObject({ concludedOn: '2026-11-23' });
  });

  it('refuses an investigationEndedOn, discoveredOn or noticedAt in the future when a handoff opens (第十九条 ¶1, 第二十条)', () => {
    const person = { name: '林某某', idNumber: '11010519491231002X' };
    const open = (kind: 'judicial-referral' | 'social-lead' | 'urgent-medical-notice', sender: 'procuratorate' | 'civil-affairs', content: object) =>
      openHandoffs({ kind, sender, caseRef: 'c', requested: kind === 'judicial-referral' ? ['civil-affairs'] : undefined, priorityGroups: [], content: { person, findings: 'f', suggestion: 's', applicantStatement: 'a', caseMaterials: [{ title: 't' }], summary: 's', hospital: 'h', condition: 'c', ...content } as never }, context());
    expect(() => open('judicial-referral', 'procuratorate', { investigationEndedOn: '2026-11-28' })).toThrow(StatedDateError);
    expect(() => open('social-lead', 'civil-affairs', { discoveredOn: '2026-11-30' })).toThrow(StatedDateError);
    expect(() => open('urgent-medical-notice', 'civil-affairs', { noticedAt: '2026-11-27T11:00:00+08:00' })).toThrow(/noticedAt/);
    expect(open('urgent-medical-notice', 'civil-affairs', { noticedAt: '2026-11-27T09:00:00+08:00' }).opened).toHaveLength(1);
  });
});

describe('第六条 is the procuratorate’s: refusal reasons by who refuses', () => {
  const started = (to: 'civil-affairs' | 'procuratorate') =>
    handoff({
      kind: to === 'procuratorate' ? 'social-lead' : 'judicial-referral',
      from: to === 'procuratorate' ? 'civil-affairs' : 'procuratorate',
      to,
      currentStep: 'procedure-started',
      stepMessages: { sent: 'm0', received: 'm1', 'procedure-started': 'm2' },
    });
  const conclude = (to: 'civil-affairs' | 'procuratorate', payload: object) =>
    () => reportStep(started(to), to, 'concluded', { concludedOn: '2026-11-26', ...payload } as never, context());

  it('the procuratorate must cite 第六条 to refuse judicial assistance, and may not use a department’s reason', () => {
    expect(conclude('procuratorate', { outcome: 'refused' })).toThrow(RefusalReasonError);
    expect(conclude('procuratorate', { outcome: 'refused', declineReason: 'not-eligible', declineDetails: 'x' })).toThrow(/第六条/);
    expect(conclude('procuratorate', { outcome: 'refused', refusalReasons: ['already-compensated'] })()).toMatchObject({ steps: [{ step: 'concluded' }] });
  });

  it('a social-assistance department may not cite 第六条; it gives its own reason with free text', () => {
    expect(conclude('civil-affairs', { outcome: 'refused', refusalReasons: ['already-compensated'] })).toThrow(/第六条/);
    expect(conclude('civil-affairs', { outcome: 'refused' })).toThrow(/declineReason/);
    expect(conclude('civil-affairs', { outcome: 'refused', declineReason: 'not-eligible', declineDetails: '家庭人均收入高于低保标准' })()).toMatchObject({
      steps: [{ step: 'concluded', details: { declineReason: 'not-eligible' } }],
    });
    expect(conclude('civil-affairs', { outcome: 'assisted', declineReason: 'not-eligible', declineDetails: 'x' })).toThrow(RefusalReasonError);
  });
});

describe('第二十条 ¶2: the procuratorate decides whether to pay first, as its own step', () => {
  const notice = (overrides: Partial<HandoffState> = {}) =>
    handoff({ kind: 'urgent-medical-notice', from: 'civil-affairs', to: 'procuratorate', priority: 'urgent', ...overrides });

  it('records the decision beside the chain: the handoff stays at its step, and the scheduler is told', () => {
    const decision = decideAdvancePayment(notice(), 'procuratorate', { paidFirst: true, decidedOn: '2026-11-21', amountYuan: 20000 }, context());
    expect(decision.steps).toEqual([
      expect.objectContaining({ step: 'advance-payment-decided', actor: 'procuratorate', details: { paidFirst: true, decidedOn: '2026-11-21', amountYuan: 20000 } }),
    ]);
    expect(decision.messages.map((m) => m.type)).toEqual(['handoff.step-recorded']);
    expect(stepAfter(notice(), decision)).toBe('received');
  });

  it('only on an urgent medical notice, by its receiver, once, before 办结, with a date not in the future', () => {
    expect(() => decideAdvancePayment(handoff(), 'civil-affairs', { paidFirst: false, decidedOn: '2026-11-21' }, context())).toThrow(StepNotApplicableError);
    expect(() => decideAdvancePayment(notice(), 'civil-affairs', { paidFirst: false, decidedOn: '2026-11-21' }, context())).toThrow(/receiving unit/);
    const decided = notice({ stepMessages: { sent: 'm0', received: 'm1', 'advance-payment-decided': 'm9' } });
    expect(() => decideAdvancePayment(decided, 'procuratorate', { paidFirst: false, decidedOn: '2026-11-21' }, context())).toThrow(StepOutOfOrderError);
    expect(() => decideAdvancePayment(notice({ currentStep: 'concluded' }), 'procuratorate', { paidFirst: false, decidedOn: '2026-11-21' }, context())).toThrow(StepOutOfOrderError);
    expect(() => decideAdvancePayment(notice(), 'procuratorate', { paidFirst: true, decidedOn: '2026-11-28', amountYuan: 1 }, context())).toThrow(StatedDateError);
  });
});
