/**
 * 第十九条 ¶1 / 第二十条 ¶1: the kinds of duty a unit registers before anything is sent, and the
 * handoff kind whose sending fulfils each.
 */
export const REGISTRATION_KINDS = {
  /** the procuratorate's investigation ended: a written referral is due within 5 working days (第十九条 ¶1) */
  'investigation-ended': { handoffKind: 'judicial-referral', statedDate: 'investigationEndedOn' },
  /** a department discovered a lead: it is due at the procuratorate within 5 working days (第二十条 ¶1) */
  'lead-discovered': { handoffKind: 'social-lead', statedDate: 'discoveredOn' },
} as const;
export type RegistrationKind = keyof typeof REGISTRATION_KINDS;
