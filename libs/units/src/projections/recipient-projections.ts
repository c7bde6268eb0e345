import { type UnitCode, type HandoffKind, MATERIAL_TYPES, type MaterialType } from '#contracts';

// 第二十四条: citizens' information learned in this work is confidential. Each unit receives, stores
// and reads only what its own duty (第九条–第十八条) needs of a handoff's opening payload: a
// projection per recipient and kind of handoff. The sender keeps the full record. What is not
// listed here is not sent: an unknown combination gets MINIMUM_PROJECTION (nothing), never the whole.

/**
 * A payload field as a projection lists it: a top-level field of the opening payload, or one field
 * of the person (`person.name`). Checked against the payload classes by recipient-projections.spec.
 */
export type ProjectedField = string;

export interface RecipientProjection {
  /** the payload fields the recipient receives */
  fields: readonly ProjectedField[];
  /** the kinds of attached documents it receives (documents it attached itself it always sees) */
  materials: readonly MaterialType[];
  /** the article of the policy whose duty needs these fields (or that rules the combination out) */
  article: string;
}

/** An unknown recipient or kind: nothing of the person, no document (第二十四条). */
export const MINIMUM_PROJECTION: RecipientProjection = Object.freeze({ fields: [], materials: [], article: '第二十四条' });

// What every recipient of a referral holds, whatever its duty. 第十九条 ¶1 has the procuratorate
// transfer its findings (调查核实情况) in writing, and 第九条 the applicant's statement
// (救助申请人情况说明) and the case materials (国家司法救助案件材料), to the departments it refers to: a
// department cannot assess a referral it cannot read. So each recipient identifies the person by
// name and ID number (its own records are keyed by them), sees the 第四条 situation, the 第五条
// groups, the 第十条–第十八条 needs, the sender's suggestion (第十九条 ¶1 "提出救助建议"), only its own
// entry of recipientReasons, and for an advance referral why it could not wait (第十九条 ¶2).
// Least data (第二十四条) still cuts what lies beyond the text's materials: contact details, other
// units' reasons, measures and notes, and documents of a kind unrelated to the recipient's duty.
const IDENTITY = ['person.name', 'person.idNumber'] as const;
/** 第十九条 ¶1 调查核实情况: the investigation, i.e. the crime narrative. */
const FINDINGS = 'findings';
/** 第九条 救助申请人情况说明: the applicant's own account of the household's situation. */
const STATEMENT = 'applicantStatement';
/** 第九条: the list of case materials (titles and file references). */
const MATERIALS_LIST = 'caseMaterials';
const TRANSFERRED_MATERIALS = [FINDINGS, STATEMENT, MATERIALS_LIST] as const;
const REFERRAL_COMMON = [...IDENTITY, 'situation', 'priorityGroups', 'needs', 'recipientReasons', 'suggestion', ...TRANSFERRED_MATERIALS] as const;
const JUDICIAL_COMMON = [...REFERRAL_COMMON, 'investigationEndedOn'] as const;
const ADVANCE_COMMON = [...REFERRAL_COMMON, 'reason'] as const;
/** 第九条 国家司法救助案件材料: the documents of the case materials reach every recipient of a referral. */
const CASE_FILE: MaterialType = 'case-file';

/** The two referral kinds (第十九条) to one social-assistance unit, with what its duty adds. */
function referrals(article: string, extra: readonly ProjectedField[], materials: readonly MaterialType[]): Record<HandoffKind, RecipientProjection> {
  return {
    'judicial-referral': { fields: [...JUDICIAL_COMMON, ...extra], materials: [CASE_FILE, ...materials], article },
    'advance-referral': { fields: [...ADVANCE_COMMON, ...extra], materials: [CASE_FILE, ...materials], article },
    // 第二十条: leads and urgent notices go to the procuratorate only; a social unit never receives one.
    'social-lead': { fields: [], materials: [], article: '第二十条第一款' },
    'urgent-medical-notice': { fields: [], materials: [], article: '第二十条第二款' },
  };
}

