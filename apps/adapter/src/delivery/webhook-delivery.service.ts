import { Inject, Injectable, Logger } from '@nestjs/common';
import { unitSystemBody } from '#units';
import type { DeliveryJobData } from '#contracts';
import { adapterConfig, type AdapterSettings, CLOCK, type Clock } from '#config';
import { BusMetrics } from '#observability';
import { activeCryptoSuite } from '#security';
import { type ConsumeOutcome, GroupCommit, type GroupCommitOptions, type JobContext, PermanentMessageError, SIGNATURE_HEADER, signWebhook } from '#bus';
import { UnitContext } from '../api/unit.context.js';

/** Successful deliveries recorded per transaction at most; the delivery worker's concurrency. */
export const DELIVERY_BATCH = 8;
/** How the recording of deliveries forms batches; a provider, so a test can widen the window. */
export const DELIVERY_GROUP_COMMIT = Symbol('DELIVERY_GROUP_COMMIT');
export const DEFAULT_DELIVERY_GROUP_COMMIT: GroupCommitOptions = { maxBatch: DELIVERY_BATCH, windowMs: 2 };

/** A webhook delivery the unit's system accepted, to be recorded. */
interface Delivered {
  messageId: string;
  handoffId: string;
}

/**
 * POSTs an inbox entry to the unit's own system, in the unit's field names, signed with its
 * secret. A non-2xx answer or a network error throws, so the queue retries with backoff; the last
 * attempt marks the entry failed and dead-letters the job. Pull-mode entries are never queued here.
 *
 * A delivery accepted by the unit's system is recorded with its evidence in one transaction, and
 * deliveries accepted concurrently share it (group commit): one update of their inbox
 * rows, one append to the evidence log, one commit; never a delivery recorded without its
 * evidence, which two commits would allow a crash between.
 */
@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);

  private readonly delivered: GroupCommit<Delivered>;

  constructor(
    private readonly agency: UnitContext,
    @Inject(adapterConfig.KEY) private readonly settings: AdapterSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly metrics: BusMetrics,
    @Inject(DELIVERY_GROUP_COMMIT) batching: GroupCommitOptions,
  ) {
    this.delivered = new GroupCommit<Delivered>(
      (items) => this.recordDelivered(items),
      (item) => this.recordDelivered([item]),
      batching,
    );
    if (settings.delivery.mode === 'webhook') metrics.declareDeliveryChannel('unit-webhook');
  }

  async deliver(data: DeliveryJobData, context: JobContext): Promise<ConsumeOutcome> {
    const { agency, delivery } = this.settings;
    if (data.agency !== agency || delivery.mode !== 'webhook') {
      throw new PermanentMessageError(`delivery job for ${data.agency} reached ${agency} (${delivery.mode})`);
    }
    const { inbox, messages } = this.agency.store;
    const entry = await inbox.find(data.messageId);
    if (!entry) throw new PermanentMessageError(`no inbox entry ${data.messageId}`);
    if (entry.deliveryStatus === 'delivered') return 'duplicate';
    const envelope = await messages.findVisible(data.messageId);
    if (!envelope) throw new PermanentMessageError(`message ${data.messageId} is not in the database`);

    const body = JSON.stringify(unitSystemBody(agency, envelope));
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let failure: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-bus-message-id': envelope.id,
          'x-bus-message-type': envelope.type,
          [SIGNATURE_HEADER]: signWebhook(delivery.secret, body, timestamp, activeCryptoSuite().mac),
        },
        body,
        signal: AbortSignal.timeout(this.settings.deliveryTimeoutMs),
      });
      if (!response.ok) failure = `HTTP ${response.status}`;
    } catch (error) {
      failure = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (failure) await inbox.recordDeliveryAttempt(data.messageId, failure, context.isLastAttempt, this.clock.now());
    else await this.delivered.submit({ messageId: envelope.id, handoffId: envelope.handoffId }); // resolves once committed
    this.metrics.deliveryAttempt('unit-webhook', failure ? 'failed' : 'delivered');
    const ids = { messageId: envelope.id, handoffId: envelope.handoffId, attempt: context.attempt };
    if (failure) {
      this.logger.warn({ msg: `webhook delivery failed message=${envelope.id} handoff=${envelope.handoffId} attempt=${ids.attempt}: ${failure}`, ...ids });
      throw new Error(`webhook delivery of ${envelope.id} failed: ${failure}`);
    }
    this.logger.debug({ msg: `delivered ${envelope.type} message=${envelope.id} handoff=${envelope.handoffId} to ${agency}'s system`, ...ids });
    return 'processed';
  }

  private async recordDelivered(items: readonly Delivered[]): Promise<void> {
    const agency = this.settings.agency;
    await this.agency.store.transaction(async (store) => {
      await store.inbox.recordDelivered(
        items.map((item) => item.messageId),
        this.clock.now(),
      );
      // The person's data left the bus for the unit's system: the evidence log has it.
      await store.audit.append(
        items.map((item) => ({ actor: `${agency} adapter`, agency, handoffId: item.handoffId, action: 'person-data.delivered', reason: `webhook to ${agency}'s system (message ${item.messageId})` })),
      );
    });
  }
}
