import { type UnitCode, isUnitCode } from '#contracts';
import type { Db } from './db.js';
import type { Obligation as ObligationRow } from './generated/prisma/client.js';

/** An obligation row, its responsible unit typed: the column is text, its values the unit codes. */
export type Obligation = Omit<ObligationRow, 'responsibleAgency'> & { responsibleAgency: UnitCode };

export type NewObligation = Omit<Obligation, 'createdAt' | 'updatedAt'>;

/** A row read back: a responsible unit that is no member unit is a broken row, refused loudly. */
export function typedObligation<Row extends { responsibleAgency: string }>(row: Row): Omit<Row, 'responsibleAgency'> & { responsibleAgency: UnitCode } {
  const agency = row.responsibleAgency;
  if (!isUnitCode(agency)) throw new Error(`obligation names no member unit: ${agency}`);
  return { ...row, responsibleAgency: agency };
}

/**
 * The scheduler's obligations. It acts for the joint-meeting office, which watches every unit
 * (第二十二条), so these queries span units; units never reach this repository.
 */
export class ObligationRepository {
  constructor(private readonly db: Db) {}

  /**
   * 第二十五条 跟踪回访: the follow-up visit duties, of one unit or of all, with their handoff's case
   * number: open ones by due time first, then the fulfilled ones, newest first.
   */
  async followUpVisits(agency: string | null, limit: number): Promise<(Obligation & { caseRef: string })[]> {
    const rows = await this.db.$queryRaw<(ObligationRow & { caseRef: string })[]>`
      SELECT o.*, h."caseRef" FROM "Obligation" o JOIN "Handoff" h ON h.id = o."handoffId"
      WHERE o.rule LIKE 'follow-up-visit-%' AND (${agency}::text IS NULL OR o."responsibleAgency" = ${agency})
      ORDER BY (o.status = 'open') DESC, CASE WHEN o.status = 'open' THEN o."dueAt" END ASC, o."fulfilledAt" DESC NULLS LAST, o.id
      LIMIT ${limit}`;
    return rows.map(typedObligation);
  }

  /** Creates each obligation unless (handoff, rule) has one, in one statement: replaying a step event changes nothing. */
  async ensure(obligations: readonly NewObligation[]): Promise<void> {
    if (obligations.length === 0) return;
    await this.db.obligation.createMany({ data: [...obligations], skipDuplicates: true });
  }

  /**
   * Stops every further alert; a step done after the due time is recorded as late. One statement
   * (it was a read and an update); an obligation already fulfilled is left as it is.
   */
  async fulfil(handoffId: string, rule: string, at: Date): Promise<void> {
    await this.fulfilAll([{ handoffId, rule, at }]);
  }

  /** fulfil for several obligations in one statement, in (handoff, rule) order so concurrent batches lock alike. */
  async fulfilAll(done: readonly { handoffId: string; rule: string; at: Date }[]): Promise<void> {
    if (done.length === 0) return;
    const sorted = [...done].sort((a, b) => (a.handoffId === b.handoffId ? (a.rule < b.rule ? -1 : 1) : a.handoffId < b.handoffId ? -1 : 1));
    await this.db.$executeRaw`
      UPDATE "Obligation" o
      SET status = 'fulfilled', "fulfilledAt" = d.at, late = d.at > o."dueAt", "nextLevel" = NULL, "nextActionAt" = NULL, "updatedAt" = now()
      FROM unnest(${sorted.map((d) => d.handoffId)}::uuid[], ${sorted.map((d) => d.rule)}::text[], ${sorted.map((d) => d.at)}::timestamptz[]) AS d("handoffId", rule, at)
      WHERE o."handoffId" = d."handoffId" AND o.rule = d.rule AND o.status = 'open'`;
  }

  /**
   * Claims up to `limit` open obligations whose next alert is due, oldest first. Reads only the
   * partial index of open obligations; SKIP LOCKED lets two schedulers share the work without
   * taking the same row.
   */
  async claimDue(now: Date, limit: number): Promise<Obligation[]> {
    const ids = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Obligation"
      WHERE status = 'open' AND "nextActionAt" <= ${now}
      ORDER BY "nextActionAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (ids.length === 0) return [];
    const rows = await this.db.obligation.findMany({ where: { id: { in: ids.map((row) => row.id) } }, orderBy: { nextActionAt: 'asc' } });
    return rows.map(typedObligation);
  }

  /** Moves a batch to their next levels in one statement. */
  async advanceMany(moves: readonly { id: string; nextLevel: string | null; nextActionAt: Date | null }[]): Promise<void> {
    if (moves.length === 0) return;
    await this.db.$executeRaw`
      UPDATE "Obligation" AS o
      SET "nextLevel" = m.level, "nextActionAt" = m.at, "updatedAt" = now()
      FROM unnest(${moves.map((m) => m.id)}::uuid[], ${moves.map((m) => m.nextLevel)}::text[], ${moves.map((m) => m.nextActionAt)}::timestamptz[])
        AS m(id, level, at)
      WHERE o.id = m.id`;
  }

  /** Obligations whose due time was counted without the calendar of `year`. */
  async provisionalFor(year: number): Promise<Obligation[]> {
    return (await this.db.obligation.findMany({ where: { provisional: true, missingYears: { has: year } } })).map(typedObligation);
  }

  async recompute(
    id: string,
    data: Pick<Obligation, 'dueAt' | 'provisional' | 'missingYears' | 'nextLevel' | 'nextActionAt'>,
  ): Promise<void> {
    await this.db.obligation.update({ where: { id }, data });
  }

  /** A fulfilled obligation whose due time moved: is it late now? */
  async setLate(id: string, late: boolean): Promise<void> {
    await this.db.obligation.update({ where: { id }, data: { late } });
  }

  async forHandoff(handoffId: string): Promise<Obligation[]> {
    return (await this.db.obligation.findMany({ where: { handoffId }, orderBy: { dueAt: 'asc' } })).map(typedObligation);
  }

}
