import { Injectable } from '@nestjs/common';
import { type AgencyCode, type Envelope, inboxQueueName, type MessageType, type Priority } from '#contracts';

import type { Message, Prisma } from './generated/prisma/client.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

/** Messages and their outbox rows: written together, in the caller's transaction, or not at all. */
@Injectable()
export class MessageRepository {
  constructor(private readonly prisma: PrismaService) {}

  async writeWithOutbox(tx: Tx, sender: AgencyCode, envelope: Envelope): Promise<void> {
    if (envelope.from !== sender) throw new Error(`${sender} cannot write a message from ${envelope.from}`);
    await tx.message.create({
      data: {
        id: envelope.id,
        type: envelope.type,
        schemaVersion: envelope.schemaVersion,
        fromAgency: envelope.from,
        toAgency: envelope.to,
        handoffId: envelope.handoffId,
        caseRef: envelope.caseRef,
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        occurredAt: new Date(envelope.occurredAt),
        priority: envelope.priority,
        payload: envelope.payload as unknown as Prisma.InputJsonValue,
      },
    });
    await tx.outboxEntry.create({
      data: { messageId: envelope.id, fromAgency: sender, queue: inboxQueueName(envelope.to) },
    });
  }

  /** A message the unit sent or received, or null. */
  async findVisible(agency: AgencyCode, messageId: string, tx: Tx = this.prisma): Promise<Envelope | null> {
    const row = await tx.message.findFirst({
      where: { id: messageId, OR: [{ fromAgency: agency }, { toAgency: agency }] },
    });
    return row ? toEnvelope(row) : null;
  }
}

export function toEnvelope(row: Message): Envelope {
  return {
    id: row.id,
    type: row.type as MessageType,
    schemaVersion: row.schemaVersion,
    from: row.fromAgency as AgencyCode,
    to: row.toAgency as AgencyCode,
    handoffId: row.handoffId,
    caseRef: row.caseRef,
    correlationId: row.correlationId,
    causationId: row.causationId,
    occurredAt: row.occurredAt.toISOString(),
    priority: row.priority as Priority,
    payload: row.payload as unknown as Envelope['payload'],
  };
}
