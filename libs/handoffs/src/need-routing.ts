import { type UnitCode, UNIT_CODES, Need, type PriorityGroup } from '#contracts';

/**
 * Who a need goes to, as the policy assigns it (第十条–第十八条). Rules are data: each names the
 * need, the article, the units it points to, and — where the text limits the duty to some people —
 * the groups the person must belong to (第十七条: minors, women and elders harmed by a crime).
 */
export interface NeedRule {
  need: Need;
  article: string;
  units: readonly UnitCode[];
  /** the duty exists only for a person in one of these groups (else the need points nowhere) */
  onlyFor?: readonly PersonGroup[];
}

/** The groups 第十七条 names; `elder` is the text's "五老人", read as 老年人 (elders). */
export type PersonGroup = 'minor' | 'woman' | 'elder';

/** 第十七条: the three people's organisations act jointly ("联合相关部门") for minors, women and elders. */
const ARTICLE_17_UNITS: readonly UnitCode[] = ['youth-league', 'womens-federation', 'next-generation'];
const ARTICLE_17_GROUPS: readonly PersonGroup[] = ['minor', 'woman', 'elder'];

export const NEED_RULES: readonly NeedRule[] = [
  { need: Need.EducationSupport, article: '第十条第一款', units: ['education'] },
  { need: Need.StudentAid, article: '第十条第二款', units: ['education'] },
  { need: Need.DropoutReturn, article: '第十条第二款', units: ['education'] },
  // An orphan of the case: education's care first (第十条 ¶2) and civil affairs' protection (第十一条 ¶2).
  { need: Need.OrphanedChild, article: '第十条第二款', units: ['education'] },
  { need: Need.OrphanedChild, article: '第十一条第二款', units: ['civil-affairs'] },
  { need: Need.LivingAllowance, article: '第十一条第一款', units: ['civil-affairs'] },
  { need: Need.TemporaryAssistance, article: '第十一条第一款', units: ['civil-affairs'] },
  { need: Need.LegalAid, article: '第十二条', units: ['justice'] },
  { need: Need.EmploymentServices, article: '第十三条', units: ['hrss'] },
  { need: Need.VocationalTraining, article: '第十三条', units: ['hrss'] },
  { need: Need.RuralPovertyRisk, article: '第十四条', units: ['agriculture'] },
  { need: Need.MedicalAssistance, article: '第十五条第一款', units: ['medical-security'] },
  { need: Need.CareAccess, article: '第十五条第二款', units: ['health'] },
  { need: Need.VeteranSupport, article: '第十六条', units: ['veterans'] },
  { need: Need.PsychologicalCounselling, article: '第十七条第一款', units: ARTICLE_17_UNITS, onlyFor: ARTICLE_17_GROUPS },
  { need: Need.LegalHelp, article: '第十七条第一款', units: ARTICLE_17_UNITS, onlyFor: ARTICLE_17_GROUPS },
  { need: Need.FamilyEducationGuidance, article: '第十七条第一款', units: ARTICLE_17_UNITS, onlyFor: ARTICLE_17_GROUPS },
  { need: Need.EmploymentGuidance, article: '第十七条第一款', units: ARTICLE_17_UNITS, onlyFor: ARTICLE_17_GROUPS },
  { need: Need.MinorInDistress, article: '第十七条第二款', units: ARTICLE_17_UNITS, onlyFor: ['minor'] },
  { need: Need.DisabilityEmployment, article: '第十八条第一款', units: ['disabled-federation'] },
  { need: Need.ChildRehabilitation, article: '第十八条第二款', units: ['disabled-federation'] },
];

/**
 * 第五条's priority groups that themselves point to a unit: veterans and entitled groups (第十六条),
 * households at risk of poverty because of the case (第十四条).
 */
export const GROUP_RULES: readonly { group: PriorityGroup; article: string; units: readonly UnitCode[]; need: Need }[] = [
  { group: 'veteran', article: '第十六条', units: ['veterans'], need: Need.VeteranSupport },
  { group: 'poverty-risk-household', article: '第十四条', units: ['agriculture'], need: Need.RuralPovertyRisk },
];

export interface RoutingRequest {
  needs: readonly Need[];
  priorityGroups?: readonly PriorityGroup[];
  /** 第十七条 "五老人" (elders): not one of 第五条's groups, so stated apart */
  elder?: boolean;
}

export interface ProposedRecipient {
  unit: UnitCode;
  /** the articles that give the unit the duty, e.g. ['第十一条第一款'] */
  articles: string[];
  /** the stated needs (or groups' needs) that point to it */
  needs: Need[];
}

function personGroups(request: RoutingRequest): Set<PersonGroup> {
  const groups = new Set<PersonGroup>();
  if (request.priorityGroups?.includes('minor')) groups.add('minor');
  if (request.priorityGroups?.includes('woman')) groups.add('woman');
  if (request.elder) groups.add('elder');
  return groups;
}

/**
 * The units a person's needs and groups point to (第十条–第十八条), in the units' order, each with the
 * articles and needs behind it. A need limited to some people (第十七条) points nowhere for others.
 */
export function proposeRecipients(request: RoutingRequest): ProposedRecipient[] {
  const groups = personGroups(request);
  const byUnit = new Map<UnitCode, { articles: Set<string>; needs: Set<Need> }>();
  const add = (unit: UnitCode, article: string, need: Need) => {
    const entry = byUnit.get(unit) ?? { articles: new Set<string>(), needs: new Set<Need>() };
    entry.articles.add(article);
    entry.needs.add(need);
    byUnit.set(unit, entry);
  };
  for (const rule of NEED_RULES) {
    if (!request.needs.includes(rule.need)) continue;
    if (rule.onlyFor && !rule.onlyFor.some((group) => groups.has(group))) continue;
    for (const unit of rule.units) add(unit, rule.article, rule.need);
  }
  for (const rule of GROUP_RULES) {
    if (!request.priorityGroups?.includes(rule.group)) continue;
    for (const unit of rule.units) add(unit, rule.article, rule.need);
  }
  return UNIT_CODES.filter((unit) => byUnit.has(unit)).map((unit) => {
    const entry = byUnit.get(unit) as { articles: Set<string>; needs: Set<Need> };
    return { unit, articles: [...entry.articles], needs: [...entry.needs] };
  });
}

/**
 * 第十条–第十八条: a referral's recipients must be units its stated needs point to; a recipient
 * no need points to is accepted only with the request's reason for it. Returns the recipients
 * refused (none: all fine).
 */
export function unroutedRecipients(
  recipients: readonly UnitCode[],
  request: RoutingRequest,
  reasons: Readonly<Partial<Record<string, string>>> | undefined,
): UnitCode[] {
  const proposed = new Set(proposeRecipients(request).map((recipient) => recipient.unit));
  return recipients.filter((unit) => !proposed.has(unit) && !(reasons?.[unit] ?? '').trim());
}
