import { HandoffKind } from './handoff.enums.js';
import { MessageCatalog, type MessageRegistry } from './message-catalog.js';
import {
  AdvanceReferralPayloadV1,
  JudicialReferralPayloadV1,
  SocialLeadPayloadV1,
  UrgentMedicalNoticePayloadV1,
} from './payloads/opening.payloads.js';
import {
  ConcludedPayloadV1,
  FeedbackPayloadV1,
  ProcedureStartedPayloadV1,
  ReceiptPayloadV1,
  StepRecordedPayloadV1,
} from './payloads/lifecycle.payloads.js';

/**
 * Every message type of the bus, declared once: its frozen wire name, the queue it travels on,
 * its payload class by schema version and what receiving it means. The job names, the envelope
 * union, the queue routing, payload validation and the OpenAPI documents' message schemas are all
 * derived from this table (docs/architecture.md, *Add a message type*).
 */
export const MESSAGE_REGISTRY = {
  // 第十九条 ¶1: the procuratorate refers a person it investigated for social assistance.
  JudicialReferral: { type: 'handoff.judicial-referral', queue: 'inbox', payloads: { 1: JudicialReferralPayloadV1 }, handling: { kind: 'opening', opens: HandoffKind.JudicialReferral } },
  // 第十九条 ¶2: the procuratorate refers a person before its investigation ends.
  AdvanceReferral: { type: 'handoff.advance-referral', queue: 'inbox', payloads: { 1: AdvanceReferralPayloadV1 }, handling: { kind: 'opening', opens: HandoffKind.AdvanceReferral } },
  // 第二十条 ¶1: a social-assistance department passes a lead to the procuratorate.
  SocialLead: { type: 'handoff.social-lead', queue: 'inbox', payloads: { 1: SocialLeadPayloadV1 }, handling: { kind: 'opening', opens: HandoffKind.SocialLead } },
  // 第二十条 ¶2: the health department notices the procuratorate of a person in urgent need of care.
  UrgentMedicalNotice: { type: 'handoff.urgent-medical-notice', queue: 'inbox', payloads: { 1: UrgentMedicalNoticePayloadV1 }, handling: { kind: 'opening', opens: HandoffKind.UrgentMedicalNotice } },
  // 第二十一条: the steps the receiver tells the sender of.
  Receipt: { type: 'handoff.receipt', queue: 'inbox', payloads: { 1: ReceiptPayloadV1 }, handling: { kind: 'lifecycle', step: 'received' } },
  ProcedureStarted: { type: 'handoff.procedure-started', queue: 'inbox', payloads: { 1: ProcedureStartedPayloadV1 }, handling: { kind: 'lifecycle', step: 'procedure-started' } },
  Concluded: { type: 'handoff.concluded', queue: 'inbox', payloads: { 1: ConcludedPayloadV1 }, handling: { kind: 'lifecycle', step: 'concluded' } },
  Feedback: { type: 'handoff.feedback', queue: 'inbox', payloads: { 1: FeedbackPayloadV1 }, handling: { kind: 'lifecycle', step: 'feedback-given' } },
  // Internal: a step was recorded on a handoff; the scheduler keeps the clocks of 第十九条–第二十五条 from it.
  StepRecorded: { type: 'handoff.step-recorded', queue: 'scheduler', payloads: { 1: StepRecordedPayloadV1 }, handling: { kind: 'step-event' } },
} as const satisfies MessageRegistry;

/** What the bus derives from its registry. */
export const MESSAGES = new MessageCatalog(MESSAGE_REGISTRY);
