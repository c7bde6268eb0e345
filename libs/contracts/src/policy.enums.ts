// Enumerations taken from 晋检发办字〔2023〕10号. Each value is frozen: it travels in stored
// messages, so renaming one would strand data already written.

/** 第四条 (一)–(七): the situations in which a person is in scope of judicial assistance. */
export const Situation = {
  /** 第四条(一): seriously injured or disabled by a crime, no compensation, living in hardship */
  SeriousInjuryVictim: 'serious-injury-victim',
  /** 第四条(二): victim whose life is in danger and who cannot pay for treatment */
  LifeThreateningInjury: 'life-threatening-injury',
  /** 第四条(三): close relatives or dependants of a victim who died */
  DeceasedVictimDependant: 'deceased-victim-dependant',
  /** 第四条(四): victim with major property loss, no compensation */
  MajorPropertyLoss: 'major-property-loss',
  /** 第四条(五): informant, witness or expert who suffered retaliation */
  RetaliatedWitness: 'retaliated-witness',
  /** 第四条(六): injured by a road accident or other tort, no compensation */
  TortInjury: 'tort-injury',
  /** 第四条(七): other cases the procuratorate decides (incl. petitioners ending their petition) */
  Other: 'other',
} as const;
export type Situation = (typeof Situation)[keyof typeof Situation];
export const SITUATIONS: readonly Situation[] = Object.values(Situation);

/** 第五条 (一)–(七): priority groups that get the green channel (绿色通道) and are helped first. */
export const PriorityGroup = {
  /** 第五条(一): households at risk of (re)falling into poverty because of the case */
  PovertyRiskHousehold: 'poverty-risk-household',
  /** 第五条(二): veterans, military families and other entitled groups (优抚对象) */
  Veteran: 'veteran',
  /** 第五条(三) */
  Woman: 'woman',
  /** 第五条(四) */
  Minor: 'minor',
  /** 第五条(五) */
  Disabled: 'disabled',
  /** 第五条(六): petitioners in difficulty (涉法涉诉信访人) */
  Petitioner: 'petitioner',
  /** 第五条(七): other special groups under policy */
  OtherSpecial: 'other-special',
} as const;
export type PriorityGroup = (typeof PriorityGroup)[keyof typeof PriorityGroup];
export const PRIORITY_GROUPS: readonly PriorityGroup[] = Object.values(PriorityGroup);

/** 第六条 (一)–(六): reasons for which assistance is generally refused. */
export const RefusalReason = {
  /** 第六条(一) */
  MajorFault: 'major-fault',
  /** 第六条(二) */
  RefusedToCooperate: 'refused-to-cooperate',
  /** 第六条(三) */
  FalseStatement: 'false-statement',
  /** 第六条(四) */
  GaveUpCivilClaim: 'gave-up-civil-claim',
  /** 第六条(五) */
  HardshipNotFromCase: 'hardship-not-from-case',
  /** 第六条(六) */
  AlreadyCompensated: 'already-compensated',
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];
export const REFUSAL_REASONS: readonly RefusalReason[] = Object.values(RefusalReason);

/**
 * A social-assistance department's own grounds for declining (第二十一条 "依据相关规定"; 第十九条 ¶1
 * "依据相关规定予以社会救助"). 第六条 lists the grounds for refusing *judicial* assistance, which only
 * the procuratorate decides; a department declines under its own rules and says why in free text.
 */
export const DeclineReason = {
  /** not eligible under the department's own rules (e.g. income above the 低保 line) */
  NotEligible: 'not-eligible',
  /** the need belongs to another unit's remit (第十条–第十八条) */
  OutsideRemit: 'outside-remit',
  /** the person declined the help or could not be reached */
  PersonDeclined: 'person-declined',
  Other: 'other',
} as const;
export type DeclineReason = (typeof DeclineReason)[keyof typeof DeclineReason];
export const DECLINE_REASONS: readonly DeclineReason[] = Object.values(DeclineReason);

/**
 * How a receiver closed a handoff (第二十一条 办结). A refusal by the procuratorate cites 第六条; a
 * refusal by a social-assistance department gives its own reason (DeclineReason) and free text.
 */
export const Outcome = {
  Assisted: 'assisted',
  Refused: 'refused',
  NotInScope: 'not-in-scope',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];
export const OUTCOMES: readonly Outcome[] = Object.values(Outcome);

/**
 * Delivery priority. Urgent medical notices jump the queue (第二十条 ¶2 "立即"); green-channel
 * cases are helped first (第三条 ¶2, 第五条).
 */
export const Priority = {
  Urgent: 'urgent',
  GreenChannel: 'green-channel',
  Normal: 'normal',
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];
export const PRIORITIES: readonly Priority[] = Object.values(Priority);

/**
 * A person's needs as 第十条–第十八条 name them, each the duty of one or more units (the rules, as
 * data, are libs/handoffs need-routing.ts). Frozen strings: they travel in stored referrals.
 */
export const Need = {
  /** 第十条 ¶1: education help for the person or their children */
  EducationSupport: 'education-support',
  /** 第十条 ¶2: national student aid (学生资助) */
  StudentAid: 'student-aid',
  /** 第十条 ¶2: a compulsory-education pupil who dropped out, to be brought back (劝返) */
  DropoutReturn: 'dropout-return',
  /** 第十条 ¶2, 第十一条 ¶2: a child orphaned, or left de facto without carers, by the case (孤儿、事实无人抚养儿童) */
  OrphanedChild: 'orphaned-child',
  /** 第十一条 ¶1: minimum living guarantee, extreme-poverty support, low-income-edge family (低保、特困、低保边缘) */
  LivingAllowance: 'living-allowance',
  /** 第十一条 ¶1: temporary assistance (临时救助) */
  TemporaryAssistance: 'temporary-assistance',
  /** 第十二条: legal aid and legal consultation under the Legal Aid Law */
  LegalAid: 'legal-aid',
  /** 第十三条: public employment services and employment assistance for the unemployed of working age */
  EmploymentServices: 'employment-services',
  /** 第十三条: vocational training and its subsidy */
  VocationalTraining: 'vocational-training',
  /** 第十四条: rural household at risk of (re)falling into poverty, to be verified */
  RuralPovertyRisk: 'rural-poverty-risk',
  /** 第十五条 ¶1: medical assistance and medical insurance */
  MedicalAssistance: 'medical-assistance',
  /** 第十五条 ¶2: practical help when seeking care in the city's hospitals */
  CareAccess: 'care-access',
  /** 第十六条: veterans and other entitled groups (优抚对象) in hardship */
  VeteranSupport: 'veteran-support',
  /** 第十七条 ¶1: psychological counselling (minors, women, elders harmed by a crime) */
  PsychologicalCounselling: 'psychological-counselling',
  /** 第十七条 ¶1: legal help */
  LegalHelp: 'legal-help',
  /** 第十七条 ¶1: family-education guidance */
  FamilyEducationGuidance: 'family-education-guidance',
  /** 第十七条 ¶1: employment guidance */
  EmploymentGuidance: 'employment-guidance',
  /** 第十七条 ¶2: a minor in distress after harm, into the organisations' regular help projects */
  MinorInDistress: 'minor-in-distress',
  /** 第十八条 ¶1: training and jobs for a certified disabled person of working age */
  DisabilityEmployment: 'disability-employment',
  /** 第十八条 ¶2: rehabilitation subsidy for a disabled or autistic child aged 0–6 */
  ChildRehabilitation: 'child-rehabilitation',
} as const;
export type Need = (typeof Need)[keyof typeof Need];
export const NEEDS: readonly Need[] = Object.values(Need);
