import { getMetadataStorage } from 'class-validator';
import {
  UNIT_CODES,
  type UnitCode,
  AdvanceReferralPayloadV1,
  HANDOFF_KINDS,
  type HandoffKind,
  JudicialReferralPayloadV1,
  MATERIAL_TYPES,
  PersonDto,
  SocialLeadPayloadV1,
  UrgentMedicalNoticePayloadV1,
} from '#contracts';
import { CITIZEN_FIELDS, CITIZEN_OBJECTS, PLAIN_FIELDS } from '#security';
import { checkReceivedPayload, detailsFor, mayReadAttachment, projectEnvelope, projectPayload } from './project-payload.js';
import { MINIMUM_PROJECTION, projectionFor, RECIPIENT_PROJECTIONS } from './recipient-projections.js';

const fieldsOf = (schema: new () => object): string[] => [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(schema, '', true, false).map((meta) => meta.propertyName)),
];

/** The payload contract of each kind's opening message, the person's fields as `person.<field>`. */
const CONTRACT: Record<HandoffKind, Set<string>> = Object.fromEntries(
  (
    [
      ['judicial-referral', JudicialReferralPayloadV1],
      ['advance-referral', AdvanceReferralPayloadV1],
      ['social-lead', SocialLeadPayloadV1],
      ['urgent-medical-notice', UrgentMedicalNoticePayloadV1],
    ] as const
  ).map(([kind, schema]) => [kind, new Set([...fieldsOf(schema).filter((field) => field !== 'person'), ...fieldsOf(PersonDto).map((field) => `person.${field}`)])]),
) as Record<HandoffKind, Set<string>>;

/** Who can receive which kind (第十九条: referrals from the procuratorate; 第二十条: leads and notices to it). */
const receives = (unit: UnitCode, kind: HandoffKind) => (kind === 'judicial-referral' || kind === 'advance-referral' ? unit !== 'procuratorate' : unit === 'procuratorate');

const person = { name: '林小明', idNumber: '11010519491231002X', phone: '13800000000' };
const referral = {
  person,
  situation: 'deceased-victim-dependant',
  priorityGroups: ['minor'],
  needs: ['student-aid', 'living-allowance'],
  recipientReasons: [
    { unit: 'education', reason: '子女在读' },
    { unit: 'civil-affairs', reason: '家庭困难' },
  ],
  applicantStatement: '母亲无业，家中无其他收入',
  caseMaterials: [{ title: '调查笔录', reference: 'JJ-2026-1' }],
  investigationEndedOn: '2026-11-20',
  findings: '被害人于2026年某日被人持刀杀害，凶手在逃',
  suggestion: '建议给予学生资助和临时救助',
};

