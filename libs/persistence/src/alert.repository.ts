import { Injectable } from '@nestjs/common';
import type { Alert, AlertNote, Prisma } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

export type NewAlert = Pick<Alert, 'dedupeKey' | 'kind' | 'level' | 'obligationId' | 'handoffId' | 'agency' | 'summary'> & {
  recipients: Prisma.InputJsonValue;
};

export interface AlertFilter {
  kinds?: string[];
  level?: string;
  open?: boolean;
  limit: number;
}

/** Alerts for the joint-meeting office and the units' liaisons and leaders. */
@Injectable()
export class AlertRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** One alert per dedupeKey (obligation × level): false when it exists already. */
  async create(tx: Tx, alert: NewAlert): Promise<boolean> {
    const { count } = await tx.alert.createMany({ data: [{ id: crypto.randomUUID(), ...alert }], skipDuplicates: true });
    return count === 1;
  }

  /** Many at once; those whose dedupeKey exists are skipped. Returns how many were new. */
  async createMany(tx: Tx, alerts: readonly NewAlert[]): Promise<number> {
    if (alerts.length === 0) return 0;
    const { count } = await tx.alert.createMany({ data: alerts.map((alert) => ({ id: crypto.randomUUID(), ...alert })), skipDuplicates: true });
    return count;
  }

  /** Claims unpublished alerts (SKIP LOCKED), hands them to `publish`, stamps them, in one transaction. */
  async publishBatch(limit: number, publish: (alerts: Alert[]) => Promise<void>): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const ids = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Alert" WHERE "publishedAt" IS NULL ORDER BY "createdAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
      if (ids.length === 0) return 0;
      const alerts = await tx.alert.findMany({ where: { id: { in: ids.map((row) => row.id) } } });
      await publish(alerts);
      await tx.alert.updateMany({ where: { id: { in: alerts.map((alert) => alert.id) } }, data: { publishedAt: new Date() } });
      return alerts.length;
    });
  }

  async find(id: string): Promise<(Alert & { notes: AlertNote[] }) | null> {
    return this.prisma.alert.findUnique({ where: { id }, include: { notes: { orderBy: { createdAt: 'asc' } } } });
  }

  async list(filter: AlertFilter): Promise<Alert[]> {
    return this.prisma.alert.findMany({
      where: {
        kind: filter.kinds ? { in: filter.kinds } : undefined,
        level: filter.level,
        acknowledgedAt: filter.open === undefined ? undefined : filter.open ? null : { not: null },
      },
      orderBy: [{ createdAt: 'desc' }],
      take: filter.limit,
    });
  }

  async markChannel(id: string, channel: 'webhook' | 'email', at: Date): Promise<void> {
    await this.prisma.alert.update({ where: { id }, data: channel === 'webhook' ? { webhookDeliveredAt: at } : { emailSentAt: at } });
  }

  /** Acknowledging twice keeps the first acknowledgement. */
  async acknowledge(id: string, by: string, at: Date): Promise<void> {
    await this.prisma.alert.updateMany({ where: { id, acknowledgedAt: null }, data: { acknowledgedAt: at, acknowledgedBy: by } });
  }

  async addNote(alertId: string, author: string, text: string): Promise<AlertNote> {
    return this.prisma.alertNote.create({ data: { id: crypto.randomUUID(), alertId, author, text } });
  }
}
