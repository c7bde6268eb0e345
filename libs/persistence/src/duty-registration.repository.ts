import type { AgencyCode } from '#contracts';
import type { Db } from './db.js';
import type { DutyRegistration } from './generated/prisma/client.js';

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

export type NewDutyRegistration = Pick<DutyRegistration, 'id' | 'kind' | 'caseRef' | 'statedOn' | 'registeredAt'>;

/** A unit's own registrations (bound to the unit by AgencyScope). */
export class UnitDutyRegistrationRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: AgencyCode,
  ) {}

  /** Registers the duty once per (unit, kind, caseRef): a repeat returns the first registration. */
  async register(registration: NewDutyRegistration): Promise<{ registration: DutyRegistration; created: boolean }> {
    const { count } = await this.db.dutyRegistration.createMany({ data: [{ ...registration, agency: this.agency }], skipDuplicates: true });
    const stored = await this.db.dutyRegistration.findUniqueOrThrow({
      where: { agency_kind_caseRef: { agency: this.agency, kind: registration.kind, caseRef: registration.caseRef } },
    });
    return { registration: stored, created: count === 1 };
  }

  async list(limit: number): Promise<DutyRegistration[]> {
    return this.db.dutyRegistration.findMany({ where: { agency: this.agency }, orderBy: { registeredAt: 'desc' }, take: limit });
  }
}

/** The scheduler's side: plans registered duties and fulfils them when the handoff is sent. */
export class OfficeDutyRegistrationRepository {
  constructor(private readonly db: Db) {}

  /** Registrations with no obligation yet, oldest first, locked for this transaction. */
  async claimUnplanned(limit: number): Promise<DutyRegistration[]> {
    const ids = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM "DutyRegistration" WHERE "plannedAt" IS NULL ORDER BY "registeredAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    if (ids.length === 0) return [];
    return this.db.dutyRegistration.findMany({ where: { id: { in: ids.map((row) => row.id) } }, orderBy: { registeredAt: 'asc' } });
  }

  async markPlanned(id: string, at: Date): Promise<void> {
    await this.db.dutyRegistration.update({ where: { id }, data: { plannedAt: at } });
  }

  /** The handoff, if any, whose sending fulfils the registration: same unit, kind and case number, its `sent` time. */
  async sentHandoffFor(registration: DutyRegistration): Promise<{ handoffId: string; sentAt: Date } | null> {
    const kind = REGISTRATION_KINDS[registration.kind as RegistrationKind]?.handoffKind;
    if (!kind) return null;
    const rows = await this.db.$queryRaw<{ handoffId: string; sentAt: Date }[]>`
      SELECT h.id AS "handoffId", s."occurredAt" AS "sentAt"
      FROM "Handoff" h JOIN "HandoffStep" s ON s."handoffId" = h.id AND s.step = 'sent'
      WHERE h."fromAgency" = ${registration.agency} AND h."caseRef" = ${registration.caseRef} AND h.kind::text = ${kind}
      ORDER BY s."occurredAt" LIMIT 1`;
    return rows[0] ?? null;
  }

  /** The registration a sent handoff fulfils, if the unit registered one. */
  async forHandoff(handoff: { fromAgency: string; caseRef: string; kind: string }): Promise<DutyRegistration | null> {
    const kind = (Object.keys(REGISTRATION_KINDS) as RegistrationKind[]).find((candidate) => REGISTRATION_KINDS[candidate].handoffKind === handoff.kind);
    if (!kind) return null;
    return this.db.dutyRegistration.findUnique({ where: { agency_kind_caseRef: { agency: handoff.fromAgency, kind, caseRef: handoff.caseRef } } });
  }

  async markFulfilled(id: string, at: Date, handoffId: string): Promise<void> {
    await this.db.dutyRegistration.updateMany({ where: { id, fulfilledAt: null }, data: { fulfilledAt: at, handoffId } });
  }
}