/** Reaching the person directly: units that visit, interview or arrange services with them. */
const PHONE = 'person.phone';

export const RECIPIENT_PROJECTIONS: Readonly<Record<UnitCode, Readonly<Record<HandoffKind, RecipientProjection>>>> = {
  // 第九条: the procuratorate accepts, investigates and decides judicial assistance: a lead or an
  // urgent notice reaches it whole. 第十九条: it sends referrals and never receives one.
  procuratorate: {
    'judicial-referral': { fields: [], materials: [], article: '第十九条第一款' },
    'advance-referral': { fields: [], materials: [], article: '第十九条第二款' },
    'social-lead': {
      fields: ['person.name', 'person.idNumber', 'person.phone', 'situation', 'priorityGroups', 'discoveredOn', 'summary'],
      materials: MATERIAL_TYPES,
      article: '第九条、第二十条第一款',
    },
    'urgent-medical-notice': {
      fields: ['person.name', 'person.idNumber', 'person.phone', 'situation', 'priorityGroups', 'hospital', 'condition', 'noticedAt', 'estimatedCostYuan'],
      materials: MATERIAL_TYPES,
      article: '第九条、第二十条第二款',
    },
  },
  // 第十条: student aid, return to school, orphans' schooling — the child's school records. Not the
  // phone: the school reaches the family through the referring unit's liaison (第二十二条 专人).
  education: referrals('第十条', [], ['identity', 'school', 'household-finances']),
  // 第十一条: checks the family's situation (低保, 特困, 低保边缘, 临时救助): the household's documents;
  // visits, so the phone. Medical bills: 临时救助 for sudden illness.
  'civil-affairs': referrals('第十一条', [PHONE], ['identity', 'household-finances', 'medical', 'disability']),
  // 第十二条: legal aid in the case itself: the lawyer reaches the client, and the household's means
  // decide the aid (法律援助法).
  justice: referrals('第十二条', [PHONE], ['identity', 'household-finances']),
  // 第十三条: employment services and training: who, how to reach them, their situation.
  hrss: referrals('第十三条', [PHONE], ['identity', 'disability']),
  // 第十四条: verifies the rural household's risk of (re)falling into poverty.
  agriculture: referrals('第十四条', [PHONE], ['identity', 'household-finances']),
  // 第十五条 ¶1: medical assistance for the injury the case caused; pays through the insurance records
  // (ID number), so no phone.
  'medical-security': referrals('第十五条第一款', [], ['identity', 'medical', 'household-finances']),
  // 第十五条 ¶2: practical help when the person seeks care: who, how to reach them, the medical records.
  health: referrals('第十五条第二款', [PHONE], ['identity', 'medical']),
  // 第十六条: veterans and entitled groups.
  veterans: referrals('第十六条', [PHONE], ['identity', 'household-finances']),
  // 第十七条: counselling, legal help, family-education guidance for minors, women, elders.
  'youth-league': referrals('第十七条', [PHONE, 'elder'], ['identity', 'school']),
  'womens-federation': referrals('第十七条', [PHONE, 'elder'], ['identity']),
  'next-generation': referrals('第十七条', [PHONE, 'elder'], ['identity', 'school']),
  // 第十八条: jobs and training for certified disabled people, rehabilitation of disabled children 0–6.
  'disabled-federation': referrals('第十八条', [PHONE], ['identity', 'disability', 'medical']),
};

/** What `recipient` receives of a `kind` handoff; the minimum for a combination not in the table. */
export function projectionFor(recipient: string, kind: string): RecipientProjection {
  const byKind = (RECIPIENT_PROJECTIONS as Record<string, Record<string, RecipientProjection> | undefined>)[recipient];
  return byKind?.[kind] ?? MINIMUM_PROJECTION;
}
