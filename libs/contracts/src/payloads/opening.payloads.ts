import 'reflect-metadata';
import { Type } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { UNIT_CODES, type UnitCode } from '../unit-codes.js';
import { IsCalendarDate } from '../calendar-date.js';
import { IsInstant } from '../instant.js';
import { IsYuanAmount } from '../money.js';
import { type Need, NEEDS, Situation } from '../policy.enums.js';
import { CaseSubjectDto } from './case-subject.dto.js';

/** Why a referral goes to a unit none of its stated needs points to (第十条–第十八条). */
export class RecipientReasonDto {
  @IsIn(UNIT_CODES)
  unit!: UnitCode;

  @IsString()
  @Length(1, 500)
  reason!: string;
}

/** One item of the case materials (案件材料) a referral carries (第九条, 第十九条 ¶2 "移送相关材料"). */
export class CaseMaterialDto {
  /** what the document is, e.g. 司法救助审批表, 调查笔录, 医疗诊断证明 */
  @IsString()
  @Length(1, 200)
  title!: string;

  /** where the receiving unit finds it (a file number, a registry reference) — not the document itself */
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reference?: string;
}

/**
 * What a referral says about the person's needs (第十条–第十八条): it states them (a new referral
 * without them is refused where it is opened, checkRouting in #handoffs — this payload stays valid
 * without them, as referrals stored before the rule were), the recipients must be units the needs
 * point to, and each other recipient has its reason in recipientReasons.
 */
export class ReferralNeedsDto extends CaseSubjectDto {
  @JSONSchema({
    description:
      'the person’s needs (第十条–第十八条): required on a referral, at least one (a referral records what it asks for; missing → 400). ' +
      'Every recipient must be a unit a need points to (see POST /routing/proposals), or have its reason in recipientReasons; otherwise the referral is refused (400). ' +
      'Optional in the schema only because referrals stored before the rule carry none',
  })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsIn(NEEDS, { each: true })
  needs?: Need[];

  /** 第十七条 "五老人" (read as 老年人, elders): the person is elderly — not one of 第五条's groups. */
  @IsOptional()
  @IsBoolean()
  elder?: boolean;

  @JSONSchema({ description: 'why a recipient no stated need points to is sent the referral all the same' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RecipientReasonDto)
  recipientReasons?: RecipientReasonDto[];

  /** 第九条 "救助申请人情况说明": the applicant's own statement of their situation (a checklist item of referrals). */
  @JSONSchema({ description: '第九条 救助申请人情况说明: required on a referral (checked with the materials checklist; missing → 400 listing what is missing)' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  applicantStatement?: string;

  /** 第九条 "国家司法救助案件材料", 第十九条 ¶2 "相关材料": the case materials forwarded with the referral. */
  @JSONSchema({ description: '第九条 国家司法救助案件材料: at least one item on a referral (materials checklist; missing → 400 listing what is missing)' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CaseMaterialDto)
  caseMaterials?: CaseMaterialDto[];
}

/** 第十九条 ¶1: written referral (书面移送) with the findings and a suggestion. */
export class JudicialReferralPayloadV1 extends ReferralNeedsDto {
  /** The 5-working-day clock of 第十九条 ¶1 starts the day after this date. */
  @IsCalendarDate()
  investigationEndedOn!: string;

  @IsString()
  @Length(1, 5000)
  findings!: string;

  @IsString()
  @Length(1, 2000)
  suggestion!: string;
}

/** 第十九条 ¶2: advance referral (先行移送) while the judicial case is open. */
export class AdvanceReferralPayloadV1 extends ReferralNeedsDto {
  /** 第十九条 ¶2 "应当说明理由": the referral must state why it cannot wait. */
  @IsString()
  @Length(1, 2000, { message: 'reason is required for an advance referral (第十九条 ¶2)' })
  reason!: string;

  @IsOptional()
  @IsString()
  @Length(1, 5000)
  findings?: string;

  @IsString()
  @Length(1, 2000)
  suggestion!: string;
}

/** 第二十条 ¶1: a department's lead (线索) to the procuratorate. */
export class SocialLeadPayloadV1 extends CaseSubjectDto {
  /** The 5-working-day clock of 第二十条 ¶1 starts the day after this date. */
  @IsCalendarDate()
  discoveredOn!: string;

  @IsString()
  @Length(1, 5000)
  summary!: string;
}

/** 第二十条 ¶2: only a life-threatening crime injury or a tort injury needing treatment qualifies. */
export const URGENT_MEDICAL_SITUATIONS = [Situation.LifeThreateningInjury, Situation.TortInjury] as const;

/** 第二十条 ¶2: urgent medical notice, told to the procuratorate at once. */
export class UrgentMedicalNoticePayloadV1 extends CaseSubjectDto {
  @IsIn(URGENT_MEDICAL_SITUATIONS, {
    message: `situation of an urgent medical notice must be one of ${URGENT_MEDICAL_SITUATIONS.join(', ')} (第二十条 ¶2)`,
  })
  // Both this rule and CaseSubjectDto's apply; class-validator-jsonschema would merge the two enum
  // lists index by index in a subclass, so the document states the narrower one outright.
  @JSONSchema((schema) => ({ ...schema, enum: [...URGENT_MEDICAL_SITUATIONS] }))
  declare situation: (typeof URGENT_MEDICAL_SITUATIONS)[number];

  @IsString()
  @Length(1, 200)
  hospital!: string;

  @IsString()
  @Length(1, 2000)
  condition!: string;

  /** When the department learned of the emergency (an instant; the acknowledgement clock is in hours). */
  @IsInstant()
  noticedAt!: string;

  /** The estimated cost of treatment, in yuan (元). */
  @IsOptional()
  @IsYuanAmount()
  estimatedCostYuan?: number;
}
