import { MessageType, SCHEDULER_QUEUE, queueOf } from '#contracts';
import { NotAPartyError, NotTheReceiverError, NotTheSenderError, SenderNotAllowedError, StepOutOfOrderError } from './handoff.errors.js';
import { applyInboxMessage, type HandoffState, openHandoffs, partiesProblem, receive, receiveFeedback, reportStep, type TransitionContext } from './handoff.js';

function context(): TransitionContext {
  let n = 0;
  return { now: new Date('2026-11-02T02:00:00Z'), newId: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}` };
}

const referral = {
  person: { name: '林某某', idNumber: '11010519491231002X' },
  situation: 'serious-injury-victim',
  investigationEndedOn: '2026-10-30',
  // 第十条–第十八条: needs pointing to civil affairs (第十一条) and to education (第十条)
  needs: ['temporary-assistance', 'student-aid'],
  findings: '被害人受犯罪侵害致重伤。',
  suggestion: '建议给予临时救助。',
  applicantStatement: '情况说明',
  caseMaterials: [{ title: '国家司法救助审批表' }],
} as never;

function sentHandoff(): HandoffState {
  const ctx = context();
  const { opened } = openHandoffs(
    { kind: 'judicial-referral', sender: 'procuratorate', caseRef: '晋检救〔2026〕1号', requested: ['civil-affairs'], priorityGroups: [], content: referral },
    ctx,
  );
  return opened[0].state;
}

describe('a handoff as a state machine (第十九条–第二十一条)', () => {
  it('opens one handoff per recipient, each sent with its opening message and a step event for the scheduler', () => {
    const { opened, steps, messages } = openHandoffs(
      { kind: 'judicial-referral', sender: 'procuratorate', caseRef: 'c1', requested: ['civil-affairs', 'education'], priorityGroups: ['minor'], content: referral },
      context(),
    );
    expect(opened.map((h) => [h.state.to, h.state.currentStep, h.state.priority])).toEqual([
      ['civil-affairs', 'sent', 'green-channel'],
      ['education', 'sent', 'green-channel'],
    ]);
    expect(steps.map((s) => s.step)).toEqual(['sent', 'sent']);
    expect(messages.map((m) => m.type)).toEqual([
      MessageType.JudicialReferral,
      MessageType.StepRecorded,
      MessageType.JudicialReferral,
      MessageType.StepRecorded,
    ]);
    expect(messages.filter((m) => m.type === MessageType.StepRecorded).map(queueOf)).toEqual([SCHEDULER_QUEUE, SCHEDULER_QUEUE]);
    expect(new Set(messages.map((m) => m.correlationId)).size).toBe(1);
  });

  it('refuses a referral from a department (第十九条)', () => {
    expect(() =>
      openHandoffs({ kind: 'judicial-referral', sender: 'education', caseRef: 'c', requested: ['civil-affairs'], priorityGroups: [], content: referral }, context()),
    ).toThrow(SenderNotAllowedError);
  });

  it('receives once: a receipt to the sender, caused by the opening message; a second receipt changes nothing', () => {
    const handoff = sentHandoff();
    const decision = receive(handoff, 'civil-affairs', { id: 'opening-1' }, context());
    expect(decision.steps.map((s) => s.step)).toEqual(['received']);
    const receipt = decision.messages.find((m) => m.type === MessageType.Receipt);
    expect(receipt).toMatchObject({ from: 'civil-affairs', to: 'procuratorate', causationId: 'opening-1' });
    expect(receive({ ...handoff, currentStep: 'received' }, 'civil-affairs', { id: 'opening-1' }, context())).toEqual({ steps: [], messages: [] });
    expect(() => receive(handoff, 'education', { id: 'opening-1' }, context())).toThrow(NotTheReceiverError);
  });

  it('takes the steps of 第二十一条 in order, from the receiver only', () => {
    const handoff: HandoffState = { ...sentHandoff(), currentStep: 'received', stepMessages: { received: 'receipt-1' } };
    const started = reportStep(handoff, 'civil-affairs', 'procedure-started', { startedOn: '2026-11-02' }, context());
    expect(started.messages[0]).toMatchObject({ type: MessageType.ProcedureStarted, to: 'procuratorate', causationId: 'receipt-1' });
    expect(() => reportStep(handoff, 'civil-affairs', 'feedback-given', { summary: 'x' }, context())).toThrow(StepOutOfOrderError);
    expect(() => reportStep(handoff, 'procuratorate', 'procedure-started', { startedOn: '2026-11-02' }, context())).toThrow(NotTheReceiverError);
  });

  it('records the feedback at the sender once', () => {
    const handoff: HandoffState = { ...sentHandoff(), currentStep: 'feedback-given' };
    expect(receiveFeedback(handoff, 'procuratorate', { id: 'f1' }, context()).steps.map((s) => s.step)).toEqual(['feedback-received']);
    expect(receiveFeedback({ ...handoff, currentStep: 'feedback-received' }, 'procuratorate', { id: 'f1' }, context()).steps).toEqual([]);
    expect(() => receiveFeedback(handoff, 'civil-affairs', { id: 'f1' }, context())).toThrow(NotTheSenderError);
  });

  it('changes nothing on informational messages at the sender', () => {
    const handoff = sentHandoff();
    const receipt = receive(handoff, 'civil-affairs', { id: 'o' }, context()).messages[0];
    expect(applyInboxMessage({ ...handoff, currentStep: 'received' }, 'procuratorate', receipt, context())).toEqual({ steps: [], messages: [] });
  });

  it('takes a message only from the handoff’s other party: a signed feedback from a third unit is refused (第二十一条, 第二十四条)', () => {
    const handoff: HandoffState = { ...sentHandoff(), currentStep: 'feedback-given' };
    const genuine = reportStep({ ...handoff, currentStep: 'concluded' }, 'civil-affairs', 'feedback-given', { summary: '已救助' }, context()).messages[0];
    expect(partiesProblem(handoff, 'procuratorate', genuine)).toBeNull();
    expect(applyInboxMessage(handoff, 'procuratorate', genuine, context()).steps.map((s) => s.step)).toEqual(['feedback-received']);
    const forged = { ...genuine, from: 'justice' as const };
    expect(partiesProblem(handoff, 'procuratorate', forged)).toMatch(/sender justice is not the other party .*procuratorate → civil-affairs/);
    expect(() => applyInboxMessage(handoff, 'procuratorate', forged, context())).toThrow(NotAPartyError);
    // Its own message back to itself, or one addressed to another unit, or a receiver that is no party.
    expect(partiesProblem(handoff, 'procuratorate', { ...genuine, from: 'procuratorate' })).toMatch(/not the other party/);
    expect(partiesProblem(handoff, 'procuratorate', { ...genuine, to: 'education' })).toMatch(/addressed to education/);
    expect(partiesProblem(handoff, 'justice', { ...genuine, to: 'justice' })).toMatch(/justice is not a party/);
  });
});
