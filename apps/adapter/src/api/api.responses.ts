import { ApiProperty } from '@nestjs/swagger';
import { UNIT_CODES, type UnitCode, HANDOFF_KINDS, type HandoffKind, PRIORITIES, type Priority, type Step, STEP_ORDER, TIMELINE_STEPS } from '#contracts';

// What the units' API answers, as the presenters and services write it.

/** One handoff just opened: one per recipient. */
export class OpenedHandoff {
  @ApiProperty({ format: 'uuid', description: 'the handoff (移送) id', examples: ['0f6e1c52-8f4d-4d0e-b1a4-6f3f1d2b9c77'] })
  id!: string;

  @ApiProperty({ enum: HANDOFF_KINDS, examples: ['judicial-referral'] })
  kind!: HandoffKind;

  @ApiProperty({ enum: UNIT_CODES, description: 'the receiving unit', examples: ['civil-affairs'] })
  to!: UnitCode;

  @ApiProperty({ enum: STEP_ORDER, examples: ['sent'] })
  currentStep!: Step;

  @ApiProperty({ enum: PRIORITIES, description: 'urgent (第二十条 ¶2), green-channel (第五条 priority groups) or normal', examples: ['green-channel'] })
  priority!: Priority;

  @ApiProperty({ format: 'uuid', description: 'the opening message' })
  messageId!: string;
}

export class OpenedHandoffs {
  @ApiProperty({ format: 'uuid', description: 'this request: the correlation id of every message of these handoffs' })
  requestId!: string;

  @ApiProperty({ description: 'the sender’s case number', examples: ['晋检救〔2026〕1号'] })
  caseRef!: string;

  @ApiProperty({ type: [OpenedHandoff], description: 'one handoff per recipient' })
  handoffs!: OpenedHandoff[];
}

export class StepReported {
  @ApiProperty({ format: 'uuid' })
  handoffId!: string;

  @ApiProperty({ enum: TIMELINE_STEPS, examples: ['procedure-started'] })
  step!: Step;

  @ApiProperty({ format: 'uuid', description: 'the message that carries the step to the sender (for advance-payment-decided, which sends none: the step’s id)' })
  messageId!: string;

  @ApiProperty({ format: 'date-time' })
  occurredAt!: string;
}

/** A unit a need points to (第十条–第十八条), with the articles that give it the duty. */
export class ProposedRecipientView {
  @ApiProperty({ enum: UNIT_CODES })
  unit!: UnitCode;

  @ApiProperty({ type: [String], examples: [['第十三条']] })
  articles!: string[];

  @ApiProperty({ type: [String], description: 'the needs that point to it' })
  needs!: string[];
}

/** The free texts a follow-on handoff carries to its recipient, exactly as sent (第二十四条: nothing else of the visit). */
export class ForwardedTexts {
  @ApiProperty({
    required: false,
    description: 'a lead: its summary as the procuratorate reads it — what the visit found (date, original case number, needs), then `followOn.noteForRecipient`',
    examples: ['2027-02-26跟踪回访（原案件晋检救〔2026〕1号）发现当事人仍需：职业技能培训。当事人同意移送，请联系其本人。'],
  })
  summary?: string;

  @ApiProperty({ required: false, description: 'a referral: its findings (第十九条)' })
  findings?: string;

  @ApiProperty({ required: false, description: 'a referral: its suggestion (第十九条)' })
  suggestion?: string;

  @ApiProperty({ required: false, description: 'a referral: 第九条 救助申请人情况说明' })
  applicantStatement?: string;
}

/** The handoff a visit opened (第二十五条 → 第二十条 ¶1 / 第十九条), and what it forwarded. */
export class FollowOnOpened extends OpenedHandoffs {
  @ApiProperty({ type: ForwardedTexts, description: 'the free texts the new handoff carries to its recipient; the visit’s own `note` is never among them' })
  forwarded!: ForwardedTexts;
}

/** A follow-up visit recorded (第二十五条), with the units the needs left point to. */
export class FollowUpVisitRecorded extends StepReported {
  @ApiProperty({
    type: [ProposedRecipientView],
    description: 'for furtherNeeds: the units they point to, for the referral or lead that follows — by the visited person’s groups too (第十七条: minors, women, elders)',
  })
  proposedRecipients!: ProposedRecipientView[];

  @ApiProperty({ required: false, type: FollowOnOpened, description: 'with `followOn`: the handoff the visit opened, and the texts it forwarded' })
  followOn?: FollowOnOpened;
}

