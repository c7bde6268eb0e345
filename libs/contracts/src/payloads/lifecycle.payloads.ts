import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { IsCalendarDate } from '../calendar-date.js';
import { IsInstant } from '../instant.js';
import { STEP_ORDER, type Step } from '../handoff.enums.js';
import { OUTCOMES, type Outcome, REFUSAL_REASONS, type RefusalReason } from '../policy.enums.js';

/** Sent by the receiving adapter when the handoff reaches its inbox (the receipt of 第二十一条). */
export class ReceiptPayloadV1 {
  @IsInstant()
  receivedAt!: string;
}

/** 第二十一条: the receiver starts its procedure within 5 working days of receipt. */
export class ProcedureStartedPayloadV1 {
  @IsCalendarDate()
  startedOn!: string;

  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/** 第二十一条 办结: the receiver closes the case; a refusal cites its 第六条 reasons. */
export class ConcludedPayloadV1 {
  @IsCalendarDate()
  concludedOn!: string;

  @IsIn(OUTCOMES)
  outcome!: Outcome;

  @ValidateIf((payload: ConcludedPayloadV1) => payload.outcome === 'refused' || payload.refusalReasons !== undefined)
  @IsArray({ message: 'refusalReasons is required when the outcome is refused (第六条)' })
  @ArrayNotEmpty({ message: 'refusalReasons is required when the outcome is refused (第六条)' })
  @ArrayUnique()
  @IsIn(REFUSAL_REASONS, { each: true })
  refusalReasons?: RefusalReason[];

  @IsOptional()
  @IsString()
  @Length(1, 5000)
  measures?: string;
}

/** Internal event to the scheduler: which step, when. The scheduler re-reads the handoff itself. */
export class StepRecordedPayloadV1 {
  @IsIn(STEP_ORDER)
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
