import type { UnitCode } from '#contracts';
import { REGISTRATION_KINDS, type RegistrationKind } from '#deadlines';
import type { Db } from './db.js';
import type { DutyRegistration } from './generated/prisma/client.js';


export type NewDutyRegistration = Pick<DutyRegistration, 'id' | 'kind' | 'caseRef' | 'statedOn' | 'registeredAt'>;

/** A unit's own registrations (bound to the unit by UnitScope). */
export class UnitDutyRegistrationRepository {
  constructor(
    private readonly db: Db,
    private readonly agency: UnitCode,
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
  async forHandoff(handoff: { id: string; fromAgency: string; caseRef: string; kind: string }): Promise<DutyRegistration | null> {
    return (await this.forHandoffs([handoff])).get(handoff.id) ?? null;
  }

  /** The registrations several sent handoffs fulfil, by handoff id, in one statement (none for a kind no unit registers). */
  async forHandoffs(handoffs: readonly { id: string; fromAgency: string; caseRef: string; kind: string }[]): Promise<Map<string, DutyRegistration>> {
    const wanted = handoffs.flatMap((handoff) => {
      const kind = registrationKindOf(handoff.kind);
      return kind ? [{ handoffId: handoff.id, agency: handoff.fromAgency, kind, caseRef: handoff.caseRef }] : [];
    });
    if (wanted.length === 0) return new Map();
    const rows = await this.db.dutyRegistration.findMany({ where: { OR: wanted.map(({ agency, kind, caseRef }) => ({ agency, kind, caseRef })) } });
    const key = (row: { agency: string; kind: string; caseRef: string }) => `${row.agency}\u0000${row.kind}\u0000${row.caseRef}`;
    const byKey = new Map(rows.map((row) => [key(row), row]));
    return new Map(wanted.flatMap((want) => (byKey.has(key(want)) ? [[want.handoffId, byKey.get(key(want)) as DutyRegistration] as const] : [])));
  }

  async markFulfilled(id: string, at: Date, handoffId: string): Promise<void> {
    await this.db.dutyRegistration.updateMany({ where: { id, fulfilledAt: null }, data: { fulfilledAt: at, handoffId } });
  }
}

/** The registration kind whose duty a handoff of `handoffKind` fulfils (第十九条 ¶1, 第二十条 ¶1), if any. */
function registrationKindOf(handoffKind: string): RegistrationKind | undefined {
  return (Object.keys(REGISTRATION_KINDS) as RegistrationKind[]).find((candidate) => REGISTRATION_KINDS[candidate].handoffKind === handoffKind);
}
