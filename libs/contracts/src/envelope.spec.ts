import { MessageType } from './message-types.js';
import { SCHEMA_VERSIONS, schemaVersionsOf, validatePayload } from './envelope.js';
import { CURRENT_SCHEMA_VERSION } from './message-catalog.js';
import { requiredPredecessor } from './handoff.enums.js';

const person = { name: '林某某', idNumber: '11010519491231002X' };

describe('payloads validated where they are consumed', () => {
  it('refuses an advance referral without a reason (第十九条 ¶2)', () => {
    const result = validatePayload(MessageType.AdvanceReferral, 1, { person, situation: 'other', suggestion: '建议' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.field)).toContain('reason');
  });

  it('requires 第六条 reasons for a refusal, and only known ones', () => {
    const refused = { concludedOn: '2026-11-27', outcome: 'refused' };
    expect(validatePayload(MessageType.Concluded, 1, refused).ok).toBe(false);
    expect(validatePayload(MessageType.Concluded, 1, { ...refused, refusalReasons: ['bad-luck'] }).ok).toBe(false);
    expect(validatePayload(MessageType.Concluded, 1, { ...refused, refusalReasons: ['major-fault'] }).ok).toBe(true);
    expect(validatePayload(MessageType.Concluded, 1, { concludedOn: '2026-11-27', outcome: 'assisted' }).ok).toBe(true);
    // A social-assistance department declines under its own rules, with free text (第六条 is the procuratorate's).
    expect(validatePayload(MessageType.Concluded, 1, { ...refused, declineReason: 'not-eligible', declineDetails: '收入高于低保标准' }).ok).toBe(true);
    expect(validatePayload(MessageType.Concluded, 1, { ...refused, declineReason: 'not-eligible' }).ok).toBe(false);
    expect(validatePayload(MessageType.Concluded, 1, { ...refused, declineReason: 'bad-luck', declineDetails: 'x' }).ok).toBe(false);
  });

  it('accepts only the two 第二十条 ¶2 situations for an urgent medical notice', () => {
    const notice = { person, hospital: '晋江市医院', condition: '需手术', noticedAt: '2026-11-27T02:15:00Z' };
    expect(validatePayload(MessageType.UrgentMedicalNotice, 1, { ...notice, situation: 'tort-injury' }).ok).toBe(true);
    expect(validatePayload(MessageType.UrgentMedicalNotice, 1, { ...notice, situation: 'major-property-loss' }).ok).toBe(false);
  });

  it('refuses a schema version it does not know, and unknown fields', () => {
    expect(validatePayload(MessageType.Feedback, 2, { summary: 'x' })).toMatchObject({ ok: false, problems: [{ field: 'schemaVersion' }] });
    expect(validatePayload(MessageType.Feedback, 1, { summary: 'x', extra: 1 }).ok).toBe(false);
  });

  // Versioning policy (docs/api.md, *Versions*): a message stored or queued under any version listed in
  // SCHEMA_VERSIONS stays readable where it is consumed. Today v1 is the only (and current) version;
  // when a v2 is added beside it, these stored v1 samples must still validate.
  const STORED_V1: Record<string, unknown> = {
    [MessageType.JudicialReferral]: { person, situation: 'other', investigationEndedOn: '2026-11-20', findings: '事实', suggestion: '建议' },
    [MessageType.AdvanceReferral]: { person, situation: 'other', reason: '理由', suggestion: '建议' },
    [MessageType.SocialLead]: { person, situation: 'tort-injury', discoveredOn: '2026-11-23', summary: '线索' },
    [MessageType.UrgentMedicalNotice]: { person, situation: 'tort-injury', hospital: '晋江市医院', condition: '需手术', noticedAt: '2026-11-27T02:15:00Z' },
    [MessageType.Receipt]: { receivedAt: '2026-11-23T02:15:00.000Z' },
    [MessageType.ProcedureStarted]: { startedOn: '2026-11-24' },
    [MessageType.Concluded]: { concludedOn: '2026-11-26', outcome: 'assisted' },
    [MessageType.Feedback]: { summary: '已救助' },
    [MessageType.StepRecorded]: { step: 'received', occurredAt: '2026-11-23T02:15:00.000Z' },
  };

  it('still accepts every earlier payload version where it is consumed (v1, stored before any later version)', () => {
    expect(SCHEMA_VERSIONS).toContain(1);
    expect(SCHEMA_VERSIONS).toContain(CURRENT_SCHEMA_VERSION);
    for (const [type, payload] of Object.entries(STORED_V1) as [MessageType, unknown][]) {
      expect({ type, versions: schemaVersionsOf(type) }).toEqual({ type, versions: expect.arrayContaining([1, CURRENT_SCHEMA_VERSION]) });
      expect({ type, result: validatePayload(type, 1, payload) }).toMatchObject({ type, result: { ok: true } });
    }
  });

  it('walks the steps of 第二十一条 in one order only', () => {
    expect(requiredPredecessor('sent')).toBeNull();
    expect(requiredPredecessor('procedure-started')).toBe('received');
    expect(requiredPredecessor('feedback-given')).toBe('concluded');
  });
});
