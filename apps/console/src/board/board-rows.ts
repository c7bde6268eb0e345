import { type CalendarSource, workingDaysBetween } from '#calendar';
import type { BoardHandoff, BoardRows, Obligation } from '#persistence';

export interface BoardRow {
  handoff: BoardHandoff;
  /** the open duty due first, if any */
  due: Obligation | null;
  overdue: boolean;
  /** "剩余 3 个工作日", "今日到期", "逾期 2 个工作日" */
  timeLeft: string;
  /** the highest open escalation level, if any */
  escalation: string | null;
}

const LEVEL_RANK: Record<string, number> = { overdue: 1, 'overdue-leader': 2 };

/**
 * Open handoffs as the office reads them: overdue first, then escalated, then by due time; each
 * with the working time left on its nearest duty.
 */
export function boardRows(rows: BoardRows, now: Date, calendar: CalendarSource): BoardRow[] {
  const dueFirst = new Map<string, Obligation>();
  for (const obligation of rows.openObligations) {
    const known = dueFirst.get(obligation.handoffId);
    if (!known || obligation.dueAt < known.dueAt) dueFirst.set(obligation.handoffId, obligation);
  }
  const escalation = new Map<string, string>();
  for (const alert of rows.openEscalations) {
    if (!alert.handoffId) continue;
    const known = escalation.get(alert.handoffId);
    if (!known || (LEVEL_RANK[alert.level] ?? 0) > (LEVEL_RANK[known] ?? 0)) escalation.set(alert.handoffId, alert.level);
  }
  const board = rows.handoffs.map((handoff): BoardRow => {
    const due = dueFirst.get(handoff.id) ?? null;
    const overdue = due !== null && due.dueAt <= now;
    return { handoff, due, overdue, timeLeft: due ? timeLeft(due.dueAt, now, calendar) : '', escalation: escalation.get(handoff.id) ?? null };
  });
  const rank = (row: BoardRow) => (row.overdue ? 0 : row.escalation ? 1 : row.due ? 2 : 3);
  return board.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.due?.dueAt.getTime() ?? Infinity) - (b.due?.dueAt.getTime() ?? Infinity) ||
      b.handoff.openedAt.getTime() - a.handoff.openedAt.getTime(),
  );
}

export function timeLeft(dueAt: Date, now: Date, calendar: CalendarSource): string {
  if (dueAt <= now) {
    // From the last instant before the due time: the working day that starts at the due time counts as late.
    const late = workingDaysBetween(new Date(dueAt.getTime() - 1), now, calendar).workingDays;
    return late === 0 ? '已逾期' : `逾期 ${late} 个工作日`;
  }
  const left = workingDaysBetween(now, dueAt, calendar).workingDays;
  return left === 0 ? '今日到期' : `剩余 ${left} 个工作日`;
}
