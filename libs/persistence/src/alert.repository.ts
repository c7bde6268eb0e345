import { OFFICE_ALERTS_QUEUE, type OfficeAlertJobData, type Priority, SEND_OFFICE_ALERT } from '#contracts';
import type { AlertDraft } from '#deadlines';
import type { Db } from './db.js';
import type { Alert, AlertNote } from './generated/prisma/client.js';

/** A claimed alert as the relay publishes it (structurally libs/bus's ClaimedPublication). */
export interface ClaimedAlert {
  id: string;
  queue: string;
  name: typeof SEND_OFFICE_ALERT;
  data: OfficeAlertJobData;
  priority: Priority;
  claims: number;
  baseJobId: string;
}

/** An alert to write, as the domain composes it (libs/deadlines). */
export type NewAlert = AlertDraft;

/** One alert's sending: the channels that worked, and whether it is done. */
export interface AlertSendingOutcome {
  id: string;
  webhookAt?: Date;
  emailAt?: Date;
  /** every channel done, or nothing to send */
  deliveredAt?: Date;
}

export interface AlertFilter {
  kinds?: string[];
  level?: string;
  open?: boolean;
  limit: number;
}

/** Alerts for the joint-meeting office and the units' liaisons and leaders. */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  /** One alert per dedupeKey (obligation × level): false when it exists already. */
  async create(alert: NewAlert): Promise<boolean> {
    const { count } = await this.db.alert.createMany({ data: [{ id: crypto.randomUUID(), ...alert }], skipDuplicates: true });
    return count === 1;
  }

  /** Many at once; those whose dedupeKey exists are skipped. Returns how many were new. */
  async createMany(alerts: readonly NewAlert[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const { count } = await this.db.alert.createMany({ data: alerts.map((alert) => ({ id: crypto.randomUUID(), ...alert })), skipDuplicates: true });
    return count;
  }

  /** The alert outbox: claims unpublished alerts with a lease (see OutboxRepository.claim). */
  async claim(limit: number, leaseMs: number): Promise<ClaimedAlert[]> {
    const rows = await this.db.$queryRaw<{ id: string; dedupeKey: string; claims: number }[]>`
      WITH picked AS (
        SELECT id FROM "Alert"
        WHERE "publishedAt" IS NULL AND ("claimedUntil" IS NULL OR "claimedUntil" < now())
        ORDER BY "createdAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      UPDATE "Alert" a SET "claimedUntil" = now() + make_interval(secs => ${leaseMs / 1000}), claims = a.claims + 1
      FROM picked WHERE a.id = picked.id
      RETURNING a.id, a."dedupeKey", a.claims`;
    return rows.map((row) => ({
      id: row.id,
      queue: OFFICE_ALERTS_QUEUE,
      name: SEND_OFFICE_ALERT,
      data: { alertId: row.id },
      priority: 'normal',
      claims: row.claims,
      baseJobId: row.dedupeKey,
    }));
  }

  async markPublished(ids: readonly string[]): Promise<void> {
    await this.db.$executeRaw`UPDATE "Alert" SET "publishedAt" = now(), "claimedUntil" = NULL WHERE id = ANY(${[...ids]}::uuid[])`;
  }

  async release(ids: readonly string[]): Promise<void> {
    await this.db.$executeRaw`UPDATE "Alert" SET "claimedUntil" = NULL WHERE id = ANY(${[...ids]}::uuid[])`;
  }

  /** For the reconciler: alerts published before `olderThan` whose job has not finished sending them. */
  async undelivered(olderThan: Date, limit: number): Promise<{ id: string; dedupeKey: string; claims: number }[]> {
    return this.db.$queryRaw<{ id: string; dedupeKey: string; claims: number }[]>`
      SELECT id, "dedupeKey", claims FROM "Alert"
      WHERE "publishedAt" < ${olderThan} AND "deliveredAt" IS NULL AND "failedAt" IS NULL
      ORDER BY "publishedAt" LIMIT ${limit}`;
  }

  /** Back to the alert relay, which republishes each under a new job id (<dedupeKey>.r<claims>). */
  async requeue(ids: readonly string[]): Promise<number> {
    return this.db.$executeRaw`
      UPDATE "Alert" SET "publishedAt" = NULL WHERE id = ANY(${[...ids]}::uuid[]) AND "deliveredAt" IS NULL`;
  }

  /**
   * What sending did to many alerts, in one statement: each channel that worked is stamped (a retry
   * sends only what is missing), and an alert whose every channel is done is delivered (the reconciler
   * stops watching it). A stamp already there is kept.
   */
  async recordSending(outcomes: readonly AlertSendingOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const iso = (at: Date | undefined) => at?.toISOString() ?? null;
    await this.db.$executeRaw`
      UPDATE "Alert" a SET
        "webhookDeliveredAt" = COALESCE(a."webhookDeliveredAt", o.webhook),
        "emailSentAt" = COALESCE(a."emailSentAt", o.email),
        "deliveredAt" = COALESCE(a."deliveredAt", o.delivered),
        "nextAttemptAt" = CASE WHEN a."deliveredAt" IS NULL AND o.delivered IS NOT NULL THEN NULL ELSE a."nextAttemptAt" END,
        "failedAt" = CASE WHEN a."deliveredAt" IS NULL AND o.delivered IS NOT NULL THEN NULL ELSE a."failedAt" END,
        "failureReason" = CASE WHEN a."deliveredAt" IS NULL AND o.delivered IS NOT NULL THEN NULL ELSE a."failureReason" END
      FROM unnest(${outcomes.map((o) => o.id)}::uuid[], ${outcomes.map((o) => iso(o.webhookAt))}::timestamptz[],
                  ${outcomes.map((o) => iso(o.emailAt))}::timestamptz[], ${outcomes.map((o) => iso(o.deliveredAt))}::timestamptz[])
        AS o(id, webhook, email, delivered)
      WHERE a.id = o.id`;
  }

  async markRetrying(id: string, error: string, at: Date): Promise<void> {
    await this.db.alert.updateMany({ where: { id, deliveredAt: null }, data: { nextAttemptAt: at, failureReason: error.slice(0, 1000) } });
  }

  async markFailed(id: string, error: string, at: Date): Promise<void> {
    await this.db.alert.updateMany({ where: { id, deliveredAt: null }, data: { failedAt: at, nextAttemptAt: null, failureReason: error.slice(0, 1000) } });
  }

  /** An operator's replay after a fix: the alert goes out again under a new job id. */
  async reopen(id: string): Promise<number> {
    const { count } = await this.db.alert.updateMany({ where: { id, deliveredAt: null }, data: { failedAt: null, publishedAt: null } });
    return count;
  }

  async find(id: string): Promise<(Alert & { notes: AlertNote[] }) | null> {
    return this.db.alert.findUnique({ where: { id }, include: { notes: { orderBy: { createdAt: 'asc' } } } });
  }

  async list(filter: AlertFilter): Promise<Alert[]> {
    return this.db.alert.findMany({
      where: {
        kind: filter.kinds ? { in: filter.kinds } : undefined,
        level: filter.level,
        acknowledgedAt: filter.open === undefined ? undefined : filter.open ? null : { not: null },
      },
      orderBy: [{ createdAt: 'desc' }],
      take: filter.limit,
    });
  }

  /** The alert as its channels send it (its notes are the office's, not sent). */
  async forSending(id: string): Promise<Alert | null> {
    return this.db.alert.findUnique({ where: { id } });
  }

  /** Acknowledging twice keeps the first acknowledgement. */
  async acknowledge(id: string, by: string, at: Date): Promise<void> {
    await this.db.alert.updateMany({ where: { id, acknowledgedAt: null }, data: { acknowledgedAt: at, acknowledgedBy: by } });
  }

  async addNote(alertId: string, author: string, text: string): Promise<AlertNote> {
    return this.db.alertNote.create({ data: { id: crypto.randomUUID(), alertId, author, text } });
  }
}