describe('recipient projections (第二十四条)', () => {
  it('has an entry for every unit and every kind of handoff, each citing an article', () => {
    for (const unit of UNIT_CODES) {
      for (const kind of HANDOFF_KINDS) {
        const entry = RECIPIENT_PROJECTIONS[unit]?.[kind];
        expect({ unit, kind, has: entry !== undefined }).toEqual({ unit, kind, has: true });
        expect(entry.article).toMatch(/^第[一二三四五六七八九十]+条/);
      }
    }
    expect(Object.keys(RECIPIENT_PROJECTIONS).sort()).toEqual([...UNIT_CODES].sort());
  });

  it('lists only fields of the payload contract, each classified as a citizen field or plain, and known material types', () => {
    const classified = new Set([...CITIZEN_FIELDS, ...PLAIN_FIELDS, ...CITIZEN_OBJECTS.flatMap((object) => fieldsOf(PersonDto).map((field) => `${object}.${field}`))]);
    const outside: string[] = [];
    for (const unit of UNIT_CODES) {
      for (const kind of HANDOFF_KINDS) {
        const { fields, materials } = RECIPIENT_PROJECTIONS[unit][kind];
        for (const field of fields) {
          if (!CONTRACT[kind].has(field) || !classified.has(field)) outside.push(`${unit} ${kind}: ${field}`);
        }
        for (const material of materials) if (!MATERIAL_TYPES.includes(material)) outside.push(`${unit} ${kind}: material ${material}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('gives nothing for a combination that cannot happen, and something for every one that can', () => {
    for (const unit of UNIT_CODES) {
      for (const kind of HANDOFF_KINDS) {
        const { fields, materials } = RECIPIENT_PROJECTIONS[unit][kind];
        expect({ unit, kind, receives: fields.length > 0 }).toEqual({ unit, kind, receives: receives(unit, kind) });
        if (!receives(unit, kind)) expect(materials).toEqual([]);
      }
    }
  });

  it('lets every recipient that can receive a kind identify the person, and gives a referral’s recipient only its own reason', () => {
    const reasons = UNIT_CODES.filter((unit) => unit !== 'procuratorate').map((unit) => ({ unit, reason: `理由-${unit}` }));
    for (const unit of UNIT_CODES) {
      for (const kind of HANDOFF_KINDS.filter((k) => receives(unit, k))) {
        const { fields } = RECIPIENT_PROJECTIONS[unit][kind];
        expect(fields).toEqual(expect.arrayContaining(['person.name', 'person.idNumber']));
        if (unit !== 'procuratorate') expect(projectPayload(unit, kind, { ...referral, recipientReasons: reasons }).recipientReasons).toEqual([{ unit, reason: `理由-${unit}` }]);
      }
    }
  });

  it('gives every recipient of a referral the findings, the applicant’s statement, the materials list and the case-file documents (第九条, 第十九条 ¶1)', () => {
    const missing: string[] = [];
    for (const unit of UNIT_CODES) {
      for (const kind of ['judicial-referral', 'advance-referral'] as const) {
        if (!receives(unit, kind)) continue;
        const { fields, materials } = RECIPIENT_PROJECTIONS[unit][kind];
        for (const field of ['findings', 'applicantStatement', 'caseMaterials']) if (!fields.includes(field)) missing.push(`${unit} ${kind}: ${field}`);
        if (!materials.includes('case-file')) missing.push(`${unit} ${kind}: case-file documents`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps what lies beyond the text’s materials to the duty: no phone for education or medical-security, no medical records for education', () => {
    for (const kind of ['judicial-referral', 'advance-referral'] as const) {
      expect(RECIPIENT_PROJECTIONS.education[kind].fields).not.toContain('person.phone');
      expect(RECIPIENT_PROJECTIONS['medical-security'][kind].fields).not.toContain('person.phone');
      expect(RECIPIENT_PROJECTIONS.education[kind].materials).not.toContain('medical');
    }
  });

  it('falls back to the minimum for an unknown unit or kind', () => {
    expect(projectionFor('no-such-unit', 'judicial-referral')).toBe(MINIMUM_PROJECTION);
    expect(projectionFor('education', 'no-such-kind')).toBe(MINIMUM_PROJECTION);
    expect(projectPayload('no-such-unit', 'judicial-referral', referral)).toEqual({});
  });
});

describe('projecting a payload', () => {
  it('gives education the child, the transferred materials and its own reason, not the phone nor another unit’s reason', () => {
    expect(projectPayload('education', 'judicial-referral', referral)).toEqual({
      person: { name: person.name, idNumber: person.idNumber },
      situation: 'deceased-victim-dependant',
      priorityGroups: ['minor'],
      needs: ['student-aid', 'living-allowance'],
      recipientReasons: [{ unit: 'education', reason: '子女在读' }],
      investigationEndedOn: '2026-11-20',
      suggestion: referral.suggestion,
      findings: referral.findings,
      applicantStatement: referral.applicantStatement,
      caseMaterials: referral.caseMaterials,
    });
  });

  it('gives civil-affairs the findings, the statement, the materials and the phone, not another unit’s reason', () => {
    const projected = projectPayload('civil-affairs', 'judicial-referral', referral);
    expect(projected.person).toEqual(person);
    expect(projected.applicantStatement).toBe(referral.applicantStatement);
    expect(projected.findings).toBe(referral.findings);
    expect(projected.caseMaterials).toEqual(referral.caseMaterials);
    expect(projected.recipientReasons).toEqual([{ unit: 'civil-affairs', reason: '家庭困难' }]);
  });

  it('drops a field no projection lists, whatever its name', () => {
    expect(projectPayload('justice', 'judicial-referral', { ...referral, narrative: 'x' })).not.toHaveProperty('narrative');
  });

  it('projects opening envelopes for their recipient and leaves lifecycle messages to the sender whole', () => {
    const base = { id: 'm', schemaVersion: 1, from: 'procuratorate', to: 'education', handoffId: 'h', caseRef: 'c', correlationId: 'x', causationId: null, occurredAt: '2026-11-23T00:00:00Z', priority: 'normal' } as const;
    const opening = projectEnvelope({ ...base, type: 'handoff.judicial-referral', payload: referral as never });
    expect(opening.payload).toHaveProperty('findings', referral.findings);
    expect(opening.payload).not.toHaveProperty('person.phone');
    const feedback = { ...base, from: 'education', to: 'procuratorate', type: 'handoff.feedback', payload: { note: '已资助' } as never } as const;
    expect(projectEnvelope(feedback)).toBe(feedback);
  });

  it('reads details whole for the sender, projected for the recipient, empty for anyone else', () => {
    const handoff = { kind: 'judicial-referral', fromAgency: 'procuratorate', toAgency: 'education' };
    expect(detailsFor('procuratorate', handoff, referral)).toBe(referral);
    expect(detailsFor('education', handoff, referral)).not.toHaveProperty('person.phone');
    expect(detailsFor('justice', handoff, referral)).toEqual({});
  });
});

describe('the recipient’s check of what it received', () => {
  const envelope = (payload: object) => ({ type: 'handoff.judicial-referral' as const, schemaVersion: 1, payload: payload as never });

  it('accepts its projection though the contract requires fields it leaves out (the phone)', () => {
    expect(checkReceivedPayload('education', envelope(projectPayload('education', 'judicial-referral', referral)))).toEqual({ ok: true });
  });

  it('refuses a payload that carries more than its projection', () => {
    const checked = checkReceivedPayload('education', envelope(referral));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problems.map((p) => p.field).sort()).toEqual(['person.phone']);
  });

  it('still applies the schema to what the projection carries', () => {
    const projected = projectPayload('education', 'judicial-referral', referral);
    const checked = checkReceivedPayload('education', envelope({ ...projected, investigationEndedOn: 'not a date' }));
    expect(checked.ok).toBe(false);
    const noPerson = { ...projected, person: undefined };
    expect(checkReceivedPayload('education', envelope(noPerson)).ok).toBe(false);
  });

  it('refuses everything a unit should never receive (the minimum)', () => {
    expect(checkReceivedPayload('procuratorate', envelope(projectPayload('procuratorate', 'judicial-referral', referral))).ok).toBe(false);
  });
});

describe('attachments by material type', () => {
  const handoff = { kind: 'judicial-referral', fromAgency: 'procuratorate', toAgency: 'education' };
  it('lets the sender and the uploader read any, the recipient only its projection’s types', () => {
    expect(mayReadAttachment('procuratorate', handoff, { uploadedBy: 'procuratorate', material: 'case-file' })).toBe(true);
    expect(mayReadAttachment('education', handoff, { uploadedBy: 'procuratorate', material: 'case-file' })).toBe(true);
    expect(mayReadAttachment('education', handoff, { uploadedBy: 'procuratorate', material: 'medical' })).toBe(false);
    expect(mayReadAttachment('education', handoff, { uploadedBy: 'procuratorate', material: 'school' })).toBe(true);
    expect(mayReadAttachment('education', handoff, { uploadedBy: 'education', material: 'case-file' })).toBe(true);
    expect(mayReadAttachment('education', handoff, { uploadedBy: 'procuratorate', material: 'unknown' })).toBe(false);
    expect(mayReadAttachment('justice', handoff, { uploadedBy: 'procuratorate', material: 'identity' })).toBe(false);
  });
});
