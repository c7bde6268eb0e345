import { plainToInstance } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { detailsFor } from '#units';
import { type UnitCode, type FollowUpVisitPayloadV1, HandoffKind, JUDICIAL_HUB, type Need, PRIORITY_GROUPS, type PriorityGroup } from '#contracts';
import { MEASURE_LABELS_ZH, type ProposedRecipient, proposeRecipients } from '#handoffs';
import type { HandoffWithSteps } from '#persistence';
import { type FollowOnHandoffDto, OpenJudicialReferralRequest, type OpeningRequest, OpenSocialLeadRequest } from '../api/open-handoff.dto.js';

/** The follow-on handoff a visit asked for cannot be opened as stated (400, each problem under followOn.). */
export class FollowOnRefusedError extends Error {
  override readonly name = 'FollowOnRefusedError';
  constructor(readonly problems: { field: string; message: string }[]) {
    super(`the follow-on handoff cannot be opened: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
}

function flatten(errors: ValidationError[], prefix: string): { field: string; message: string }[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((message) => ({ field: `${prefix}${error.property}`, message })),
    ...flatten(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}

/** The visited person as the visiting unit holds them (its projection, 第二十四条). */
interface VisitedSubject {
  person: unknown;
  situation: unknown;
  /** 第五条's groups */
  priorityGroups?: PriorityGroup[];
  /** 第十七条 "五老人" (elders), where the visiting unit's record carries it */
  elder?: true;
}

const isPriorityGroup = (group: unknown): group is PriorityGroup => typeof group === 'string' && (PRIORITY_GROUPS as readonly string[]).includes(group);

function visitedSubject(visitor: UnitCode, visited: HandoffWithSteps): VisitedSubject {
  const held = detailsFor(visitor, visited, visited.details as Record<string, unknown>);
  const groups = Array.isArray(held.priorityGroups) ? held.priorityGroups.filter(isPriorityGroup) : undefined;
  return { person: held.person, situation: held.situation, ...(groups ? { priorityGroups: groups } : {}), ...(held.elder === true ? { elder: true as const } : {}) };
}

/**
 * 第二十五条 → 第十条–第十八条: the units the needs a visit found point to, for the person visited —
 * their groups count, since 第十七条's needs point to the people's organisations only for minors,
 * women and elders.
 */
export function proposeForVisit(visitor: UnitCode, visited: HandoffWithSteps, needs: readonly Need[]): ProposedRecipient[] {
  if (needs.length === 0) return [];
  const { priorityGroups, elder } = visitedSubject(visitor, visited);
  return proposeRecipients({ needs, priorityGroups, elder });
}

/** What a followOn may say beyond its case number, by the kind of handoff it opens. */
const REFERRAL_ONLY = ['findings', 'suggestion', 'applicantStatement', 'caseMaterials'] as const;
const LEAD_ONLY = ['noteForRecipient'] as const;

/**
 * The free texts of the new handoff that its recipient reads, exactly as sent: the visit's answer
 * shows them, so the visiting unit sees what left it.
 */
export interface ForwardedTexts {
  /** a lead's summary: what the visit found (its date, the original case, the needs), then noteForRecipient */
  summary?: string;
  findings?: string;
  suggestion?: string;
  applicantStatement?: string;
}

/**
 * 第二十五条 "跟踪回访" → the next handoff, for the needs the visit found. The policy's topology decides
 * its kind: a department that visits sends the procuratorate a lead (第二十条 ¶1 线索移送), naming the
 * needs; the procuratorate that visits refers the person to the units the needs point to (第十九条).
 * The person, situation and priority groups are those of the visited handoff as the visiting unit
 * holds it (its projection, 第二十四条); the request is checked by the same rules as one sent directly.
 * No free text travels unless the visitor put it in followOn for the recipient (第二十四条): the
 * visit's own note stays in the visiting unit's record; a lead carries followOn.noteForRecipient, a
 * referral its findings, suggestion and applicant's statement. A text the new handoff would not carry
 * is refused rather than dropped.
 */
export async function followOnRequest(
  visitor: UnitCode,
  visited: HandoffWithSteps,
  visit: FollowUpVisitPayloadV1,
  followOn: FollowOnHandoffDto,
  proposed: readonly ProposedRecipient[],
): Promise<{ opening: OpeningRequest<'judicial-referral' | 'social-lead'>; forwarded: ForwardedTexts }> {
  const needs = visit.furtherNeeds ?? [];
  if (needs.length === 0) throw new FollowOnRefusedError([{ field: 'furtherNeeds', message: 'a follow-on handoff answers the needs the visit found: state furtherNeeds' }]);
  const referral = visitor === JUDICIAL_HUB;
  const misplaced = (referral ? LEAD_ONLY : REFERRAL_ONLY).filter((field) => followOn[field] !== undefined);
  if (misplaced.length > 0) {
    const why = referral
      ? 'the procuratorate’s referral forwards its findings, suggestion and applicantStatement (第九条, 第十九条); noteForRecipient is for a department’s lead'
      : 'a department’s lead to the procuratorate (第二十条 ¶1) forwards its summary: put the text for the procuratorate in noteForRecipient';
    throw new FollowOnRefusedError(misplaced.map((field) => ({ field: `followOn.${field}`, message: why })));
  }
  // The procuratorate visits leads and notices, which carry no elder flag: the subject is who, situation and groups.
  const { person, situation, priorityGroups } = visitedSubject(visitor, visited);
  const subject = { person, situation, ...(priorityGroups ? { priorityGroups } : {}) };
  let opening: OpeningRequest<'judicial-referral' | 'social-lead'>;
  let forwarded: ForwardedTexts;
  if (referral) {
    const request = plainToInstance(OpenJudicialReferralRequest, {
      ...subject,
      ...followOn,
      recipients: proposed.map((recipient) => recipient.unit),
      needs,
      investigationEndedOn: visit.visitedOn,
    });
    opening = { kind: HandoffKind.JudicialReferral, request };
    const { findings, suggestion, applicantStatement } = followOn;
    forwarded = { ...(findings ? { findings } : {}), ...(suggestion ? { suggestion } : {}), ...(applicantStatement ? { applicantStatement } : {}) };
  } else {
    const found = needs.map((need) => MEASURE_LABELS_ZH[need]).join('、');
    const summary = `${visit.visitedOn}跟踪回访（原案件${visited.caseRef}）发现当事人仍需：${found}。${followOn.noteForRecipient ?? ''}`;
    opening = { kind: HandoffKind.SocialLead, request: plainToInstance(OpenSocialLeadRequest, { ...subject, caseRef: followOn.caseRef, discoveredOn: visit.visitedOn, summary }) };
    forwarded = { summary };
  }
  const problems = flatten(await validate(opening.request, { whitelist: true, forbidNonWhitelisted: true }), 'followOn.');
  if (problems.length > 0) throw new FollowOnRefusedError(problems);
  return { opening, forwarded };
}
