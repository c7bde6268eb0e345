import { Injectable } from '@nestjs/common';
import type { AgencyCode, MessageType } from '#contracts';
import type { InboxEntry } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'pull';

/** The receiver's inbox: its (agency, messageId) key is the lasting guard against doubles. */
@Injectable()
export class InboxRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Records receipt; false when the unit already has this message (a duplicate delivery). */
  async claim(
    tx: Tx,
    agency: AgencyCode,
    entry: { messageId: string; handoffId: string; type: MessageType; deliveryStatus: DeliveryStatus },
  ): Promise<boolean> {
    const { count } = await tx.inboxEntry.createMany({ data: [{ agency, ...entry }], skipDuplicates: true });
    return count === 1;
  }

  async find(agency: AgencyCode, messageId: string): Promise<InboxEntry | null> {
    return this.prisma.inboxEntry.findUnique({ where: { agency_messageId: { agency, messageId } } });
  }

  /** Pull mode: what the unit's system has not yet acknowledged, oldest first. */
  async listUnacknowledged(agency: AgencyCode, limit: number): Promise<InboxEntry[]> {
    return this.prisma.inboxEntry.findMany({
      where: { agency, acknowledgedAt: null },
      orderBy: [{ receivedAt: 'asc' }, { messageId: 'asc' }],
      take: limit,
    });
  }

  /** Returns false when the unit has no such inbox entry. Acknowledging twice is harmless. */
  async acknowledge(agency: AgencyCode, messageId: string, at: Date): Promise<boolean> {
    const entry = await this.find(agency, messageId);
    if (!entry) return false;
    if (!entry.acknowledgedAt) {
      await this.prisma.inboxEntry.update({
        where: { agency_messageId: { agency, messageId } },
        data: { acknowledgedAt: at },
      });
    }
    return true;
  }

  async recordDeliveryAttempt(agency: AgencyCode, messageId: string, error: string | null, final: boolean): Promise<void> {
    await this.prisma.inboxEntry.update({
      where: { agency_messageId: { agency, messageId } },
      data: {
        deliveryAttempts: { increment: 1 },
        lastDeliveryError: error?.slice(0, 1000) ?? null,
        ...(error === null
          ? { deliveryStatus: 'delivered', deliveredAt: new Date(), acknowledgedAt: new Date() }
          : final ? { deliveryStatus: 'failed' } : {}),
      },
    });
  }
}
