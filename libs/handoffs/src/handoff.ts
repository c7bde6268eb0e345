import {
  AdvancePaymentDecisionPayloadV1,
  type UnitCode,
  type ChainStep,
  type AnyEnvelope,
  CURRENT_SCHEMA_VERSION,
  type Envelope,
  FOLLOW_UP_VISIT_STEPS,
  type FollowUpVisitPayloadV1,
  isChainStep,
  MessageType,
  OPENING_MESSAGE,
  type PayloadByType,
  type Priority,
  type PriorityGroup,
  requiredPredecessor,
  type Step,
  HandoffKind,
  JUDICIAL_HUB,
} from '#contracts';
import { MaterialsMissingError, NeedsNotStatedError, NotAPartyError, NotTheReceiverError, NotTheSenderError, RecipientNotRoutedError, RefusalReasonError, SenderNotAllowedError, StatedDateError, StepNotApplicableError, StepOutOfOrderError } from './handoff.errors.js';
import { missingMaterials } from './materials.js';
import { unroutedRecipients } from './need-routing.js';
import { openingRecipients, priorityOf } from './routing-rules.js';

/** A JSON object as stored beside a handoff or a step. */
export type JsonObject = { [key: string]: unknown };

/** A handoff as the state machine needs it: who, what, which step it reached, and the message of each step. */
export interface HandoffState {
  id: string;
  kind: HandoffKind;
  from: UnitCode;
  to: UnitCode;
  caseRef: string;
  currentStep: ChainStep;
  priority: Priority;
  requestId: string;
  /** the message that carried or caused each step recorded so far */
  stepMessages: Partial<Record<Step, string>>;
  /**
   * When each step recorded so far happened, and the date its reporter stated for it (startedOn,
   * concludedOn, decidedOn): the stated dates of a new step are checked against them (第二十一条).
   */
  stepDates?: Partial<Record<Step, { occurredAt: Date; statedOn?: string }>>;
}

/** A new handoff row: its state plus the content validated at the API. */
export interface OpenedHandoff {
  state: HandoffState;
  details: JsonObject;
  openedAt: Date;
}

/** A step to append to a handoff's timeline (each step at most once per handoff). */
export interface RecordedStep {
  handoffId: string;
  step: Step;
  actor: UnitCode;
  messageId: string;
  occurredAt: Date;
  details: JsonObject;
}

/**
 * What a transition decided: the steps to record and the messages it causes — to the other party
 * and, for every step, the step event the scheduler keeps its clocks from. The application service
 * saves all of it, and appends the messages to the outbox, in one transaction.
 */
export interface Decision {
  steps: RecordedStep[];
  messages: AnyEnvelope[];
}

export const NOTHING: Decision = { steps: [], messages: [] };

/** The steps of 第二十一条 the receiving unit reports, and the message each sends back to the sender. */
export const REPORTED_STEPS = {
  'procedure-started': MessageType.ProcedureStarted,
  concluded: MessageType.Concluded,
  'feedback-given': MessageType.Feedback,
} as const satisfies Partial<Record<Step, MessageType>>;
export type ReportedStep = keyof typeof REPORTED_STEPS;
type ReportedPayload<S extends ReportedStep> = PayloadByType[(typeof REPORTED_STEPS)[S]];

/** Ids and time come from outside, so a transition is a pure function of its inputs (and testable). */
export interface TransitionContext {
  now: Date;
  newId: () => string;
}

function envelope<T extends MessageType>(
  type: T,
  handoff: Pick<HandoffState, 'id' | 'caseRef' | 'requestId' | 'priority'>,
  route: { from: UnitCode; to: UnitCode },
  causationId: string | null,
  payload: PayloadByType[T],
  context: TransitionContext,
): Envelope<T> {
  return {
    id: context.newId(),
    type,
    schemaVersion: CURRENT_SCHEMA_VERSION,
    from: route.from,
    to: route.to,
    handoffId: handoff.id,
    caseRef: handoff.caseRef,
    correlationId: handoff.requestId,
    causationId,
    occurredAt: context.now.toISOString(),
    priority: handoff.priority,
    payload,
  };
}

/**
 * A step and the event that tells the scheduler of it (addressed from the actor to itself: the
 * scheduler re-reads the handoff and does not trust the event's content).
 */
