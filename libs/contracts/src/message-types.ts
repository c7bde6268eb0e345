import type { HandoffKind } from './handoff.enums.js';

/**
 * Message type names: frozen strings, used as BullMQ job names and @EventPattern patterns.
 * Never derive them from class names: renaming a class must not strand queued jobs.
 */
export const MessageType = {
  JudicialReferral: 'handoff.judicial-referral',
  AdvanceReferral: 'handoff.advance-referral',
  SocialLead: 'handoff.social-lead',
  UrgentMedicalNotice: 'handoff.urgent-medical-notice',
  Receipt: 'handoff.receipt',
  ProcedureStarted: 'handoff.procedure-started',
  Concluded: 'handoff.concluded',
  Feedback: 'handoff.feedback',
  /** internal: a step was recorded on a handoff; goes to the scheduler, which keeps the clocks */
  StepRecorded: 'handoff.step-recorded',
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
export const MESSAGE_TYPES: readonly MessageType[] = Object.values(MessageType);
/** What travels between the units' adapters (everything but the scheduler's internal events). */
export const UNIT_MESSAGE_TYPES = [
  MessageType.JudicialReferral,
  MessageType.AdvanceReferral,
  MessageType.SocialLead,
  MessageType.UrgentMedicalNotice,
  MessageType.Receipt,
  MessageType.ProcedureStarted,
  MessageType.Concluded,
  MessageType.Feedback,
] as const;
export type UnitMessageType = (typeof UNIT_MESSAGE_TYPES)[number];

/** The message that opens each kind of handoff. */
export const OPENING_MESSAGE = {
  'judicial-referral': MessageType.JudicialReferral,
  'advance-referral': MessageType.AdvanceReferral,
  'social-lead': MessageType.SocialLead,
  'urgent-medical-notice': MessageType.UrgentMedicalNotice,
} as const satisfies Record<HandoffKind, MessageType>;
export type OpeningMessageType = (typeof OPENING_MESSAGE)[HandoffKind];

export const OPENING_MESSAGE_TYPES: readonly OpeningMessageType[] = Object.values(OPENING_MESSAGE);

export function isOpeningMessageType(type: MessageType): type is OpeningMessageType {
  return (OPENING_MESSAGE_TYPES as readonly MessageType[]).includes(type);
}
