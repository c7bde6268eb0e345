import { Injectable } from '@nestjs/common';
import { type DeadLetterRecord, type Priority, queueRoleOf, SCHEDULER_QUEUE } from '#contracts';
import { fromDb } from './db-enums.js';
import { PrismaService } from './prisma.service.js';

/**
 * A message's state, derived in one place from the columns its owners write:
 * - message / step-event (OutboxEntry; the sender writes pending/published, the consumer consumed,
 *   retrying with its next attempt, failed with its reason),
 * - delivery (InboxEntry; the receiving unit writes pending, retrying, delivered, failed),
 * - alert (Alert; the scheduler writes every state).
 */
export type MessageStatus = 'pending' | 'published' | 'consumed' | 'retrying' | 'delivered' | 'failed';
export type MessageKind = 'message' | 'step-event' | 'delivery' | 'alert';

export interface MessageStateRow {
  kind: MessageKind;
  id: string;
  /** the unit (or scheduler) whose work it is now */
  owner: string;
  type: string;
  status: MessageStatus;
  since: Date;
  nextAttemptAt: Date | null;
  reason: string | null;
}

/** A dead letter as stored: the record a consumer wrote, with whose it is, when, and its replays. */
export interface DeadLetterRow extends Omit<DeadLetterRecord, 'data'> {
  id: string;
  agency: string;
  failedAt: Date;
  /** the job's data as stored (JSON) */
  data: unknown;
  replayedAt: Date | null;
  replays: number;
}

/** A webhook delivery put back to pending by a replay: the job to queue for it. */
export interface ReopenedDelivery {
  agency: string;
  messageId: string;
  publications: number;
  priority: Priority;
}

export interface DeadLetterFilter {
  agency?: string;
  type?: string;
  /** only those failed before this */
  failedBefore?: Date;
  /** replayed ones too (default: only those still to deal with) */
  includeReplayed?: boolean;
  limit: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The states as SQL, one SELECT per kind. Pull-mode inbox entries count as delivered once the
// unit's system acknowledged them; until then they wait on the unit, not on the bus.
const STATES_SQL = `
  SELECT CASE WHEN o.queue = '${SCHEDULER_QUEUE}' THEN 'step-event' ELSE 'message' END AS kind,
         o."messageId"::text AS id,
         CASE WHEN o."publishedAt" IS NULL THEN o."fromAgency" WHEN o.queue = '${SCHEDULER_QUEUE}' THEN 'scheduler' ELSE m."toAgency" END AS owner,
         m.type,
         CASE WHEN o."failedAt" IS NOT NULL THEN 'failed' WHEN o."consumedAt" IS NOT NULL THEN 'consumed'
              WHEN o."nextAttemptAt" IS NOT NULL THEN 'retrying' WHEN o."publishedAt" IS NOT NULL THEN 'published' ELSE 'pending' END AS status,
         COALESCE(o."failedAt", o."consumedAt", o."publishedAt", o."createdAt") AS since,
         o."createdAt" AS created,
         o."nextAttemptAt" AS "nextAttemptAt",
         COALESCE(o."failureReason", o."lastError") AS reason
  FROM "OutboxEntry" o JOIN "Message" m ON m.id = o."messageId"
  UNION ALL
  SELECT 'delivery', i."messageId"::text, i.agency, i.type,
         CASE WHEN i."deliveryStatus" = 'delivered' OR i."acknowledgedAt" IS NOT NULL THEN 'delivered'
              WHEN i."deliveryStatus" = 'failed' THEN 'failed'
              WHEN i."nextDeliveryAt" IS NOT NULL THEN 'retrying'
              WHEN i."deliveryStatus" = 'pull' THEN 'published' ELSE 'pending' END,
         COALESCE(i."deliveredAt", i."acknowledgedAt", i."receivedAt"), i."receivedAt", i."nextDeliveryAt", i."lastDeliveryError"
  FROM "InboxEntry" i
  UNION ALL
  SELECT 'alert', a.id::text, 'scheduler', a.kind || '.' || a.level,
         CASE WHEN a."failedAt" IS NOT NULL THEN 'failed' WHEN a."deliveredAt" IS NOT NULL THEN 'delivered'
              WHEN a."nextAttemptAt" IS NOT NULL THEN 'retrying' WHEN a."publishedAt" IS NOT NULL THEN 'published' ELSE 'pending' END,
         COALESCE(a."failedAt", a."deliveredAt", a."publishedAt", a."createdAt"), a."createdAt", a."nextAttemptAt", a."failureReason"
  FROM "Alert" a`;

/**
 * The operators' reads and repairs across every unit (npm run ops, the scheduler's alarms): message
 * states, stuck messages, dead letters and their replay. Ids, types, units and reasons only —
 * never a citizen's data.
 */
@Injectable()
export class OperationsQueries {
  constructor(private readonly prisma: PrismaService) {}

