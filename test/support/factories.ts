import type { OpenAdvanceReferral, OpenJudicialReferral, OpenLead, OpenUrgentMedicalNotice } from '#client';
import { type UnitCode, type Need, residentIdCheckCharacter } from '#contracts';
import { NEED_RULES } from '#handoffs';

// Typed as the bus client's request bodies (generated from the OpenAPI documents); overrides may
// break the rules on purpose, for the tests of refusals.

let sequence = 0;

/**
 * Today's date in Beijing. The adapters run on the real clock, and a date a unit states for a step
 * may be neither in the future nor before the handoff was received (第二十一条): steps reported in a
 * test state today.
 */
export function beijingToday(now: Date = new Date()): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A resident ID number that passes GB 11643 (area 350582 晋江, born 1990-01-01 + n days). */
export function residentId(): string {
  const birth = new Date(Date.UTC(1990, 0, 1 + (sequence++ % 9000)));
  const digits = `350582${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(100 + (sequence % 900))}`;
  return digits + residentIdCheckCharacter(digits);
}

export function person(overrides: Record<string, unknown> = {}) {
  return { name: '林某某', idNumber: residentId(), phone: '13800000000', ...overrides };
}

export function caseRef(): string {
  return `晋检救〔2026〕${1000 + (sequence++ % 9000)}号`;
}

/**
 * 第十条–第十八条: a need that points to each recipient (a rule without a group condition), and a
 * reason for any recipient no such need points to — what a referral must state. A test that breaks
 * the routing rule on purpose overrides `needs` and `recipientReasons`.
 */
export function needsFor(recipients: readonly string[]): { needs: Need[]; recipientReasons?: { unit: string; reason: string }[] } {
  const needs = new Set<Need>();
  const reasons: { unit: string; reason: string }[] = [];
  for (const unit of recipients) {
    const rule = NEED_RULES.find((candidate) => !candidate.onlyFor && candidate.units.includes(unit as UnitCode));
    if (rule) needs.add(rule.need);
    else reasons.push({ unit, reason: '经联席会议办公室协调，请该单位协助核实当事人情况。' });
  }
  // A referral states at least one need, even when every recipient is there for a stated reason.
  if (needs.size === 0) needs.add(NEED_RULES[0].need);
  return reasons.length > 0 ? { needs: [...needs], recipientReasons: reasons } : { needs: [...needs] };
}

export function judicialReferral(recipients: string[], overrides: Record<string, unknown> = {}): OpenJudicialReferral {
  return {
    ...needsFor(recipients),
    caseRef: caseRef(),
    recipients,
    person: person(),
    situation: 'serious-injury-victim',
    priorityGroups: ['minor'],
    investigationEndedOn: '2026-11-20',
    findings: '被害人受犯罪侵害致重伤，加害人无赔偿能力，家庭生活困难。',
    suggestion: '建议纳入临时救助并协助办理助学金。',
    // 第九条: the applicant's statement and the case materials (the referral's materials checklist)
    applicantStatement: '本人因案致伤，无法工作，家中有一名在读子女。',
    caseMaterials: [{ title: '国家司法救助审批表', reference: '晋检救审〔2026〕1号' }, { title: '调查核实笔录' }],
    ...overrides,
  } as OpenJudicialReferral;
}

export function advanceReferral(recipients: string[], overrides: Record<string, unknown> = {}): OpenAdvanceReferral {
  return {
    ...needsFor(recipients),
    caseRef: caseRef(),
    recipients,
    person: person(),
    situation: 'life-threatening-injury',
    reason: '当事人急需生活救助，案件尚在办理中。',
    suggestion: '建议先行给予临时救助。',
    applicantStatement: '本人住院治疗，家庭无其他收入来源。',
    caseMaterials: [{ title: '医疗诊断证明' }],
    ...overrides,
  } as OpenAdvanceReferral;
}

export function socialLead(overrides: Record<string, unknown> = {}): OpenLead {
  return {
    caseRef: `民政线索-${sequence++}`,
    person: person(),
    situation: 'tort-injury',
    discoveredOn: '2026-11-23',
    summary: '低保审核中发现当事人因交通事故致残，未获赔偿。',
    ...overrides,
  };
}

export function urgentMedicalNotice(overrides: Record<string, unknown> = {}): OpenUrgentMedicalNotice {
  return {
    caseRef: `急救-${sequence++}`,
    person: person(),
    situation: 'life-threatening-injury',
    hospital: '晋江市医院',
    condition: '刑事案件被害人颅脑损伤，需立即手术，无力支付费用。',
    noticedAt: '2026-11-27T02:15:00.000Z',
    estimatedCostYuan: 85000,
    ...overrides,
  };
}
