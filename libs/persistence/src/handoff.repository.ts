import { Injectable } from '@nestjs/common';
import {
  type AgencyCode,
  CURRENT_SCHEMA_VERSION,
  type HandoffKind,
  MessageType,
  type Priority,
  SCHEDULER_QUEUE,
  type Step,
  type StepRecordedPayloadV1,
} from '#contracts';
import type { Handoff, HandoffStep, Prisma } from './generated/prisma/client.js';
import { HandoffForbiddenError, HandoffNotFoundError } from './persistence.errors.js';
import { PrismaService } from './prisma.service.js';
import type { Tx } from './transaction.js';

export interface NewHandoff {
  id: string;
  kind: HandoffKind;
  toAgency: AgencyCode;
  caseRef: string;
  priority: Priority;
  requestId: string;
  details: Prisma.InputJsonValue;
  openedAt: Date;
}

export interface NewStep {
  step: Step;
  messageId: string;
  occurredAt: Date;
  details: Prisma.InputJsonValue;
}

export interface HandoffFilter {
  role?: 'sent' | 'received';
  step?: Step;
  kind?: HandoffKind;
  limit: number;
  /** id of the last handoff of the previous page */
  after?: string;
}

export type HandoffWithSteps = Handoff & { steps: HandoffStep[] };

/** Every method takes the acting unit: a unit sees only handoffs it sent or received (ARCHITECTURE §9). */
@Injectable()
export class HandoffRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(tx: Tx, sender: AgencyCode, handoff: NewHandoff, sent: NewStep): Promise<void> {
    await tx.handoff.create({
      data: { ...handoff, fromAgency: sender, currentStep: 'sent' },
    });
    await this.addStep(tx, sender, handoff.id, sent);
  }

  /** Locks the handoff row for the rest of the transaction, so two steps cannot race. */
  async lockVisible(tx: Tx, agency: AgencyCode, handoffId: string): Promise<Handoff> {
    const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Handoff" WHERE id = ${handoffId}::uuid FOR UPDATE`;
    if (rows.length === 0) throw new HandoffNotFoundError(handoffId);
    const handoff = await tx.handoff.findUniqueOrThrow({ where: { id: handoffId } });
    this.assertParty(handoff, agency);
    return handoff;
  }

  /**
   * Records a step and, in the same transaction, the step event the scheduler keeps its clocks
   * from (through the outbox, like every message of the bus).
   */
  async addStep(tx: Tx, actor: AgencyCode, handoffId: string, step: NewStep): Promise<void> {
    await tx.handoffStep.create({
      data: {
        id: crypto.randomUUID(),
        handoffId,
        actorAgency: actor,
        step: step.step,
        messageId: step.messageId,
        occurredAt: step.occurredAt,
        details: step.details,
      },
    });
    const handoff = await tx.handoff.update({ where: { id: handoffId }, data: { currentStep: step.step } });
    const eventId = crypto.randomUUID();
    const payload: StepRecordedPayloadV1 = { step: step.step, occurredAt: step.occurredAt.toISOString() };
    await tx.message.create({
      data: {
        id: eventId,
        type: MessageType.StepRecorded,
        schemaVersion: CURRENT_SCHEMA_VERSION,
        fromAgency: actor,
        toAgency: actor,
        handoffId,
        caseRef: handoff.caseRef,
        correlationId: handoff.requestId,
        causationId: step.messageId,
        occurredAt: step.occurredAt,
        priority: handoff.priority,
        payload: { ...payload },
      },
    });
    await tx.outboxEntry.create({ data: { messageId: eventId, fromAgency: actor, queue: SCHEDULER_QUEUE } });
  }

  /** The message that carried a step of a handoff the unit is party to. */
  async stepMessageId(tx: Tx, agency: AgencyCode, handoffId: string, step: Step): Promise<string | null> {
    const found = await tx.handoffStep.findFirst({
      where: { handoffId, step, handoff: { OR: [{ fromAgency: agency }, { toAgency: agency }] } },
      select: { messageId: true },
    });
    return found?.messageId ?? null;
  }

  async findVisible(agency: AgencyCode, handoffId: string): Promise<HandoffWithSteps> {
    if (!isUuid(handoffId)) throw new HandoffNotFoundError(handoffId);
    const handoff = await this.prisma.handoff.findUnique({
      where: { id: handoffId },
      include: { steps: { orderBy: [{ occurredAt: 'asc' }, { recordedAt: 'asc' }] } },
    });
    if (!handoff) throw new HandoffNotFoundError(handoffId);
    this.assertParty(handoff, agency);
    return handoff;
  }

  async list(agency: AgencyCode, filter: HandoffFilter): Promise<Handoff[]> {
    const party: Prisma.HandoffWhereInput =
      filter.role === 'sent' ? { fromAgency: agency }
      : filter.role === 'received' ? { toAgency: agency }
      : { OR: [{ fromAgency: agency }, { toAgency: agency }] };
    return this.prisma.handoff.findMany({
      where: { ...party, currentStep: filter.step, kind: filter.kind },
      orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
      ...(filter.after ? { cursor: { id: filter.after }, skip: 1 } : {}),
    });
  }

  private assertParty(handoff: Handoff, agency: AgencyCode): void {
    if (handoff.fromAgency !== agency && handoff.toAgency !== agency) {
      throw new HandoffForbiddenError(handoff.id, agency);
    }
  }
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
