import { type UnitCode, HandoffKind, JUDICIAL_HUB, type Priority, type PriorityGroup } from '#contracts';
import { SenderNotAllowedError } from './handoff.errors.js';

/**
 * Who may open which handoff, to whom:
 * - referrals (第十九条) go from the procuratorate to the social-assistance units;
 * - leads and urgent medical notices (第二十条) go from a social-assistance unit to the procuratorate.
 */
export function openingRecipients(kind: HandoffKind, sender: UnitCode, requested: readonly UnitCode[] | undefined): UnitCode[] {
  const judicialToSocial = kind === HandoffKind.JudicialReferral || kind === HandoffKind.AdvanceReferral;
  if (judicialToSocial) {
    if (sender !== JUDICIAL_HUB) throw new SenderNotAllowedError(`only the procuratorate sends a ${kind} (第十九条)`);
    const toHub = (requested ?? []).filter((code) => code === JUDICIAL_HUB);
    if (toHub.length > 0) throw new SenderNotAllowedError(`a ${kind} goes to social-assistance units, not to the procuratorate`);
    return [...(requested ?? [])];
  }
  if (sender === JUDICIAL_HUB) throw new SenderNotAllowedError(`a ${kind} is sent to the procuratorate by a social-assistance unit (第二十条)`);
  return [JUDICIAL_HUB];
}

/** Urgent medical notices jump the queue (第二十条 ¶2); priority groups get the green channel (第五条). */
export function priorityOf(kind: HandoffKind, priorityGroups: readonly PriorityGroup[] | undefined): Priority {
  if (kind === HandoffKind.UrgentMedicalNotice) return 'urgent';
  return priorityGroups && priorityGroups.length > 0 ? 'green-channel' : 'normal';
}
