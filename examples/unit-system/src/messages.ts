import type { BusEnvelope, CivilAffairsMessage, EducationMessage } from '#client';

/** What this system needs of a message, whatever the unit's field names. */
export interface Received {
  messageId: string;
  type: string;
  handoffId: string;
  caseRef: string;
  from: string;
  /** the person, for an opening message */
  personName?: string;
}

/**
 * Reads a message in the unit's own field names: 民政局's pinyin initials, 教育局's `referralNo` and
 * `student`, or the canonical envelope for every other unit (docs/openapi/adapter-<unit>.json,
 * schema UnitMessage).
 */
export function readMessage(unit: string, body: unknown): Received {
  if (unit === 'civil-affairs') {
    const message = body as CivilAffairsMessage;
    return { messageId: message.xxid, type: message.ywlx, handoffId: message.yjid, caseRef: message.ajbh, from: message.fsdw, personName: message.xm };
  }
  if (unit === 'education') {
    const message = body as EducationMessage;
    return { messageId: message.id, type: message.type, handoffId: message.handoffId, caseRef: message.referralNo, from: message.from, personName: message.student?.fullName };
  }
  const message = body as BusEnvelope;
  const person = (message.payload as { person?: { name?: string } }).person;
  return { messageId: message.id, type: message.type, handoffId: message.handoffId, caseRef: message.caseRef, from: message.from, personName: person?.name };
}

/** The messages that open a handoff at the receiver: the ones it must act on (第二十一条). */
export const OPENING_TYPES = ['handoff.judicial-referral', 'handoff.advance-referral', 'handoff.social-lead', 'handoff.urgent-medical-notice'];
