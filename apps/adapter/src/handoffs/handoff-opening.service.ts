import { Inject, Injectable, Logger } from '@nestjs/common';
import { instanceToPlain } from 'class-transformer';
import { type AgencyCode, CURRENT_SCHEMA_VERSION, type Envelope, type HandoffKind, OPENING_MESSAGE } from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { HandoffRepository, MessageRepository, type Prisma, type Tx } from '#persistence';
import type { OpenHandoffRequest } from '../api/open-handoff.dto.js';
import type { ApiResult } from './api-result.js';
import { priorityOf, recipientsFor } from './routing-rules.js';

/** Opens one handoff per recipient, each with its opening message and outbox row, in the caller's transaction. */
@Injectable()
export class HandoffOpeningService {
  private readonly logger = new Logger(HandoffOpeningService.name);

  constructor(
    private readonly handoffs: HandoffRepository,
    private readonly messages: MessageRepository,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async open(tx: Tx, kind: HandoffKind, request: OpenHandoffRequest): Promise<ApiResult> {
    const sender = this.settings.agency;
    const { caseRef, recipients: requested, ...payload } = instanceToPlain(request) as {
      caseRef: string;
      recipients?: AgencyCode[];
    } & Record<string, Prisma.InputJsonValue>;
    const recipients = recipientsFor(kind, sender, requested);
    const priority = priorityOf(kind, request.priorityGroups);
    const requestId = crypto.randomUUID();
    const now = this.clock.now();
    const opened = [];
    for (const to of recipients) {
      const envelope: Envelope = {
        id: crypto.randomUUID(),
        type: OPENING_MESSAGE[kind],
        schemaVersion: CURRENT_SCHEMA_VERSION,
        from: sender,
        to,
        handoffId: crypto.randomUUID(),
        caseRef,
        correlationId: requestId,
        causationId: null,
        occurredAt: now.toISOString(),
        priority,
        payload: payload as object as Envelope['payload'],
      };
      await this.handoffs.create(
        tx,
        sender,
        { id: envelope.handoffId, kind, toAgency: to, caseRef, priority, requestId, details: payload, openedAt: now },
        { step: 'sent', messageId: envelope.id, occurredAt: now, details: {} },
      );
      await this.messages.writeWithOutbox(tx, sender, envelope);
      opened.push({ id: envelope.handoffId, kind, to, currentStep: 'sent', priority, messageId: envelope.id });
      this.logger.log(`opened ${kind} handoff=${envelope.handoffId} message=${envelope.id} from=${sender} to=${to}`);
    }
    return { status: 201, body: { requestId, caseRef, handoffs: opened } };
  }
}