function stepWithEvent(handoff: HandoffState, step: Omit<RecordedStep, 'handoffId'>, context: TransitionContext): Decision {
  const event = envelope(
    MessageType.StepRecorded,
    handoff,
    { from: step.actor, to: step.actor },
    step.messageId,
    { step: step.step, occurredAt: step.occurredAt.toISOString() },
    context,
  );
  return { steps: [{ ...step, handoffId: handoff.id }], messages: [event] };
}

function merge(...decisions: Decision[]): Decision {
  return { steps: decisions.flatMap((d) => d.steps), messages: decisions.flatMap((d) => d.messages) };
}

export interface OpenCommand<K extends HandoffKind = HandoffKind> {
  kind: K;
  sender: UnitCode;
  caseRef: string;
  /** the units named in the request (referrals); leads and notices always go to the procuratorate */
  requested: readonly UnitCode[] | undefined;
  priorityGroups: readonly PriorityGroup[] | undefined;
  /** the validated content: stored with the handoff and carried by its opening message */
  content: PayloadByType[(typeof OPENING_MESSAGE)[K]];
}

/**
 * Opens one handoff per recipient (第十九条: a case often goes to several units at once, each a
 * handoff of its own), each `sent`, with its opening message and step event.
 */
export function openHandoffs(command: OpenCommand, context: TransitionContext): { requestId: string; opened: OpenedHandoff[] } & Decision {
  const recipients = openingRecipients(command.kind, command.sender, command.requested);
  checkOpeningDates(fieldsOf(command.content), context.now);
  // 第九条, 第十九条, 第二十条: the handoff carries every item of its checklist, or is refused with the list.
  const missing = missingMaterials(command.kind, fieldsOf(command.content));
  if (missing.length > 0) throw new MaterialsMissingError(missing);
  checkRouting(recipients, command);
  const priority = priorityOf(command.kind, command.priorityGroups);
  const requestId = context.newId();
  const opened: OpenedHandoff[] = [];
  const decisions: Decision[] = [];
  for (const to of recipients) {
    const state: HandoffState = {
      id: context.newId(),
      kind: command.kind,
      from: command.sender,
      to,
      caseRef: command.caseRef,
      currentStep: 'sent',
      priority,
      requestId,
      stepMessages: {},
    };
    const opening = envelope(OPENING_MESSAGE[command.kind], state, { from: command.sender, to }, null, command.content, context);
    state.stepMessages.sent = opening.id;
    opened.push({ state, details: { ...command.content }, openedAt: context.now });
    decisions.push({ steps: [], messages: [opening as AnyEnvelope] });
    decisions.push(stepWithEvent(state, { step: 'sent', actor: command.sender, messageId: opening.id, occurredAt: context.now, details: {} }, context));
  }
  return { requestId, opened, ...merge(...decisions) };
}

/**
 * The receiver took the opening message into its inbox: step `received` and a receipt back to the
 * sender (the start of 第二十一条's 5 working days). Receiving again changes nothing.
 */
export function receive(handoff: HandoffState, actor: UnitCode, opening: Pick<Envelope, 'id'>, context: TransitionContext): Decision {
  if (handoff.to !== actor) throw new NotTheReceiverError(handoff.id);
  if (handoff.currentStep !== 'sent') return NOTHING;
  const receipt = envelope(MessageType.Receipt, handoff, { from: actor, to: handoff.from }, opening.id, { receivedAt: context.now.toISOString() }, context);
  return merge(
    { steps: [], messages: [receipt] },
    stepWithEvent(handoff, { step: 'received', actor, messageId: receipt.id, occurredAt: context.now, details: { openingMessageId: opening.id } }, context),
  );
}

/** The receiver reports a step of 第二十一条; it must follow the one before it, once. */
export function reportStep<S extends ReportedStep>(
  handoff: HandoffState,
  actor: UnitCode,
  step: S,
  payload: ReportedPayload<S>,
  context: TransitionContext,
): Decision {
  if (handoff.to !== actor) throw new NotTheReceiverError(handoff.id);
  const required = requiredPredecessor(step);
  if (handoff.currentStep !== required) throw new StepOutOfOrderError(step, handoff.currentStep, required);
  checkStatedDates(handoff, step, fieldsOf(payload), context.now);
  if (step === 'concluded') checkRefusal(actor, fieldsOf(payload));
  const causation = required ? handoff.stepMessages[required] ?? null : null;
  const message = envelope(REPORTED_STEPS[step], handoff, { from: actor, to: handoff.from }, causation, payload, context);
  return merge(
    { steps: [], messages: [message as AnyEnvelope] },
    stepWithEvent(handoff, { step, actor, messageId: message.id, occurredAt: context.now, details: { ...fieldsOf(payload) } }, context),
  );
}

