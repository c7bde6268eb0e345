import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsCalendarDate } from '#contracts';

const CASE_REF = /^[\p{L}\p{N}()（）〔〕[\]\-_/.#号字第 ]+$/u;

/** 第十九条 ¶1: the procuratorate's investigation of a case ended; a written referral is due within 5 working days. */
export class RegisterInvestigationEndedRequest {
  @JSONSchema({ description: 'the procuratorate’s case number; the judicial referral later sent with it fulfils the duty' })
  @IsString()
  @Length(1, 64)
  @Matches(CASE_REF, { message: 'caseRef must be 1–64 letters, digits and the usual case-number punctuation' })
  caseRef!: string;

  @JSONSchema({ description: '第十九条 ¶1 调查结束: the 5 working days of the written referral count from the day after; not in the future' })
  @IsCalendarDate()
  investigationEndedOn!: string;
}

/** 第二十条 ¶1: a department discovered a possible judicial-assistance case; its lead is due at the procuratorate within 5 working days. */
export class RegisterLeadDiscoveredRequest {
  @JSONSchema({ description: 'the department’s own reference; the lead later sent with it fulfils the duty' })
  @IsString()
  @Length(1, 64)
  @Matches(CASE_REF, { message: 'caseRef must be 1–64 letters, digits and the usual case-number punctuation' })
  caseRef!: string;

  @JSONSchema({ description: '第二十条 ¶1 发现线索: the 5 working days count from the day after; not in the future' })
  @IsCalendarDate()
  discoveredOn!: string;
}

export class RegistrationView {
  @ApiProperty({ format: 'uuid', description: 'the registration; the office reads its duty with GET /obligations?handoffId=<this id>' })
  id!: string;

  @ApiProperty({ enum: ['investigation-ended', 'lead-discovered'] })
  kind!: string;

  @ApiProperty({ examples: ['晋检救〔2026〕1号'] })
  caseRef!: string;

  @ApiProperty({ format: 'date', description: 'investigationEndedOn or discoveredOn' })
  statedOn!: string;

  @ApiProperty({ format: 'date-time' })
  registeredAt!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true, description: 'when the referral or lead with this caseRef was sent (the scheduler’s record)' })
  fulfilledAt!: string | null;
}