export class HandoffSummary {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: HANDOFF_KINDS, examples: ['judicial-referral'] })
  kind!: HandoffKind;

  @ApiProperty({ enum: UNIT_CODES, description: 'the sending unit', examples: ['procuratorate'] })
  from!: UnitCode;

  @ApiProperty({ enum: UNIT_CODES, description: 'the receiving unit', examples: ['civil-affairs'] })
  to!: UnitCode;

  @ApiProperty({ examples: ['晋检救〔2026〕1号'] })
  caseRef!: string;

  @ApiProperty({ enum: PRIORITIES, examples: ['normal'] })
  priority!: Priority;

  @ApiProperty({ enum: STEP_ORDER, description: 'the latest step reached', examples: ['received'] })
  currentStep!: Step;

  @ApiProperty({ format: 'uuid', description: 'the request that opened it (shared by handoffs opened together)' })
  requestId!: string;

  @ApiProperty({ format: 'date-time' })
  openedAt!: string;

  @ApiProperty({ description: '第二十四条: the feedback was received; no step follows' })
  closed!: boolean;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: '第二十四条 归档: archived (read-only, out of the working list, still in the ledger and the figures)' })
  archivedAt!: string | null;
}

export class HandoffPage {
  @ApiProperty({ type: [HandoffSummary] })
  items!: HandoffSummary[];

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'pass as `after` for the next page; null on the last page' })
  next!: string | null;
}

export class TimelineEntry {
  @ApiProperty({ enum: TIMELINE_STEPS, examples: ['procedure-started'], description: 'a step of the chain, or advance-payment-decided (第二十条 ¶2, beside the chain)' })
  step!: Step;

  @ApiProperty({ enum: UNIT_CODES, description: 'the unit that took the step', examples: ['civil-affairs'] })
  by!: UnitCode;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true, description: 'the message that carried the step' })
  messageId!: string | null;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'what was reported with the step (e.g. `startedOn`, `outcome`)', examples: [{ startedOn: '2026-11-24' }] })
  details!: Record<string, unknown>;
}

export class HandoffView extends HandoffSummary {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the opening payload (person, situation, findings…): whole for the sender; for the recipient only the fields of its projection (第二十四条; the document’s x-projection)' })
  details!: Record<string, unknown>;

  @ApiProperty({ type: [TimelineEntry], description: 'sent → received → procedure-started → concluded → feedback-given → feedback-received' })
  timeline!: TimelineEntry[];
}

export class CaseProgressStep {
  @ApiProperty({ enum: TIMELINE_STEPS, examples: ['procedure-started'] })
  step!: Step;

  @ApiProperty({ format: 'date-time', description: 'when the step was recorded' })
  at!: string;

  @ApiProperty({ required: false, format: 'date', description: 'the date the unit stated for it (startedOn, concludedOn, decidedOn)' })
  statedOn?: string;
}

export class CaseParticipant {
  @ApiProperty({ format: 'uuid' })
  handoffId!: string;

  @ApiProperty({ enum: HANDOFF_KINDS })
  kind!: HandoffKind;

  @ApiProperty({ enum: UNIT_CODES })
  from!: UnitCode;

  @ApiProperty({ enum: UNIT_CODES, description: 'the unit working this part of the case' })
  to!: UnitCode;

  @ApiProperty({ enum: STEP_ORDER })
  currentStep!: Step;

  @ApiProperty({ type: [CaseProgressStep] })
  steps!: CaseProgressStep[];
}

export class CaseProgress {
  @ApiProperty({ examples: ['晋检救〔2026〕1号'] })
  caseRef!: string;

  @ApiProperty({ type: [CaseParticipant], description: 'every handoff of the referral: who works on it and how far each has got (no details)' })
  participants!: CaseParticipant[];
}

export class InboxItem {
  @ApiProperty({ format: 'uuid' })
  messageId!: string;

  @ApiProperty({ format: 'date-time' })
  receivedAt!: string;

  @ApiProperty({ description: 'the message in the unit’s own field names', allOf: [{ $ref: '#/components/schemas/UnitMessage' }] })
  message!: Record<string, unknown>;
}

export class InboxPage {
  @ApiProperty({ type: [InboxItem], description: 'oldest first' })
  items!: InboxItem[];
}

export class InboxAck {
  @ApiProperty({ format: 'uuid' })
  messageId!: string;

  @ApiProperty({ enum: [true] })
  acknowledged!: true;
}

export { RosterEntry } from '#http';
