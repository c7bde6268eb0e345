import { Injectable } from '@nestjs/common';
import type { Obligation } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

export type NewObligation = Omit<Obligation, 'createdAt' | 'updatedAt'>;

/**
 * The scheduler's obligations. It acts for the joint-meeting office, which watches every unit
 * (第二十二条), so these queries span units; units never reach this repository.
 */
@Injectable()
export class ObligationRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Creates the obligation unless (handoff, rule) has one: replaying a step event changes nothing. */
  async ensure(tx: Tx, obligation: NewObligation): Promise<void> {
    await tx.obligation.createMany({ data: [obligation], skipDuplicates: true });
  }

  /** Stops every further alert; a step done after the due time is recorded as late. */
  async fulfil(tx: Tx, handoffId: string, rule: string, at: Date): Promise<void> {
    const open = await tx.obligation.findUnique({ where: { handoffId_rule: { handoffId, rule } } });
    if (!open || open.status !== 'open') return;
    await tx.obligation.update({
      where: { id: open.id },
      data: { status: 'fulfilled', fulfilledAt: at, late: at > open.dueAt, nextLevel: null, nextActionAt: null },
    });
  }

  /**
   * Claims up to `limit` open obligations whose next alert is due, oldest first. Reads only the
   * partial index of open obligations; SKIP LOCKED lets two schedulers share the work without
   * taking the same row.
   */
  async claimDue(tx: Tx, now: Date, limit: number): Promise<Obligation[]> {
    const ids = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Obligation"
      WHERE status = 'open' AND "nextActionAt" <= ${now}
      ORDER BY "nextActionAt"
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`;
    if (ids.length === 0) return [];
    return tx.obligation.findMany({ where: { id: { in: ids.map((row) => row.id) } }, orderBy: { nextActionAt: 'asc' } });
  }

  /** Moves a batch to their next levels in one statement. */
  async advanceMany(tx: Tx, moves: readonly { id: string; nextLevel: string | null; nextActionAt: Date | null }[]): Promise<void> {
    if (moves.length === 0) return;
    await tx.$executeRaw`
      UPDATE "Obligation" AS o
      SET "nextLevel" = m.level, "nextActionAt" = m.at, "updatedAt" = now()
      FROM unnest(${moves.map((m) => m.id)}::uuid[], ${moves.map((m) => m.nextLevel)}::text[], ${moves.map((m) => m.nextActionAt)}::timestamptz[])
        AS m(id, level, at)
      WHERE o.id = m.id`;
  }

  /** Obligations whose due time was counted without the calendar of `year`. */
  async provisionalFor(year: number): Promise<Obligation[]> {
    return this.prisma.obligation.findMany({ where: { provisional: true, missingYears: { has: year } } });
  }

  async recompute(
    tx: Tx,
    id: string,
    data: Pick<Obligation, 'dueAt' | 'provisional' | 'missingYears' | 'nextLevel' | 'nextActionAt'>,
  ): Promise<void> {
    await tx.obligation.update({ where: { id }, data });
  }

  async forHandoff(handoffId: string): Promise<Obligation[]> {
    return this.prisma.obligation.findMany({ where: { handoffId }, orderBy: { dueAt: 'asc' } });
  }

}
