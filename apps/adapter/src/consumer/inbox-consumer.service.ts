import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  type BusJobData,
  CURRENT_SCHEMA_VERSION,
  type Envelope,
  MessageType,
  OPENING_MESSAGE_TYPES,
  validatePayload,
} from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { HandoffRepository, InboxRepository, MessageRepository, OutboxRepository, PrismaService, type Tx } from '#persistence';
import { BullMqClient, type ConsumeOutcome, OutboxRelay, PermanentMessageError } from '#bus';

/**
 * Takes messages addressed to this unit off its inbox queue. Idempotent on message id: the inbox
 * row, the step it records and the answer it writes commit together, so a redelivered job finds
 * the row and changes nothing.
 */
@Injectable()
export class InboxConsumerService implements OnApplicationBootstrap {
  private readonly logger = new Logger(InboxConsumerService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly inbox: InboxRepository,
    private readonly messages: MessageRepository,
    private readonly outbox: OutboxRepository,
    private readonly handoffs: HandoffRepository,
    private readonly client: BullMqClient,
    private readonly relay: OutboxRelay,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Webhook deliveries whose job was lost (e.g. Redis restarted empty) are queued again at boot. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.delivery.mode !== 'webhook') return;
    const pending = await this.prisma.inboxEntry.findMany({
      where: { agency: this.settings.agency, deliveryStatus: 'pending' },
      select: { messageId: true },
    });
    for (const { messageId } of pending) await this.enqueueDelivery(messageId);
  }

  async consume(job: BusJobData): Promise<ConsumeOutcome> {
    const agency = this.settings.agency;
    if (job.to !== agency) throw new PermanentMessageError(`message ${job.messageId} for ${job.to} reached ${agency}'s inbox`);
    const result = await this.prisma.$transaction(async (tx) => {
      const fresh = await this.inbox.claim(tx, agency, {
        messageId: job.messageId,
        handoffId: job.handoffId,
        type: job.type,
        deliveryStatus: this.settings.delivery.mode === 'webhook' ? 'pending' : 'pull',
      });
      if (!fresh) return { outcome: 'duplicate' as const };
      await this.outbox.confirmConsumed(tx, agency, job.messageId, this.clock.now());
      const envelope = await this.messages.findVisible(agency, job.messageId, tx);
      if (!envelope) throw new PermanentMessageError(`message ${job.messageId} is not in the database`);
      // Validated where consumed, not only where produced (ARCHITECTURE §5).
      const checked = validatePayload(envelope.type, envelope.schemaVersion, envelope.payload);
      if (!checked.ok) {
        const problems = checked.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
        throw new PermanentMessageError(`message ${envelope.id} (${envelope.type}) fails its schema: ${problems}`);
      }
      await this.apply(tx, envelope);
      return { outcome: 'processed' as const, priority: envelope.priority };
    });
    if (result.outcome === 'processed') {
      this.relay.kick(); // after the commit, so the relay sees the receipt it may have written
      if (this.settings.delivery.mode === 'webhook') {
        await this.client.enqueueDelivery({ agency, messageId: job.messageId }, result.priority);
      }
    } else {
      // A redelivered job: its first run may have died between the commit and queueing the delivery.
      const entry = await this.inbox.find(agency, job.messageId);
      if (entry?.deliveryStatus === 'pending') await this.enqueueDelivery(job.messageId);
    }
    this.logger.log(`${result.outcome} ${job.type} message=${job.messageId} handoff=${job.handoffId} agency=${agency}`);
    return result.outcome;
  }

  private async apply(tx: Tx, envelope: Envelope): Promise<void> {
    const agency = this.settings.agency;
    if (OPENING_MESSAGE_TYPES.includes(envelope.type)) {
      await this.receive(tx, envelope);
    } else if (envelope.type === MessageType.Feedback) {
      // 第二十一条: the sender has the outcome once the feedback reaches it.
      const handoff = await this.handoffs.lockVisible(tx, agency, envelope.handoffId);
      if (handoff.currentStep === 'feedback-given') {
        await this.handoffs.addStep(tx, agency, envelope.handoffId, {
          step: 'feedback-received', messageId: envelope.id, occurredAt: this.clock.now(), details: {},
        });
      }
    }
  }

  /** The receipt: step `received` on the handoff, and a receipt message back to the sender. */
  private async receive(tx: Tx, opening: Envelope): Promise<void> {
    const agency = this.settings.agency;
    const handoff = await this.handoffs.lockVisible(tx, agency, opening.handoffId);
    if (handoff.currentStep !== 'sent') return;
    const now = this.clock.now();
    const receipt: Envelope<typeof MessageType.Receipt> = {
      id: crypto.randomUUID(),
      type: MessageType.Receipt,
      schemaVersion: CURRENT_SCHEMA_VERSION,
      from: agency,
      to: opening.from,
      handoffId: opening.handoffId,
      caseRef: opening.caseRef,
      correlationId: opening.correlationId,
      causationId: opening.id,
      occurredAt: now.toISOString(),
      priority: opening.priority,
      payload: { receivedAt: now.toISOString() },
    };
    await this.handoffs.addStep(tx, agency, opening.handoffId, {
      step: 'received', messageId: receipt.id, occurredAt: now, details: { openingMessageId: opening.id },
    });
    await this.messages.writeWithOutbox(tx, agency, receipt);
  }

  private async enqueueDelivery(messageId: string): Promise<void> {
    const envelope = await this.messages.findVisible(this.settings.agency, messageId);
    await this.client.enqueueDelivery({ agency: this.settings.agency, messageId }, envelope?.priority ?? 'normal');
  }
}
