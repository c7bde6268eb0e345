import { SCHEDULER_QUEUE } from '#contracts';
import type { Db } from './db.js';
import { handoffFromDb, stepFromDb } from './db-enums.js';
import type { HandoffWithSteps } from './handoff.repository.js';

/**
 * The handoffs as the joint-meeting office's scheduler reads them: every unit's (第二十二条), to
 * keep their clocks. Read-only, but for confirming the step events it applied.
 */
export class OfficeHandoffRepository {
  constructor(private readonly db: Db) {}

  async withSteps(handoffId: string): Promise<HandoffWithSteps | null> {
    return (await this.withStepsAll([handoffId])).get(handoffId) ?? null;
  }

  /** Several handoffs with their steps in one statement (relationJoins), by id; a missing id has no entry. */
  async withStepsAll(handoffIds: readonly string[]): Promise<Map<string, HandoffWithSteps>> {
    const rows = await this.db.handoff.findMany({ where: { id: { in: [...handoffIds] } }, include: { steps: true } });
    return new Map(rows.map((row) => [row.id, { ...handoffFromDb(row), steps: row.steps.map(stepFromDb) }]));
  }

  async caseRefs(ids: readonly string[]): Promise<Map<string, { caseRef: string }>> {
    const rows = await this.db.handoff.findMany({ where: { id: { in: [...ids] } }, select: { id: true, caseRef: true } });
    // An obligation of a registered duty (第十九条 ¶1, 第二十条 ¶1) names its registration, not a handoff.
    const registered = await this.db.dutyRegistration.findMany({ where: { id: { in: [...ids] } }, select: { id: true, caseRef: true } });
    return new Map([...rows, ...registered].map((row) => [row.id, { caseRef: row.caseRef }]));
  }

  /**
   * 第二十四条 归档: archives the handoffs closed (feedback received) before `closedBefore`, up to
   * `limit` at a time. They stay in the ledger and the figures; they leave the working lists.
   */
  async archiveClosed(closedBefore: Date, at: Date, limit: number): Promise<number> {
    return this.db.$executeRaw`
      UPDATE "Handoff" SET "archivedAt" = ${at}
      WHERE id IN (
        SELECT h.id FROM "Handoff" h JOIN "HandoffStep" s ON s."handoffId" = h.id AND s.step = 'feedback-received'
        WHERE h."archivedAt" IS NULL AND s."occurredAt" < ${closedBefore}
          -- 第二十五条: a case with a follow-up visit (or any duty) still open stays in the working lists
          AND NOT EXISTS (SELECT 1 FROM "Obligation" o WHERE o."handoffId" = h.id AND o.status = 'open')
        LIMIT ${limit})`;
  }

  /** The scheduler confirms a step event in the transaction that applied it. */
  async confirmStepEventConsumed(messageId: string, at: Date): Promise<void> {
    await this.confirmStepEventsConsumed([messageId], at);
  }

  /** A batch of step events (the scheduler's group commit) in one statement. */
  async confirmStepEventsConsumed(messageIds: readonly string[], at: Date): Promise<void> {
    await this.db.outboxEntry.updateMany({ where: { messageId: { in: [...messageIds] }, consumedAt: null, queue: SCHEDULER_QUEUE }, data: { consumedAt: at } });
  }
}