  /** Messages not done (pending, published, retrying) created before `olderThan`, oldest first. */
  async stuck(olderThan: Date, filter: { owner?: string; kind?: MessageKind; limit: number }): Promise<MessageStateRow[]> {
    return this.prisma.$queryRawUnsafe<MessageStateRow[]>(
      `SELECT kind, id, owner, type, status, since, "nextAttemptAt", reason FROM (${STATES_SQL}) s
       WHERE status IN ('pending', 'published', 'retrying') AND created < $1
         AND ($2::text IS NULL OR owner = $2) AND ($3::text IS NULL OR kind = $3)
         AND NOT (kind = 'delivery' AND status = 'published')
       ORDER BY created LIMIT $4`,
      olderThan,
      filter.owner ?? null,
      filter.kind ?? null,
      filter.limit,
    );
  }

  /** How many are stuck per kind and owner, and since when: the alarm's and the metrics' figures. */
  async stuckSummary(olderThan: Date): Promise<{ kind: MessageKind; owner: string; count: number; oldest: Date }[]> {
    const rows = await this.prisma.$queryRawUnsafe<{ kind: MessageKind; owner: string; count: bigint; oldest: Date }[]>(
      `SELECT kind, owner, count(*) AS count, min(created) AS oldest FROM (${STATES_SQL}) s
       WHERE status IN ('pending', 'published', 'retrying') AND created < $1 AND NOT (kind = 'delivery' AND status = 'published')
       GROUP BY kind, owner ORDER BY kind, owner`,
      olderThan,
    );
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  /** Every state one message (or alert) id has, on both ends. */
  async states(id: string): Promise<MessageStateRow[]> {
    return this.prisma.$queryRawUnsafe<MessageStateRow[]>(
      `SELECT kind, id, owner, type, status, since, "nextAttemptAt", reason FROM (${STATES_SQL}) s WHERE id = $1 ORDER BY kind`,
      id,
    );
  }

  /** A message's whole history across both ends, in time order: written, published, taken up, delivered, failed, replayed. */
  async history(messageId: string): Promise<{ at: Date; who: string; what: string }[]> {
    return this.prisma.$queryRaw<{ at: Date; who: string; what: string }[]>`
      SELECT at, who, what FROM (
        SELECT m."createdAt" AS at, m."fromAgency" AS who, 'written: ' || m.type || ' to ' || m."toAgency" || ', handoff ' || m."handoffId" AS what
          FROM "Message" m WHERE m.id::text = ${messageId}
        UNION ALL SELECT o."publishedAt", o."fromAgency", 'published to ' || o.queue || ' (claim ' || o.attempts || ')' FROM "OutboxEntry" o WHERE o."messageId"::text = ${messageId} AND o."publishedAt" IS NOT NULL
        UNION ALL SELECT o."nextAttemptAt", 'consumer', 'retrying: ' || COALESCE(o."lastError", '') FROM "OutboxEntry" o WHERE o."messageId"::text = ${messageId} AND o."nextAttemptAt" IS NOT NULL AND o."consumedAt" IS NULL
        UNION ALL SELECT o."consumedAt", CASE WHEN o.queue = ${SCHEDULER_QUEUE} THEN 'scheduler' ELSE 'receiver' END, 'consumed' FROM "OutboxEntry" o WHERE o."messageId"::text = ${messageId} AND o."consumedAt" IS NOT NULL
        UNION ALL SELECT o."failedAt", 'consumer', 'failed: ' || COALESCE(o."failureReason", '') FROM "OutboxEntry" o WHERE o."messageId"::text = ${messageId} AND o."failedAt" IS NOT NULL
        UNION ALL SELECT s."recordedAt", s."actorAgency", 'step ' || s.step || ' recorded on handoff ' || s."handoffId" FROM "HandoffStep" s WHERE s."messageId"::text = ${messageId}
        UNION ALL SELECT i."receivedAt", i.agency, 'in the inbox (' || i."deliveryStatus" || ', ' || i."deliveryAttempts" || ' webhook attempts' || COALESCE(', last error: ' || i."lastDeliveryError", '') || ')' FROM "InboxEntry" i WHERE i."messageId"::text = ${messageId}
        UNION ALL SELECT i."deliveredAt", i.agency, 'delivered to the unit''s system' FROM "InboxEntry" i WHERE i."messageId"::text = ${messageId} AND i."deliveredAt" IS NOT NULL
        UNION ALL SELECT i."acknowledgedAt", i.agency, 'acknowledged by the unit''s system' FROM "InboxEntry" i WHERE i."messageId"::text = ${messageId} AND i."acknowledgedAt" IS NOT NULL AND i."deliveredAt" IS NULL
        UNION ALL SELECT d."failedAt", d.agency, 'dead letter ' || d.id || ' on ' || d.queue || ' after ' || d.attempts || ' attempts: ' || d.reason FROM "DeadLetter" d WHERE d."messageId"::text = ${messageId}
        UNION ALL SELECT d."replayedAt", 'operator', 'dead letter ' || d.id || ' replayed (' || d.replays || ')' FROM "DeadLetter" d WHERE d."messageId"::text = ${messageId} AND d."replayedAt" IS NOT NULL
      ) h WHERE at IS NOT NULL ORDER BY at`;
  }

  async deadLetters(filter: DeadLetterFilter): Promise<DeadLetterRow[]> {
    return this.prisma.deadLetter.findMany({
      where: {
        agency: filter.agency,
        type: filter.type,
        failedAt: filter.failedBefore ? { lt: filter.failedBefore } : undefined,
        replayedAt: filter.includeReplayed ? undefined : null,
      },
      orderBy: { failedAt: 'asc' },
      take: filter.limit,
    });
  }

  async deadLetter(id: string): Promise<DeadLetterRow | null> {
    return this.prisma.deadLetter.findUnique({ where: { id } });
  }

  /** Dead letters not replayed, per owner: the alarm's figure. */
  async openDeadLetters(): Promise<{ agency: string; count: number; newest: Date }[]> {
    const rows = await this.prisma.$queryRaw<{ agency: string; count: bigint; newest: Date }[]>`
      SELECT agency, count(*) AS count, max("failedAt") AS newest FROM "DeadLetter" WHERE "replayedAt" IS NULL GROUP BY agency ORDER BY agency`;
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  /**
   * Makes a dead letter's message go out again, after a fix, in one transaction: the message is
   * put back for its sender's relay (or an alert for the alert relay), or a delivery is pending
   * again; the caller queues a delivery job itself (returned as `delivery`). The dead letter is
   * stamped replayed.
   */
  async reopen(deadLetter: DeadLetterRow, at: Date): Promise<{ reopened: number; delivery: ReopenedDelivery | null }> {
    return this.prisma.$transaction(async (tx) => {
      let reopened = 0;
      let delivery: ReopenedDelivery | null = null;
      const id = deadLetter.messageId;
      const role = queueRoleOf(deadLetter.queue);
      if (id && role === 'alerts') {
        reopened = (await tx.alert.updateMany({ where: { id, deliveredAt: null }, data: { failedAt: null, nextAttemptAt: null, publishedAt: null } })).count;
      } else if (id && role === 'delivery') {
        const entry = await tx.inboxEntry.updateMany({
          where: { agency: deadLetter.agency, messageId: id, deliveryStatus: { in: ['failed', 'pending'] } },
          data: { deliveryStatus: 'pending', nextDeliveryAt: null, deliveryPublications: { increment: 1 } },
        });
        reopened = entry.count;
        if (reopened > 0) {
          const row = await tx.inboxEntry.findUniqueOrThrow({ where: { agency_messageId: { agency: deadLetter.agency, messageId: id } } });
          // The priority is a plain column: the operator CLI replays without the field-encryption key.
          const message = await tx.message.findUnique({ where: { id }, select: { priority: true } });
          delivery = { agency: deadLetter.agency, messageId: id, publications: row.deliveryPublications, priority: message ? fromDb(message.priority) : 'normal' };
        }
      } else if (id) {
        reopened = (
          await tx.outboxEntry.updateMany({
            where: { messageId: id, consumedAt: null },
            data: { failedAt: null, failureReason: null, nextAttemptAt: null, publishedAt: null, claimedUntil: null },
          })
        ).count;
      }
      await tx.deadLetter.update({ where: { id: deadLetter.id }, data: { replayedAt: at, replays: { increment: 1 } } });
      return { reopened, delivery };
    });
  }
  /**
   * Of these ids (named by queued jobs), those that are neither a message nor an alert in the
   * database: after a restore to an earlier point, what was accepted after it (npm run ops -- orphans).
   */
  async unknownIds(ids: readonly string[]): Promise<Set<string>> {
    const uuids = [...new Set(ids)].filter((id) => UUID.test(id));
    if (uuids.length === 0) return new Set();
    const rows = await this.prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT u.id::text AS id FROM unnest($1::uuid[]) AS u(id)
       WHERE NOT EXISTS (SELECT 1 FROM "Message" m WHERE m.id = u.id) AND NOT EXISTS (SELECT 1 FROM "Alert" a WHERE a.id = u.id)`,
      uuids,
    );
    return new Set(rows.map((row) => row.id));
  }

  /** Dead letters naming a message (or alert) the database does not have (its job may be gone from the queues). */
  async deadLettersOfUnknownMessages(limit: number): Promise<DeadLetterRow[]> {
    return this.prisma.$queryRawUnsafe<DeadLetterRow[]>(
      `SELECT d.id::text AS id, d.agency, d.queue, d."jobId", d."messageId"::text AS "messageId", d.type, d.reason, d.attempts, d."failedAt", d.data, d."replayedAt", d.replays
       FROM "DeadLetter" d
       WHERE d."messageId" IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM "Message" m WHERE m.id = d."messageId")
         AND NOT EXISTS (SELECT 1 FROM "Alert" a WHERE a.id = d."messageId")
       ORDER BY d."failedAt" LIMIT $1`,
      limit,
    );
  }
}

