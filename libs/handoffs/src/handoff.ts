import {
  type AgencyCode,
  type AnyEnvelope,
  CURRENT_SCHEMA_VERSION,
  type Envelope,
  type HandoffKind,
  MessageType,
  OPENING_MESSAGE,
  type PayloadByType,
  type Priority,
  type PriorityGroup,
  requiredPredecessor,
  type Step,
} from '#contracts';
import { NotTheReceiverError, NotTheSenderError, StepOutOfOrderError } from './handoff.errors.js';
import { openingRecipients, priorityOf } from './routing-rules.js';

/** A JSON object as stored beside a handoff or a step. */
export type JsonObject = { [key: string]: unknown };

/** A handoff as the state machine needs it: who, what, which step it reached, and the message of each step. */
export interface HandoffState {
  id: string;
  kind: HandoffKind;
  from: AgencyCode;
  to: AgencyCode;
  caseRef: string;
  currentStep: Step;
  priority: Priority;
  requestId: string;
  /** the message that carried or caused each step recorded so far */
  stepMessages: Partial<Record<Step, string>>;
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
  actor: AgencyCode;
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
  route: { from: AgencyCode; to: AgencyCode },
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
  sender: AgencyCode;
  caseRef: string;
  /** the units named in the request (referrals); leads and notices always go to the procuratorate */
  requested: readonly AgencyCode[] | undefined;
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
export function receive(handoff: HandoffState, actor: AgencyCode, opening: Pick<Envelope, 'id'>, context: TransitionContext): Decision {
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
  actor: AgencyCode,
  step: S,
  payload: ReportedPayload<S>,
  context: TransitionContext,
): Decision {
  if (handoff.to !== actor) throw new NotTheReceiverError(handoff.id);
  const required = requiredPredecessor(step);
  if (handoff.currentStep !== required) throw new StepOutOfOrderError(step, handoff.currentStep, required);
  const causation = required ? handoff.stepMessages[required] ?? null : null;
  const message = envelope(REPORTED_STEPS[step], handoff, { from: actor, to: handoff.from }, causation, payload, context);
  return merge(
    { steps: [], messages: [message as AnyEnvelope] },
    stepWithEvent(handoff, { step, actor, messageId: message.id, occurredAt: context.now, details: { ...payload } }, context),
  );
}

/** 第二十一条: the sender has the outcome once the feedback reaches it. A repeat changes nothing. */
export function receiveFeedback(handoff: HandoffState, actor: AgencyCode, feedback: Pick<Envelope, 'id'>, context: TransitionContext): Decision {
  if (handoff.from !== actor) throw new NotTheSenderError(handoff.id);
  if (handoff.currentStep !== 'feedback-given') return NOTHING;
  return stepWithEvent(handoff, { step: 'feedback-received', actor, messageId: feedback.id, occurredAt: context.now, details: {} }, context);
}

/** What a message that reached `actor`'s inbox does to the handoff it belongs to. */
export function applyInboxMessage(handoff: HandoffState, actor: AgencyCode, message: AnyEnvelope, context: TransitionContext): Decision {
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
export function stepAfter(handoff: HandoffState, decision: Decision): Step {
  return decision.steps.at(-1)?.step ?? handoff.currentStep;
}
