import type { UnitCode, Priority, Step } from '#contracts';
import type { Db } from './db.js';
import { fromDb, type Handoff, type HandoffStep, toDb } from './db-enums.js';
import type { Alert, Handoff as HandoffRow, Prisma } from './generated/prisma/client.js';
import { type Obligation, typedObligation } from './obligation.repository.js';

/** Who is looking: the office and operators see every unit; a unit's user sees only its own handoffs. */
export type Viewer = { role: 'office' | 'operator' } | { role: 'unit'; agency: UnitCode };

export interface BoardFilter {
  unit?: UnitCode;
  step?: Step;
  priority?: Priority;
  openedFrom?: Date;
  openedTo?: Date;
}

/**
 * A handoff as the console shows it: parties, kind, case number, priority, steps and dates — never
 * its details (第二十四条): the console's projection is empty for every user, the office's included,
 * so neither the rows' ciphertexts nor the steps' are loaded into the console's process.
 */
export type BoardHandoff = Omit<Handoff, 'details'>;
export type BoardStep = Omit<HandoffStep, 'details'>;

const WITHOUT_DETAILS = { details: true } as const;

function boardHandoff(row: Omit<HandoffRow, 'details'>): BoardHandoff {
  return { ...row, kind: fromDb(row.kind), currentStep: fromDb(row.currentStep), priority: fromDb(row.priority) };
}

export interface BoardRows {
  handoffs: BoardHandoff[];
  openObligations: Obligation[];
  openEscalations: Alert[];
}

function visibleTo(viewer: Viewer): Prisma.HandoffWhereInput {
  return viewer.role === 'unit' ? { OR: [{ fromAgency: viewer.agency }, { toAgency: viewer.agency }] } : {};
}

/** The console's read side: open handoffs with their clocks and escalations, and timeliness figures. */
export class HandoffBoardRepository {
  constructor(private readonly db: Db) {}

  async openHandoffs(viewer: Viewer, filter: BoardFilter, limit = 500): Promise<BoardRows> {
    const rows = await this.db.handoff.findMany({
      where: {
        AND: [
          visibleTo(viewer),
          filter.unit ? { OR: [{ fromAgency: filter.unit }, { toAgency: filter.unit }] } : {},
          { currentStep: filter.step ? toDb(filter.step) : { not: 'feedback_received' } },
          // 第二十四条: archived handoffs leave the working lists
          { archivedAt: null },
          filter.priority ? { priority: toDb(filter.priority) } : {},
          { openedAt: { gte: filter.openedFrom, lte: filter.openedTo } },
        ],
      },
      orderBy: { openedAt: 'desc' },
      take: limit,
      omit: WITHOUT_DETAILS,
    });
    const handoffs = rows.map(boardHandoff);
    const ids = handoffs.map((handoff) => handoff.id);
    const [openObligations, openEscalations] = await Promise.all([
      this.db.obligation.findMany({ where: { handoffId: { in: ids }, status: 'open' }, orderBy: { dueAt: 'asc' } }).then((found) => found.map(typedObligation)),
      this.db.alert.findMany({ where: { handoffId: { in: ids }, kind: 'escalation', acknowledgedAt: null }, orderBy: { createdAt: 'asc' } }),
    ]);
    return { handoffs, openObligations, openEscalations };
  }

  /** One handoff with everything the console shows of it, or null when missing or not visible. */
  async detail(viewer: Viewer, handoffId: string) {
    const row = await this.db.handoff.findFirst({
      where: { AND: [{ id: handoffId }, visibleTo(viewer)] },
      omit: WITHOUT_DETAILS,
      include: { steps: { orderBy: [{ occurredAt: 'asc' }, { recordedAt: 'asc' }], omit: WITHOUT_DETAILS } },
    });
    if (!row) return null;
    const handoff = { ...boardHandoff(row), steps: row.steps.map((step): BoardStep => ({ ...step, step: fromDb(step.step) })) };
    const [obligations, alerts] = await Promise.all([
      this.db.obligation.findMany({ where: { handoffId }, orderBy: { dueAt: 'asc' } }).then((found) => found.map(typedObligation)),
      this.db.alert.findMany({ where: { handoffId }, orderBy: { createdAt: 'asc' }, include: { notes: { orderBy: { createdAt: 'asc' } } } }),
    ]);
    return { handoff, obligations, alerts };
  }

  /** Duties fulfilled since `since`, for the timeliness table (a unit's user sees its own). */
  async fulfilledSince(viewer: Viewer, since: Date): Promise<Obligation[]> {
    const rows = await this.db.obligation.findMany({
      where: {
        status: 'fulfilled',
        fulfilledAt: { gte: since },
        ...(viewer.role === 'unit' ? { responsibleAgency: viewer.agency } : {}),
      },
    });
    return rows.map(typedObligation);
  }
}
