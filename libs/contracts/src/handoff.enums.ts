// The handoffs of 第十九条–第二十一条 and the steps each one goes through.

export const HandoffKind = {
  /** 第十九条 ¶1: written referral within 5 working days after the investigation ends */
  JudicialReferral: 'judicial-referral',
  /** 第十九条 ¶2: advance referral while the judicial case is open; must state why */
  AdvanceReferral: 'advance-referral',
  /** 第二十条 ¶1: a department's lead to the procuratorate within 5 working days of discovery */
  SocialLead: 'social-lead',
  /** 第二十条 ¶2: life in danger and cannot pay for treatment: tell the procuratorate at once */
  UrgentMedicalNotice: 'urgent-medical-notice',
} as const;
export type HandoffKind = (typeof HandoffKind)[keyof typeof HandoffKind];
export const HANDOFF_KINDS: readonly HandoffKind[] = Object.values(HandoffKind);

/**
 * The chain of timed obligations of a handoff: sent → received → procedure started (第二十一条,
 * within 5 working days) → concluded → feedback given (within 5 working days of closing)
 * → feedback received. The order of this array is the only legal order.
 */
export const STEP_ORDER = [
  'sent',
  'received',
  'procedure-started',
  'concluded',
  'feedback-given',
  'feedback-received',
] as const;
export type ChainStep = (typeof STEP_ORDER)[number];

/**
 * Steps recorded on the timeline beside the chain, which do not move a handoff along it:
 * - `advance-payment-decided`: 第二十条 ¶2 "人民检察院可以先行救助" — the procuratorate's decision on an
 *   urgent medical notice whether to pay first (yes/no, date, amount). Its own step, because only a
 *   "yes" starts the duty to complete the paperwork afterwards (救助后应当及时补办相关手续).
 * - `follow-up-visit-1`, `follow-up-visit-2`: 第二十五条 "跟踪回访" — the receiver's follow-up visits of a
 *   person it helped (the scheduler reminds and escalates them: libs/deadlines FOLLOW_UP_VISITS).
 */
export const SIDE_STEPS = ['advance-payment-decided', 'follow-up-visit-1', 'follow-up-visit-2'] as const;
export type SideStep = (typeof SIDE_STEPS)[number];

/** Every step a timeline may hold: the chain, and the side steps. */
export type Step = ChainStep | SideStep;
export const TIMELINE_STEPS: readonly Step[] = [...STEP_ORDER, ...SIDE_STEPS];

/** 第二十五条: the follow-up visits, in the order they are due. */
export const FOLLOW_UP_VISIT_STEPS = ['follow-up-visit-1', 'follow-up-visit-2'] as const satisfies readonly SideStep[];
export type FollowUpVisitStep = (typeof FOLLOW_UP_VISIT_STEPS)[number];

export function isChainStep(step: Step): step is ChainStep {
  return (STEP_ORDER as readonly string[]).includes(step);
}

export function stepIndex(step: ChainStep): number {
  return STEP_ORDER.indexOf(step);
}

/** The step that must be the latest before `next` may be recorded. */
export function requiredPredecessor(next: ChainStep): ChainStep | null {
  const index = stepIndex(next);
  return index <= 0 ? null : STEP_ORDER[index - 1];
}
