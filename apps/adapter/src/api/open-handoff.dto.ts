import { applyDecorators } from '@nestjs/common';
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
  applyDecorators(IsArray(), ArrayNotEmpty(), ArrayUnique(), IsIn(AGENCY_CODES, { each: true, message: 'recipients must be member-unit codes' }));

export class OpenJudicialReferralRequest extends JudicialReferralPayloadV1 {
  @CaseRef()
  caseRef!: string;

  @Recipients()
  recipients!: AgencyCode[];
}

export class OpenAdvanceReferralRequest extends AdvanceReferralPayloadV1 {
  @CaseRef()
  caseRef!: string;

  @Recipients()
  recipients!: AgencyCode[];
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
