import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import {
  AdvanceReferralPayloadV1,
  UNIT_CODES,
  type UnitCode,
  CaseMaterialDto,
  FollowUpVisitPayloadV1,
  type HandoffKind,
  JudicialReferralPayloadV1,
  SocialLeadPayloadV1,
  UrgentMedicalNoticePayloadV1,
} from '#contracts';

// Request bodies of the units' API: the message payload plus what addresses it.

const CASE_REF = /^[\p{L}\p{N}()（）〔〕[\]\-_/.#号字第 ]+$/u;

/** The sender's case number, e.g. 晋检救〔2026〕12号. */
const CaseRef = () =>
  applyDecorators(
    IsString(),
    Length(1, 64),
    Matches(CASE_REF, { message: 'caseRef must be 1–64 letters, digits and the usual case-number punctuation' }),
  );

/** One handoff is opened per recipient. */
const Recipients = () =>
  applyDecorators(IsArray(), ArrayNotEmpty(), ArrayUnique(), IsIn(UNIT_CODES, { each: true, message: 'recipients must be member-unit codes' }));

export class OpenJudicialReferralRequest extends JudicialReferralPayloadV1 {
  @CaseRef()
  caseRef!: string;

  @Recipients()
  recipients!: UnitCode[];
}

export class OpenAdvanceReferralRequest extends AdvanceReferralPayloadV1 {
  @CaseRef()
  caseRef!: string;

  @Recipients()
  recipients!: UnitCode[];
}

/** A lead always goes to the procuratorate; caseRef is the department's own reference. */
export class OpenSocialLeadRequest extends SocialLeadPayloadV1 {
  @CaseRef()
  caseRef!: string;
}

export class OpenUrgentMedicalNoticeRequest extends UrgentMedicalNoticePayloadV1 {
  @CaseRef()
  caseRef!: string;
}

export type OpenHandoffRequest =
  | OpenJudicialReferralRequest
  | OpenAdvanceReferralRequest
  | OpenSocialLeadRequest
  | OpenUrgentMedicalNoticeRequest;

/** The request that opens each kind of handoff. */
export interface OpeningRequests {
  'judicial-referral': OpenJudicialReferralRequest;
  'advance-referral': OpenAdvanceReferralRequest;
  'social-lead': OpenSocialLeadRequest;
  'urgent-medical-notice': OpenUrgentMedicalNoticeRequest;
}

/** A request to open handoffs with its kind, which decides the request's class. */
export type OpeningRequest<K extends HandoffKind = HandoffKind> = { [k in K]: { kind: k; request: OpeningRequests[k] } }[K];

/**
 * 第二十五条 → 第二十条 ¶1 / 第十九条: the handoff a follow-up visit opens for the needs it found, in the
 * same call: a department's lead to the procuratorate, or the procuratorate's judicial referral to the
 * units the needs point to. The person, the situation and the priority groups come from the visited
 * handoff as the visiting unit holds it; what a referral must say beyond that (第九条, 第十九条) is here.
 */
export class FollowOnHandoffDto {
  @JSONSchema({ description: 'the visiting unit’s case number for the new handoff' })
  @CaseRef()
  caseRef!: string;

  @JSONSchema({ description: 'a judicial referral (the procuratorate visiting): its findings (第十九条); refused (400) on a department’s lead' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  findings?: string;

  @JSONSchema({ description: 'a judicial referral: its suggestion (第十九条)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  suggestion?: string;

  @JSONSchema({ description: 'a judicial referral: 第九条 救助申请人情况说明' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  applicantStatement?: string;

  @JSONSchema({ description: 'a judicial referral: 第九条 案件材料' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CaseMaterialDto)
  caseMaterials?: CaseMaterialDto[];

  @JSONSchema({
    description:
      'a lead (a department visiting): text for the procuratorate, appended to the lead’s summary after what the visit found (its date, the original case number, the needs). ' +
      'Nothing else of the visit is forwarded: its own `note` stays in the unit’s record. The answer’s `followOn.forwarded.summary` is the summary as the procuratorate reads it. ' +
      'Refused (400) on the procuratorate’s referral, whose texts are `findings`, `suggestion` and `applicantStatement`',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  noteForRecipient?: string;
}

/** A follow-up visit, and optionally the handoff it opens for the needs it found. */
export class RecordFollowUpVisitRequest extends FollowUpVisitPayloadV1 {
  @JSONSchema({ description: 'open the follow-on handoff for furtherNeeds in the same call (the visit and the new handoff commit together)' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FollowOnHandoffDto)
  followOn?: FollowOnHandoffDto;
}
