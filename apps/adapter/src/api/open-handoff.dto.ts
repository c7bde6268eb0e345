import { ArrayNotEmpty, ArrayUnique, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import {
  AdvanceReferralPayloadV1,
  AGENCY_CODES,
  type AgencyCode,
  JudicialReferralPayloadV1,
  SocialLeadPayloadV1,
  UrgentMedicalNoticePayloadV1,
} from '#contracts';

// Request bodies of the units' API: the message payload plus what addresses it.

const CASE_REF = /^[\p{L}\p{N}()（）〔〕\[\]\-_/.#号字第 ]+$/u;
const CASE_REF_MESSAGE = 'caseRef must be 1–64 letters, digits and the usual case-number punctuation';

export class OpenJudicialReferralRequest extends JudicialReferralPayloadV1 {
  @IsString()
  @Length(1, 64)
  @Matches(CASE_REF, { message: CASE_REF_MESSAGE })
  caseRef: string;

  /** one handoff is opened per recipient */
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(AGENCY_CODES, { each: true, message: 'recipients must be member-unit codes' })
  recipients: AgencyCode[];
}

export class OpenAdvanceReferralRequest extends AdvanceReferralPayloadV1 {
  @IsString()
  @Length(1, 64)
  @Matches(CASE_REF, { message: CASE_REF_MESSAGE })
  caseRef: string;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(AGENCY_CODES, { each: true, message: 'recipients must be member-unit codes' })
  recipients: AgencyCode[];
}

/** A lead always goes to the procuratorate; caseRef is the department's own reference. */
export class OpenSocialLeadRequest extends SocialLeadPayloadV1 {
  @IsString()
  @Length(1, 64)
  @Matches(CASE_REF, { message: CASE_REF_MESSAGE })
  caseRef: string;
}

export class OpenUrgentMedicalNoticeRequest extends UrgentMedicalNoticePayloadV1 {
  @IsString()
  @Length(1, 64)
  @Matches(CASE_REF, { message: CASE_REF_MESSAGE })
  caseRef: string;
}

export type OpenHandoffRequest =
  | OpenJudicialReferralRequest
  | OpenAdvanceReferralRequest
  | OpenSocialLeadRequest
  | OpenUrgentMedicalNoticeRequest;
