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
 * The chain of timed obligations of DOMAIN.md: sent → received → procedure started (第二十一条,
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
export type Step = (typeof STEP_ORDER)[number];

export function stepIndex(step: Step): number {
  return STEP_ORDER.indexOf(step);
}

/** The step that must be the latest before `next` may be recorded. */
export function requiredPredecessor(next: Step): Step | null {
  const index = stepIndex(next);
  return index <= 0 ? null : STEP_ORDER[index - 1];
}
