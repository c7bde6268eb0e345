import { ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsDefined, IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsCalendarDate } from '../calendar-date.js';
import { IsInstant } from '../instant.js';
import { IsYuanAmount } from '../money.js';
import { type Step, TIMELINE_STEPS } from '../handoff.enums.js';
import { DECLINE_REASONS, type DeclineReason, type Need, NEEDS, OUTCOMES, type Outcome, REFUSAL_REASONS, type RefusalReason } from '../policy.enums.js';

/** Sent by the receiving adapter when the handoff reaches its inbox (the receipt of 第二十一条). */
export class ReceiptPayloadV1 {
  @IsInstant()
  receivedAt!: string;
}

/** 第二十一条: the receiver starts its procedure within 5 working days of receipt. */
export class ProcedureStartedPayloadV1 {
  /**
   * 第二十一条: the day the procedure started, as the unit states it: not in the future, not before the
   * handoff was received. Reported after its deadline, the step is recorded late.
   */
  @JSONSchema({ description: 'the day the procedure started (第二十一条): not in the future, not before the handoff was received' })
  @IsCalendarDate()
  startedOn!: string;

  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/**
 * 第二十一条 办结: the receiver closes the case. A refusal by the procuratorate cites 第六条
 * (`refusalReasons`); a social-assistance department declines under its own rules (`declineReason`
 * and `declineDetails`) and may not cite 第六条. Which applies is checked against the unit that reports.
 */
export class ConcludedPayloadV1 {
  /**
   * 第二十一条 "办结后五个工作日内反馈": the feedback deadline counts from this date, not from when the
   * step is reported. Not in the future, not before the procedure started, not before receipt.
   */
  @JSONSchema({ description: 'the day the case was concluded (办结, 第二十一条); the 5 working days of feedback count from it. Not in the future, not before startedOn' })
  @IsCalendarDate()
  concludedOn!: string;

  @IsIn(OUTCOMES)
  outcome!: Outcome;

  /** 第六条 (一)–(六): the procuratorate's grounds for refusing judicial assistance; only the procuratorate cites them. */
  @JSONSchema({ description: "第六条's grounds: required when the procuratorate refuses; refused from a social-assistance department (第六条 is the procuratorate's)" })
  // A refusal gives a reason: 第六条's (the procuratorate) or the department's own (declineReason).
  @ValidateIf((payload: ConcludedPayloadV1) => (payload.outcome === 'refused' && payload.declineReason === undefined) || payload.refusalReasons !== undefined)
  @IsArray({ message: 'a refusal gives its reasons: refusalReasons (第六条, the procuratorate) or declineReason (a social-assistance department)' })
  @ArrayNotEmpty({ message: 'a refusal gives its reasons: refusalReasons (第六条, the procuratorate) or declineReason (a social-assistance department)' })
  @ArrayUnique()
  @IsIn(REFUSAL_REASONS, { each: true })
  refusalReasons?: RefusalReason[];

  /** A social-assistance department's own ground for declining (第二十一条 依据相关规定). */
  @JSONSchema({ description: "a social-assistance department's own ground for declining: required when a department refuses" })
  @IsOptional()
  @IsIn(DECLINE_REASONS)
  declineReason?: DeclineReason;

  /** Why, in the department's words (required with declineReason). */
  @ValidateIf((payload: ConcludedPayloadV1) => payload.declineReason !== undefined || payload.declineDetails !== undefined)
  @IsString({ message: 'declineDetails is required with declineReason: say why, under the department’s own rules' })
  @Length(1, 2000)
  declineDetails?: string;

  @IsOptional()
  @IsString()
  @Length(1, 5000)
  measures?: string;
}

/** Internal event to the scheduler: which step, when. The scheduler re-reads the handoff itself. */
export class StepRecordedPayloadV1 {
  @IsIn(TIMELINE_STEPS)
  step!: Step;

  @IsInstant()
  occurredAt!: string;
}

/** 第二十一条 办结后反馈: the outcome reported to the sender within 5 working days of closing. */
export class FeedbackPayloadV1 {
  @IsString()
  @Length(1, 5000)
  summary!: string;
}

/**
 * 第二十条 ¶2 "人民检察院可以先行救助，救助后应当及时补办相关手续": the procuratorate's decision, on an
 * urgent medical notice it received, whether to pay first. Paying first is a choice, not a duty; only
 * when it paid first does the duty to complete the paperwork (补办手续) start, from `decidedOn`.
 */
export class AdvancePaymentDecisionPayloadV1 {
  /** 第二十条 ¶2: did the procuratorate pay first (先行救助)? */
  @IsBoolean()
  paidFirst!: boolean;

  /** The day of the decision (and of the payment, when paid); not in the future, not before receipt. */
  @JSONSchema({ description: 'the day of the decision (and payment); the paperwork duty of 第二十条 ¶2 counts from it' })
  @IsCalendarDate()
  decidedOn!: string;

  /** The amount paid first, in yuan: required when paidFirst, absent otherwise. */
  @ValidateIf((payload: AdvancePaymentDecisionPayloadV1) => payload.paidFirst === true || payload.amountYuan !== undefined)
  @IsDefined({ message: 'amountYuan is required when paidFirst is true (第二十条 ¶2)' })
  @IsYuanAmount()
  amountYuan?: number;

  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/** How the person is doing at a follow-up visit, compared with when the help was given (第二十五条). */
export const VISIT_SITUATIONS = ['improved', 'unchanged', 'worse'] as const;
export type VisitSituation = (typeof VISIT_SITUATIONS)[number];

/**
 * 第二十五条 "跟踪回访": the result of a follow-up visit by the unit that helped the person — when, by
 * whom, how the person is doing, and what they still need (needs of 第十条–第十八条, which the
 * answer routes to the units they point to, for a new referral or lead).
 */
export class FollowUpVisitPayloadV1 {
  @JSONSchema({ description: 'the day of the visit (Beijing date); not in the future, not before the handoff was received' })
  @IsCalendarDate()
  visitedOn!: string;

  @JSONSchema({ description: 'who visited (the unit’s staff)' })
  @IsString()
  @Length(1, 100)
  visitedBy!: string;

  @JSONSchema({ description: 'improved, unchanged or worse since the help' })
  @IsIn(VISIT_SITUATIONS)
  situationAfter!: VisitSituation;

  @JSONSchema({ description: 'needs the person still has (第十条–第十八条); the answer proposes the units they point to' })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(NEEDS, { each: true })
  furtherNeeds?: Need[];

  @JSONSchema({ description: 'the visiting unit’s own record of the visit: never forwarded to another unit (a follow-on lead carries followOn.noteForRecipient instead)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}
