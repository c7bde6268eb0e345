import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type BusJobData,
  DELIVER_TO_UNIT_SYSTEM,
  deliveryQueueName,
  type Priority,
  MessageType,
  validatePayload,
} from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { applyInboxMessage } from '#handoffs';
import { type ConsumeOutcome, type HandlerMap, OutboxRelay, PermanentMessageError, QUEUE_DRIVER, type QueueDriver } from '#bus';
import { AgencyContext } from '../api/agency.context.js';
import { MessageAuthenticity } from './message-authenticity.service.js';

/**
 * Takes messages addressed to this unit off its inbox queue. Idempotent on message id: the inbox
 * row, the step it records and the answer it writes commit together, so a redelivered job finds
 * the row and changes nothing.
 */
@Injectable()
export class InboxConsumerService {
  private readonly logger = new Logger(InboxConsumerService.name);

  constructor(
    private readonly agency: AgencyContext,
    private readonly relay: OutboxRelay,
    @Inject(QUEUE_DRIVER) private readonly driver: QueueDriver,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly authenticity: MessageAuthenticity,
  ) {}

  /** One handler per message type of the inbox; every type lands here and is told apart by the domain. */
  handlers(): HandlerMap<'inbox'> {
    const consume = (job: BusJobData) => this.consume(job);
    return {
      [MessageType.JudicialReferral]: consume,
      [MessageType.AdvanceReferral]: consume,
      [MessageType.SocialLead]: consume,
      [MessageType.UrgentMedicalNotice]: consume,
      [MessageType.Receipt]: consume,
      [MessageType.ProcedureStarted]: consume,
      [MessageType.Concluded]: consume,
      [MessageType.Feedback]: consume,
    };
  }

  /** Webhook deliveries whose job was lost (e.g. Redis restarted empty) are queued again. */
  async requeuePendingDeliveries(): Promise<number> {
    if (this.settings.delivery.mode !== 'webhook') return 0;
    const pending = await this.agency.store.inbox.pendingDeliveries(10_000);
    for (const { messageId, priority } of pending) await this.enqueueDelivery(messageId, priority);
    return pending.length;
  }

  async consume(job: BusJobData): Promise<ConsumeOutcome> {
    const agency = this.agency.code;
    if (job.to !== agency) throw new PermanentMessageError(`message ${job.messageId} for ${job.to} reached ${agency}'s inbox`);
    await this.authenticity.verify(job); // issue 9: signed by its sender, matching its job, or refused before anything is recorded
    const result = await this.agency.store.transaction(async (store) => {
      const fresh = await store.inbox.claim({
        messageId: job.messageId,
        handoffId: job.handoffId,
        type: job.type,
        deliveryStatus: this.settings.delivery.mode === 'webhook' ? 'pending' : 'pull',
      });
      if (!fresh) return { outcome: 'duplicate' as const };
      await store.outbox.confirmReceived(job.messageId, this.clock.now());
      const envelope = await store.messages.findVisible(job.messageId);
      if (!envelope) throw new PermanentMessageError(`message ${job.messageId} is not in the database`);
      // Validated where consumed, not only where produced (ARCHITECTURE §5).
      const checked = validatePayload(envelope.type, envelope.schemaVersion, envelope.payload);
      if (!checked.ok) {
        const problems = checked.problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
        throw new PermanentMessageError(`message ${envelope.id} (${envelope.type}) fails its schema: ${problems}`);
      }
      const handoff = await store.handoffs.lockForUpdate(envelope.handoffId);
      const decision = applyInboxMessage(handoff, agency, envelope, {
        now: this.clock.now(),
        newId: () => crypto.randomUUID(),
      });
      await store.handoffs.recordSteps(decision);
      await store.messages.append(decision.messages);
      return { outcome: 'processed' as const, priority: envelope.priority };
    });
    if (result.outcome === 'processed') {
      this.relay.kick(); // after the commit, so the relay sees the receipt it may have written
      if (this.settings.delivery.mode === 'webhook') await this.enqueueDelivery(job.messageId, result.priority);
    } else {
      // A redelivered job: its first run may have died between the commit and queueing the delivery.
      const entry = await this.agency.store.inbox.find(job.messageId);
      if (entry?.deliveryStatus === 'pending') await this.enqueueDelivery(job.messageId, null);
    }
    this.logger.log(`${result.outcome} ${job.type} message=${job.messageId} handoff=${job.handoffId} agency=${agency}`);
    return result.outcome;
  }

  private async enqueueDelivery(messageId: string, priority: Priority | null): Promise<void> {
    const agency = this.agency.code;
    const known = priority ?? (await this.agency.store.messages.findVisible(messageId))?.priority ?? 'normal';
    await this.driver.publish({ queue: deliveryQueueName(agency), name: DELIVER_TO_UNIT_SYSTEM, id: messageId, data: { agency, messageId }, priority: known });
  }
}
