import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type BusJobData,
  DELIVER_TO_UNIT_SYSTEM,
  deliveryQueueName,
  type Priority,
  MessageType,
} from '#contracts';
import { checkReceivedPayload } from '#agencies';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { applyInboxMessage } from '#handoffs';
import { type ConsumeOutcome, deliveryJobId, type HandlerMap, OutboxRelay, PermanentMessageError, QUEUE_DRIVER, type QueueDriver } from '#bus';
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
      // A duplicate confirms too: a republication whose first job succeeded must leave the message
      // consumed, or the reconciler would find it unconsumed again and again.
      await store.outbox.confirmReceived(job.messageId, this.clock.now());
      if (!fresh) return { outcome: 'duplicate' as const };
      const envelope = await store.messages.findVisible(job.messageId);
      if (!envelope) throw new PermanentMessageError(`message ${job.messageId} is not in the database`);
      // Validated where consumed, not only where produced (ARCHITECTURE §5): the schema for what the
      // unit's projection carries, and nothing beyond it (第二十四条: a sender that did not project is refused).
      const checked = checkReceivedPayload(agency, envelope);
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
    }
    // A duplicate whose first run died between its commit and queueing the delivery is left to the
    // reconciler, which queues the delivery under a new job id once it finds no live job.
    this.logger.debug(`${result.outcome} ${job.type} message=${job.messageId} handoff=${job.handoffId} agency=${agency}`);
    return result.outcome;
  }

  /** The first delivery job of a message (job id = message id; a reconciler's republication is <id>.r<n>). */
  private async enqueueDelivery(messageId: string, priority: Priority): Promise<void> {
    const agency = this.agency.code;
    await this.driver.publish({ queue: deliveryQueueName(agency), name: DELIVER_TO_UNIT_SYSTEM, id: deliveryJobId(messageId, 0), data: { agency, messageId }, priority });
  }
}