/** The date a step's reporter states for it, by step (第二十一条: 启动 startedOn, 办结 concludedOn; 第二十条 ¶2: decidedOn). */
export const STATED_DATE_OF: Partial<Record<Step, string>> = {
  'procedure-started': 'startedOn',
  concluded: 'concludedOn',
  'advance-payment-decided': 'decidedOn',
  'follow-up-visit-1': 'visitedOn',
  'follow-up-visit-2': 'visitedOn',
};

/** Today's date in Beijing (Asia/Shanghai, UTC+8 all year): the statutory calendar's day. */
export function beijingDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * 第十条–第十八条: a referral goes to the units the person's stated needs point to; any other
 * recipient needs its reason (recipientReasons). A new referral states at least one need (refused
 * here, not by the payload's schema, which still accepts referrals stored before the rule).
 */
function isReferral(command: OpenCommand): command is OpenCommand<typeof HandoffKind.JudicialReferral> | OpenCommand<typeof HandoffKind.AdvanceReferral> {
  return command.kind === HandoffKind.JudicialReferral || command.kind === HandoffKind.AdvanceReferral;
}

/** A validated payload's fields by name: the rules below read a field whichever payload class carries it. */
function fieldsOf(payload: object): Readonly<Record<string, unknown>> {
  return payload as Readonly<Record<string, unknown>>;
}

function checkRouting(recipients: readonly UnitCode[], command: OpenCommand): void {
  // Leads and urgent notices go to the procuratorate by 第二十条, whatever the person needs.
  if (!isReferral(command)) return;
  const content = command.content;
  if (!content.needs || content.needs.length === 0) throw new NeedsNotStatedError();
  const reasons = Object.fromEntries((content.recipientReasons ?? []).map(({ unit, reason }) => [unit, reason]));
  const refused = unroutedRecipients(recipients, { needs: content.needs, priorityGroups: command.priorityGroups, elder: content.elder }, reasons);
  if (refused.length > 0) throw new RecipientNotRoutedError(refused);
}

/**
 * The dates an opening message states start clocks (第十九条 ¶1 investigationEndedOn, 第二十条 ¶1
 * discoveredOn, 第二十条 ¶2 noticedAt): none may lie in the future.
 */
function checkOpeningDates(content: Record<string, unknown>, now: Date): void {
  const today = beijingDate(now);
  for (const field of ['investigationEndedOn', 'discoveredOn'] as const) {
    const stated = content[field];
    if (typeof stated === 'string' && stated > today) throw new StatedDateError(field, `${field} ${stated} is in the future (today is ${today} in Beijing)`);
  }
  const noticedAt = content.noticedAt;
  if (typeof noticedAt === 'string' && new Date(noticedAt).getTime() > now.getTime()) {
    throw new StatedDateError('noticedAt', `noticedAt ${noticedAt} is in the future (第二十条 ¶2 counts from when the department learned of the person)`);
  }
}

/**
 * 第二十一条 counts from the dates the units state (启动, 办结), so they are checked: a stated date is
 * not in the future (Beijing's today), not before the handoff was received, and not before the date
 * stated for the step it follows (concludedOn ≥ startedOn).
 */
function checkStatedDates(handoff: HandoffState, step: Step, payload: Record<string, unknown>, now: Date): void {
  const field = STATED_DATE_OF[step];
  if (!field) return;
  const stated = payload[field];
  if (typeof stated !== 'string') return;
  const today = beijingDate(now);
  if (stated > today) throw new StatedDateError(field, `${field} ${stated} is in the future (today is ${today} in Beijing)`);
  const dates = handoff.stepDates ?? {};
  const received = dates.received?.occurredAt;
  if (received && stated < beijingDate(received)) {
    throw new StatedDateError(field, `${field} ${stated} is before the handoff was received (${beijingDate(received)}, 第二十一条)`);
  }
  if (step === 'concluded') {
    const started = dates['procedure-started']?.statedOn;
    if (started && stated < started) throw new StatedDateError(field, `${field} ${stated} is before the procedure started (startedOn ${started}, 第二十一条)`);
  }
}

/**
 * 第六条's grounds are the procuratorate's, for refusing judicial assistance: only its refusals cite
 * them, and they must. A social-assistance department declines under its own rules: a declineReason
 * with declineDetails, and no 第六条 grounds.
 */
function checkRefusal(actor: UnitCode, payload: Record<string, unknown>): void {
  const refused = payload.outcome === 'refused';
  const sixth = Array.isArray(payload.refusalReasons) && payload.refusalReasons.length > 0;
  const own = payload.declineReason !== undefined;
  if (actor === JUDICIAL_HUB) {
    if (own) throw new RefusalReasonError('declineReason', 'the procuratorate refuses judicial assistance on the grounds of 第六条 (refusalReasons), not with declineReason');
    if (refused && !sixth) throw new RefusalReasonError('refusalReasons', 'refusalReasons is required when the procuratorate refuses (第六条)');
    if (!refused && sixth) throw new RefusalReasonError('refusalReasons', 'refusalReasons are given only with the outcome refused (第六条)');
    return;
  }
  if (sixth) throw new RefusalReasonError('refusalReasons', '第六条 lists the procuratorate’s grounds for refusing judicial assistance; a social-assistance department gives declineReason and declineDetails');
  if (refused && !own) throw new RefusalReasonError('declineReason', 'declineReason and declineDetails are required when a social-assistance department refuses (its own rules, 第二十一条)');
  if (!refused && own) throw new RefusalReasonError('declineReason', 'declineReason is given only with the outcome refused');
}

/**
 * 第二十条 ¶2 "人民检察院可以先行救助，救助后应当及时补办相关手续": the procuratorate records, on an urgent
 * medical notice it received, whether it paid first — its own step beside the chain, once, after
 * receipt and before the case is concluded. Only a "yes" starts the paperwork duty (the scheduler's).
 * The department sees the step on the handoff's timeline; no message is sent for it.
 */
export function decideAdvancePayment(handoff: HandoffState, actor: UnitCode, payload: AdvancePaymentDecisionPayloadV1, context: TransitionContext): Decision {
  if (handoff.kind !== HandoffKind.UrgentMedicalNotice) {
    throw new StepNotApplicableError('advance-payment-decided', `paying first (先行救助, 第二十条 ¶2) is decided on an urgent medical notice, not on a ${handoff.kind}`);
  }
  if (handoff.to !== actor) throw new NotTheReceiverError(handoff.id);
  if (handoff.stepMessages['advance-payment-decided']) throw new StepOutOfOrderError('advance-payment-decided', 'advance-payment-decided', 'received');
  if (handoff.currentStep !== 'received' && handoff.currentStep !== 'procedure-started') {
    throw new StepOutOfOrderError('advance-payment-decided', handoff.currentStep, 'received');
  }
  checkStatedDates(handoff, 'advance-payment-decided', fieldsOf(payload), context.now);
  const stepId = context.newId();
  return stepWithEvent(handoff, { step: 'advance-payment-decided', actor, messageId: stepId, occurredAt: context.now, details: { ...payload } }, context);
}

/**
 * 第二十五条 "跟踪回访": the unit that helped the person records a follow-up visit — the first, then the
 * second (each its own step beside the chain, so the scheduler's visit duty it fulfils is closed by
 * it). Only the receiver, once the case is concluded; a third is 409. No message is sent for it.
 */
export function recordFollowUpVisit(handoff: HandoffState, actor: UnitCode, payload: FollowUpVisitPayloadV1, context: TransitionContext): Decision {
  if (handoff.to !== actor) throw new NotTheReceiverError(handoff.id);
  if (!['concluded', 'feedback-given', 'feedback-received'].includes(handoff.currentStep)) {
    throw new StepOutOfOrderError('follow-up-visit-1', handoff.currentStep, 'concluded');
  }
  const step = FOLLOW_UP_VISIT_STEPS.find((visit) => !handoff.stepMessages[visit]);
  if (!step) throw new StepOutOfOrderError('follow-up-visit-2', 'follow-up-visit-2', 'concluded');
  checkStatedDates(handoff, step, fieldsOf(payload), context.now);
  return stepWithEvent(handoff, { step, actor, messageId: context.newId(), occurredAt: context.now, details: { ...payload } }, context);
}

/** 第二十一条: the sender has the outcome once the feedback reaches it. A repeat changes nothing. */
export function receiveFeedback(handoff: HandoffState, actor: UnitCode, feedback: Pick<Envelope, 'id'>, context: TransitionContext): Decision {
  if (handoff.from !== actor) throw new NotTheSenderError(handoff.id);
  if (handoff.currentStep !== 'feedback-given') return NOTHING;
  return stepWithEvent(handoff, { step: 'feedback-received', actor, messageId: feedback.id, occurredAt: context.now, details: {} }, context);
}

/**
 * Why a message that reached `receiver`'s inbox is not a message between the handoff's parties, or
 * null when it is (第二十一条, 第二十四条): the receiver is a party, and the sender is the other one.
 * A valid signature proves only who sent a message, not that the sender had any business on the handoff.
 */
export function partiesProblem(handoff: Pick<HandoffState, 'id' | 'from' | 'to'>, receiver: UnitCode, message: Pick<Envelope, 'from' | 'to'>): string | null {
  const parties = `${handoff.from} → ${handoff.to}`;
  if (message.to !== receiver) return `it is addressed to ${message.to}, not to ${receiver}`;
  if (receiver !== handoff.from && receiver !== handoff.to) return `${receiver} is not a party of handoff ${handoff.id} (${parties})`;
  const other = receiver === handoff.from ? handoff.to : handoff.from;
  if (message.from !== other) return `its sender ${message.from} is not the other party of handoff ${handoff.id} (${parties}): only ${other} sends to ${receiver} on it`;
  return null;
}

/** What a message that reached `actor`'s inbox does to the handoff it belongs to. */
export function applyInboxMessage(handoff: HandoffState, actor: UnitCode, message: AnyEnvelope, context: TransitionContext): Decision {
  const problem = partiesProblem(handoff, actor, message);
  if (problem) throw new NotAPartyError(handoff.id, problem);
  switch (message.type) {
    case MessageType.JudicialReferral:
    case MessageType.AdvanceReferral:
    case MessageType.SocialLead:
    case MessageType.UrgentMedicalNotice:
      return receive(handoff, actor, message, context);
    case MessageType.Feedback:
      return receiveFeedback(handoff, actor, message, context);
    // Receipts, procedure-started and concluded inform the sender; its timeline was written by the
    // party that recorded the step, so nothing changes here.
    case MessageType.Receipt:
    case MessageType.ProcedureStarted:
    case MessageType.Concluded:
    case MessageType.StepRecorded:
      return NOTHING;
  }
}

/** The step the latest decision leaves the handoff at. */
export function stepAfter(handoff: HandoffState, decision: Decision): ChainStep {
  const chain = decision.steps.map((recorded) => recorded.step).filter((step): step is ChainStep => isChainStep(step));
  return chain.at(-1) ?? handoff.currentStep;
}

/**
 * 第十九条 ¶1 / 第二十条 ¶1: a duty registered before anything is sent, so the scheduler can remind
 * and escalate it in time. Only the procuratorate registers an ended investigation (its written
 * referral is due within 5 working days); only a social-assistance department registers a lead it
 * discovered (due at the procuratorate within 5 working days). The stated date may not be in the future.
 */
export function checkRegistration(kind: 'investigation-ended' | 'lead-discovered', sender: UnitCode, statedOn: string, now: Date): void {
  if (kind === 'investigation-ended' && sender !== JUDICIAL_HUB) {
    throw new SenderNotAllowedError('only the procuratorate registers an ended investigation (第十九条 ¶1)');
  }
  if (kind === 'lead-discovered' && sender === JUDICIAL_HUB) {
    throw new SenderNotAllowedError('a lead is registered by the social-assistance department that discovered it (第二十条 ¶1)');
  }
  const field = kind === 'investigation-ended' ? 'investigationEndedOn' : 'discoveredOn';
  checkOpeningDates({ [field]: statedOn }, now);
}
