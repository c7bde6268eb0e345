import { OPENING_MESSAGE, queueRoleOf } from '#contracts';
import type { ListedJob } from '#bus';
import type { DeadLetterRow } from '#persistence';

/** Where one job naming an unknown message stands, and what that says about the message. */
export interface OrphanTrace {
  queue: string;
  jobId: string;
  state: ListedJob['state'] | 'dead letter';
  /** what this job's state proves happened to the message */
  meaning: string;
  at: Date;
}

/** A message (or alert) the queues name and the database does not have. */
export interface Orphan {
  id: string;
  kind: 'message' | 'alert';
  type: string | null;
  from: string | null;
  to: string | null;
  handoffId: string | null;
  /** a message that opens a handoff (its sender resends it) rather than a step on one */
  opensHandoff: boolean;
  /** a completed delivery job: the unit's system has it, the bus does not */
  reachedUnitSystem: boolean;
  firstQueuedAt: Date;
  traces: OrphanTrace[];
}

export interface OrphanReport {
  orphans: Orphan[];
  /** per sending unit, the handoffs it opened that the database no longer has: what it must send again */
  toResend: Record<string, string[]>;
}

/**
 * What the queues still know of messages the database does not: after PostgreSQL was restored to
 * an earlier point, every job, live or finished, that names a message accepted after that point.
 * The database is the record; a job is only a trace, kept for the queues' retention (a day for
 * completed jobs), so this lists what can still be detected, never more.
 */
export function orphanReport(jobs: readonly ListedJob[], deadLetters: readonly DeadLetterRow[], unknown: ReadonlySet<string>): OrphanReport {
  const byId = new Map<string, Orphan>();
  const entry = (id: string, kind: Orphan['kind']): Orphan => {
    let orphan = byId.get(id);
    if (!orphan) {
      orphan = { id, kind, type: null, from: null, to: null, handoffId: null, opensHandoff: false, reachedUnitSystem: false, firstQueuedAt: new Date(8.64e15), traces: [] };
      byId.set(id, orphan);
    }
    return orphan;
  };
  const describe = (orphan: Orphan, data: Record<string, unknown>) => {
    if (typeof data.type === 'string') orphan.type = data.type;
    if (typeof data.from === 'string') orphan.from = data.from;
    if (typeof data.to === 'string') orphan.to = data.to;
    else if (typeof data.agency === 'string' && !orphan.to) orphan.to = data.agency;
    if (typeof data.handoffId === 'string') orphan.handoffId = data.handoffId;
  };

  for (const job of jobs) {
    const id = subjectOf(job.data);
    if (!id || !unknown.has(id)) continue;
    const role = queueRoleOf(job.queue);
    const orphan = entry(id, typeof job.data.alertId === 'string' ? 'alert' : 'message');
    describe(orphan, job.data);
    if (role === 'delivery' && job.state === 'completed') orphan.reachedUnitSystem = true;
    if (job.addedAt < orphan.firstQueuedAt) orphan.firstQueuedAt = job.addedAt;
    orphan.traces.push({ queue: job.queue, jobId: job.id, state: job.state, meaning: meaningOf(role, job.state, orphan), at: job.addedAt });
  }
  for (const row of deadLetters) {
    if (!row.messageId || !unknown.has(row.messageId)) continue;
    const orphan = entry(row.messageId, 'message');
    describe(orphan, (row.data ?? {}) as Record<string, unknown>);
    if (row.failedAt < orphan.firstQueuedAt) orphan.firstQueuedAt = row.failedAt;
    orphan.traces.push({ queue: row.queue, jobId: row.jobId, state: 'dead letter', meaning: `dead letter ${row.id}: ${row.reason}`, at: row.failedAt });
  }

  const orphans = [...byId.values()].sort((a, b) => a.firstQueuedAt.getTime() - b.firstQueuedAt.getTime() || a.id.localeCompare(b.id));
  const toResend: Record<string, string[]> = {};
  for (const orphan of orphans) {
    orphan.opensHandoff = orphan.type !== null && OPENING_TYPES.has(orphan.type);
    if (!orphan.opensHandoff || !orphan.from || !orphan.handoffId) continue;
    const handoffs = (toResend[orphan.from] ??= []);
    if (!handoffs.includes(orphan.handoffId)) handoffs.push(orphan.handoffId);
  }
  return { orphans, toResend };
}

/** The types of the messages that open a handoff: what a sender sends again. */
const OPENING_TYPES = new Set<string>(Object.values(OPENING_MESSAGE));

/** The message or alert id a job's data names (a dead-letter copy carries its original job's data). */
function subjectOf(data: Record<string, unknown>): string | null {
  if (typeof data.messageId === 'string') return data.messageId;
  if (typeof data.alertId === 'string') return data.alertId;
  return null;
}

function meaningOf(role: ReturnType<typeof queueRoleOf>, state: ListedJob['state'], orphan: Orphan): string {
  const unit = orphan.to ?? 'its unit';
  if (state === 'live') return role === 'delivery' ? `on its way to ${unit}'s system` : 'waiting to be taken up';
  if (state === 'failed') return 'failed (its consumer found no such message)';
  switch (role) {
    case 'inbox':
      return `taken into ${unit}'s inbox`;
    case 'delivery':
      return `delivered to ${unit}'s system`;
    case 'scheduler':
      return 'its step reached the scheduler';
    case 'alerts':
      return 'sent to the office';
    default:
      return 'done';
  }
}
